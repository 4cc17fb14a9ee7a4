-- Debezium change events -> the engine -> an upsert-kafka topic; and each of
-- the two topics read back as a table, printed as a changelog.
CREATE TABLE products_cdc (
  id BIGINT,
  name STRING,
  weight DECIMAL(10, 2),
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = '${CDC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'debezium-json'
);

CREATE TABLE products_upsert (
  id BIGINT,
  name STRING,
  weight DECIMAL(10, 2),
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${UPSERT}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'scan.bounded.mode' = 'latest-offset',
  'key.format' = 'json',
  'value.format' = 'json',
  'sink.buffer-flush.max-rows' = '${BUFFER_ROWS}',
  'sink.buffer-flush.interval' = '${BUFFER_INTERVAL}'
);

CREATE TABLE printed (id BIGINT, name STRING, weight DECIMAL(10, 2)) WITH ('connector' = 'print');

INSERT INTO ${TARGET} SELECT id, name, weight FROM ${SOURCE};
