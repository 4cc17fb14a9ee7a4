-- JSON metrics with nested fields -> TUMBLE window aggregation -> Kafka.
CREATE TABLE metrics (
  host STRING,
  metrics ROW<cpu BIGINT, mem BIGINT>,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${IN}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'properties.group.id' = '${GROUP}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${BOUNDED}',
  'format' = 'json'
);

CREATE TABLE per_window (
  window_start TIMESTAMP(3),
  host STRING,
  samples BIGINT,
  cpu_total BIGINT,
  mem_peak BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = '${OUT}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'sink.delivery-guarantee' = '${GUARANTEE}',
  'sink.transactional-id-prefix' = '${OUT}',
  'format' = 'csv'
);

INSERT INTO per_window
SELECT window_start, host, COUNT(*), SUM(metrics.cpu), MAX(metrics.mem)
FROM TABLE(TUMBLE(TABLE metrics, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end, host;
