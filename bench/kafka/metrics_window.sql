-- The typical pipeline: Kafka JSON metrics -> 10-second TUMBLE window
-- aggregation per host -> Kafka.
CREATE TABLE metrics (
  host STRING,
  region STRING,
  metrics ROW<cpu DOUBLE, mem BIGINT, disk INT>,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'properties.group.id' = 'bench',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json'
);

CREATE TABLE per_window (
  window_start TIMESTAMP(3),
  host STRING,
  samples BIGINT,
  cpu_avg DOUBLE,
  mem_max BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = '${TOPIC}-out',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'format' = 'json'
);

INSERT INTO per_window
SELECT window_start, host, COUNT(*), AVG(metrics.cpu), MAX(metrics.mem)
FROM TABLE(TUMBLE(TABLE metrics, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, host;
