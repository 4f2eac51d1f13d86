-- Corpus: float4 and float8 output, extra_float_digits.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, '-0'::float8, 0::float8

SELECT 'NaN'::float4, 'inf'::float4, '-inf'::float4, '-0'::float4

SELECT 0.1::float8, 0.1::float4, 1.0::float8, 100::float8, 1e15::float8, 1e16::float8, 1e17::float8

SELECT 1.7976931348623157e308::float8, 2.2250738585072014e-308::float8, 4.9e-324::float8, 1e-310::float8

SELECT 3.4028235e38::float4, 1.17549435e-38::float4, 1.4e-45::float4, 1e-40::float4

SELECT pi(), pi()::float4, 1/3::float8, 2/3::float4, sqrt(2), cbrt(27::float8), exp(1)

SELECT 123456789012345678::float8, 1234567890.12345::float4, 0.000001234::float8, 1e-5::float8, 1e-4::float8

SELECT 1.23456789012345678901234567890::float8, 9007199254740993::float8, 0.30000000000000004::float8

SELECT 0.1::float8 + 0.2::float8, 'Infinity'::float8 - 'Infinity'::float8

SELECT -1.5e-7::float8, -2.5e+20::float4, 12345678::float4, 123456789::float4

SELECT x::float8 FROM (VALUES ('1e300'), ('-1e-300'), ('  3.5  '), ('.5'), ('5.'), ('+inf'), ('-nan')) v(x)

SET extra_float_digits = 0
SELECT 0.1::float8, 0.1::float4, pi(), 1/3::float8, 1e-310::float8, 123456789012345678::float8, 'NaN'::float8

SET extra_float_digits = 3
SELECT 0.1::float8, 0.1::float4, pi(), 1/3::float8, 1.4e-45::float4, 1e100::float8

SET extra_float_digits = -5
SELECT 0.1::float8, 0.1::float4, pi(), 1/3::float8, 1234567.891::float8, 'Infinity'::float8, -0::float8

SET extra_float_digits = -15
SELECT pi(), exp(10), 1e-10::float8

SET extra_float_digits = 2
SELECT 1.1::float4, 1.1::float8, '-0'::float8

SELECT float8 '1e-300' * float8 '1e-300'
-- expect: error

SELECT '1e400'::float8
-- expect: error

SELECT round(2.5::float8), round(3.5::float8), trunc(-2.7::float8), ceil(-0.5::float8), floor(-0.5::float8)

SELECT sin(0), cos(0), atan2(1, 1), degrees(pi()), radians(180), sind(30), cosd(60), tand(45)

SELECT ln(10), log(1000::float8), log10(2::float8), power(2::float8, 0.5), power(-8::float8, 1.0/3) IS NULL
-- expect: error

SELECT float4 '3.14159265358979', float8 '3.14159265358979', float4 '1e10', float4 '1e7', float4 '1e6'

SELECT setseed(0.5) IS NULL, to_char(1234.5678::float8, '9999.99'), to_char(-0.1::float4, '0.00')

-- expect: error
SELECT sum(x), avg(x) FROM (VALUES (1e308::float8), (1e308::float8)) v(x)
