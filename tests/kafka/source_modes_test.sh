#!/usr/bin/env bash
# The Kafka source's startup modes, key and value formats, metadata columns
# and offsets committed to the consumer group, each checked against what was
# written; and a malformed record, which fails the job naming topic, partition
# and offset, or is skipped and counted with 'ignore-parse-errors'.
set -euo pipefail
source "$(dirname "$0")/kafka_test_lib.sh"

topic=modes-$run_id
create_topic "$topic" 2

# Keyed records with a header: "source:<batch><TAB>key<TAB>{json}".
write_batch() {  # <batch> <first id> <count>
  awk -v b="$1" -v first="$2" -v n="$3" 'BEGIN {
    for (i = first; i < first + n; i++) printf "source:%s\tk%d\t{\"id\":%d,\"name\":\"n%d\"}\n", b, i % 5, i, i
  }' | kafka_tool produce --topic "$topic" --property parse.key=true --property parse.headers=true \
    >/dev/null
}

# Runs read_job.sql; the printed rows, sorted, in <out>.
read_topic() {  # <out> <startup mode> [-D settings...]
  local out=$1 mode=$2
  shift 2
  if ! run_job "$out.log" "$(dirname "$0")/read_job.sql" -D TOPIC="$topic" -D STARTUP="$mode" \
    -D GROUP="g-$run_id" -D STARTUP_MILLIS=0 -D STARTUP_OFFSETS="partition:0,offset:0" \
    -D IGNORE_ERRORS=false -D BOUNDED=latest-offset -D TOPIC_OPTION=topic -D BOUNDED_MILLIS=0 \
    -D BOUNDED_OFFSETS="partition:0,offset:0" "$@"; then
    cat "$out.log"
    fail "reading with $mode failed"
  fi
  grep '^+I\[' "$out.log" | sort >"$out" || true
}
ids() { sed -E 's/^\+I\[([0-9]+),.*/\1/' "$1" | sort -n | tr '\n' ' '; }

write_batch a 1 20
middle=$(($(date +%s%3N) + 1))
sleep 0.1
write_batch b 21 20

# earliest-offset: everything, with key, partition, offset and header.
read_topic "$work/earliest" earliest-offset
[ "$(wc -l <"$work/earliest")" -eq 40 ] || fail "earliest-offset read $(wc -l <"$work/earliest") records, expected 40"
for id in 1 7 20 21 40; do
  grep -q "^+I\[$id, k$((id % 5)), [01], [0-9]*, $([ $id -le 20 ] && echo a || echo b), true\]" \
    "$work/earliest" || fail "record $id was not read with its key, metadata and header"
done
# Offsets count up from 0 in each partition.
for p in 0 1; do
  offsets=$(awk -F', ' -v p=$p '$3 == p { print $4 }' "$work/earliest" | sort -n | tr '\n' ' ')
  expected=$(seq 0 $(($(awk -F', ' -v p=$p '$3 == p' "$work/earliest" | wc -l) - 1)) | tr '\n' ' ')
  [ "$offsets" = "$expected" ] || fail "partition $p offsets are '$offsets'"
done

# timestamp: only what was written after the instant.
read_topic "$work/timestamp" timestamp -D STARTUP_MILLIS="$middle"
[ "$(ids "$work/timestamp")" = "$(seq 21 40 | tr '\n' ' ')" ] ||
  fail "timestamp mode read ids $(ids "$work/timestamp")"

# specific-offsets: partition 0 from offset 3, partition 1 from offset 5.
read_topic "$work/specific" specific-offsets -D STARTUP_OFFSETS="partition:0,offset:3;partition:1,offset:5"
expected=$(awk -F', ' '($3 == 0 && $4 >= 3) || ($3 == 1 && $4 >= 5)' "$work/earliest")
[ "$(cat "$work/specific")" = "$expected" ] || fail "specific-offsets read other records"

# Bounded by a time: only what was written before the instant.
read_topic "$work/until" earliest-offset -D BOUNDED=timestamp -D BOUNDED_MILLIS="$middle"
[ "$(ids "$work/until")" = "$(seq 1 20 | tr '\n' ' ')" ] ||
  fail "bounded by timestamp read ids $(ids "$work/until")"
# Bounded by offsets: partition 0 before offset 2, partition 1 before offset 4.
read_topic "$work/until-offsets" earliest-offset -D BOUNDED=specific-offsets \
  -D BOUNDED_OFFSETS="partition:0,offset:2;partition:1,offset:4"
