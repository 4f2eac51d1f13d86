-- Corpus: psql's \copy meta-command (a whole -c argument, or a line of a -f file).
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`, `-- stdin: FILE` (from corpus/data). In commands and flags @DATA@ is
-- corpus/data and @TMP@ a fresh directory whose files after the run must be equal too. psql's
-- own errors (a missing file, a parse error) are not `ERROR:` lines: those cases expect exit 1.
-- Shared objects (schema cc) come from 00_setup.sql.

\copy cc.counters to stdout

\copy cc.counters to stdout (format csv)

\copy cc.counters to stdout (format csv, header)

\copy cc.counters to stdout with csv header delimiter ';' force quote *

\copy cc.counters to stdout with delimiter '|' null 'NULL'

\copy cc.people to stdout

\copy cc.people (id, name) to stdout (format csv)

\copy cc.people(name,id) to stdout

\copy cc."people" to stdout (format csv, header, null '<null>')

\copy (SELECT * FROM cc.people ORDER BY id DESC) to stdout (format csv, header)

\copy ( select id, ')' || name, 'a''b' AS "q(x)" from cc.people where id < 3 order by id ) to stdout

\copy (SELECT g, E'tab\there', NULL, ARRAY[g, g], '(1,2)'::point FROM generate_series(1, 3) g) to stdout

\copy cc.items to stdout

\copy cc.kv to stdout (format csv)

\copy cc.counters to stdout (format binary)

\copy binary cc.counters to stdout

\copy cc.counters TO PSTDOUT

\copy cc.counters to stdout;

CREATE TEMP TABLE t (a int)
\copy t from stdout

-- flags: --csv
\copy cc.counters to stdout

\copy cc.counters to '@TMP@/counters.txt'

\copy (SELECT * FROM cc.people ORDER BY id) to '@TMP@/people.csv' with (format csv, header)

\copy cc.counters to @TMP@/unquoted.txt csv

\copy cc.counters to '@TMP@/with space.txt'

\copy cc.counters to '@TMP@/binary.dat' (format binary)

\copy cc.counters to program 'cat > @TMP@/program.txt'

-- flags: -q
\copy cc.counters to '@TMP@/quiet.txt'

CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from '@DATA@/rows.txt'
SELECT * FROM t ORDER BY a

CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from '@DATA@/rows.csv' (format csv, header)
SELECT a, b, c FROM t ORDER BY a

CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from '@DATA@/rows.csv' with csv header
SELECT count(*) FROM t

CREATE TEMP TABLE t (a int, b text, c float8)
\copy t (a, b, c) from '@DATA@/rows.csv' with (format csv, header, force_null (b))
\copy t from '@DATA@/rows_eod.txt'
SELECT * FROM t ORDER BY a

CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from program 'cat @DATA@/rows.txt'
SELECT count(*), sum(a) FROM t

-- stdin: rows.txt
CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from stdin
SELECT * FROM t ORDER BY a

-- stdin: rows.txt
CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from pstdin
SELECT count(*) FROM t

-- stdin: rows_eod.txt
CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from stdin
SELECT * FROM t

CREATE TEMP TABLE t (LIKE cc.people)
\copy cc.people to '@TMP@/people.txt'
\copy t from '@TMP@/people.txt'
SELECT * FROM t EXCEPT SELECT * FROM cc.people

CREATE TEMP TABLE t (a int, b text, c float8)
\copy t to '@TMP@/binary.dat' (format binary)
INSERT INTO t VALUES (1, 'x', 2.5), (2, NULL, NULL)
\copy t to '@TMP@/binary.dat' (format binary)
TRUNCATE t
\copy t from '@TMP@/binary.dat' (format binary)
SELECT * FROM t ORDER BY a

-- flags: -f @DATA@/copy_script.sql
SELECT count(*) FROM script_t

-- expect: exit 3
-- flags: -f @DATA@/copy_script_error.sql
SELECT 3

-- expect: exit 1
\copy cc.counters from '@DATA@/no_such_file.txt'

-- expect: exit 1
\copy cc.counters from '@DATA@/no_such_file.txt'
SELECT 1

-- expect: exit 1
\copy cc.counters from '@TMP@'

-- expect: exit 1
\copy cc.counters to '@TMP@'

-- expect: exit 1
\copy cc.counters to '@DATA@/no_such_dir/x.txt'

-- expect: exit 1
\copy

-- expect: exit 1
\copy cc.counters

-- expect: exit 1
\copy cc.counters sideways stdout

-- expect: exit 1
\copy cc.counters to

-- expect: exit 1
\copy a.b.c to stdout

-- expect: exit 1
\copy cc.counters (id to stdout

-- expect: exit 1
\copy (SELECT 1 to stdout

-- expect: exit 1
\copy cc.counters to program cat

-- expect: exit 1
\copy cc.counters to program 'cat > /dev/null; exit 3'

-- expect: error
\copy no_such_table to stdout

-- expect: error
\copy no_such_table from '@DATA@/rows.txt'

-- expect: error
\copy (SELECT nosuch FROM cc.counters) to stdout

-- expect: error
\copy cc.counters to stdout (format xml)

-- expect: error
\copy cc.counters to stdout with (format

-- expect: error
CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from '@DATA@/bad.txt'

-- expect: error
\copy cc.counters from '@DATA@/rows.txt'
SELECT 1

-- expect: error
CREATE TEMP TABLE t (a int, b text, c float8)
\copy t from '@DATA@/rows.csv' (format csv)
