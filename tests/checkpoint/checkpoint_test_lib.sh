# Shared by the checkpoint tests: runs window_join_job.sql and reads what its
# sink committed. A test sources it with the path of tiangong as its first
# argument; `work` is a scratch directory removed at exit.
tiangong=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The jobs register here, where `tiangong status|savepoint|stop` find them.
export TIANGONG_HOME="$work/home"
job_sql="$(dirname "${BASH_SOURCE[0]}")/window_join_job.sql"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# The generator stamps events from a pinned instant, so every run of the job
# sees the same events whatever its pace.
job_args() {  # <dir> [extra -D settings...]
  local dir=$1
  shift
  echo run --verbose "$job_sql" -D DIR="$dir" -D TPS="${TPS:-5000}" -D EVENTS="${EVENTS:-100000}" \
    -D MAX_SPEED="${MAX_SPEED:-false}" -D MODE="${MODE:-EXACTLY_ONCE}" \
    -D parallelism.default="${PARALLELISM:-2}" \
    -D tiangong.exec.query-start-millis=1709251170000 "$@"
}

# Runs the job to its end, unpaced, into <dir>.
run_to_end() {  # <dir> [extra -D settings...]
  local args
  args=$(MAX_SPEED=true job_args "$@")
  # shellcheck disable=SC2086
  TZ=UTC "$tiangong" $args >"$1.log" 2>&1
}

# Starts the job paced in the background; `pid` is its process.
start_job() {  # <dir> <log> [extra -D settings...]
  local dir=$1 log=$2
  shift 2
  # shellcheck disable=SC2046
  TZ=UTC "$tiangong" $(job_args "$dir" "$@") >>"$log" 2>&1 &
  pid=$!
}

# The rows the sink made visible (hidden in-progress and pending files are
# not), sorted.
committed_rows() {  # <dir>
  find "$1/out" -type f ! -name '.*' -exec cat {} + | sort
}

# Waits until <log> has a line matching <pattern>; false after 60 s or when
# the job `pid` ended first.
wait_for_line() {  # <log> <pattern>
  for _ in $(seq 600); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Compares what <dir>'s sink committed with the uninterrupted run's rows.
expect_reference_rows() {  # <dir> <what>
  committed_rows "$1" >"$work/actual"
  if ! cmp -s "$work/expected" "$work/actual"; then
    fail "$2: the committed rows differ from an uninterrupted run's ($(wc -l <"$work/expected") expected, $(wc -l <"$work/actual") committed):"
    diff "$work/expected" "$work/actual" | head -10
  fi
}

# Runs the job uninterrupted into $work/reference; its rows go to
# $work/expected.
make_reference() {
  run_to_end "$work/reference" || fail "the uninterrupted run failed: $(tail -3 "$work/reference.log")"
  committed_rows "$work/reference" >"$work/expected"
  [ -s "$work/expected" ] || fail "the uninterrupted run committed no rows"
}

finish() {  # <test name>
  if [ "$failures" -gt 0 ]; then
    echo "$1: $failures failure(s)"
    exit 1
  fi
  echo "$1: passed"
}
