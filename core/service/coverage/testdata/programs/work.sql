CREATE TABLE dept(id INT PRIMARY KEY, name VARCHAR(20));
CREATE TABLE emp(id INT PRIMARY KEY, dept INT, salary INT);
INSERT INTO dept VALUES (1, 'research'), (2, 'sales'), (3, 'support');
INSERT INTO emp SELECT X, MOD(X, 3) + 1, 1000 + MOD(X * 37, 500) FROM SYSTEM_RANGE(1, 300);
CREATE VIEW payroll AS SELECT d.name, COUNT(*) n, SUM(e.salary) total, MAX(e.salary) top FROM emp e JOIN dept d ON e.dept = d.id GROUP BY d.name;
SELECT * FROM payroll ORDER BY name;
UPDATE emp SET salary = salary + 10 WHERE dept = 2;
SELECT name, total FROM payroll WHERE total > 100000 ORDER BY total DESC;
SELECT id, salary FROM emp WHERE salary > 1490 ORDER BY id;
