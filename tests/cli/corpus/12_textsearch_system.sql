-- Corpus: text search, pg_lsn, snapshots, and other system types.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT 'a fat cat sat on a mat and ate a fat rat'::tsvector, $$the lexeme '    ' contains spaces$$::tsvector, $$'Joe''s' "x\\y"$$::tsvector

SELECT 'a:1 fat:2 cat:3,4A sat:5B,6C'::tsvector, ''::tsvector, 'a:1 a:1 b:3D'::tsvector

SELECT to_tsvector('english', 'The Fat Rats jumped over lazy dogs'), to_tsvector('simple', 'Ünïcödé wörds, 123 and 4.5e6')

SELECT 'fat & rat'::tsquery, 'fat & (rat | cat)'::tsquery, '!cat'::tsquery, 'super:*'::tsquery, 'fat:ab & cat'::tsquery, 'a <-> b <2> c'::tsquery

SELECT to_tsquery('english', 'The & Fat & Rats'), plainto_tsquery('english', 'The Fat Rats'), phraseto_tsquery('english', 'The Fat Rats'), websearch_to_tsquery('english', '"fat rat" or -cat')

SELECT to_tsvector('fat cats ate rats') @@ to_tsquery('cat & rat'), ts_rank(to_tsvector('a b c'), to_tsquery('b')), setweight('a:1 b:2'::tsvector, 'A')

SELECT ts_headline('english', 'The fat cat sat on the mat', to_tsquery('english', 'cat'), 'StartSel=<, StopSel=>'), numnode('(fat & rat) | cat'::tsquery), strip('a:1,2 b:3'::tsvector)

SELECT ''::tsquery, 'x & '::tsquery
-- expect: error

SELECT '16/B374D848'::pg_lsn, '0/0'::pg_lsn, 'FFFFFFFF/FFFFFFFF'::pg_lsn, '16/B374D848'::pg_lsn - '16/B374D800'::pg_lsn, '0/10'::pg_lsn + 16

SELECT 'G/0'::pg_lsn
-- expect: error

SELECT '10:20:10,14,15'::pg_snapshot, '10:20:'::pg_snapshot, '10:20:10,14,15'::txid_snapshot, pg_snapshot_xmin('10:20:10,14,15'), pg_snapshot_xmax('10:20:10,14,15')

SELECT pg_snapshot_xip('10:20:10,14,15'), pg_visible_in_snapshot('14', '10:20:10,14,15'), txid_snapshot_xip('10:20:10,14,15')

SELECT '20:10:'::pg_snapshot
-- expect: error

SELECT pg_current_snapshot() IS NOT NULL, pg_current_xact_id() > '0'::xid8, txid_current() > 0

SELECT 'english'::regconfig, 'simple'::regdictionary, 'public'::regnamespace, 'postgres'::regrole, 'hstore'::regtype

SELECT '(1,2)'::int4range IS NULL, pg_column_size(1::int4), pg_column_size('abc'::text), pg_size_pretty(123456789::bigint), pg_size_pretty(-1::numeric)

SELECT current_database(), current_user, session_user, current_schema, current_setting('server_version_num')::int >= 150000

SELECT acldefault('r', 'postgres'::regrole), '{postgres=arwdDxt/postgres,=r/postgres}'::aclitem[], 'postgres=r*w/postgres'::aclitem

SELECT '1 2'::int2vector, '1 2 3'::oidvector, '0 1'::int2vector::int2[], (SELECT indkey FROM pg_index WHERE indrelid = 'cc.counters'::regclass)

SELECT has_table_privilege('cc.counters', 'SELECT'), pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'cc.counters'::regclass

SELECT pg_get_functiondef('cc.add(int, int)'::regprocedure)

SELECT pg_get_viewdef('cc.v_people'), pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'cc.counters'::regclass AND contype = 'c'

SELECT format_type('numeric'::regtype, 655366), format_type('timestamptz'::regtype, 3), format_type('varchar'::regtype, 14)

SELECT NULL::pg_lsn, NULL::tsvector, NULL::pg_snapshot, NULL::regclass, NULL::aclitem
