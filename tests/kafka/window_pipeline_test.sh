#!/usr/bin/env bash
# The typical pipeline: JSON metrics with nested fields in a topic of three
# partitions, a 10-second TUMBLE window aggregation per host, results to
# another topic. Every window's result is checked against the input.
set -euo pipefail
source "$(dirname "$0")/kafka_test_lib.sh"

in=metrics-$run_id
out=per-window-$run_id
create_topic "$in" 3
create_topic "$out" 1

# 3000 samples over 5 minutes from 7 hosts; cpu and mem vary by sample.
awk 'BEGIN {
  for (i = 0; i < 3000; i++) {
    s = i * 0.1; m = int(s / 60); sec = s - m * 60
    printf "{\"host\":\"h%d\",\"metrics\":{\"cpu\":%d,\"mem\":%d},\"ts\":\"2024-03-01 10:%02d:%06.3f\"}\n",
      i % 7, (i * 37) % 101, (i * 53) % 1009, m, sec
  }
}' >"$work/input.jsonl"
produce "$in" <"$work/input.jsonl"

# Expected: one line per window and host.
awk -F'[":,{}]+' '{
  host = $3; cpu = $6; mem = $8; ts = $10 ":" $11 ":" $12
  split(ts, t, ":"); sec = t[3] + 0; start = sprintf("%s:%02d", t[1] ":" t[2], int(sec / 10) * 10)
  key = start "," host; n[key]++; c[key] += cpu; if (mem > p[key]) p[key] = mem
} END { for (k in n) printf "%s,%d,%d,%d\n", k, n[k], c[k], p[k] }' "$work/input.jsonl" |
  sed -E 's/^([0-9-]+ [0-9]+:[0-9]+:[0-9]+)/"\1"/' | sort >"$work/expected"

if ! run_job "$work/job.log" "$(dirname "$0")/window_pipeline.sql" -D IN="$in" -D OUT="$out" \
  -D GROUP="g-$run_id" -D BOUNDED=latest-offset -D GUARANTEE=at-least-once \
  -D parallelism.default=2; then
  cat "$work/job.log"
  fail "the pipeline job failed"
fi
consume_committed "$out" "$(wc -l <"$work/expected")" | sort >"$work/actual"
windows=$(wc -l <"$work/expected")
[ "$windows" -gt 200 ] || fail "expected more than 200 windows, the input makes $windows"
if ! diff "$work/expected" "$work/actual" >"$work/diff"; then
  head -20 "$work/diff"
  fail "the windows differ from the input's (< expected, > written)"
fi
finish
