#!/usr/bin/env bash
# Time from a restart to the first processed record, after a kill -9, with a
# large keyed state (issue: under 2 s with the hashmap backend and 1 GB of
# state on local disk).
#
# A GROUP BY over KEYS keys builds up the state (a count and a 100-character
# string per key) with a checkpoint every 5 s. Once a checkpoint of at least
# TARGET_BYTES (default 1 GiB) has completed, the job is killed with SIGKILL
# and started again; it restores the checkpoint and the time from the restart
# to the log line of its first processed records is reported, with the
# restore's steps.
#
# Usage: bench/restart.sh [-k KEYS] [-t TARGET_BYTES] [-D key=value]...
set -euo pipefail
cd "$(dirname "$0")/.."

keys=6000000
target=$((1024 * 1024 * 1024))
settings=()
while getopts "k:t:D:" option; do
  case $option in
    k) keys=$OPTARG ;;
    t) target=$OPTARG ;;
    D) settings+=(-D "$OPTARG") ;;
    *) echo "usage: $0 [-k KEYS] [-t TARGET_BYTES] [-D key=value]..."; exit 2 ;;
  esac
done

export TIANGONG_BUILD_DIR=build-release TIANGONG_BUILD_TYPE=Release
scripts/build tiangong >/dev/null
tiangong=build-release/tiangong
work=$(mktemp -d)
export TIANGONG_HOME="$work/home"
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT

cat >"$work/job.sql" <<SQL
SET 'pipeline.name' = 'restart-benchmark';
SET 'execution.checkpointing.interval' = '5s';
SET 'state.checkpoints.dir' = '$work/checkpoints';
-- Every key once, as fast as it goes, then a trickle that keeps the job running.
CREATE TABLE keys (k BIGINT, payload STRING) WITH (
  'connector' = 'datagen', 'rows-per-second' = '1000000000',
  'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '$keys',
  'fields.payload.length' = '100');
CREATE TABLE trickle (k BIGINT, payload STRING) WITH (
  'connector' = 'datagen', 'rows-per-second' = '10',
  'fields.k.kind' = 'random', 'fields.k.min' = '1', 'fields.k.max' = '$keys',
  'fields.payload.length' = '100');
CREATE TABLE totals (k BIGINT, n BIGINT, payload STRING) WITH ('connector' = 'blackhole');
INSERT INTO totals
SELECT k, COUNT(*), MAX(payload) FROM (
  SELECT k, payload FROM keys UNION ALL SELECT k, payload FROM trickle)
GROUP BY k;
SQL

# Milliseconds since the epoch of a log line's timestamp.
millis_of() { date -d "$(cut -c1-23 <<<"$1")" +%s%3N; }

"$tiangong" run --verbose "$work/job.sql" ${settings[@]+"${settings[@]}"} >"$work/build.log" 2>&1 &
pid=$!
bytes=0
while [ "$bytes" -lt "$target" ]; do
  kill -0 "$pid" 2>/dev/null || { echo "the job ended:"; tail -5 "$work/build.log"; exit 1; }
  sleep 1
  bytes=$(sed -n 's/.*checkpoint [0-9]* complete at .* (\([0-9]*\) bytes.*/\1/p' "$work/build.log" |
    tail -1)
  bytes=${bytes:-0}
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
rss_line=$(grep "checkpoint [0-9]* complete" "$work/build.log" | tail -1)

started=$(date +%s%3N)
"$tiangong" run --verbose "$work/job.sql" ${settings[@]+"${settings[@]}"} >"$work/restart.log" 2>&1 &
pid=$!
until grep -q "processed its first records" "$work/restart.log"; do
  kill -0 "$pid" 2>/dev/null || { echo "the restarted job ended:"; tail -5 "$work/restart.log"; exit 1; }
  sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=

restores=$(millis_of "$(grep -m1 "restores from checkpoint" "$work/restart.log")")
restored=$(millis_of "$(grep -m1 "restored the state of its" "$work/restart.log")")
first=$(millis_of "$(grep -m1 "processed its first records" "$work/restart.log")")
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "Keys: $keys, settings: ${settings[*]:-none}"
echo "Checkpoint restored: $bytes bytes (${rss_line##*\(})"
echo "restart -> checkpoint chosen and verified: $((restores - started)) ms"
echo "restart -> every subtask restored:         $((restored - started)) ms"
echo "restart -> first processed records:        $((first - started)) ms"
echo "restore per subtask (log):"
sed -n 's/.*: \(.* restored its state in [0-9]* ms\)/  \1/p' "$work/restart.log"
