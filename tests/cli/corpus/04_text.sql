-- Corpus: character types (text, varchar, bpchar, name, "char"): unicode, quotes, backslashes,
-- empty strings, embedded newlines and tabs (psql prints them raw in unaligned mode).
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT 'hello', '', ' ', 'a|b', '|'

SELECT 'it''s', 'say "hi"', E'back\\slash', '\n literal backslash-n', E'\\\\'

SELECT E'line1\nline2', E'tab\there', E'cr\rhere', E'both\r\nend'

SELECT E'\n', E'\t', E'\n\n', E'trailing\n'

SELECT E'a\nb' AS x, 'c' AS y
SELECT 1, E'multi\nline\ncell', 2

SELECT 'héllo wörld', 'Ωμέγα', '日本語テキスト', '😀🎉', 'e' || chr(769), chr(8364)

SELECT length('😀'), octet_length('😀'), upper('straße'), lower('ÀÉÎ'), initcap('hello wORLD')

SELECT 'abcdef'::varchar(3), 'ab'::varchar(10), 'x'::varchar, 'abc'::char(6), 'ab'::char(1), ''::char(3)

SELECT 'ab'::char(5) || '|', length('ab   '::char(5)), 'ab'::char(5)::text || '|', char_length('a  '::bpchar)

SELECT 'pg_class'::name, repeat('n', 70)::name, 'ÄÖÜ'::name, ''::name

SELECT 'a'::"char", 'abc'::"char", ''::"char", E'\\001'::"char", '\200'::"char"::text, 120::"char"

SELECT repeat('x', 10000) = repeat('x', 10000), length(repeat('abc', 100000))

SELECT repeat('0123456789', 500)

SELECT string_agg(g::text, ',') FROM generate_series(1, 300) g

SELECT format('%s|%I|%L', 'x', 'Mixed Case', E'it''s\\'), quote_ident('a"b'), quote_literal(E'c\\d'), quote_nullable(NULL)

SELECT concat('a', NULL, 'b'), concat_ws('-', 'a', NULL, 'c'), 'a' || NULL IS NULL, left('abcdef', -2), right('abcdef', 2)

SELECT replace('a.b.c', '.', E'\n'), translate('12345', '143', 'ax'), split_part('a,b,c', ',', -1), reverse('žluť')

SELECT regexp_replace('foo bar', '(\w+) (\w+)', '\2 \1'), regexp_matches('abc123def', '\d+'), 'Abc' ~* 'abc'

SELECT regexp_split_to_table(E'a b\tc\nd', '\s')

SELECT to_hex(255), md5('abc'), encode(sha256('abc'), 'hex'), ascii('A'), chr(65)

SELECT U&'d\0061t\+000061', U&'\00e9', E'\u00e9\U0001F600', 'x' COLLATE "C" < 'y'

SELECT $$dollar 'quoted' "text"$$, $tag$with $$ inside$tag$, $$$$

SELECT 'a' AS "select", 'b' AS "Mixed Case", 'c' AS "a|b"

SELECT lpad('5', 3, '0'), rpad('ab', 5, '*'), btrim('  x  '), ltrim('xxyxz', 'xy'), overlay('Txxxxas' placing 'hom' from 2 for 4)

SELECT position('c' in 'abcd'), strpos('hello', 'll'), substr('hello', 2, 3), substring('Thomas' from '...$'), starts_with('alphabet', 'alph')

SELECT E'\x01\x02\x1f', E'\x7f', 'null byte is not allowed' WHERE false

SELECT E'\\x00'::text, 'NULL', 'null', E'\\N'

SELECT to_json(E'q"\\\n'::text), E'a\u2028b', E'\u00A0nbsp'
