-- Reads a topic of keyed JSON records with their metadata and prints them:
-- +I[id, key, partition, offset, source header, whether the record time is set]
CREATE TABLE records (
  k STRING,
  id BIGINT,
  name STRING,
  `partition` INT METADATA VIRTUAL,
  `offset` BIGINT METADATA VIRTUAL,
  headers MAP<STRING, BYTES> METADATA VIRTUAL,
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector' = 'kafka',
  '${TOPIC_OPTION}' = '${TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'properties.group.id' = '${GROUP}',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = '${STARTUP}',
  'scan.startup.timestamp-millis' = '${STARTUP_MILLIS}',
  'scan.startup.specific-offsets' = '${STARTUP_OFFSETS}',
  'scan.bounded.mode' = '${BOUNDED}',
  'scan.bounded.timestamp-millis' = '${BOUNDED_MILLIS}',
  'scan.bounded.specific-offsets' = '${BOUNDED_OFFSETS}',
  'key.format' = 'raw',
  'key.fields' = 'k',
  'value.format' = 'json',
  'value.fields-include' = 'EXCEPT_KEY',
  'value.json.ignore-parse-errors' = '${IGNORE_ERRORS}'
);

CREATE TABLE printed (id BIGINT, k STRING, p INT, o BIGINT, source STRING, timed BOOLEAN)
WITH ('connector' = 'print');

INSERT INTO printed
SELECT id, k, `partition`, `offset`, CAST(headers['source'] AS STRING), ts > TIMESTAMP_LTZ '2020-01-01 00:00:00'
FROM records;
