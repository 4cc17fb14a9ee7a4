#!/usr/bin/env bash
# The Kafka sink's partitioners, key format and written metadata (record time
# and headers), read back through the source; and each delivery guarantee
# delivers everything when the input ends.
set -euo pipefail
source "$(dirname "$0")/kafka_test_lib.sh"

# Writes with <partitioner> and <guarantee> at parallelism 2 into a new topic
# of three partitions and reads it back; the rows, "k, id, p, ts, origin",
# sorted by id, in <out>.
write_and_read() {  # <out> <partitioner> <guarantee>
  local topic=sink-$2-$3-$run_id
  create_topic "$topic" 3
  local args=(-D TOPIC="$topic" -D PARTITIONER="$2" -D GUARANTEE="$3" -D parallelism.default=2
    -D execution.checkpointing.interval=1s -D state.checkpoints.dir="$work/checkpoints-$2-$3")
  run_job "$1.write.log" "$(dirname "$0")/sink_job.sql" -D TARGET=written -D SOURCE=to_write \
    "${args[@]}" ||
    { cat "$1.write.log"; fail "writing with $2, $3 failed"; }
  run_job "$1.read.log" "$(dirname "$0")/sink_job.sql" -D TARGET=printed -D SOURCE=to_print \
    "${args[@]}" || { cat "$1.read.log"; fail "reading back failed"; }
  sed -nE 's/^([0-9]+> )?\+I\[(.*)\]$/\2/p' "$1.read.log" | sort -t, -k2n >"$1"
  [ "$(wc -l <"$1")" -eq 300 ] || fail "$2, $3: $(wc -l <"$1") rows read back, expected 300"
}
partitions_of() { awk -F', ' '{ print $3 }' "$1" | sort -u | tr '\n' ' '; }

# default: the key's hash; every key stays in one partition.
write_and_read "$work/default" default at-least-once
keys_split=$(awk -F', ' '{ print $1, $3 }' "$work/default" | sort -u | awk '{ print $1 }' | uniq -d)
[ -z "$keys_split" ] || fail "default partitioner: keys in several partitions: $keys_split"
[ "$(partitions_of "$work/default" | wc -w)" -ge 2 ] || fail "default partitioner: one partition only"
# Record time, header and key came back.
grep -q '^key5, 5, [0-2], 2023-11-14T22:13:20.005Z, sink-test$' "$work/default" ||
  fail "record 5 did not come back with key, time and header: $(grep '^key5, 5,' "$work/default")"

# fixed: writer i writes to partition i (two writers, three partitions).
write_and_read "$work/fixed" fixed exactly-once
[ "$(partitions_of "$work/fixed")" = "0 1 " ] || fail "fixed partitioner wrote to partitions $(partitions_of "$work/fixed")"

# round-robin: the partitions in turn.
write_and_read "$work/round-robin" round-robin none
for p in 0 1 2; do
  n=$(awk -F', ' -v p=$p '$3 == p' "$work/round-robin" | wc -l)
  [ "$n" -ge 90 ] && [ "$n" -le 110 ] || fail "round-robin wrote $n of 300 rows to partition $p"
done
finish
