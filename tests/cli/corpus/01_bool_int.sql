-- Corpus: bool, integer types, oid, xid, xid8, cid, tid, regclass and friends.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT true, false, NULL::bool

SELECT 't'::bool, 'yes'::bool, 'on'::bool, '0'::bool, 'off'::bool, 'n'::bool

SELECT true AND NULL, false AND NULL, true OR NULL, NOT NULL::bool

SELECT bool_and(x), bool_or(x), every(x) FROM (VALUES (true), (false), (NULL)) v(x)

SELECT 0::int2, 32767::int2, (-32768)::int2, '  42  '::int2

SELECT 2147483647, (-2147483648)::int4, 0::int4, '-0'::int4

SELECT 9223372036854775807, (-9223372036854775808)::int8, 1::int8 << 62

SELECT 17 / 5, -17 / 5, 17 % 5, -17 % 5, 2 ^ 10, |/ 16, @ -5, 7 & 3, 7 | 8, 7 # 2, ~7

SELECT '0x1F'::int4, '0o17'::int4, '0b101'::int4, 1_000_000
-- expect: error

SELECT 42::oid, 4294967295::oid, '-1'::oid, 0::oid

SELECT 'pg_class'::regclass, 'int4'::regtype, 'now'::regproc, 'int4pl(int4,int4)'::regprocedure

SELECT 'pg_catalog.pg_type'::regclass::oid, 'text[]'::regtype, 'cc.mood'::regtype, '+(int4,int4)'::regoperator

SELECT '1234'::xid, '4294967295'::xid, '18446744073709551615'::xid8, '0'::xid8

SELECT '42'::cid, '(0,1)'::tid, '(4294967295,65535)'::tid, '(12,3)'::tid < '(13,0)'::tid

SELECT ctid, id FROM cc.counters WHERE id <= 2 ORDER BY id

SELECT xmin::text::bigint > 0 AS has_xmin FROM cc.counters LIMIT 1

SELECT pg_typeof(1), pg_typeof(1::int2), pg_typeof(10000000000), pg_typeof(1.5), pg_typeof('x'::text)

SELECT generate_series(1, 10)

SELECT g, g * g, -g FROM generate_series(-3, 3) g

SELECT sum(g), avg(g), min(g), max(g), count(*), stddev(g), variance(g) FROM generate_series(1, 100) g

SELECT 255::int4::bit(8), 65::int4::"char"::text, 1::bool, 0::bool, int4(true)

SELECT gcd(1071, 462), lcm(21, 6), factorial(20), div(-7, 2), mod(-7, 2)

SELECT width_bucket(5.35, 0.024, 10.06, 5), abs(-32768::int4), sign(-8)

SELECT x FROM unnest(ARRAY[3, 1, 2]) x ORDER BY x DESC
