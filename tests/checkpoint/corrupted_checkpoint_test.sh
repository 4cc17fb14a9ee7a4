#!/usr/bin/env bash
# A corrupt or partial checkpoint is detected and skipped: the job is killed
# after its fourth checkpoint; then a state file of the newest checkpoint is
# truncated (found when its metadata is loaded), one byte of a state file of
# the one before is changed in place (same size: found by its checksum while
# the restore reads it), and the _metadata of the one before that is
# truncated. The next run must log why it skips each, restore the oldest, and
# commit exactly the rows of an uninterrupted run. (Each damaged file is one
# the checkpoints before it do not list; later ones may, as the chain of an
# incremental checkpoint lists the files before it.)
# Usage: corrupted_checkpoint_test.sh <path to tiangong>
set -uo pipefail
source "$(dirname "$0")/checkpoint_test_lib.sh"
TPS=4000
EVENTS=40000

make_reference
start_job "$work/job" "$work/job.log"
wait_for_line "$work/job.log" "checkpoint 4 complete" || fail "no fourth checkpoint: $(tail -3 "$work/job.log")"
kill -9 "$pid"
wait "$pid" 2>/dev/null

checkpoints=$(ls -d "$work"/job/checkpoints/*/chk-* | sort -t- -k2 -n)
newest=$(echo "$checkpoints" | tail -1)
third=$(echo "$checkpoints" | tail -2 | head -1)
second=$(echo "$checkpoints" | tail -3 | head -1)
oldest=$(echo "$checkpoints" | tail -4 | head -1)
id_of() { basename "$1" | cut -d- -f2; }
# A state file only checkpoint <dir> has: written after the _metadata of the
# one before (incremental checkpoints keep their files in shared/).
own_state_file() {  # <dir> <the one before>
  find "$1/.." -name '*.state' -size +0 -newer "$2/_metadata" ! -newer "$1/_metadata" | head -1
}
truncated=$(own_state_file "$newest" "$third")
changed=$(own_state_file "$third" "$second")
[ -n "$truncated" ] || fail "the newest checkpoint has no state file of its own"
[ -n "$changed" ] || fail "the third checkpoint has no state file of its own"
size=$(stat -c %s "$changed")
# The byte in the middle of the file, xor 0x20.
offset=$((size / 2))
byte=$(od -An -tu1 -j "$offset" -N1 "$changed" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 32)))" | dd of="$changed" bs=1 seek="$offset" conv=notrunc 2>/dev/null
[ "$(stat -c %s "$changed")" = "$size" ] || fail "changing a byte changed the size"
truncate -s $(($(stat -c %s "$truncated") / 2)) "$truncated"
truncate -s 20 "$second/_metadata"

# The restarted run goes to the end unpaced, logging to $work/job.log.
run_to_end "$work/job" || fail "the restarted run failed: $(tail -3 "$work/job.log")"
grep -q "Skipping checkpoint $(id_of "$newest") .*$(basename "$truncated")" "$work/job.log" ||
  fail "no log line names the truncated state file: $(grep -i skipping "$work/job.log")"
grep -q "Skipping checkpoint $(id_of "$third") .*$(basename "$changed")' is corrupt" "$work/job.log" ||
  fail "no log line names the changed state file of the third checkpoint: $(grep -i skipping "$work/job.log")"
grep -q "Skipping checkpoint $(id_of "$second") .*_metadata" "$work/job.log" ||
  fail "no log line names the truncated _metadata: $(grep -i skipping "$work/job.log")"
grep -q "restores from checkpoint $(id_of "$oldest") " "$work/job.log" ||
  fail "the run did not restore the oldest checkpoint: $(grep restores "$work/job.log")"
expect_reference_rows "$work/job" "after restoring past three damaged checkpoints"
finish corrupted_checkpoint_test
