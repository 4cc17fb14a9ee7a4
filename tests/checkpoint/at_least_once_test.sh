#!/usr/bin/env bash
# 'execution.checkpointing.mode' = 'AT_LEAST_ONCE': barriers are not aligned,
# so after a restart some rows may count twice, but none is lost. The job is
# killed five times after a checkpoint and run to its end; every
# (auction, window) row of an uninterrupted run must be committed, with at
# least as many bids, and the same seller and category.
# Usage: at_least_once_test.sh <path to tiangong>
set -uo pipefail
source "$(dirname "$0")/checkpoint_test_lib.sh"
TPS=4000
EVENTS=60000
MODE=AT_LEAST_ONCE

make_reference
for run in 1 2 3 4 5; do
  start_job "$work/job" "$work/job.log"
  wait_for_line "$work/job.log" "checkpoint $((run * 2)) complete" ||
    fail "run $run completed no checkpoint: $(tail -3 "$work/job.log")"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
done
start_job "$work/job" "$work/job.log"
wait "$pid" || fail "the last run failed: $(tail -3 "$work/job.log")"
[ "$(grep -c "restores from checkpoint" "$work/job.log")" -eq 5 ] ||
  fail "not every restart restored a checkpoint: $(grep restores "$work/job.log")"

# auction,window_start -> bids,top_price,seller,category; each committed key
# must be expected, and each expected one committed with at least its bids.
committed_rows "$work/job" >"$work/actual"
awk -F, '
  NR == FNR { expected[$1 "," $2] = $0; next }
  {
    key = $1 "," $2
    if (!(key in expected)) { print "unexpected row: " $0; bad++; next }
    split(expected[key], e, ",")
    if ($3 < e[3] || $5 != e[5] || $6 != e[6]) { print "row " $0 " vs expected " expected[key]; bad++ }
    seen[key] = 1
  }
  END {
    for (key in expected) if (!(key in seen)) { print "lost: " expected[key]; bad++ }
    exit bad > 0
  }' "$work/expected" "$work/actual" | head -10
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "the committed rows lose or alter rows of an uninterrupted run"
finish at_least_once_test
