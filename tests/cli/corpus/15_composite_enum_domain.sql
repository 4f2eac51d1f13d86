-- Corpus: composite types, anonymous records (nested), enums, domains.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT ROW(1, 'a'), ROW(NULL, NULL), ROW(), ROW(1, ROW(2, ROW(3, 'deep')))

SELECT ROW('with space', 'with,comma', 'with"quote', E'back\\slash', '', NULL, '(paren)')

SELECT ROW(E'new\nline', E'tab\t', 'é😀', 'a|b'), ROW(1.5::float8, 'NaN'::numeric, true, date '2024-01-01')

SELECT ROW(ARRAY[1, 2], ARRAY['a b', NULL]), ROW('{"a": [1, 2]}'::jsonb), ROW('\xff'::bytea, '[1,2)'::int4range)

SELECT item, c FROM cc.items ORDER BY id

SELECT (item).name, (item).price, (c).r, (c).i FROM cc.items ORDER BY id

SELECT i FROM cc.items i ORDER BY id

SELECT p FROM cc.people p ORDER BY id

SELECT ROW(1, ROW('x', 2, 3.5)::cc.inventory_item, ARRAY['t1', 't 2'])::cc.nested

SELECT (ROW(1, ROW('x', 2, 3.5)::cc.inventory_item, ARRAY['t1'])::cc.nested).item.name

SELECT ROW(ROW(ROW(ROW('"')))), ROW(ROW(''), ROW(NULL))

SELECT (1, 'two', 3.0), ((1, 2), (3, 4)), ROW(1, 2) = ROW(1, 2), ROW(1, NULL) IS NULL, ROW(NULL, NULL) IS NULL

SELECT '("a b",1,2.5)'::cc.inventory_item, '(,,)'::cc.inventory_item, '("",,)'::cc.inventory_item

SELECT '(x'::cc.inventory_item
-- expect: error

SELECT * FROM (VALUES (ROW(1, 2)), (ROW(3, 4))) v(r)

SELECT row_to_json(i), to_jsonb(i.item) FROM cc.items i ORDER BY id

SELECT 'happy'::cc.mood, 'très "content"'::cc.mood, 'with space'::cc.mood, NULL::cc.mood

SELECT enum_range(NULL::cc.mood), enum_first(NULL::cc.mood), enum_last(NULL::cc.mood), 'sad'::cc.mood < 'happy'

SELECT name, current_mood FROM cc.people ORDER BY current_mood NULLS FIRST, id

SELECT 'angry'::cc.mood
-- expect: error

SELECT 5::cc.posint, '12345-6789'::cc.us_postal, '{1,2,3}'::cc.int_arr, (7::cc.posint + 1)

SELECT 0::cc.posint
-- expect: error

SELECT 'abc'::cc.us_postal
-- expect: error

SELECT id, name, current_mood, zip, age, born, score FROM cc.people ORDER BY id

SELECT count(*), string_agg(name, ';' ORDER BY id), max(score), min(born) FROM cc.people

SELECT ROW(id, name) FROM cc.people ORDER BY id

SELECT * FROM cc.people WHERE id = 4

SELECT t FROM (SELECT 1 AS a, 'b' AS b, NULL AS c) t

SELECT t FROM (SELECT 1 AS a, ARRAY[ROW(1, 'x')] AS b) t
