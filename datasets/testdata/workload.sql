-- H2 workload: a small shop. Rows come from SYSTEM_RANGE, with modular
-- arithmetic in place of random numbers so that every run builds the same
-- data.
CREATE TABLE region(id INT PRIMARY KEY, name VARCHAR(20) NOT NULL);
CREATE TABLE customer(id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, region INT NOT NULL REFERENCES region(id));
CREATE TABLE product(id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10, 2) NOT NULL);
CREATE TABLE orders(id INT PRIMARY KEY, customer INT NOT NULL REFERENCES customer(id), product INT NOT NULL REFERENCES product(id), qty INT NOT NULL, placed DATE NOT NULL);
CREATE INDEX orders_customer ON orders(customer);

INSERT INTO region VALUES (1, 'north'), (2, 'south'), (3, 'east'), (4, 'west');
INSERT INTO customer SELECT X, 'customer-' || LPAD(CAST(X AS VARCHAR), 3, '0'), MOD(X * 7, 4) + 1 FROM SYSTEM_RANGE(1, 180);
INSERT INTO product SELECT X, 'product-' || CHAR(64 + X), CAST(X * 3.75 + MOD(X * 13, 7) AS DECIMAL(10, 2)) FROM SYSTEM_RANGE(1, 12);
INSERT INTO orders SELECT X, MOD(MOD(X * 7919, 1009), 150) + 1, MOD(MOD(X * 104729, 1013), 12) + 1, MOD(MOD(X * 331, 97), 9) + 1,
  DATEADD(DAY, MOD(MOD(X * 2203, 1019), 366), DATE '2024-01-01') FROM SYSTEM_RANGE(1, 600);

SELECT COUNT(*) AS customers FROM customer;
SELECT COUNT(*) AS orders, SUM(qty) AS items FROM orders;

CREATE VIEW sales AS
  SELECT o.id, c.name AS customer, r.name AS region, p.name AS product, o.qty, o.qty * p.price AS amount, o.placed
  FROM orders o JOIN customer c ON o.customer = c.id JOIN region r ON c.region = r.id JOIN product p ON o.product = p.id;

SELECT region, COUNT(*) AS n, SUM(amount) AS total, MAX(amount) AS biggest FROM sales GROUP BY region ORDER BY total DESC;
SELECT product, SUM(qty) AS sold FROM sales GROUP BY product HAVING SUM(qty) > 240 ORDER BY sold DESC, product;
SELECT MONTH(placed) AS mon, COUNT(*) AS n, SUM(amount) AS total FROM sales GROUP BY MONTH(placed) ORDER BY mon;
SELECT customer, total, RANK() OVER (ORDER BY total DESC) AS place
  FROM (SELECT customer, SUM(amount) AS total FROM sales GROUP BY customer) t
  ORDER BY total DESC, customer FETCH FIRST 10 ROWS ONLY;
SELECT COUNT(*) AS idle FROM customer c LEFT JOIN orders o ON o.customer = c.id WHERE o.id IS NULL;
SELECT c.name, r.name FROM customer c JOIN region r ON c.region = r.id WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.id) ORDER BY c.name FETCH FIRST 5 ROWS ONLY;
SELECT region, product, qty, ROW_NUMBER() OVER (PARTITION BY region ORDER BY amount DESC, id) AS pos
  FROM sales QUALIFY pos <= 2 ORDER BY region, pos;
WITH RECURSIVE fib(n, a, b) AS (SELECT 1, CAST(0 AS BIGINT), CAST(1 AS BIGINT) UNION ALL SELECT n + 1, b, a + b FROM fib WHERE n < 40)
  SELECT n, a FROM fib WHERE MOD(n, 10) = 0 ORDER BY n;
SELECT CASE WHEN price < 15 THEN 'cheap' WHEN price < 35 THEN 'fair' ELSE 'dear' END AS band, COUNT(*) AS n, AVG(price) AS mean
  FROM product GROUP BY band ORDER BY band;

-- A transaction rolled back leaves no trace; one committed does.
SET AUTOCOMMIT OFF;
DELETE FROM orders WHERE qty < 5;
SELECT COUNT(*) AS during_rollback FROM orders;
ROLLBACK;
SELECT COUNT(*) AS after_rollback FROM orders;
UPDATE product SET price = price * 1.10 WHERE id <= 3;
INSERT INTO orders SELECT 600 + X, X, 1, 1, DATE '2025-01-01' FROM SYSTEM_RANGE(1, 5);
COMMIT;
SET AUTOCOMMIT ON;
SELECT id, name, price FROM product WHERE id <= 4 ORDER BY id;
SELECT COUNT(*) AS after_commit FROM orders;

-- Every order, so the result set is a few hundred rows long.
SELECT id, customer, product, qty, amount, placed FROM sales ORDER BY id;
