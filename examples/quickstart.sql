-- Tiangong quickstart: a bounded pipeline that generates orders, cleans and
-- enriches them, and prints the large ones to the console.
--
--   build/tiangong run examples/quickstart.sql
--   build/tiangong run examples/quickstart.sql -D parallelism.default=2
--   build/tiangong explain examples/quickstart.sql

CREATE TABLE orders (
  order_id   BIGINT,
  customer   STRING,
  amount     DECIMAL(10, 2),
  status     INT,
  order_time TIMESTAMP(3)
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '1000',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '50',
  'fields.customer.length' = '8',
  'fields.amount.min' = '1',
  'fields.amount.max' = '500',
  'fields.status.min' = '0',
  'fields.status.max' = '3',
  'fields.order_time.max-past' = '1 h'
);

CREATE TABLE large_orders (
  order_id BIGINT,
  customer STRING,
  amount   DECIMAL(10, 2),
  status   STRING,
  order_hour STRING
) WITH (
  'connector' = 'print',
  'print-identifier' = 'large-order'
);

INSERT INTO large_orders
SELECT
  order_id,
  LOWER(customer),
  amount,
  CASE status WHEN 0 THEN 'NEW' WHEN 1 THEN 'PAID' WHEN 2 THEN 'SHIPPED' ELSE 'CLOSED' END,
  DATE_FORMAT(order_time, 'yyyy-MM-dd HH:00')
FROM orders
WHERE amount >= 250;
