#!/usr/bin/env bash
# Changelog formats round trip: Debezium change events (creates, updates,
# deletes) in a topic -> the engine -> an upsert-kafka topic -> the engine.
# The table read from the upsert topic equals the one the events describe.
set -euo pipefail
source "$(dirname "$0")/kafka_test_lib.sh"


cdc=cdc-$run_id
upsert=upsert-$run_id
create_topic "$cdc" 1
create_topic "$upsert" 2

# 300 products; every third one changes weight, every sixth twice; every fifth
# is deleted. Expected: the final rows, "id,name,weight".
awk 'function row(id, w) { return sprintf("{\"id\":%d,\"name\":\"p%d\",\"weight\":%.2f}", id, id, w) }
BEGIN {
  for (i = 1; i <= 300; i++) { w[i] = i + 0.5; printf "{\"before\":null,\"after\":%s,\"op\":\"c\"}\n", row(i, w[i]) }
  for (round = 1; round <= 2; round++)
    for (i = 3 * round; i <= 300; i += 3 * round) {
      printf "{\"before\":%s,\"after\":%s,\"op\":\"u\"}\n", row(i, w[i]), row(i, w[i] + 100)
      w[i] += 100
    }
  for (i = 5; i <= 300; i += 5) { printf "{\"before\":%s,\"after\":null,\"op\":\"d\"}\n", row(i, w[i]); gone[i] = 1 }
  for (i = 1; i <= 300; i++) if (!gone[i]) printf "%d,p%d,%.2f\n", i, i, w[i] > "/dev/stderr"
}' 2>"$work/expected.unsorted" | produce "$cdc"
sort -t, -k1n "$work/expected.unsorted" >"$work/expected"

# The table a printed changelog leaves: +I/+U set a row, -U/-D remove it.
materialize() {  # <log>
  sed -nE 's/^[0-9]*>? ?([-+][IUD])\[([0-9]+), ([^,]*), ([0-9.]+)\]$/\1 \2 \3 \4/p' "$1" |
    awk '{ if ($1 == "+I" || $1 == "+U") t[$2] = $2 "," $3 "," $4; else delete t[$2] }
         END { for (k in t) print t[k] }' | sort -t, -k1n
}
job() {  # <log> <source> <target> [-D settings...]
  local log=$1 source=$2 target=$3
  shift 3
  run_job "$log" "$(dirname "$0")/changelog_roundtrip.sql" -D CDC="$cdc" -D UPSERT="$upsert" \
    -D SOURCE="$source" -D TARGET="$target" -D parallelism.default=2 -D BUFFER_ROWS=0 \
    -D BUFFER_INTERVAL=0 "$@" || { cat "$log"; fail "the job $source -> $target failed"; }
}
# Records in <topic>: the sum of its partitions' end offsets.
records_in() { kafka_tool offsets --topic "$1" 2>/dev/null | awk -F: '{ n += $3 } END { print n }'; }

job "$work/cdc.log" products_cdc printed
materialize "$work/cdc.log" >"$work/from_cdc"
diff -q "$work/expected" "$work/from_cdc" >/dev/null ||
  fail "the debezium-json table differs from the events: $(diff "$work/expected" "$work/from_cdc" | head -5)"

job "$work/write.log" products_cdc products_upsert
job "$work/upsert.log" products_upsert printed
materialize "$work/upsert.log" >"$work/from_upsert"
diff -q "$work/expected" "$work/from_upsert" >/dev/null ||
  fail "the upsert-kafka table differs: $(diff "$work/expected" "$work/from_upsert" | head -5)"
# The upsert topic holds tombstones for the deleted keys.
grep -q -- '-D\[5, p5, 5.50\]$' "$work/upsert.log" || fail "the delete of product 5 was not read back"

# With 'sink.buffer-flush.*' only each key's latest change is written: the
# same table from fewer records.
unbuffered=$(records_in "$upsert")
upsert=upsert-buffered-$run_id
create_topic "$upsert" 2
job "$work/write-buffered.log" products_cdc products_upsert -D BUFFER_ROWS=1000 -D BUFFER_INTERVAL=1s
job "$work/buffered.log" products_upsert printed
materialize "$work/buffered.log" >"$work/from_buffered"
diff -q "$work/expected" "$work/from_buffered" >/dev/null ||
  fail "the buffered upsert-kafka table differs: $(diff "$work/expected" "$work/from_buffered" | head -5)"
buffered=$(records_in "$upsert")
[ "$buffered" -eq 300 ] && [ "$unbuffered" -gt 300 ] ||
  fail "the buffered sink wrote $buffered records (one per key: 300), the unbuffered one $unbuffered"
echo "rows: $(wc -l <"$work/expected")"
finish
