-- A job for the restart test: copies readings from CSV files that appear in
-- ${DIR}/in (a monitored directory) to the exactly-once filesystem sink, with
-- checkpoints every 300 ms and a fixed-delay restart strategy of ${ATTEMPTS}
-- restarts.
SET 'pipeline.name' = 'restarting';
SET 'execution.checkpointing.interval' = '300ms';
SET 'state.checkpoints.dir' = '${DIR}/checkpoints';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '${ATTEMPTS}';
SET 'restart-strategy.fixed-delay.delay' = '100ms';

CREATE TABLE readings (sensor STRING, reading BIGINT) WITH (
    'connector' = 'filesystem',
    'path' = '${DIR}/in',
    'format' = 'csv',
    'source.monitor-interval' = '100ms'
);
CREATE TABLE copied (sensor STRING, reading BIGINT) WITH (
    'connector' = 'filesystem', 'path' = '${DIR}/out', 'format' = 'csv');

INSERT INTO copied SELECT sensor, reading FROM readings;
