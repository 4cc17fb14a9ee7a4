-- An unbounded read that prints each record with its partition and each
-- closed 10-second window with its count.
CREATE TABLE events (
  id BIGINT,
  ts TIMESTAMP(3),
  `partition` INT METADATA VIRTUAL,
  WATERMARK FOR ts AS ts
) WITH (
  'connector' = 'kafka',
  'topic' = '${TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.topic-partition-discovery.interval' = '1s',
  'format' = 'json'
);

CREATE TABLE records (id BIGINT, p INT) WITH ('connector' = 'print', 'print-identifier' = 'record');
CREATE TABLE windows (window_start TIMESTAMP(3), n BIGINT)
WITH ('connector' = 'print', 'print-identifier' = 'window');

EXECUTE STATEMENT SET BEGIN
INSERT INTO records SELECT id, `partition` FROM events;
INSERT INTO windows
SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
END;
