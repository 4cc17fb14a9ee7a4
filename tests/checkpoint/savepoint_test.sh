#!/usr/bin/env bash
# Savepoints through the CLI and the job control endpoint: the job runs on 2
# subtasks; `tiangong status` reports it and its checkpoints, /metrics has its
# counters, a request that changes state without the job's token is refused,
# `tiangong savepoint` writes a savepoint, and `tiangong stop --savepoint-path`
# stops the job at one. The job then resumes with `--from-savepoint` on 3
# subtasks, is stopped with a savepoint again, and finishes on 1 subtask. The
# committed rows must equal an uninterrupted run's. A job without the
# window aggregation and the join cannot start from the savepoint unless
# --allow-non-restored-state is given.
# Usage: savepoint_test.sh <path to tiangong>
set -uo pipefail
source "$(dirname "$0")/checkpoint_test_lib.sh"
TPS=4000
EVENTS=60000

# Waits until `tiangong status` answers for the job; false after 60 s or when
# the job `pid` ended first.
wait_for_status() {
  for _ in $(seq 600); do
    "$tiangong" status window-join >"$work/status" 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Stops the running job with a savepoint; `savepoint` is its path.
stop_with_savepoint() {  # <what>
  "$tiangong" stop window-join --savepoint-path "$work/savepoints" >"$work/stop" 2>&1 ||
    fail "$1: tiangong stop failed: $(cat "$work/stop")"
  savepoint=$(sed -n 's/^Savepoint completed. Path: //p' "$work/stop")
  [ -f "$savepoint/_metadata" ] || fail "$1: no savepoint at '$savepoint'"
}

make_reference

PARALLELISM=2 start_job "$work/job" "$work/job.2.log"
wait_for_status || fail "tiangong status never found the job: $(cat "$work/status")"
wait_for_line "$work/job.2.log" "checkpoint .* complete" ||
  fail "no checkpoint at parallelism 2: $(tail -3 "$work/job.2.log")"
"$tiangong" list >"$work/list" 2>&1
grep -q "window-join" "$work/list" || fail "tiangong list does not show the job: $(cat "$work/list")"
"$tiangong" status window-join >"$work/status" 2>&1
grep -q "RUNNING" "$work/status" || fail "the status is not RUNNING: $(head -3 "$work/status")"
grep -Eq "^Checkpoints: [1-9][0-9]* completed" "$work/status" ||
  fail "the status shows no completed checkpoint: $(grep Checkpoints "$work/status")"

# The endpoint itself: metrics without a token, state changes only with it.
endpoint=$(sed -n 's/.*endpoint \(http:[^ ]*\).*/\1/p' "$work/status" | head -1)
curl -sf "$endpoint/metrics" >"$work/metrics" || fail "GET $endpoint/metrics failed"
grep -Eq '^tiangong_operator_records_out_total\{.*job_name="window-join".*operator="Source-0"\} [1-9]' \
  "$work/metrics" || fail "the metrics have no rows read by Source-0"
grep -Eq '^tiangong_checkpoints_completed_total\{.*\} [1-9]' "$work/metrics" ||
  fail "the metrics count no completed checkpoint"
grep -q '^# TYPE tiangong_task_backpressured_seconds_total counter' "$work/metrics" ||
  fail "the metrics have no backpressure family"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$endpoint/jobs/window-join/stop")
[ "$code" = 401 ] || fail "a stop without the token got HTTP $code, not 401"
kill -0 "$pid" 2>/dev/null || fail "the job ended after a stop without the token"

"$tiangong" savepoint window-join "$work/savepoints" >"$work/savepoint" 2>&1 ||
  fail "tiangong savepoint failed: $(cat "$work/savepoint")"
intermediate=$(sed -n 's/^Savepoint completed. Path: //p' "$work/savepoint")
[ -f "$intermediate/_metadata" ] || fail "no savepoint at '$intermediate'"

stop_with_savepoint "parallelism 2"
wait "$pid" || fail "the run at parallelism 2 did not stop cleanly: $(tail -3 "$work/job.2.log")"
grep -q "stopped with savepoint $savepoint" "$work/job.2.log" ||
  fail "the run at parallelism 2 did not report its savepoint: $(tail -1 "$work/job.2.log")"
[ -z "$(ls -A "$work/job/checkpoints" 2>/dev/null)" ] ||
  fail "the checkpoints of a job stopped with a savepoint were kept"

PARALLELISM=3 start_job "$work/job" "$work/job.3.log" --from-savepoint "$savepoint"
wait_for_status || fail "the run at parallelism 3 did not start: $(tail -3 "$work/job.3.log")"
grep -q "restores from savepoint" "$work/job.3.log" || fail "the run at parallelism 3 did not restore"
wait_for_line "$work/job.3.log" "checkpoint .* complete" ||
  fail "no checkpoint at parallelism 3: $(tail -3 "$work/job.3.log")"
stop_with_savepoint "parallelism 3"
wait "$pid" || fail "the run at parallelism 3 did not stop cleanly: $(tail -3 "$work/job.3.log")"

# A job without the aggregation and the join has no operator for their state.
sed -e '/^INSERT INTO/,$d' "$job_sql" >"$work/narrower.sql"
echo "INSERT INTO bids_per_window SELECT auction, CAST(NULL AS TIMESTAMP(3)), 1, price, 0, 0 FROM bid;" \
  >>"$work/narrower.sql"
job_sql="$work/narrower.sql" run_to_end "$work/narrower" --from-savepoint "$savepoint" &&
  fail "a job lacking operators of the savepoint started from it"
grep -q "allow-non-restored-state" "$work/narrower.log" ||
  fail "the refusal does not name --allow-non-restored-state: $(tail -1 "$work/narrower.log")"
job_sql="$work/narrower.sql" run_to_end "$work/narrower" --from-savepoint "$savepoint" \
  --allow-non-restored-state || fail "--allow-non-restored-state did not start the narrower job: $(tail -2 "$work/narrower.log")"

PARALLELISM=1 run_to_end "$work/job" --from-savepoint "$savepoint" ||
  fail "the run at parallelism 1 failed: $(tail -3 "$work/job.log")"
grep -q "restores from savepoint" "$work/job.log" || fail "the run at parallelism 1 did not restore"
expect_reference_rows "$work/job" "after savepoints and restores at parallelism 2, 3 and 1"
finish savepoint_test
