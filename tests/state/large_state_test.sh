#!/usr/bin/env bash
# A job whose keyed state is several times the memory it may use runs to
# completion on the rocksdb state backend, and fails cleanly on hashmap.
#
# The job groups 4 million distinct keys (about 1 GB of state in memory) and
# counts the groups. Both runs get 256 MB of data memory (ulimit -d, which
# covers the heap and anonymous mappings): the hashmap backend must fail with
# an out-of-memory error naming the remedy; the rocksdb backend, with 16 MB of
# cache and write buffers, must write the exact count.
# Usage: large_state_test.sh <path to tiangong>
set -uo pipefail

tiangong=$1
keys=4000000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

cat > "$work/job.sql" <<SQL
CREATE TABLE keys (k BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '$keys', 'rows-per-second' = '1000000000',
  'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '$keys');
CREATE TABLE result (num_groups BIGINT, num_rows BIGINT) WITH ('connector' = 'print');
INSERT INTO result SELECT COUNT(*), SUM(c) FROM (SELECT k, COUNT(*) AS c FROM keys GROUP BY k);
SQL

run_limited() {  # <log file> [-D settings...]
  local log=$1
  shift
  (
    ulimit -d 262144
    "$tiangong" run "$work/job.sql" -D state.backend.rocksdb.localdir="$work/state" "$@"
  ) > "$log" 2>&1
}

run_limited "$work/hashmap.log" -D state.backend.type=hashmap
status=$?
if [ $status -eq 0 ]; then
  fail "the hashmap backend held $keys groups in 256 MB: the state is too small for this test"
elif ! grep -q "Out of memory: .*'state.backend.type' = 'rocksdb'" "$work/hashmap.log"; then
  fail "the hashmap backend failed (exit status $status) without a clear out-of-memory error:"
  tail -5 "$work/hashmap.log"
fi

run_limited "$work/rocksdb.log" -D state.backend.type=rocksdb \
  -D state.backend.rocksdb.memory.fixed-per-slot=16mb
status=$?
last=$(grep '^+[IU]\[' "$work/rocksdb.log" | tail -1)
if [ $status -ne 0 ]; then
  fail "the rocksdb backend failed (exit status $status):"
  tail -5 "$work/rocksdb.log"
elif [ "$last" != "+U[$keys, $keys]" ]; then
  fail "the rocksdb backend's final result is '$last', expected +U[$keys, $keys]"
fi
if [ -n "$(ls -A "$work/state" 2>/dev/null)" ]; then
  fail "the rocksdb state directory was not removed when the job ended"
fi

if [ $failures -gt 0 ]; then
  echo "large_state_test: $failures failure(s)"
  exit 1
fi
echo "large_state_test: $keys groups in 256 MB on rocksdb; hashmap failed cleanly"
