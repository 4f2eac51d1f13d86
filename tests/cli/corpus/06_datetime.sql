-- Corpus: date, time, timetz, timestamp, timestamptz (BC, infinity, year 10000+, 24:00:00).
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT date '2024-02-29', date '1999-01-08', date 'January 8, 1999', date '20240101', date 'epoch'

SELECT date '4713-01-01 BC', date '0001-01-01', date '0001-12-31 BC', date '5874897-12-31', date '10000-01-01'

SELECT date 'infinity', date '-infinity', 'infinity'::date > date '9999-12-31', isfinite(date 'infinity')

SELECT date '2024-03-01' - date '2024-02-01', date '2024-01-31' + 1, date '2024-01-31' + interval '1 month'

SELECT time '04:05:06', time '04:05:06.789', time '24:00:00', time 'allballs', time '23:59:59.999999', time '23:59:59.9999999'

SELECT time(0) '12:34:56.789', time(3) '12:34:56.78951', time '040506', time '4:05 PM'

SELECT timetz '04:05:06+05:30', timetz '12:00-08', timetz '24:00:00+00', timetz '00:00:00-15:59', timetz '10:00:00.5+01:02:03'

SELECT timestamp '2004-10-19 10:23:54', timestamp '2004-10-19 10:23:54.123456', timestamp '2004-10-19', timestamp 'epoch'

SELECT timestamp '0044-03-15 12:00 BC', timestamp '4714-11-24 00:00:00 BC', timestamp '294276-12-31 23:59:59.999999'

SELECT timestamp '10000-01-01 00:00', timestamp '12345-06-07 08:09:10', timestamp 'infinity', timestamp '-infinity'

SELECT timestamp(0) '2000-01-01 12:00:00.5', timestamp(2) '2000-01-01 12:00:00.125', timestamp(6) '2000-01-01 00:00:00.0000005'

SELECT timestamp '2024-01-01 24:00:00', timestamp 'today' - timestamp 'yesterday', timestamp 'allballs' IS NULL
-- expect: error

SELECT timestamptz '2004-10-19 10:23:54+02', timestamptz '2004-10-19 10:23:54 America/New_York', timestamptz '1999-01-08 04:05:06 -8:00'

SELECT timestamptz '0010-01-01 00:00 BC', timestamptz 'infinity', timestamptz '10000-01-01 00:00+00', timestamptz '2000-01-01 00:00:00.000001Z'

SELECT timestamptz '2016-06-07 12:00 Europe/Berlin', timestamptz '2016-12-07 12:00 Europe/Berlin', timestamptz 'J2451187 04:05-08:00'

SELECT to_timestamp(0), to_timestamp(1e9), to_timestamp(-1e10), to_timestamp('Infinity'), to_timestamp(1.5)

SELECT make_date(2020, 2, 29), make_date(-44, 3, 15), make_time(8, 15, 23.5), make_timestamp(2013, 7, 15, 8, 15, 23.5), make_timestamptz(2013, 7, 15, 8, 15, 23.5, 'America/New_York')

SELECT date_trunc('hour', timestamp '2001-02-16 20:38:40'), date_trunc('month', timestamptz '2001-02-16 20:38:40+00'), date_trunc('day', timestamptz '2001-02-16 20:38:40+00', 'Australia/Sydney')

SELECT extract(epoch from timestamptz '2001-02-16 20:38:40.12-08'), extract(year from date '0001-01-01 BC'), extract(century from timestamp '2000-12-16 12:21:13'), date_part('doy', date '2024-12-31')

SELECT extract(isodow from date '2024-06-02'), extract(week from date '2005-01-01'), extract(julian from date '2006-01-01'), extract(microseconds from time '17:12:28.5')

SELECT timestamp '2001-09-28 01:00' + interval '23 hours', date '2001-09-28' + time '03:00', timestamptz '2001-09-29 03:00+00' - timestamptz '2001-09-27 12:00+00'

SELECT age(timestamp '2001-04-10', timestamp '1957-06-13'), justify_days(interval '35 days'), justify_hours(interval '27 hours')

SELECT to_char(timestamp '2002-04-20 17:31:12.66', 'HH12:MI:SS.MS AM Day DD Month YYYY'), to_char(date '0044-03-15 BC', 'YYYY BC'), to_date('05 Dec 2000', 'DD Mon YYYY')

SELECT '2024-02-30'::date
-- expect: error

SELECT time '25:00:00'
-- expect: error

SELECT overlaps_result FROM (SELECT (DATE '2001-02-16', DATE '2001-12-21') OVERLAPS (DATE '2001-10-30', DATE '2002-10-30') AS overlaps_result) s

SELECT date_bin('15 minutes', timestamp '2020-02-11 15:44:17', timestamp '2001-01-01'), '2024-01-01'::timestamp::date, timestamp '2024-05-06 07:08:09'::time

SELECT generate_series(timestamp '2024-01-30', timestamp '2024-05-01', interval '1 month')

SELECT d FROM (VALUES (date '2000-01-01'), (NULL), (date '-infinity')) v(d) ORDER BY d NULLS FIRST
