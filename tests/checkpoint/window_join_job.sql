-- A stateful job for the checkpoint tests: bids counted per auction in 2-second
-- tumbling event-time windows, joined with the auctions, written to the
-- exactly-once filesystem sink. Variables: DIR (output and checkpoints), TPS
-- and EVENTS (the generator), MAX_SPEED (true: unpaced), MODE (checkpointing
-- mode).
SET 'pipeline.name' = 'window-join';
SET 'execution.checkpointing.interval' = '1s';
SET 'execution.checkpointing.mode' = '${MODE}';
SET 'state.checkpoints.dir' = '${DIR}/checkpoints';
SET 'state.checkpoints.num-retained' = '4';

CREATE TABLE events (
    event_type INT,
    person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR,
               state VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
    auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT,
                reserve BIGINT, `dateTime` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT,
                category BIGINT, extra VARCHAR>,
    bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
            `dateTime` TIMESTAMP(3), extra VARCHAR>,
    `dateTime` AS CASE WHEN event_type = 0 THEN person.`dateTime`
                       WHEN event_type = 1 THEN auction.`dateTime`
                       ELSE bid.`dateTime` END,
    WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH (
    'connector' = 'nexmark',
    'first-event.rate' = '${TPS}',
    'next-event.rate' = '${TPS}',
    'events.num' = '${EVENTS}',
    'max-emit-speed' = '${MAX_SPEED}'
);

CREATE VIEW bid AS
SELECT bid.auction, bid.price, `dateTime` FROM events WHERE event_type = 2;
CREATE VIEW auction AS
SELECT auction.id, auction.seller, auction.category FROM events WHERE event_type = 1;

CREATE TABLE bids_per_window (
    auction BIGINT,
    window_start TIMESTAMP(3),
    bids BIGINT,
    top_price BIGINT,
    seller BIGINT,
    category BIGINT
) WITH ('connector' = 'filesystem', 'path' = '${DIR}/out', 'format' = 'csv');

INSERT INTO bids_per_window
SELECT B.auction, B.window_start, B.bids, B.top_price, A.seller, A.category
FROM (
  SELECT auction, window_start, window_end, COUNT(*) AS bids, MAX(price) AS top_price
  FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND))
  GROUP BY auction, window_start, window_end
) B JOIN auction A ON B.auction = A.id;
