-- A -f script for 23_copy.sql: a \copy from a missing file stops the script (ON_ERROR_STOP).
SELECT 1;
\copy cc.counters from 'no such file.txt'
SELECT 2;
