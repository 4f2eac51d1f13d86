-- A -f script for 23_copy.sql: \copy from the script's own lines, then to stdout.
CREATE TEMP TABLE script_t (a int, b text, c float8);
\copy script_t from stdin
10	ten	10
11	\N	11
\.
\copy script_t (a, b) from stdin with csv
12,"twelve, with ; and \"
\.
SELECT count(*) FROM script_t;
\copy (SELECT * FROM script_t ORDER BY a) to stdout with csv header
\copy script_t to pstdout
