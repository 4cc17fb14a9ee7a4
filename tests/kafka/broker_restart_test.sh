#!/usr/bin/env bash
# The broker restarts while an exactly-once job copies records between two
# topics: the job rides it out (or restarts from its checkpoint) and the
# output holds every record exactly once. Runs alone (RUN_SERIAL): the broker
# is shared.
set -euo pipefail
source "$(dirname "$0")/kafka_test_lib.sh"

in=restart-in-$run_id
out=restart-out-$run_id
create_topic "$in" 2
create_topic "$out" 2
write() {  # <first id> <count>
  awk -v first="$1" -v n="$2" \
    'BEGIN { for (i = first; i < first + n; i++) printf "{\"id\":%d,\"payload\":\"p%d\"}\n", i, i }' |
    produce "$in"
}

write 1 10000
TZ=UTC "$tiangong" run --verbose "$(dirname "$0")/exactly_once_job.sql" -D BOOTSTRAP="$BOOTSTRAP" \
  -D IN="$in" -D OUT="$out" -D CHECKPOINTS="$work/checkpoints" -D BOUNDED=unbounded \
  -D RESTARTS=fixed-delay -D restart-strategy.fixed-delay.attempts=100 \
  -D restart-strategy.fixed-delay.delay=1s -D parallelism.default=2 >"$work/job.log" 2>&1 &
pid=$!
consume_committed "$out" 10000 | wc -l | grep -qx 10000 || fail "the first records did not arrive"

"$repo/scripts/test-env" down kafka >/dev/null
sleep 2
"$repo/scripts/test-env" up kafka >/dev/null
write 10001 10000
# The clients reconnect with a growing backoff: allow a minute.
consume_committed "$out" 20000 60 | wc -l | grep -qx 20000 ||
  fail "the records written after the broker restarted did not all arrive"
kill -TERM "$pid"
wait "$pid" || fail "the job did not stop cleanly: $(tail -5 "$work/job.log")"

consume_committed "$out" 20001 | cut -d, -f1 | sort -n >"$work/ids"
[ "$(wc -l <"$work/ids")" -eq 20000 ] || fail "the output has $(wc -l <"$work/ids") records, expected 20000"
[ "$(uniq <"$work/ids" | wc -l)" -eq 20000 ] || fail "some records were written twice"
[ "$(head -1 "$work/ids"),$(tail -1 "$work/ids")" = "1,20000" ] || fail "ids out of range"
echo "job restarts: $(grep -c "restores from checkpoint" "$work/job.log" || true)"
finish
