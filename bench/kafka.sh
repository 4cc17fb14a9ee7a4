#!/usr/bin/env bash
# Kafka benchmarks against the broker of scripts/test-env (started if needed).
#
#   bench/kafka.sh window [-n MESSAGES] [-p PARALLELISM]
#       JSON metrics of about 100 bytes in a topic of PARALLELISM partitions
#       -> 10-second TUMBLE window aggregation per host -> Kafka
#       (bench/kafka/metrics_window.sql). The topic is filled first; the
#       measured job reads it from the start to its end.
#   bench/kafka.sh nexmark [-n EVENTS] [-p PARALLELISM] [QUERY...]
#       The Nexmark queries with their source on Kafka (ddl_kafka.sql, read up
#       to the end of the topic), which insert_kafka.sql fills from the
#       generator first.
#
# Prints messages (events), wall time, CPU time, messages/s and messages/s per
# core (messages ÷ CPU seconds of the measured job).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
[ $# -gt 0 ] && shift
messages=5000000
parallelism=1
while getopts "n:p:" option; do
  case $option in
    n) messages=$OPTARG ;;
    p) parallelism=$OPTARG ;;
    *) mode=usage ;;
  esac
done
shift $((OPTIND - 1))
case $mode in
  window | nexmark) ;;
  *)
    echo "usage: $0 window|nexmark [-n MESSAGES] [-p PARALLELISM] [QUERY...]"
    exit 2
    ;;
esac

export TIANGONG_BUILD_DIR=build-release TIANGONG_BUILD_TYPE=Release
scripts/build tiangong >/dev/null
tiangong=build-release/tiangong
scripts/test-env up kafka >/dev/null
bootstrap=127.0.0.1:9092
run=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

create_topic() {  # <topic>
  scripts/test-env kafka-tool topics --create --topic "$1" --partitions "$parallelism" >/dev/null
}

# Runs <sql> and prints one result line.
measure() {  # <name> <count> <sql> [args...]
  local name=$1 count=$2 sql=$3
  shift 3
  TIMEFORMAT='%R %U %S'
  { time "$tiangong" run "$sql" -D BOOTSTRAP="$bootstrap" -D parallelism.default="$parallelism" \
      "$@" >"$work/log" 2>&1; } 2>"$work/time" || { cat "$work/log"; exit 1; }
  read -r wall user system <"$work/time"
  grep -q "records in" "$work/log" || { echo "$name failed:"; tail -3 "$work/log"; exit 1; }
  awk -v q="$name" -v n="$count" -v wall="$wall" -v user="$user" -v sys="$system" 'BEGIN {
    cpu = user + sys;
    printf "%-8s %12d %9.2f %9.2f %14.0f %16.0f\n", q, n, wall, cpu, n / wall, n / cpu }'
}

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "Messages: $messages, parallelism and partitions: $parallelism"
printf '%-8s %12s %9s %9s %14s %16s\n' job messages wall_s cpu_s messages/s messages/s/core
if [ "$mode" = window ]; then
  topic=bench-metrics-$run
  create_topic "$topic"
  create_topic "$topic-out"
  "$tiangong" run bench/kafka/metrics_fill.sql -D BOOTSTRAP="$bootstrap" -D TOPIC="$topic" \
    -D MESSAGES="$messages" -D parallelism.default="$parallelism" >"$work/fill.log" 2>&1 ||
    { cat "$work/fill.log"; exit 1; }
  measure window "$messages" bench/kafka/metrics_window.sql -D TOPIC="$topic"
  exit 0
fi

queries_dir=bench/nexmark/queries
[ $# -gt 0 ] || set -- q0 q1 q2 q5 q7
topic=nexmark-$run
create_topic "$topic"
# The unchanged DDL, on this run's topic and read to the topic's end.
sed -e "s/'topic' = 'nexmark'/'topic' = '$topic'/" \
  -e "s/'scan.startup.mode' = 'earliest-offset',/&\n    'scan.bounded.mode' = 'latest-offset',/" \
  "$queries_dir/ddl_kafka.sql" >"$work/ddl_kafka.sql"
cat "$queries_dir/ddl_gen.sql" <(echo ";") "$work/ddl_kafka.sql" <(echo ";") \
  "$queries_dir/insert_kafka.sql" >"$work/fill.sql"
"$tiangong" run "$work/fill.sql" -D BOOTSTRAP_SERVERS="$bootstrap" -D TPS=10000000 \
  -D EVENTS_NUM="$messages" -D PERSON_PROPORTION=1 -D AUCTION_PROPORTION=3 -D BID_PROPORTION=46 \
  -D tiangong.exec.query-start-millis=1700000000000 -D parallelism.default="$parallelism" \
  >"$work/fill.log" 2>&1 || { cat "$work/fill.log"; exit 1; }
for query in "$@"; do
  cat "$work/ddl_kafka.sql" <(echo ";") "$queries_dir/ddl_views.sql" <(echo ";") \
    "$queries_dir/$query.sql" >"$work/$query.sql"
  measure "$query" "$messages" "$work/$query.sql" -D BOOTSTRAP_SERVERS="$bootstrap" \
    -D NEXMARK_TABLE=kafka
done
