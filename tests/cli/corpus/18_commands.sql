-- Corpus: row-less statements and their command tags; statements that return rows and a tag.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

CREATE TEMP TABLE t (a int, b text)

CREATE TEMP TABLE t (a int PRIMARY KEY, b text)
INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, NULL)
UPDATE t SET b = 'z' WHERE a > 1
DELETE FROM t WHERE a = 3
SELECT * FROM t ORDER BY a
TRUNCATE t
DROP TABLE t

CREATE TEMP TABLE t (a int)
INSERT INTO t SELECT generate_series(1, 1000)
UPDATE t SET a = a + 1
DELETE FROM t
UPDATE t SET a = 0

CREATE TEMP TABLE t (a serial, b text)
INSERT INTO t (b) VALUES ('one') RETURNING a, b
INSERT INTO t (b) VALUES ('two'), ('three') RETURNING *
UPDATE t SET b = upper(b) WHERE a >= 2 RETURNING a, b
DELETE FROM t WHERE a = 1 RETURNING b

CREATE TEMP TABLE t (a int)
INSERT INTO t SELECT 1 WHERE false
WITH ins AS (INSERT INTO t VALUES (5) RETURNING a) SELECT a * 2 FROM ins

CREATE TEMP TABLE src AS SELECT g AS a FROM generate_series(1, 3) g
SELECT * INTO TEMP dst FROM src
CREATE TEMP TABLE empty_t AS SELECT 1 WHERE false
CREATE TEMP TABLE viaas AS SELECT 1 AS x WITH NO DATA
SELECT count(*) FROM dst

CREATE TEMP TABLE t (a int PRIMARY KEY, b int)
INSERT INTO t VALUES (1, 1) ON CONFLICT DO NOTHING
INSERT INTO t VALUES (1, 2) ON CONFLICT DO NOTHING
INSERT INTO t VALUES (1, 3) ON CONFLICT (a) DO UPDATE SET b = excluded.b
SELECT * FROM t

CREATE TEMP TABLE tgt (id int, v int)
INSERT INTO tgt VALUES (1, 10), (2, 20)
MERGE INTO tgt USING (VALUES (1, 100), (3, 300)) s(id, v) ON tgt.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)
SELECT * FROM tgt ORDER BY id

BEGIN
SELECT 1
COMMIT

BEGIN
ROLLBACK

START TRANSACTION ISOLATION LEVEL SERIALIZABLE READ ONLY
SHOW transaction_isolation
END

BEGIN
CREATE TEMP TABLE t (a int)
SAVEPOINT s1
INSERT INTO t VALUES (1)
ROLLBACK TO SAVEPOINT s1
RELEASE s1
INSERT INTO t VALUES (2)
COMMIT
SELECT * FROM t

COMMIT

ROLLBACK

BEGIN
PREPARE TRANSACTION 'x'
-- expect: error

SET search_path = cc, public
SHOW search_path
SELECT count(*) FROM people
RESET search_path
SHOW search_path

SET LOCAL work_mem = '8MB'
SET SESSION work_mem = '8MB'
SHOW work_mem
RESET ALL

SET statement_timeout = 0
SET client_min_messages = warning
SET application_name = 'corpus'
SHOW application_name

SELECT set_config('work_mem', '16MB', false)
SHOW work_mem

PREPARE q(int) AS SELECT $1 + 1
EXECUTE q(41)
DEALLOCATE q
DEALLOCATE ALL

PREPARE ins(int) AS INSERT INTO cc.counters VALUES ($1) ON CONFLICT DO NOTHING
EXECUTE ins(1)

BEGIN
DECLARE c CURSOR FOR SELECT g FROM generate_series(1, 10) g
FETCH 3 FROM c
MOVE 2 IN c
FETCH NEXT FROM c
FETCH ALL FROM c
FETCH c
CLOSE c
COMMIT

BEGIN
DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT 1
COMMIT
FETCH ABSOLUTE 1 FROM c
CLOSE ALL

DO $$ BEGIN PERFORM 1; END $$

DO $$ BEGIN RAISE NOTICE 'hello from DO'; END $$

SELECT cc.noisy()

CREATE TEMP TABLE t (a int)
CREATE INDEX ON t (a)
CREATE UNIQUE INDEX t_a_idx2 ON t (a)
ALTER TABLE t ADD COLUMN b text DEFAULT 'x'
ALTER TABLE t RENAME COLUMN b TO c
ALTER INDEX t_a_idx2 RENAME TO t_a_idx3
COMMENT ON TABLE t IS 'a table'
ANALYZE t
VACUUM t
VACUUM (ANALYZE) t
CLUSTER t USING t_a_idx3
REINDEX TABLE t
DROP INDEX t_a_idx3
DROP TABLE t

CREATE TEMP SEQUENCE s START 5
SELECT nextval('s'), nextval('s'), currval('s'), setval('s', 100)
ALTER SEQUENCE s RESTART
DROP SEQUENCE s

CREATE TEMP VIEW v AS SELECT 1 AS x
CREATE OR REPLACE TEMP VIEW v AS SELECT 2 AS x
SELECT * FROM v
DROP VIEW v

CREATE FUNCTION pg_temp.f(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2'
SELECT pg_temp.f(21)
DROP FUNCTION pg_temp.f(int)

CALL cc.bump(1)

LISTEN corpus_channel
UNLISTEN corpus_channel
UNLISTEN *

NOTIFY corpus_other_channel, 'payload'
SELECT pg_notify('corpus_other_channel', 'x')

DISCARD ALL
DISCARD TEMP
DISCARD PLANS
DISCARD SEQUENCES

CHECKPOINT

LOCK TABLE cc.counters IN ACCESS SHARE MODE
BEGIN
LOCK TABLE cc.counters IN ACCESS SHARE MODE
SELECT count(*) FROM cc.counters
COMMIT
-- expect: error

CREATE TEMP TABLE t (a int)
GRANT SELECT ON t TO PUBLIC
REVOKE SELECT ON t FROM PUBLIC

EXPLAIN (COSTS OFF) SELECT * FROM cc.counters WHERE id = 1

EXPLAIN (COSTS OFF, FORMAT JSON) SELECT 1


VALUES (1, 'one'), (2, 'two')

TABLE cc.counters

SHOW server_version_num

SELECT count(*) > 300 FROM (SHOW ALL) s
-- expect: error

SET application_name = 'corpus'
SHOW ALL

COPY (SELECT g, 'x' || g, NULL FROM generate_series(1, 3) g) TO STDOUT

COPY (SELECT E'tab\there', E'nl\nx', E'back\\slash', NULL) TO STDOUT

COPY (SELECT 1 AS a, 'x,y' AS b, NULL AS c) TO STDOUT WITH (FORMAT csv, HEADER)

COPY cc.counters TO STDOUT

CREATE TEMP TABLE t (a int)
COPY t FROM STDIN
SELECT count(*) FROM t
