#!/usr/bin/env bash
# End-to-end tests of the tiangong command as a user runs it: exit codes,
# messages, ${VAR} placeholders, EXPLAIN, parallel output, and stopping an
# unbounded job with SIGTERM.
# Usage: cli_test.sh <path to tiangong>
set -uo pipefail

tiangong=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

expect_contains() {  # <description> <haystack> <needle>
  if [[ "$2" != *"$3"* ]]; then
    fail "$1: expected to find '$3' in:"
    echo "$2" | sed 's/^/    /'
  fi
}

# -- validate: a good script is valid, a bad one names line, column and text.
cat > "$work/good.sql" <<'SQL'
CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
CREATE TABLE s (a INT) WITH ('connector' = 'blackhole');
INSERT INTO s SELECT a + 1 FROM t;
SQL
output=$("$tiangong" validate "$work/good.sql" 2>&1)
status=$?
[ $status -eq 0 ] || fail "validate good.sql exited $status"
expect_contains "validate good.sql" "$output" "The script is valid."

cat > "$work/bad.sql" <<'SQL'
CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
SELECT a,
  UPPER(a) FROM t;
SQL
output=$("$tiangong" validate "$work/bad.sql" 2>&1)
status=$?
[ $status -eq 1 ] || fail "validate bad.sql exited $status, expected 1"
expect_contains "validate bad.sql" "$output" "Invalid function call: UPPER(INT)"
expect_contains "validate bad.sql" "$output" "line 3, column 3"
expect_contains "validate bad.sql" "$output" "  UPPER(a) FROM t;"

output=$("$tiangong" validate "$work/missing.sql" 2>&1)
[ $? -eq 1 ] || fail "validate of a missing file should exit 1"
expect_contains "missing file" "$output" "Cannot read the script"

# -- run: a bounded job prints its rows and a summary, and exits 0.
cat > "$work/rows.sql" <<'SQL'
CREATE TABLE t (a INT) WITH ('connector' = 'datagen',
  'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '${ROWS}');
CREATE TABLE out (a INT, b STRING) WITH ('connector' = 'print', 'print-identifier' = 'out');
INSERT INTO out SELECT a, CAST(a * a AS STRING) FROM t;
SQL
output=$("$tiangong" run "$work/rows.sql" -D ROWS=3 2>&1)
status=$?
[ $status -eq 0 ] || fail "run rows.sql exited $status: $output"
expect_contains "run rows.sql" "$output" "out> +I[3, 9]"
expect_contains "run rows.sql" "$output" "3 records in, 3 records out, 0 records skipped"

output=$("$tiangong" run "$work/rows.sql" 2>&1)
[ $? -eq 1 ] || fail "run without ROWS should exit 1"
expect_contains "missing variable" "$output" 'uses ${ROWS} at line 2, which is not set'

# -- parallel print output is prefixed with the subtask.
output=$("$tiangong" run "$work/rows.sql" -D ROWS=20 -D parallelism.default=2 2>&1)
expect_contains "parallel print" "$output" "out:1> +I["
expect_contains "parallel print" "$output" "out:2> +I["
rows=$(echo "$output" | grep -c '^out:[12]> +I\[')
[ "$rows" -eq 20 ] || fail "parallel print wrote $rows rows, expected 20"

# -- a standalone SELECT prints a table.
cat > "$work/query.sql" <<'SQL'
SELECT name, score FROM (VALUES ('ann', 1.5), ('bob', CAST(NULL AS DECIMAL(2, 1)))) AS t(name, score);
SQL
output=$("$tiangong" run "$work/query.sql" 2>&1)
expect_contains "query table" "$output" "| op |"
expect_contains "query table" "$output" "<NULL>"
expect_contains "query table" "$output" "Received a total of 2 rows"
output=$("$tiangong" run "$work/query.sql" -D execution.runtime-mode=batch 2>&1)
expect_contains "batch query table" "$output" "2 rows in set"

# -- explain prints the three plans.
output=$("$tiangong" explain "$work/good.sql" -D parallelism.default=2 2>&1)
expect_contains "explain" "$output" "== Abstract Syntax Tree =="
expect_contains "explain" "$output" "== Optimized Physical Plan =="
expect_contains "explain" "$output" "== Optimized Execution Plan =="
expect_contains "explain" "$output" "Calc(select=[(a + 1) AS a])"
expect_contains "explain" "$output" "parallelism=2"

# -- a failing job exits 1 and says which job, column and value.
cat > "$work/fails.sql" <<'SQL'
CREATE TABLE out (a INT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT CAST(s AS INT) FROM (VALUES ('1'), ('x1')) AS t(s);
SQL
output=$("$tiangong" run "$work/fails.sql" 2>&1)
[ $? -eq 1 ] || fail "a failing job should exit 1"
expect_contains "failing job" "$output" "Job 'insert-into_default_catalog.default_database.out' failed"
expect_contains "failing job" "$output" "Cannot cast 'x1' to INT"

# -- late rows are dropped from event-time windows and counted in the summary.
cat > "$work/bids.csv" <<'CSV'
2024-01-01 10:00:01,10
2024-01-01 10:00:09,20
2024-01-01 10:00:02,30
CSV
cat > "$work/late.sql" <<'SQL'
SET 'tiangong.exec.batch-size' = '1';
CREATE TABLE bids (ts TIMESTAMP(3), price INT, WATERMARK FOR ts AS ts)
  WITH ('connector' = 'filesystem', 'path' = '${DIR}/bids.csv', 'format' = 'csv');
CREATE TABLE out (s INT) WITH ('connector' = 'print', 'print-identifier' = 'out');
INSERT INTO out SELECT SUM(price)
  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))
  GROUP BY window_start, window_end;
