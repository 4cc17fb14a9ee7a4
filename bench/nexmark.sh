#!/usr/bin/env bash
# Runs Nexmark queries on Tiangong: the unchanged query files from
# bench/nexmark/queries, the `nexmark` generator (ddl_gen.sql) at
# maximum speed, into the queries' blackhole sinks. Event times are spaced as
# at 10 million events per second (the Nexmark suite's TPS) from a fixed start,
# so that every run sees the same windows; generation is not paced by them. Prints, per query, the
# events, the wall time, the CPU time, events/s and events/s per core
# (events ÷ CPU seconds, i.e. per core actually busy).
#
# Usage: bench/nexmark.sh [-n EVENTS] [-p PARALLELISM] [-D key=value]... [QUERY...]
#   bench/nexmark.sh -n 50000000 q0 q1 q2
#   bench/nexmark.sh -D table.optimizer.source.predicate-pushdown-enabled=false q0
#   bench/nexmark.sh -D state.backend.type=rocksdb q4 q5
set -euo pipefail
cd "$(dirname "$0")/.."

events=20000000
parallelism=1
settings=()
while getopts "n:p:D:" option; do
  case $option in
    n) events=$OPTARG ;;
    p) parallelism=$OPTARG ;;
    D) settings+=(-D "$OPTARG") ;;
    *) echo "usage: $0 [-n EVENTS] [-p PARALLELISM] [-D key=value]... [QUERY...]"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
queries=("$@")
[ ${#queries[@]} -gt 0 ] || queries=(q0 q1 q2)

queries_dir=${NEXMARK_QUERIES:-bench/nexmark/queries}
[ -d "$queries_dir" ] || { echo "Nexmark queries not found in $queries_dir (set NEXMARK_QUERIES)"; exit 1; }

export TIANGONG_BUILD_DIR=build-release TIANGONG_BUILD_TYPE=Release
scripts/build tiangong tiangong_example_udf >/dev/null
tiangong=build-release/tiangong

# What some queries need besides the generator: q10 writes files under
# NEXMARK_DIR; q13 reads $FLINK_HOME/data/side_input.txt (lines "k,k", k in
# 0..9999, as the Nexmark benchmark ships it); q14 calls CountChar, from the
# example UDF plugin.
side=$(mktemp -d)
trap 'rm -rf "$side"' EXIT
mkdir -p "$side/flink/data"
seq 0 9999 | awk '{ print $1 "," $1 }' > "$side/flink/data/side_input.txt"
query_settings=(-D NEXMARK_DIR="$side/q10" -D SUBMIT_TIME=bench -D FLINK_HOME="$side/flink"
                -D tiangong.udf.plugins=build-release/examples/udf/libtiangong_example_udf.so)

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "Events per query: $events, parallelism: $parallelism, settings: ${settings[*]:-none}"
printf '%-6s %12s %9s %9s %14s %16s\n' query events wall_s cpu_s events/s events/s/core
for query in "${queries[@]}"; do
  script=$(mktemp)
  cat "$queries_dir/ddl_gen.sql" <(echo ";") "$queries_dir/ddl_views.sql" <(echo ";") \
    "$queries_dir/$query.sql" > "$script"
  log=$(mktemp)
  TIMEFORMAT='%R %U %S'
  { time "$tiangong" run "$script" \
      -D TPS=10000000 -D EVENTS_NUM="$events" -D PERSON_PROPORTION=1 \
      -D tiangong.exec.query-start-millis=1700000000000 \
      -D AUCTION_PROPORTION=3 -D BID_PROPORTION=46 -D NEXMARK_TABLE=datagen \
      -D parallelism.default="$parallelism" "${query_settings[@]}" \
      ${settings[@]+"${settings[@]}"} > "$log" 2>&1 ; } \
    2> "$log.time"
  read -r wall user system < "$log.time"
  if ! grep -q "records in" "$log"; then
    echo "$query failed:"; cat "$log"; exit 1
  fi
  awk -v q="$query" -v n="$events" -v wall="$wall" -v user="$user" -v sys="$system" 'BEGIN {
    cpu = user + sys;
    printf "%-6s %12d %9.2f %9.2f %14.0f %16.0f\n", q, n, wall, cpu, n / wall, n / cpu }'
  rm -f "$script" "$log" "$log.time"
  rm -rf "$side/q10"
done
