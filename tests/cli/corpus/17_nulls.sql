-- Corpus: NULLs of every kind, empty results, odd result shapes.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT NULL

SELECT NULL, NULL, NULL

SELECT NULL::int2, NULL::int4, NULL::int8, NULL::float4, NULL::float8, NULL::numeric, NULL::money, NULL::bool, NULL::oid

SELECT NULL::text, NULL::varchar(3), NULL::char(3), NULL::name, NULL::"char", NULL::bytea, NULL::uuid, NULL::json, NULL::jsonb, NULL::xml

SELECT NULL::date, NULL::time, NULL::timetz, NULL::timestamp, NULL::timestamptz, NULL::interval

SELECT NULL::inet, NULL::cidr, NULL::macaddr, NULL::macaddr8, NULL::bit(3), NULL::varbit, NULL::point, NULL::box, NULL::polygon, NULL::circle

SELECT NULL::int4range, NULL::int4multirange, NULL::int[], NULL::cc.complex, NULL::cc.mood, NULL::cc.posint, NULL::hstore, NULL::record IS NULL

SELECT ''::text IS NULL, NULL::text IS NULL, '', NULL::text, 'x'

SELECT 1 WHERE false

SELECT * FROM cc.people WHERE false

SELECT

SELECT FROM cc.counters

SELECT count(*) FROM cc.counters WHERE false

SELECT g, CASE WHEN g % 2 = 0 THEN NULL ELSE g END FROM generate_series(1, 5) g

SELECT NULLIF(1, 1), COALESCE(NULL, NULL, 'third'), GREATEST(NULL, 1, 2), LEAST(NULL::int)

SELECT a, b FROM (VALUES (1, NULL), (NULL, 'x'), (NULL, NULL)) v(a, b)

SELECT NULL || 'x', NULL + 1, NULL = NULL, NULL IS DISTINCT FROM NULL, NULL::int IS NOT DISTINCT FROM NULL

SELECT array_agg(x), string_agg(x, ','), sum(x::int), max(x) FROM (SELECT NULL::text AS x WHERE false) s

SELECT 1 AS a, 2 AS a, 3 AS "?column?"

SELECT g AS "" FROM generate_series(1, 2) g
-- expect: error

SELECT x FROM generate_series(1, 3) x WHERE x > 5 UNION ALL SELECT NULL
