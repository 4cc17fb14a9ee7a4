#!/usr/bin/env bash
# The Nexmark queries q0, q1, q2 and q10 run unchanged (bench/nexmark/queries) on
# the nexmark generator, and write exactly the rows they should:
#  - q0 and q1 write one row per bid: 46 of every 50 events;
#  - q2 writes the bids whose auction is a multiple of 123, counted here from an
#    independent dump of every bid's auction;
#  - the results are the same at parallelism 1 and 2, and with filter push-down
#    switched off;
#  - q10 writes every bid into dt=/hm= partition directories and commits each
#    partition with a _SUCCESS file.
# Usage: nexmark_queries_test.sh <path to tiangong>
set -uo pipefail
cd "$(dirname "$0")/../.."

tiangong=$1
queries=bench/nexmark/queries
events=100000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

variables=(-D TPS=1000000000 -D EVENTS_NUM=$events -D PERSON_PROPORTION=1
           -D AUCTION_PROPORTION=3 -D BID_PROPORTION=46 -D NEXMARK_TABLE=datagen)

# Runs ddl_gen.sql + ddl_views.sql + the given query file; prints "records out".
records_out() {  # <query file> [extra -D settings...]
  local query=$1
  shift
  cat "$queries/ddl_gen.sql" <(echo ";") "$queries/ddl_views.sql" <(echo ";") "$query" \
    > "$work/script.sql"
  local log
  log=$("$tiangong" run "$work/script.sql" "${variables[@]}" "$@" 2>&1)
  if [ $? -ne 0 ]; then
    echo "FAILED: $log" >&2
    echo -1
    return
  fi
  echo "$log" | sed -n 's/.* \([0-9]*\) records out.*/\1/p' | tail -1
}

# An independent dump of every bid's auction id.
cat > "$work/dump.sql" <<SQL
CREATE TABLE bid_dump (auction BIGINT) WITH (
  'connector' = 'filesystem', 'path' = '$work/dump', 'format' = 'csv');
INSERT INTO bid_dump SELECT auction FROM bid;
SQL
dumped=$(records_out "$work/dump.sql")
bids=$((events / 50 * 46))
[ "$dumped" -eq "$bids" ] || fail "the bid view has $dumped rows, expected $bids"
multiples=$(cat "$work"/dump/part-* | awk '$1 % 123 == 0' | wc -l)
[ "$multiples" -gt 0 ] || fail "no bid has an auction that is a multiple of 123"

for parallelism in 1 2; do
  for pushdown in true false; do
    settings=(-D parallelism.default=$parallelism
              -D table.optimizer.source.predicate-pushdown-enabled=$pushdown)
    label="parallelism $parallelism, filter push-down $pushdown"
    q0=$(records_out "$queries/q0.sql" "${settings[@]}")
    [ "$q0" -eq "$bids" ] || fail "q0 ($label) wrote $q0 rows, expected $bids"
    q1=$(records_out "$queries/q1.sql" "${settings[@]}")
    [ "$q1" -eq "$bids" ] || fail "q1 ($label) wrote $q1 rows, expected $bids"
    q2=$(records_out "$queries/q2.sql" "${settings[@]}")
    [ "$q2" -eq "$multiples" ] || fail "q2 ($label) wrote $q2 rows, expected $multiples"
  done
done

# q1 converts prices to euros exactly: price * 0.908 as DECIMAL(23, 3).
cat > "$work/q1_check.sql" <<SQL
CREATE TABLE euros (price BIGINT, euro DECIMAL(23, 3)) WITH (
  'connector' = 'filesystem', 'path' = '$work/euros', 'format' = 'csv',
  'csv.write-bigdecimal-in-scientific-notation' = 'false');
INSERT INTO euros SELECT price, 0.908 * price FROM bid;
SQL
records_out "$work/q1_check.sql" > /dev/null
# (Like Flink's, the csv format writes decimals without trailing zeros.)
wrong=$(cat "$work"/euros/part-* | awk -F, '{ if (int($2 * 1000 + 0.5) != $1 * 908) print }' | head -3)
[ -z "$wrong" ] || fail "q1 euro amounts differ from price * 0.908: $wrong"

# q10: partitioned filesystem sink with partition-time commit.
for parallelism in 1 2; do
  out="$work/q10-$parallelism"
  q10=$(records_out "$queries/q10.sql" -D NEXMARK_DIR="$out" -D SUBMIT_TIME=t1 \
          -D parallelism.default=$parallelism)
  [ "$q10" -eq "$bids" ] || fail "q10 (parallelism $parallelism) wrote $q10 rows, expected $bids"
  root="$out/data/output/t1/bid"
  written=$(cat "$root"/dt=*/hm=*/part-* 2>/dev/null | wc -l)
  [ "$written" -eq "$bids" ] || fail "q10 (parallelism $parallelism) files hold $written rows"
  partitions=$(find "$root" -mindepth 2 -maxdepth 2 -type d -name 'hm=*' | wc -l)
  committed=$(find "$root" -mindepth 3 -maxdepth 3 -type f -name _SUCCESS | wc -l)
  [ "$partitions" -gt 0 ] && [ "$committed" -eq "$partitions" ] ||
    fail "q10 (parallelism $parallelism): $committed of $partitions partitions committed"
  leftovers=$(find "$root" -name '.*' | wc -l)
  [ "$leftovers" -eq 0 ] || fail "q10 (parallelism $parallelism) left $leftovers hidden files"
done

if [ $failures -gt 0 ]; then
  echo "nexmark_queries_test: $failures failure(s)"
  exit 1
fi
echo "nexmark_queries_test: q0, q1, q2 and q10 wrote the expected rows"
