#!/usr/bin/env bash
# A corrupt or partial checkpoint is detected and skipped: the job is killed
# after its third checkpoint; then a state file of the newest checkpoint gets
# truncated, and the _metadata of the one before it. The next run must log why
# it skips each, restore the oldest, and commit exactly the rows of an
# uninterrupted run.
# Usage: corrupted_checkpoint_test.sh <path to tiangong>
set -uo pipefail
source "$(dirname "$0")/checkpoint_test_lib.sh"
TPS=4000
EVENTS=40000

make_reference
start_job "$work/job" "$work/job.log"
wait_for_line "$work/job.log" "checkpoint 3 complete" || fail "no third checkpoint: $(tail -3 "$work/job.log")"
kill -9 "$pid"
wait "$pid" 2>/dev/null

checkpoints=$(ls -d "$work"/job/checkpoints/*/chk-* | sort -t- -k2 -n)
newest=$(echo "$checkpoints" | tail -1)
second=$(echo "$checkpoints" | tail -2 | head -1)
oldest=$(echo "$checkpoints" | tail -3 | head -1)
# A state file only the newest checkpoint has: written after the _metadata of
# the one before (incremental checkpoints keep their files in shared/).
state_file=$(find "$newest/.." -name '*.state' -newer "$second/_metadata" ! -newer "$newest/_metadata" |
  head -1)
[ -n "$state_file" ] || fail "the newest checkpoint has no state file of its own"
truncate -s $(($(stat -c %s "$state_file") / 2)) "$state_file"
truncate -s 20 "$second/_metadata"

# The restarted run goes to the end unpaced, logging to $work/job.log.
run_to_end "$work/job" || fail "the restarted run failed: $(tail -3 "$work/job.log")"
grep -q "Skipping checkpoint $(basename "$newest" | cut -d- -f2) .*$(basename "$state_file")" "$work/job.log" ||
  fail "no log line names the damaged state file of the newest checkpoint: $(grep -i skipping "$work/job.log")"
grep -q "Skipping checkpoint $(basename "$second" | cut -d- -f2) .*_metadata" "$work/job.log" ||
  fail "no log line names the truncated _metadata: $(grep -i skipping "$work/job.log")"
grep -q "restores from checkpoint $(basename "$oldest" | cut -d- -f2) " "$work/job.log" ||
  fail "the run did not restore the oldest checkpoint: $(grep restores "$work/job.log")"
expect_reference_rows "$work/job" "after restoring past two damaged checkpoints"
finish corrupted_checkpoint_test
