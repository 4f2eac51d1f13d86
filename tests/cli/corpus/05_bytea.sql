-- Corpus: bytea in hex and escape output.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT '\xdeadbeef'::bytea, ''::bytea, 'abc'::bytea, '\x'::bytea

SELECT E'\\000\\001\\377'::bytea, 'a\\b'::bytea, convert_to('héllo', 'UTF8')

SELECT decode('SGVsbG8=', 'base64'), encode('\x00ff'::bytea, 'base64'), encode('a\000b'::bytea, 'escape')

SELECT sha256(''), md5('\x00'::bytea), length('\x0102'::bytea), get_byte('\x1234'::bytea, 1)

SELECT set_byte('\x0000'::bytea, 1, 255), substring('\x0102030405'::bytea from 2 for 2), '\x01'::bytea || '\x02'::bytea

SELECT decode(repeat('ab', 2000), 'hex')

SELECT NULL::bytea, ARRAY['\x01'::bytea, '\x'::bytea, NULL]

SET bytea_output = escape
SELECT '\xdeadbeef'::bytea, ''::bytea, 'abc'::bytea, E'\\000\\001\\377'::bytea, 'a\\b'::bytea

SET bytea_output = 'escape'
SELECT convert_to(E'tab\there\nnl', 'UTF8'), convert_to('héllo', 'UTF8'), decode('7f80', 'hex'), ARRAY['\x5c22'::bytea]

SET bytea_output = escape
SELECT decode('0001020304050607080910', 'hex'), decode('207e7f', 'hex')
RESET bytea_output
SELECT decode('0001020304050607080910', 'hex')

SELECT '\xzz'::bytea
-- expect: error

SELECT ROW('\x01'::bytea, 'x'), pg_typeof('\x'::bytea)
