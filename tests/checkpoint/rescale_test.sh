#!/usr/bin/env bash
# Stop and change of parallelism: the job runs on 2 subtasks and is stopped
# with SIGTERM, which takes a last checkpoint and ends without draining. The
# next run, on 3 subtasks, restores that checkpoint (its window and join state
# split by key group, the source positions dealt out again) and runs to the
# end; it is stopped once more and finished on 1 subtask. The committed rows
# must equal an uninterrupted run's.
# Usage: rescale_test.sh <path to tiangong>
set -uo pipefail
source "$(dirname "$0")/checkpoint_test_lib.sh"
TPS=4000
EVENTS=60000

make_reference
for parallelism in 2 3; do
  PARALLELISM=$parallelism start_job "$work/job" "$work/job.$parallelism.log"
  wait_for_line "$work/job.$parallelism.log" "checkpoint .* complete" ||
    fail "no checkpoint at parallelism $parallelism: $(tail -3 "$work/job.$parallelism.log")"
  kill -TERM "$pid"
  wait "$pid" || fail "the run at parallelism $parallelism did not stop cleanly: $(tail -3 "$work/job.$parallelism.log")"
  grep -q "stopped" "$work/job.$parallelism.log" ||
    fail "the run at parallelism $parallelism did not report a stop: $(tail -1 "$work/job.$parallelism.log")"
done
PARALLELISM=1 run_to_end "$work/job" || fail "the run at parallelism 1 failed: $(tail -3 "$work/job.log")"
grep -q "restores from checkpoint" "$work/job.3.log" || fail "the run at parallelism 3 did not restore"
grep -q "restores from checkpoint" "$work/job.log" || fail "the run at parallelism 1 did not restore"
expect_reference_rows "$work/job" "after stops and restores at parallelism 2, 3 and 1"
finish rescale_test
