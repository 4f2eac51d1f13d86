-- Corpus: --csv output (must match psql --csv; -t drops the header).
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

-- flags: --csv
SELECT 1, 'a', NULL, true

-- flags: --csv
SELECT 'with,comma', 'with"quote', E'new\nline', E'cr\rx', ' lead', 'trail ', '', E'tab\there'

-- flags: --csv
SELECT ARRAY[1, 2], ARRAY['a b', 'c,d'], ROW(1, 'x y'), '{"a": [1, 2]}'::jsonb

-- flags: --csv
SELECT g, g * 1.5, 'row ' || g FROM generate_series(1, 5) g

-- flags: --csv
SELECT * FROM cc.people ORDER BY id

-- flags: --csv
SELECT item, c FROM cc.items ORDER BY id

-- flags: --csv
SELECT 'NaN'::float8, '-Infinity'::numeric, timestamptz '2024-01-01 00:00+00', interval '-1 day 2 hours', '\xdead'::bytea

-- flags: --csv
CREATE TEMP TABLE t (a int)
INSERT INTO t VALUES (1), (2)
SELECT * FROM t
DROP TABLE t

-- flags: --csv
SELECT 1 WHERE false

-- flags: --csv
SELECT

-- flags: --csv
SELECT '"', '""', ',', E'\\', 'NULL', 'a;b'

-- flags: --csv
SELECT 'héllo', '😀', 'Ω,Ω'

-- flags: --csv
SELECT 1; SELECT 2, 3

-- flags: --csv
-- expect: error
SELECT 1 / 0

-- flags: --csv
SET DateStyle = SQL, DMY
SELECT date '2024-02-03', timestamp '2024-02-03 04:05:06'

-- flags: --csv
SELECT 'a=>1, "b c"=>NULL'::hstore, '[1,5)'::int4range, point '(1,2)', B'101', '192.168.0.1/24'::inet

-- flags: --csv
SELECT E'only\nnewline', E'\r', E'\n', ' '