expected=$(awk -F', ' '($3 == 0 && $4 < 2) || ($3 == 1 && $4 < 4)' "$work/earliest")
[ "$(cat "$work/until-offsets")" = "$expected" ] || fail "bounded by offsets read other records"
# A pattern: this topic and a second one of the same run, not a third.
create_topic "$topic-x" 1
create_topic "other-$run_id" 1
printf 'source:x\tk9\t{"id":1000,"name":"x"}\n' | kafka_tool produce --topic "$topic-x" \
  --property parse.key=true --property parse.headers=true >/dev/null
printf 'source:o\tk9\t{"id":2000,"name":"o"}\n' | kafka_tool produce --topic "other-$run_id" \
  --property parse.key=true --property parse.headers=true >/dev/null
read_topic "$work/pattern" earliest-offset -D TOPIC_OPTION=topic-pattern -D TOPIC="modes-$run_id.*"
[ "$(wc -l <"$work/pattern")" -eq 41 ] && grep -q '^+I\[1000, k9, 0, 0, x, true\]$' "$work/pattern" ||
  fail "the pattern read $(wc -l <"$work/pattern") records, expected the 40 of the topic and 1 of $topic-x"

# group-offsets: a job with checkpoints commits where it ended; the next one
# of the group starts there.
read_topic "$work/first" earliest-offset -D execution.checkpointing.interval=1s \
  -D state.checkpoints.dir="$work/checkpoints"
write_batch c 41 10
read_topic "$work/group" group-offsets
[ "$(ids "$work/group")" = "$(seq 41 50 | tr '\n' ' ')" ] ||
  fail "group-offsets read ids $(ids "$work/group"), expected 41..50"

# latest-offset (unbounded): only records written after the job started.
"$tiangong" run --verbose "$(dirname "$0")/read_job.sql" -D BOOTSTRAP="$BOOTSTRAP" \
  -D TOPIC="$topic" -D parallelism.default=1 -D STARTUP=latest-offset -D GROUP="g2-$run_id" -D STARTUP_MILLIS=0 \
  -D STARTUP_OFFSETS="partition:0,offset:0" -D IGNORE_ERRORS=false \
  -D BOUNDED=unbounded -D TOPIC_OPTION=topic -D BOUNDED_MILLIS=0 \
  -D BOUNDED_OFFSETS="partition:0,offset:0" >"$work/latest.log" 2>&1 &
pid=$!
# Wait until the job's readers resolved "latest", then write.
for _ in $(seq 300); do
  grep -q "reads Kafka partitions" "$work/latest.log" 2>/dev/null && break
  sleep 0.1
done
write_batch d 51 5
for _ in $(seq 300); do
  [ "$(grep -c '^+I\[' "$work/latest.log")" -ge 5 ] && break
  sleep 0.1
done
kill -TERM $pid
wait $pid || true
[ "$(grep '^+I\[' "$work/latest.log" | sort | ids /dev/stdin)" = "51 52 53 54 55 " ] ||
  fail "latest-offset read $(grep -c '^+I\[' "$work/latest.log") records: $(grep '^+I\[' "$work/latest.log" | head -3)"

# A malformed record fails the job with where it is...
printf 'source:bad\tk1\t{"id": oops}\n' |
  kafka_tool produce --topic "$topic" --property parse.key=true --property parse.headers=true >/dev/null
if run_job "$work/bad.log" "$(dirname "$0")/read_job.sql" -D TOPIC="$topic" -D STARTUP=earliest-offset \
  -D GROUP="g3-$run_id" -D STARTUP_MILLIS=0 -D STARTUP_OFFSETS="partition:0,offset:0" \
  -D IGNORE_ERRORS=false -D BOUNDED=latest-offset -D TOPIC_OPTION=topic -D BOUNDED_MILLIS=0 \
  -D BOUNDED_OFFSETS="partition:0,offset:0"; then
  fail "a malformed record did not fail the job"
fi
grep -q "Kafka topic '$topic', partition [01], offset [0-9]*: .*oops\|Kafka topic '$topic', partition [01], offset [0-9]*: " \
  "$work/bad.log" || { cat "$work/bad.log"; fail "the error does not name topic, partition and offset"; }
# ... or, with ignore-parse-errors, is skipped and counted.
read_topic "$work/ignored" earliest-offset -D IGNORE_ERRORS=true
[ "$(wc -l <"$work/ignored")" -eq 55 ] || fail "with ignore-parse-errors $(wc -l <"$work/ignored") records were read, expected 55"
grep -q "1 records skipped" "$work/ignored.log" || fail "the skipped record was not counted: $(tail -1 "$work/ignored.log")"
finish
