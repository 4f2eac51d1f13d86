-- Corpus: hstore (extension created by 00_setup.sql).
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT 'a=>1, b=>2'::hstore, ''::hstore, 'a=>NULL'::hstore, 'a=>"NULL"'::hstore, '"a b"=>"c d"'::hstore

SELECT k, v FROM cc.kv ORDER BY k

SELECT 'a=>"x\"y", b=>"back\\slash"'::hstore, hstore('é', '😀'), hstore(ARRAY['k1', 'v1', 'k2', NULL])

SELECT 'a=>1, b=>2'::hstore -> 'a', 'a=>1'::hstore ? 'b', 'a=>1, b=>2'::hstore - 'a'::text, 'a=>1'::hstore || 'c=>3'::hstore

SELECT akeys('a=>1, b=>2'), avals('a=>1, b=>NULL'), hstore_to_json('a=>1, b=>NULL'), hstore_to_matrix('a=>1')

SELECT * FROM each('a=>1, b=>NULL, c=>"x y"'::hstore) ORDER BY key

SELECT ARRAY['a=>1'::hstore, ''], ROW('x=>y'::hstore), hstore(ROW('one', 2, 3.5)::cc.inventory_item)

SELECT hstore(E'k\nnl', E'v\ttab'), 'a=>1'::hstore = 'a=>"1"'::hstore, slice('a=>1,b=>2,c=>3'::hstore, ARRAY['b', 'c'])

SELECT 'a=>'::hstore
-- expect: error