SQL
output=$("$tiangong" run "$work/late.sql" -D DIR="$work" 2>&1)
expect_contains "late rows" "$output" "out> +I[10]"
expect_contains "late rows" "$output" "out> +I[20]"
expect_contains "late rows" "$output" "3 records in, 2 records out, 0 records skipped, 1 late records dropped"

# -- an unbounded job runs until SIGTERM, then its sink finishes its files.
cat > "$work/forever.sql" <<SQL
CREATE TABLE t (a BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '200');
CREATE TABLE out (a BIGINT) WITH ('connector' = 'filesystem', 'path' = '$work/forever', 'format' = 'csv');
INSERT INTO out SELECT a FROM t;
SQL
"$tiangong" run "$work/forever.sql" > "$work/forever.log" 2>&1 &
pid=$!
# Wait until the job has written its first in-progress file.
for _ in $(seq 1 200); do
  if compgen -G "$work/forever/.part-*" > /dev/null; then break; fi
  sleep 0.05
done
compgen -G "$work/forever/.part-*" > /dev/null || fail "the unbounded job wrote nothing"
kill -TERM $pid
for _ in $(seq 1 200); do
  kill -0 $pid 2>/dev/null || break
  sleep 0.05
done
if kill -0 $pid 2>/dev/null; then
  fail "the job did not stop within 10 s of SIGTERM"
  kill -KILL $pid
fi
wait $pid
status=$?
[ $status -eq 0 ] || fail "a stopped job should exit 0, exited $status"
expect_contains "stopped job" "$(cat "$work/forever.log")" "stopped in"
compgen -G "$work/forever/.part-*" > /dev/null && fail "in-progress files remain after SIGTERM"
written=$(cat "$work"/forever/part-* | wc -l)
reported=$(sed -n 's/.* \([0-9]*\) records out.*/\1/p' "$work/forever.log")
[ "$written" -gt 0 ] && [ "$written" -eq "$reported" ] ||
  fail "the stopped job wrote $written rows but reported $reported"

if [ $failures -gt 0 ]; then
  echo "cli_test: $failures failure(s)"
  exit 1
fi
echo "cli_test: all checks passed"
