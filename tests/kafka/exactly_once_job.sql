-- Every record of the input topic to the output topic, exactly once.
SET 'execution.checkpointing.interval' = '500ms';
SET 'state.checkpoints.dir' = 'file://${CHECKPOINTS}';
SET 'restart-strategy.type' = '${RESTARTS}';

CREATE TABLE events (
  id BIGINT,
  payload STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${IN}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'properties.group.id' = '${IN}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${BOUNDED}',
  'format' = 'json'
);

CREATE TABLE copied (
  id BIGINT,
  payload STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${OUT}',
  'properties.bootstrap.servers' = '${BOOTSTRAP}',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${OUT}',
  'format' = 'csv'
);

INSERT INTO copied SELECT id, UPPER(payload) FROM events;
