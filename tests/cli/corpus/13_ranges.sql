-- Corpus: every built-in range and multirange type, plus a user-defined one.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT '[1,10)'::int4range, '(1,10]'::int4range, '[1,1)'::int4range, 'empty'::int4range, '(,5]'::int4range, '(,)'::int4range

SELECT '[-9223372036854775808,0]'::int8range, int8range(1, NULL), int8range(NULL, NULL, '[]'), '[5,5]'::int8range

SELECT '[1.5, 2.25)'::numrange, numrange(NULL, 'Infinity'), numrange(-1, 1, '()'), '[0.0001,1e10]'::numrange

SELECT '[2024-01-01, 2024-02-01)'::daterange, daterange('2024-01-01', '2024-01-10', '[]'), '(-infinity, infinity)'::daterange, daterange(NULL, '2000-01-01')

SELECT '[2024-01-01 10:00, 2024-01-01 12:00)'::tsrange, tsrange('2010-01-01 14:30', NULL, '(]'), '[0044-03-15 BC, 0044-03-16 BC]'::tsrange

SELECT '[2024-01-01 10:00+00, 2024-01-01 12:00+00)'::tstzrange, tstzrange(timestamptz '2010-01-01 14:30+05', 'infinity', '[]')

SET TimeZone = 'America/New_York'
SET DateStyle = SQL
SELECT '[2024-01-01 10:00+00, 2024-07-01 12:00+00)'::tstzrange, '[2024-01-01, 2024-02-01)'::daterange

SELECT '["a b", "c,d")'::textrange IS NULL
-- expect: error

SELECT '[1.5, 2.5]'::cc.floatrange, cc.floatrange(-1, 'Infinity'), '(NaN, NaN)'::cc.floatrange IS NULL, 'empty'::cc.floatrange

SELECT lower('[1,10)'::int4range), upper('(1,10]'::int4range), isempty('[1,1)'::int4range), lower_inc('(1,5]'::int4range), upper_inf('[1,)'::int4range)

SELECT int4range(1, 5) * int4range(3, 9), int4range(1, 5) + int4range(5, 9), int4range(1, 10) - int4range(3, 4) IS NULL
-- expect: error

SELECT int4range(1, 5) @> 3, int4range(1, 5) && int4range(5, 6), int4range(1, 5) -|- int4range(5, 6), range_merge(int4range(1, 2), int4range(5, 6))

SELECT '{}'::int4multirange, '{[1,3), [5,7)}'::int4multirange, '{[1,3), [2,7)}'::int4multirange, '{empty, (,1)}'::int4multirange

SELECT '{[1,2], [4,5]}'::int8multirange, '{[1.5,2), (3,4]}'::nummultirange, '{[2024-01-01,2024-01-05), [2024-02-01,)}'::datemultirange

SELECT '{[2024-01-01 00:00, 2024-01-02 00:00)}'::tsmultirange, '{[2024-01-01 00:00+00, 2024-01-02 00:00+03)}'::tstzmultirange, '{[1, 2]}'::cc.floatmultirange

SELECT int4multirange(int4range(1, 3), int4range(10, 20)), int4range(1, 10)::int4multirange, '{[1,10)}'::int4multirange - '{[3,4)}'::int4multirange

SELECT unnest('{[1,3), [5,7)}'::int4multirange), range_agg(r) FROM (VALUES (int4range(1, 3)), (int4range(2, 5))) v(r) GROUP BY ()

SELECT range_agg(r), range_intersect_agg(r) FROM (VALUES (int4range(1, 6)), (int4range(2, 9))) v(r)

SELECT unnest('{[1,3), [5,7), [9,)}'::int4multirange)

SELECT ARRAY['[1,2)'::int4range, 'empty', NULL], ARRAY['{[1,2)}'::int4multirange, '{}']

SELECT '[3,1]'::int4range
-- expect: error

SELECT '[2024-01-01 10:00, 2024-01-01 12:00)'::tsrange
SET DateStyle = German
SELECT '[2024-01-01 10:00, 2024-01-01 12:00)'::tsrange, '["2024-01-01","2024-01-09")'::daterange
