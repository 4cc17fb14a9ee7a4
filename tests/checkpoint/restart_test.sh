#!/usr/bin/env bash
# In-process restarts: a job reads CSV files as they appear in a directory.
# A file with a row that does not parse makes it fail; its fixed-delay restart
# strategy restarts it from its latest checkpoint again and again until the
# file is corrected, after which it reads on. Stopped at the end, it must have
# committed every row of every file exactly once. With a strategy of 2
# attempts and a file that stays broken, the job fails after 2 restarts with
# the parse error.
# Usage: restart_test.sh <path to tiangong>
set -uo pipefail
source "$(dirname "$0")/checkpoint_test_lib.sh"
job_sql="$(dirname "$0")/restart_job.sql"

# Writes <rows> readings of sensor <name> to <file>, atomically (the source
# skips hidden files).
write_readings() {  # <file> <name> <rows>
  local file=$1 hidden
  hidden="$(dirname "$file")/.$(basename "$file")"
  seq "$3" | sed "s/^/$2,/" >"$hidden"
  mv "$hidden" "$file"
}

# Waits until the job committed <rows> rows; false after 60 s or when the job
# `pid` ended first.
wait_for_rows() {  # <dir> <rows>
  for _ in $(seq 600); do
    [ "$(committed_rows "$1" 2>/dev/null | wc -l)" -ge "$2" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

start_restarting_job() {  # <dir> <attempts>
  TZ=UTC "$tiangong" run --verbose "$job_sql" -D DIR="$1" -D ATTEMPTS="$2" >"$1.log" 2>&1 &
  pid=$!
}

# Recovers: the broken file is corrected while the job keeps failing on it.
dir="$work/recovers"
mkdir -p "$dir/in"
write_readings "$dir/in/a.csv" alpha 2000
start_restarting_job "$dir" 1000
wait_for_rows "$dir" 2000 || fail "the rows of the first file were not committed: $(tail -3 "$dir.log")"
{
  seq 500 | sed 's/^/beta,/'
  echo "beta,not-a-number"
  seq 501 1000 | sed 's/^/beta,/'
} >"$dir/in/.b.csv"
mv "$dir/in/.b.csv" "$dir/in/b.csv"
wait_for_line "$dir.log" "restarts in .*" || fail "the job did not restart: $(tail -3 "$dir.log")"
wait_for_line "$dir.log" "restores from checkpoint" ||
  fail "the restart did not restore a checkpoint: $(tail -3 "$dir.log")"
grep -q "not-a-number" "$dir.log" || fail "the failure does not name the bad value: $(grep -m1 failed "$dir.log")"
write_readings "$dir/in/b.csv" beta 1000
write_readings "$dir/in/c.csv" gamma 3000
wait_for_rows "$dir" 6000 || fail "the job did not read on after the fix: $(tail -3 "$dir.log")"
"$tiangong" status restarting --json >"$work/status.json" 2>&1
grep -Eq '"restarts": [1-9]' "$work/status.json" || fail "the status shows no restarts: $(grep restarts "$work/status.json")"
"$tiangong" stop restarting >/dev/null 2>&1 || fail "tiangong stop failed"
wait "$pid" || fail "the job did not stop cleanly: $(tail -3 "$dir.log")"
grep -Eq "stopped in .*, [1-9][0-9]* restarts" "$dir.log" ||
  fail "the summary does not count the restarts: $(tail -1 "$dir.log")"
{
  seq 2000 | sed 's/^/alpha,/'
  seq 1000 | sed 's/^/beta,/'
  seq 3000 | sed 's/^/gamma,/'
} | sort >"$work/expected"
expect_reference_rows "$dir" "after restarts on a broken file"

# Gives up: the file stays broken.
dir="$work/gives-up"
mkdir -p "$dir/in"
printf 'delta,1\ndelta,x\n' >"$dir/in/a.csv"
start_restarting_job "$dir" 2
wait "$pid" && fail "a job whose input stays broken did not fail"
[ "$(grep -c "restarts in" "$dir.log")" -eq 2 ] ||
  fail "the job did not restart exactly twice: $(grep -c "restarts in" "$dir.log") restarts"
grep -q "gives up" "$dir.log" || fail "no log line says the restart strategy gave up"
grep -q "ERROR.*a.csv', line 2: column .reading.: cannot parse 'x'" "$dir.log" ||
  fail "the final error does not name the file, line, column and value: $(tail -1 "$dir.log")"
finish restart_test
