-- Fills the benchmark topic with JSON metrics of about 100 bytes each.
CREATE TABLE numbers (id BIGINT) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '${MESSAGES}',
  'rows-per-second' = '1000000000',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '${MESSAGES}'
);

CREATE TABLE metrics (
  host STRING,
  region STRING,
  metrics ROW<cpu DOUBLE, mem BIGINT, disk INT>,
  ts TIMESTAMP(3)
) WITH (
  'connector' = 'kafka',
  'topic' = '${TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'sink.delivery-guarantee' = 'none',
  'format' = 'json'
);

INSERT INTO metrics
SELECT CONCAT('host-', CAST(MOD(id, 1000) AS STRING)), 'cn-north-1',
       ROW(CAST(MOD(id * 7, 1000) AS DOUBLE) / 10, MOD(id * 13, 100000), CAST(MOD(id, 100) AS INT)),
       TIMESTAMPADD(MILLISECOND, CAST(id AS INT), TIMESTAMP '2024-03-01 00:00:00')
FROM numbers;
