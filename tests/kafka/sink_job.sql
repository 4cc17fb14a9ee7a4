-- Writes 300 generated rows to a topic with a key, a partitioner, headers and
-- record times (TARGET = written, SOURCE = to_write), or reads them back with
-- their metadata (TARGET = printed, SOURCE = to_print).
CREATE TABLE numbers (id BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '300', 'rows-per-second' = '1000000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '300');

CREATE TABLE written (
  k STRING,
  id BIGINT,
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
  headers MAP<STRING, BYTES> METADATA,
  `partition` INT METADATA VIRTUAL
) WITH (
  'connector' = 'kafka',
  'topic' = '${TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'key.format' = 'raw',
  'key.fields' = 'k',
  'value.format' = 'json',
  'value.fields-include' = 'EXCEPT_KEY',
  'sink.partitioner' = '${PARTITIONER}',
  'sink.delivery-guarantee' = '${GUARANTEE}',
  'sink.transactional-id-prefix' = '${TOPIC}'
);

CREATE TABLE printed (k STRING, id BIGINT, p INT, ts TIMESTAMP_LTZ(3), origin STRING)
WITH ('connector' = 'print');

CREATE VIEW to_write AS
SELECT CONCAT('key', CAST(MOD(id, 7) AS STRING)), id, TO_TIMESTAMP_LTZ(1700000000000 + id, 3),
       MAP['origin', CAST('sink-test' AS BYTES)]
FROM numbers;

CREATE VIEW to_print AS
SELECT k, id, `partition`, ts, CAST(headers['origin'] AS STRING) FROM written;

INSERT INTO ${TARGET} SELECT * FROM ${SOURCE};
