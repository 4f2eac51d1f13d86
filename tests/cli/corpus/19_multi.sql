-- Corpus: several -c per case, several statements per -c (psql shows every result).
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT 1
SELECT 2
SELECT 3

SELECT 1; SELECT 2

SELECT 1 AS a; SELECT 'x', 'y'; SELECT NULL

SELECT 1; CREATE TEMP TABLE t (a int); INSERT INTO t VALUES (1), (2); SELECT * FROM t

CREATE TEMP TABLE t (a int); INSERT INTO t VALUES (1)

BEGIN; SELECT 1; COMMIT

SET TimeZone = 'Asia/Tokyo'; SELECT timestamptz '2024-01-01 00:00+00'

SELECT 1;

;

SELECT 1;;SELECT 2

SELECT 1 -- trailing comment

/* leading comment */ SELECT 2

SELECT 'semi;colon', $$dollar;semi$$, 'a' AS ";"

SELECT E'a\nb'; SELECT E'c\td'

SELECT g FROM generate_series(1, 3) g; SELECT g FROM generate_series(4, 6) g

SELECT current_setting('DateStyle'); SET DateStyle = German; SELECT current_setting('DateStyle'), date '2024-01-02'

SET DateStyle = SQL
SELECT date '2024-01-02'
SET DateStyle = ISO
SELECT date '2024-01-02'

SET extra_float_digits = 0
SELECT pi()
RESET extra_float_digits
SELECT pi()

CREATE TEMP TABLE t (a int)
INSERT INTO t VALUES (1)
INSERT INTO t VALUES (2)
INSERT INTO t VALUES (3)
SELECT sum(a) FROM t
DELETE FROM t
SELECT count(*) FROM t

SELECT 1
SELECT 'second'; SELECT 'third'
SELECT 'fourth'

BEGIN
SET LOCAL TimeZone = 'Europe/Paris'
SELECT timestamptz '2024-06-01 00:00+00'
COMMIT
SELECT timestamptz '2024-06-01 00:00+00'

SELECT cc.add(1, 2); SELECT cc.add(3, 4)

VALUES (1), (2); VALUES ('a')

SELECT 1 UNION ALL SELECT 2; SELECT 'x' WHERE false; SELECT 3

CREATE TEMP TABLE t (a int); SELECT * FROM t; INSERT INTO t VALUES (1) RETURNING *; UPDATE t SET a = 2
