-- Corpus: DateStyle (each style and field order) and TimeZone (names, offsets, DST) settings.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SET DateStyle = ISO, MDY
SELECT date '2024-07-04', timestamp '2024-07-04 13:14:15.5', timestamptz '2024-07-04 13:14:15+00', timestamp '0044-03-15 BC', date 'infinity'

SET DateStyle = ISO, DMY
SELECT date '04/07/2024', timestamp '04/07/2024 01:02', timestamptz '2024-07-04 13:14:15+00'

SET DateStyle = SQL, MDY
SELECT date '2024-07-04', timestamp '2024-07-04 13:14:15.5', timestamptz '2024-07-04 13:14:15+00', timestamp '0044-03-15 BC', date '-infinity', timetz '12:00+03'

SET DateStyle = SQL, DMY
SELECT date '2024-07-04', timestamp '2024-07-04 13:14:15.5', timestamptz '2024-07-04 13:14:15+00', date '04/07/2024'

SET DateStyle = Postgres, MDY
SELECT date '2024-07-04', timestamp '2024-07-04 13:14:15.5', timestamptz '2024-07-04 13:14:15+00', timestamp '0044-03-15 BC', timestamp 'infinity'

SET DateStyle = Postgres, DMY
SELECT date '2024-07-04', timestamp '2024-07-04 13:14:15.5', timestamptz '2024-07-04 13:14:15+00'

SET DateStyle = German
SELECT date '2024-07-04', timestamp '2024-07-04 13:14:15.5', timestamptz '2024-07-04 13:14:15+00', timestamp '0044-03-15 BC'

SET DateStyle = German, YMD
SELECT date '2024-07-04', timestamptz '2024-12-24 18:00+00'

SET DateStyle = 'ISO, YMD'
SELECT date '24/07/04', timestamp '2024-07-04 13:14:15'
SHOW DateStyle

SET DateStyle = Postgres, YMD
SELECT timestamptz '2024-07-04 13:14:15+00', date '2024-07-04'

SET DateStyle = SQL
SET TimeZone = 'America/New_York'
SELECT timestamptz '2024-01-15 12:00+00', timestamptz '2024-07-15 12:00+00', timestamptz '1850-01-01 00:00+00'

SET DateStyle = Postgres
SET TimeZone = 'Europe/London'
SELECT timestamptz '2024-01-15 12:00+00', timestamptz '2024-07-15 12:00+00', now() IS NOT NULL

SET TimeZone = 'America/New_York'
SELECT timestamptz '2024-03-10 01:59:59-05', timestamptz '2024-03-10 03:00:00-04', timestamptz '2024-03-10 02:30', timestamptz '2024-11-03 01:30'

SET TimeZone = 'America/New_York'
SELECT timestamptz '1850-01-01 12:00', timestamptz '1883-11-18 12:00', timestamptz '0001-01-01 00:00+00', timestamptz '0100-01-01 BC'

SET TimeZone = 'Asia/Kolkata'
SELECT timestamptz '2024-01-01 00:00+00', timetz '12:00', timestamp '2024-01-01 00:00' AT TIME ZONE 'UTC'

SET TimeZone = 'Asia/Kathmandu'
SELECT timestamptz '2024-01-01 00:00+00', timestamptz '1980-01-01 00:00+00'

SET TimeZone = 'Australia/Lord_Howe'
SELECT timestamptz '2024-01-01 00:00+00', timestamptz '2024-07-01 00:00+00'

SET TimeZone = 'Pacific/Chatham'
SELECT timestamptz '2024-01-01 00:00+00', timestamptz '2024-07-01 00:00+00'

SET TimeZone = 'Europe/Amsterdam'
SELECT timestamptz '1920-06-01 00:00+00', timestamptz '1939-01-01 00:00+00'

SET TimeZone = '+05:30'
SELECT timestamptz '2024-01-01 00:00+00', current_setting('TimeZone')

SET TimeZone = 'UTC+3'
SELECT timestamptz '2024-01-01 00:00+00'

SET TimeZone = -7
SELECT timestamptz '2024-01-01 00:00+00'
SHOW TimeZone

SET TIME ZONE INTERVAL '+05:45' HOUR TO MINUTE
SELECT timestamptz '2024-01-01 00:00+00'

SET TimeZone = 'EST5EDT'
SELECT timestamptz '2024-01-01 00:00+00', timestamptz '2024-07-01 00:00+00'

SET TimeZone = 'Etc/GMT-14'
SELECT timestamptz '2024-01-01 00:00+00', timestamptz '10000-01-01 00:00+00'

SET TimeZone = 'America/Los_Angeles'
SET DateStyle = SQL, MDY
SELECT timestamptz '2024-01-01 00:00+00', timestamptz '2024-07-01 00:00+00', timestamptz '1880-01-01 00:00+00'

SET TimeZone = 'America/Los_Angeles'
SET DateStyle = German
SELECT timestamptz '2024-07-01 00:00+00', timestamptz 'infinity'

SET TimeZone = 'Africa/Monrovia'
SELECT timestamptz '1960-01-01 00:00+00', timestamptz '1975-01-01 00:00+00'

SET TimeZone = 'Asia/Tokyo'
SELECT timestamptz '2024-01-01 00:00+00' AT TIME ZONE 'America/Sao_Paulo', timezone('UTC', timestamp '2024-06-01 12:00'), timetz '12:00+00' AT TIME ZONE 'Asia/Tokyo'

SET TimeZone = 'Europe/Moscow'
SELECT generate_series(timestamptz '2011-03-26 00:00+00', timestamptz '2011-03-28 00:00+00', '12 hours')

SET TimeZone = 'Mars/Olympus'
-- expect: error

SET DateStyle = 'Klingon'
-- expect: error

SET DateStyle = SQL, DMY
SET IntervalStyle = sql_standard
SET TimeZone = 'Asia/Kolkata'
SELECT date '2000-01-02', interval '1 day 2:03:04', timestamptz '2000-01-02 03:04:05+00', timestamp '2000-01-02'

SET TimeZone = 'UTC'
SELECT to_char(timestamptz '2024-05-06 07:08:09+00', 'TZ OF TZH:TZM'), timestamptz '2024-05-06 07:08:09+00'

SET TimeZone = 'America/Caracas'
SELECT to_char(timestamptz '2024-05-06 07:08:09+00', 'YYYY-MM-DD HH24:MI:SS TZ OF')
