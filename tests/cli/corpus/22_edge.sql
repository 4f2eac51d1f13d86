-- Corpus: edge values for client-side rendering (float shortest output, fractional seconds, offsets).
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT 1234567::float4, 12345678::float4, 123456789::float4, 16777217::float4, 100000000::float4, 0.3::float4

SELECT 0.0001::float4, 0.00001::float4, 1e-45::float4, 3.4e38::float4, 7.0e-45::float4, 1.17549421e-38::float4

SELECT 1e14::float8, 1e15::float8, 123456789012345::float8, 1234567890123456::float8, 0.0001::float8, 0.00001::float8

SELECT 5e-324::float8, 2.2250738585072009e-308::float8, 1.7976931348623157e308::float4
-- expect: error

SELECT 9.999999e-5::float8, 99999.99::float4, 999999.9::float4, 9999999::float4, 1.5e300::float8 * 1e8

SET extra_float_digits = 3
SELECT 1234567::float4, 0.3::float4, 1e-45::float4, 3.4028235e38::float4, 0.1::float8 + 0.2

SET extra_float_digits = 1
SELECT -1234567.5::float4, 2.5e-5::float4

SELECT 0.0001::numeric, 0.00000001::numeric, 1000000::numeric, 1e20::numeric, 100.0000::numeric, 9999.9999::numeric, 10000.0001::numeric

SELECT -0.0001::numeric, -1e-30::numeric, 12345678901234567890.0000000001::numeric, 1e-16383::numeric IS NOT NULL

SELECT x::numeric FROM generate_series(0, 5) g, LATERAL (SELECT (10::numeric ^ g) - 1 AS x) s

SELECT (2::numeric ^ 64)::text, (-(2::numeric ^ 63))::int8, 0.5::numeric(1, 1), 123.456::numeric(6, 3) * -1

SELECT time '12:00:00.100', time '12:00:00.000001', time '12:00:00.1000000', time '00:00:00.5', timestamp '2000-01-01 00:00:00.010'

SELECT timestamp '2000-02-29 23:59:59.999999', timestamp '1999-12-31 23:59:59.5', timestamp '0001-01-01 00:00:00.123 BC', timestamp '1500-06-15 12:00'

SELECT timestamp '1582-10-10 00:00', timestamp '1900-02-28 00:00' + interval '1 day', date '1600-02-29', date '2100-03-01' - 1

SELECT timestamptz '1900-01-01 00:00+00', timestamptz '1969-12-31 23:59:59.999999+00', timestamptz '2038-01-19 03:14:08+00', timestamptz '2262-04-12 00:00+00'

SET TimeZone = 'Europe/Dublin'
SELECT timestamptz '1900-01-01 00:00+00', timestamptz '1916-10-01 12:00+00', timestamptz '2024-07-01 12:00+00'

SET TimeZone = 'America/Sao_Paulo'
SELECT timestamptz '1914-01-01 00:00+00', timestamptz '2018-11-04 03:00+00', timestamptz '2019-02-17 01:30+00'

SET TimeZone = 'Asia/Kolkata'
SELECT timestamptz '1900-01-01 00:00+00', timestamptz '1942-09-01 00:00+00'

SET TimeZone = 'America/St_Johns'
SET DateStyle = Postgres, DMY
SELECT timestamptz '2024-01-15 12:00+00', timestamptz '2024-07-15 12:00+00', timestamptz '1900-07-15 12:00+00'

SET TimeZone = 'Europe/London'
SET DateStyle = SQL, DMY
SELECT timestamptz '1800-01-01 12:00+00', timestamptz '0001-01-01 12:00+00 BC', timestamptz '2024-03-31 00:59:59+00', timestamptz '2024-03-31 01:00:00+00'

SET TimeZone = 'UTC'
SELECT timetz '12:00:00.123456-12:34:56', timetz '00:00:00+14', timetz '23:59:59.999999-14'

SELECT interval '-1.5 seconds', interval '1 day -0.000001 seconds', interval '-0.000001 seconds', interval '1 mon -1 day +1 hour -1 minute', interval '23:59:59.999999'

SET IntervalStyle = sql_standard
SELECT interval '-1.5 seconds', interval '1 day -0.000001 seconds', interval '1 year -1 month', interval '-1 year -1 month', interval '1 day 1 second', interval '-1 day -1 second'

SET IntervalStyle = iso_8601
SELECT interval '-1.5 seconds', interval '1 day -0.000001 seconds', interval '1 mon -1 day +1 hour -1 minute', interval '-178000000 years'

SET IntervalStyle = postgres_verbose
SELECT interval '-1.5 seconds', interval '1 day -0.000001 seconds', interval '-1 mon +1 day', interval '1 hour 0.5 seconds'

SELECT '-92233720368547758.08'::money, '0.5'::money, '-0.5'::money, '1000'::money * 1000000

SELECT 2147483648::oid, '(0,0)'::tid, 4294967295::bigint::oid, '-2147483648'::oid

SELECT '2001:db8:0:0:1:0:0:1'::inet, '::ffff:0:0/96'::cidr, '0.0.0.0/0'::cidr, '255.255.255.255/32'::inet, 'fe80::1%eth0'::inet IS NULL
-- expect: error

SELECT '2001:db8:0:0:1:0:0:1'::inet, '::ffff:0:0/96'::cidr, '0.0.0.0/0'::cidr, '255.255.255.255/32'::inet, '::/0'::cidr, '1::'::inet

SELECT B'0', B'11111111111111111111111111111111111111111111111111111111111111111', ''::bit(0) IS NULL
-- expect: error

SELECT B'0', B'1111111111111111111111111111111111111111111111111111111111111111111111111', '0'::bit(1), '1'::varbit(1)

SELECT '{"a": 1.0, "b": 1e2, "c": -0.0, "d": 12345678901234567890123}'::jsonb, '[1.10, 100, 1e-10]'::jsonb

SELECT '["a", "\\\"", "\u00e9", "\ud83d\ude00", "/", "\b\f\n\r\t"]'::jsonb, '"\u00e9"'::json

SELECT g, md5(g::text), g * 0.5, g::float8 / 3 FROM generate_series(1, 20000) g

-- flags: --csv
SELECT g, repeat('x,', g % 7), NULL FROM generate_series(1, 5000) g

SELECT string_agg(chr(g), '') FROM generate_series(32, 1000) g

SELECT chr(g) FROM generate_series(1, 31) g

-- flags: --csv
SELECT chr(g) FROM generate_series(1, 31) g
