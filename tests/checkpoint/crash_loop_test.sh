#!/usr/bin/env bash
# Exactly-once recovery: the window-and-join job (window_join_job.sql, 2
# subtasks, checkpoints every second, exactly-once filesystem sink) is killed
# with SIGKILL at random moments at least 20 times and started again each
# time, until a run reaches the end. What its sink committed must equal, as a
# multiset of rows, what an uninterrupted run commits: no row lost, none
# duplicated.
# Usage: crash_loop_test.sh <path to tiangong>
set -uo pipefail
source "$(dirname "$0")/checkpoint_test_lib.sh"
# 30 s of events, paced.
TPS=4000
EVENTS=120000

make_reference

kills=0
runs=0
while true; do
  runs=$((runs + 1))
  start_job "$work/crashing" "$work/crashing.log"
  # At least 20 kills, and on a loaded machine (slow starts) more, until 10
  # runs restored a checkpoint; never more than 60.
  restored=$(grep -c "restores from checkpoint" "$work/crashing.log")
  if [ "$kills" -lt 60 ] && { [ "$kills" -lt 20 ] || [ "$restored" -lt 10 ]; }; then
    # Between 0.6 and 2.6 s: more than half of the runs complete a checkpoint
    # (one a second) and commit output before they die, and 20 runs cover
    # about half of the input.
    delay=$((600 + RANDOM % 2000))
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  status=$?
  if [ "$status" -eq 0 ]; then break; fi
  if [ "$status" -ne 137 ]; then
    fail "run $runs exited with status $status: $(tail -3 "$work/crashing.log")"
    break
  fi
  kills=$((kills + 1))
  if [ "$runs" -gt 200 ]; then
    fail "the job did not finish in 200 runs"
    break
  fi
done

restores=$(grep -c "restores from checkpoint" "$work/crashing.log")
echo "runs: $runs, SIGKILLs: $kills, runs that restored a checkpoint: $restores"
[ "$kills" -ge 20 ] || fail "only $kills runs were killed before the job finished"
[ "$restores" -ge 10 ] || fail "only $restores runs restored a checkpoint"
expect_reference_rows "$work/crashing" "after $kills SIGKILLs"
if [ -n "$(ls -A "$work/crashing/checkpoints" 2>/dev/null)" ]; then
  fail "the finished job left its checkpoints behind: $(ls "$work/crashing/checkpoints")"
fi
finish crash_loop_test
