#!/usr/bin/env bash
# Watermarks per partition and idle partitions, and partitions added while a
# job reads: records of one key land in one partition of two; the other,
# idle after 'table.exec.source.idle-timeout' without data, does not hold the
# watermark back, so the window closes. Partitions added to the topic are
# found and read from their start.
set -euo pipefail
source "$(dirname "$0")/kafka_test_lib.sh"

topic=partitions-$run_id
create_topic "$topic" 2
keyed() {  # <key> <first id> <count> <first second>
  awk -v k="$1" -v first="$2" -v n="$3" -v s="$4" 'BEGIN {
    for (i = 0; i < n; i++) printf "%s\t{\"id\":%d,\"ts\":\"2024-03-01 10:00:%02d\"}\n", k, first + i, s + i
  }' | produce "$topic" keyed
}
"$tiangong" run --verbose "$(dirname "$0")/partitions_job.sql" -D BOOTSTRAP="$BOOTSTRAP" \
  -D TOPIC="$topic" -D parallelism.default=1 -D table.exec.source.idle-timeout=500ms \
  >"$work/job.log" 2>&1 &
pid=$!
wait_for() {  # <pattern> <count>
  for _ in $(seq 300); do
    [ "$(grep -c "$1" "$work/job.log" 2>/dev/null)" -ge "$2" ] 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
# Both partitions are idle once the reader has had them for the idle timeout
# without data.
wait_for "reads Kafka partitions" 2 || fail "the job did not start reading"
sleep 1
# Seconds 0..11 under one key: one partition only; second 11 passes the end
# of the first window, which closes although the other partition has no data.
keyed same 1 12 0
wait_for '^window> +I\[2024-03-01T10:00, 10\]$\|^window> +I\[2024-03-01 10:00:00, 10\]$' 1 ||
  fail "the first window did not close once the empty partition was idle: $(grep '^window' "$work/job.log" | head -3)"

# A third partition: keys spread over all three; the reader finds the new one.
kafka_tool topics --alter --topic "$topic" --partitions 3 >/dev/null
# The broker learns of the new partition shortly after the change.
for _ in $(seq 100); do
  kafka_tool offsets --topic "$topic" 2>/dev/null | grep -q "^$topic:2:" && break
  sleep 0.2
done
awk 'BEGIN { for (i = 0; i < 60; i++) printf "k%d\t{\"id\":%d,\"ts\":\"2024-03-01 10:00:%02d\"}\n", i, 100 + i, 12 + i % 5 }' |
  produce "$topic" keyed
wait_for '^record> +I\[' 72 || fail "only $(grep -c '^record> +I\[' "$work/job.log") of 72 records were read"
grep -q '^record> +I\[[0-9]*, 2\]$' "$work/job.log" || fail "nothing was read from the added partition 2"
grep -q "reading new Kafka partition $topic-2 from its earliest offset" "$work/job.log" ||
  fail "the new partition was not reported"
kill -TERM "$pid"
wait "$pid" || fail "the job did not stop cleanly"
[ "$(grep -c '^record> +I\[' "$work/job.log")" -eq 72 ] || fail "records were read more than once"
[ "$failures" -eq 0 ] || tail -30 "$work/job.log"
finish
