# Shared by the Kafka tests, which run the real binary against the broker of
# `scripts/test-env up kafka` (ctest's kafka fixture starts it). A test sources
# this with the path of tiangong as its first argument; `work` is a scratch
# directory removed at exit, `run_id` makes its topic names unique.
tiangong=$1
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TIANGONG_HOME="$work/home"
export BOOTSTRAP=127.0.0.1:9092
run_id=$(date +%s%N | tail -c 10)
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}

kafka_tool() { "$repo/scripts/test-env" kafka-tool "$@"; }

create_topic() {  # <topic> <partitions>
  kafka_tool topics --create --topic "$1" --partitions "$2" >/dev/null
}

# Writes the lines of standard input as records; with a second argument the
# text before the first tab is the key.
produce() {  # <topic> [keyed]
  if [ -n "${2:-}" ]; then
    kafka_tool produce --topic "$1" --property parse.key=true --property 'key.separator=	' \
      >/dev/null
  else
    kafka_tool produce --topic "$1" >/dev/null
  fi
}

# Every committed record of <topic> (a read_committed consumer), one per line;
# stops once <count> arrived or after <idle seconds> (10) without a record.
consume_committed() {  # <topic> <count> [idle seconds]
  kafka_tool consume --topic "$1" --from-beginning --isolation-level read_committed \
    --max-messages "$2" --timeout-ms "$((${3:-10} * 1000))" 2>/dev/null
}

# Runs a job; its output and log go to <log>.
run_job() {  # <log> <sql> [args...]
  local log=$1 sql=$2
  shift 2
  TZ=UTC "$tiangong" run "$sql" -D BOOTSTRAP="$BOOTSTRAP" "$@" >"$log" 2>&1
}
