-- Corpus: numeric and money.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT 'NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric, 'nan'::numeric(10, 2)

SELECT 0::numeric, -0.0::numeric, 0.000::numeric, 1.10::numeric, -1.5::numeric(10, 4)

SELECT 123456789012345678901234567890.123456789012345678901234567890::numeric

SELECT 10::numeric ^ 300, -(10::numeric ^ 100) - 1

SELECT factorial(50), factorial(100)::text = factorial(100)::text

SELECT 1 / 3::numeric, 2 / 3::numeric(30, 28), 1::numeric / 7 * 7, 10::numeric / 4

SELECT sqrt(2::numeric), sqrt(2::numeric(100, 90)), exp(1::numeric), ln(2::numeric)

SELECT 0.000000000000000000000000000001::numeric, 1e-100::numeric, 1e100::numeric

SELECT 12345::numeric(5, -2), 123456::numeric(3, -3), 0.001234::numeric(3, 5), round(12345.678, -2), round(-987654.321, -4)

SELECT trunc(12345.678, -1), round(2.5), round(-2.5), round(0.5::numeric, 0), ceil(-0.1), floor(-0.1)

SELECT scale(1.2300), min_scale(1.2300), trim_scale(1.2300), trim_scale(100.000), precision_check FROM (SELECT 1 AS precision_check) s

SELECT 'Infinity'::numeric + 1, '-Infinity'::numeric * -2, 'NaN'::numeric + 'Infinity'::numeric, 'Infinity'::numeric > 1e1000

SELECT sum(x), avg(x), min(x), max(x) FROM (VALUES (1.5::numeric), ('NaN'), (2.25)) v(x)

SELECT sum(x), avg(x), stddev_samp(x) FROM (VALUES (1::numeric), (2), (4)) v(x)

SELECT 99999.995::numeric(7, 2)
-- expect: error

SELECT 1 / 0::numeric
-- expect: error

SELECT 1e131072::numeric
-- expect: error

SELECT numeric '  -12.50  ', numeric '+.5', numeric '5.', numeric '1E+3', numeric '1.5e-3'

SELECT 2::numeric ^ 0.5, (-8)::numeric ^ 3, 1.0001 ^ 10000, power(10::numeric, -5)

SELECT to_char(123456.789, 'FM999,999,990.00'), to_char(-0.5, 'S9.99'), to_char(1e10, '9.99EEEE')

SELECT 12.34::money, (-12.34)::money, '$1,234,567.89'::money, 0::money, '-$0.01'::money

SELECT '92233720368547758.07'::money, '-92233720368547758.08'::money, 1.005::money

SELECT sum(x), 5 * '1.25'::money, '10'::money / 3, '10'::money / '4'::money FROM (VALUES ('1.10'::money), ('2.20')) v(x)

SELECT 12.345::numeric::money, '3.99'::money::numeric, cash_words('123.45'::money)

SELECT x::numeric(12, 3) FROM generate_series(-2, 2) x

SELECT 1234567890123456789::numeric * 9876543210987654321, 18446744073709551616::numeric - 1

SELECT div(17::numeric, 5), mod(-17.5, 5), gcd(12::numeric, 18.0), lcm(4.0, 6), abs(-0.00::numeric)
