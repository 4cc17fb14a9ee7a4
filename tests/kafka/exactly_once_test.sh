#!/usr/bin/env bash
# Exactly-once end to end: while records keep arriving in a topic, a job
# copying them to another topic through a transactional sink is killed with
# SIGKILL at random moments and started again, six times. A read_committed
# consumer must then see every record exactly once.
set -euo pipefail
source "$(dirname "$0")/kafka_test_lib.sh"

in=eo-in-$run_id
out=eo-out-$run_id
chunks=40
per_chunk=5000
count=$((chunks * per_chunk))
create_topic "$in" 4
create_topic "$out" 3

# The input arrives over about ten seconds.
for chunk in $(seq 0 $((chunks - 1))); do
  awk -v c="$chunk" -v n=$per_chunk \
    'BEGIN { for (i = 1; i <= n; i++) printf "{\"id\":%d,\"payload\":\"p%d\"}\n", c * n + i, c * n + i }'
  sleep 0.25
done | produce "$in" &
producer=$!

job() {
  TZ=UTC "$tiangong" run --verbose "$(dirname "$0")/exactly_once_job.sql" \
    -D BOOTSTRAP="$BOOTSTRAP" -D IN="$in" -D OUT="$out" -D CHECKPOINTS="$work/checkpoints" \
    -D BOUNDED=unbounded -D RESTARTS=none -D parallelism.default=2 >>"$work/job.log" 2>&1 &
  pid=$!
}
for kill in $(seq 6); do
  job
  sleep "$((RANDOM % 2)).$((RANDOM % 10))"
  sleep 0.5
  if ! kill -9 "$pid" 2>/dev/null; then
    tail -20 "$work/job.log"
    fail "run $kill ended before it was killed"
  fi
  wait "$pid" 2>/dev/null || true
done
job
wait "$producer"
# Once every record arrived, the job may stop.
consume_committed "$out" "$count" >/dev/null
kill -TERM "$pid"
wait "$pid" || fail "the last run did not stop cleanly"

grep -q "restores from checkpoint" "$work/job.log" || fail "no run restored from a checkpoint"
consume_committed "$out" $((count + 1)) >"$work/out.csv"
cut -d, -f1 "$work/out.csv" | sort -n >"$work/ids"
total=$(wc -l <"$work/ids")
unique=$(uniq <"$work/ids" | wc -l)
[ "$total" -eq "$count" ] || fail "the output has $total records, expected $count"
[ "$unique" -eq "$count" ] || fail "the output has $unique distinct ids, expected $count"
duplicated=$(uniq -d <"$work/ids" | head -5 | tr '\n' ' ')
[ -z "$duplicated" ] || fail "ids written twice: $duplicated"
bad=$(awk -F, '$2 != "P" $1' "$work/out.csv" | head -3)
[ -z "$bad" ] || fail "records not transformed: $bad"
echo "restores: $(grep -c "restores from checkpoint" "$work/job.log"), lingering transactions aborted: $(grep -c "aborting Kafka transaction" "$work/job.log")"
finish
