-- Corpus: interval values under every IntervalStyle.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT interval '1 year 2 months 3 days 4 hours 5 minutes 6 seconds', interval '0', interval '-00:00:01'

SELECT interval '-1 year +2 days -3 hours', interval '1 day -1 second', interval '-1 day +1 second', interval '+1 month -1 day'

SELECT interval '1.5 months', interval '1.5 years', interval '0.5 days', interval '1.000001 seconds', interval '1 microsecond'

SELECT interval 'P1Y2M3DT4H5M6S', interval 'P0.5Y', interval 'PT-1.5S', interval 'P1W', interval 'P0001-02-03T04:05:06'

SELECT interval '178000000 years', interval '-178000000 years', interval '2147483647 days', interval '2562047788 hours'

SELECT interval '1-2', interval '3 4:05:06', interval '-1-2 +3 -4:05:06', interval '@ 1 year 2 mons ago'

SELECT interval '1 day' * 1.5, interval '1 hour' / 7, interval '1 month' - interval '1 day', -interval '1 year 1 second'

SELECT interval(0) '1.5 seconds', interval '1 day 2 hours' hour to minute, interval '123' year, interval '1 2' day to hour

SELECT extract(epoch from interval '1 month'), extract(hour from interval '-27 hours'), date_part('month', interval '14 months')

SELECT sum(i), avg(i) FROM (VALUES (interval '1 day'), (interval '-1 hour'), (interval '1 month 30 seconds')) v(i)

SET IntervalStyle = postgres
SELECT interval '1 year 2 months 3 days 4 hours 5 minutes 6.7 seconds', interval '-1 year +2 days -3 hours', interval '0', interval '-1 day -00:00:01'

SET IntervalStyle = postgres_verbose
SELECT interval '1 year 2 months 3 days 4 hours 5 minutes 6.7 seconds', interval '-1 year +2 days -3 hours', interval '0', interval '-1 day -00:00:01', interval '1 microsecond'

SET IntervalStyle = sql_standard
SELECT interval '1 year 2 months 3 days 4 hours 5 minutes 6.7 seconds', interval '-1 year +2 days -3 hours', interval '0', interval '-1 day -00:00:01', interval '1-2', interval '-1-2'

SET IntervalStyle = iso_8601
SELECT interval '1 year 2 months 3 days 4 hours 5 minutes 6.7 seconds', interval '-1 year +2 days -3 hours', interval '0', interval '-1 day -00:00:01', interval '-0.5 seconds'

SET IntervalStyle TO sql_standard
SELECT interval '1 day', interval '-1 day', interval '1 hour', interval '-1 month', interval '1 year -1 day'

SET IntervalStyle = iso_8601
SELECT ARRAY[interval '1 day', interval '-2 hours'], age(timestamp '2001-04-10', timestamp '1957-06-13')

SET IntervalStyle = postgres_verbose
SELECT justify_interval(interval '1 mon -1 hour'), interval '1 day' - interval '25 hours'

SELECT interval '1 year' < interval '366 days', interval '30 days' = interval '1 month', interval '24 hours' = interval '1 day'

SELECT interval 'bogus'
-- expect: error

SELECT interval '178000000 years' * 100
-- expect: error
