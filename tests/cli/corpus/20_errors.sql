-- Corpus: errors: stdout, exit code and the first stderr line must match psql.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

-- expect: error
SELECT 1 / 0

-- expect: error
SELECT 1.0 / 0

-- expect: error
SELECT 5 % 0

-- expect: error
SELEC 1

-- expect: error
SELECT FROM WHERE

-- expect: error
SELECT 'unterminated

-- expect: error
SELECT nosuchcolumn FROM cc.counters

-- expect: error
SELECT * FROM no_such_table

-- expect: error
SELECT no_such_function(1)

-- expect: error
SELECT 'abc'::int

-- expect: error
SELECT 2147483647 + 1

-- expect: error
SELECT 32768::int2

-- expect: error
SELECT '2024-13-01'::date

-- expect: error
INSERT INTO cc.counters VALUES (1, 1)

-- expect: error
INSERT INTO cc.people (id) VALUES (99)

-- expect: error
UPDATE cc.counters SET n = -1 WHERE id = 1

-- expect: error
SELECT cc.fail('boom')

-- expect: error
DO $$ BEGIN RAISE EXCEPTION 'raised: %', 42; END $$

-- expect: error
DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = E'multi\nline message'; END $$

-- expect: error
SELECT 1 / 0
SELECT 'after the error'

-- expect: error
SELECT 'before'
SELECT 1 / 0

-- expect: error
SELECT 'before'
SELECT 1 / 0
SELECT 'after'

-- expect: error
SELECT 1; SELECT 1 / 0; SELECT 3

-- expect: error
BEGIN
SELECT 1 / 0
SELECT 'in aborted transaction'
ROLLBACK
SELECT 'recovered'

-- expect: error
BEGIN
SELECT 1 / 0
COMMIT

-- expect: error
CREATE TEMP TABLE t (a int)
CREATE TEMP TABLE t (a int)

-- expect: error
DROP TABLE no_such_table

DROP TABLE IF EXISTS no_such_table

-- expect: error
SELECT g, 1 / (g - 3) FROM generate_series(1, 5) g

-- expect: error
SELECT ARRAY[1, 2][3:1] = 1

-- expect: error
SELECT repeat('x', 1073741824)

-- expect: error
SELECT (SELECT g FROM generate_series(1, 2) g)

-- expect: error
SELECT 1 WHERE 'x'

-- expect: error
SELECT lower(1, 2, 3)

-- expect: error
SET no_such_setting = 1

-- expect: error
SET extra_float_digits = 10

-- expect: error
SHOW no_such_setting

-- expect: error
FETCH ALL FROM no_such_cursor

-- expect: error
EXECUTE no_such_statement

-- expect: error
SELECT pg_sleep(1) FROM generate_series(1, 2) WHERE false UNION SELECT 1 / 0

-- expect: error
SET statement_timeout = '50ms'
SELECT pg_sleep(5)

-- expect: error
SELECT 'bad json'::jsonb

-- expect: error
SELECT E'\xff'

-- expect: error
SELECT E'\\u0000'::text, E'\u0000'

-- expect: error
SELECT 1 + 'x'

-- expect: error
SELECT count(*), id FROM cc.counters

-- expect: error
LOCK cc.counters

SET TRANSACTION ISOLATION LEVEL SERIALIZABLE

-- expect: error
COPY cc.counters FROM '/nonexistent/file'

-- expect: error
SELECT * FROM cc.people WHERE id = 'one'

-- expect: error
CALL cc.bump('x')

-- expect: error
SELECT cc.noisy(), 1 / 0

-- expect: exit 2
-- stderr: ignore
-- env: PGPORT=1
SELECT 1

-- expect: exit 2
-- stderr: ignore
-- env: PGDATABASE=corpus_no_such_database
SELECT 1

-- expect: exit 2
-- stderr: ignore
-- env: PGHOST=/nonexistent/socket/dir
SELECT 1
