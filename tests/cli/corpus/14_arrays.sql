-- Corpus: arrays: multi-dimensional, lower bounds, NULL elements, empty, quoting, composites.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT ARRAY[1, 2, 3], '{}'::int[], ARRAY[]::text[], '{NULL}'::int[], ARRAY[NULL, 1, NULL]

SELECT ARRAY[[1, 2], [3, 4]], '{{{1},{2}},{{3},{4}}}'::int[], ARRAY[ARRAY[]::int[], ARRAY[]::int[]]

SELECT '[0:2]={a,b,c}'::text[], '[-5:-4]={1,2}'::int[], '[1:1][3:4]={{x,y}}'::text[], array_lower('[0:2]={1,2,3}'::int[], 1)

SELECT ARRAY['plain', 'with space', 'with,comma', 'with"quote', E'with\\backslash', '', 'NULL', 'null', NULL, '{braces}']

SELECT ARRAY[E'new\nline', E'tab\there', ' lead', 'trail ', 'a;b', 'é', '😀', 'x y z']

SELECT ARRAY[true, false, NULL], ARRAY[1.5::float8, 'NaN', '-Infinity', '-0'], ARRAY[1.10::numeric, 'NaN'], ARRAY[1::int2], ARRAY[2::int8]

SELECT ARRAY[date '2024-01-01', 'infinity'], ARRAY[timestamp '2024-01-01 10:00', '0044-03-15 BC'], ARRAY[timestamptz '2024-01-01 10:00+00'], ARRAY[interval '1 day -1 hour']

SET DateStyle = SQL, DMY
SELECT ARRAY[date '2024-01-02', NULL], ARRAY[timestamp '2024-01-02 03:04'], ARRAY[timestamptz '2024-01-02 03:04+00']

SELECT ARRAY['{"a": 1}'::jsonb, '[1, "x"]', 'null'], ARRAY['{"k": "v,w"}'::json], ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]

SELECT ARRAY[ROW(1, 'a'), ROW(2, 'b c')], ARRAY[ROW(1.5, 2)::cc.complex, NULL, ROW(NULL, NULL)::cc.complex]

SELECT array_agg(item ORDER BY id), array_agg(c ORDER BY id) FROM cc.items

SELECT ARRAY[ROW('fuzzy "dice"', 42, 1.99)::cc.inventory_item, ROW('', NULL, NULL)::cc.inventory_item, ROW(E'back\\slash', 1, 'NaN')::cc.inventory_item]

SELECT ARRAY['happy'::cc.mood, 'très "content"', 'with space'], ARRAY['12345'::cc.us_postal], '{1,2}'::cc.int_arr

SELECT ARRAY[ARRAY['a', NULL], ARRAY['{', '}']], ARRAY[[true]], ARRAY[[[NULL::int]]]

SELECT array_dims('[1:2][0:1]={{1,2},{3,4}}'::int[]), array_ndims(ARRAY[[1]]), array_length(ARRAY[1, 2], 1), cardinality(ARRAY[[1, 2], [3, 4]]), array_upper('{}'::int[], 1)

SELECT array_append(ARRAY[1, 2], 3), array_prepend(0, ARRAY[1]), array_cat(ARRAY[1], ARRAY[[2]]) IS NULL, ARRAY[1, 2] || 3, ARRAY[[1]] || ARRAY[[2]]

SELECT array_remove(ARRAY[1, 2, NULL, 2], 2), array_replace(ARRAY[1, 2, 2], 2, 9), array_position(ARRAY['a', 'b'], 'b'), array_positions(ARRAY[1, 2, 1], 1)

SELECT array_to_string(ARRAY[1, NULL, 3], ',', '*'), string_to_array('a,b,,c', ','), string_to_array('a b', NULL), array_fill(7, ARRAY[2, 2], ARRAY[0, 5])

SELECT (ARRAY[10, 20, 30])[2], (ARRAY[10, 20, 30])[2:3], (ARRAY[[1, 2], [3, 4]])[2][1], (ARRAY[1, 2])[5], ('[0:1]={a,b}'::text[])[0:0]

SELECT ARRAY[1, 2] @> ARRAY[1], ARRAY[1, 2] && ARRAY[3], ARRAY[1, 2] < ARRAY[1, 3], ARRAY[NULL::int] = ARRAY[NULL::int]

SELECT unnest(ARRAY[[1, 2], [3, 4]]), generate_subscripts(ARRAY['a', 'b'], 1)

SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['x', 'y']) WITH ORDINALITY AS t(n, s, o)

SELECT ARRAY(SELECT g FROM generate_series(1, 1000) g) = ARRAY(SELECT g FROM generate_series(1, 1000) g), array_length(ARRAY(SELECT generate_series(1, 5000)), 1)

SELECT ARRAY['\x00ff'::bytea], ARRAY['(1,2)'::point], ARRAY['<a/>'::xml], ARRAY['1 day'::interval], ARRAY['a=>1'::hstore], ARRAY['1/0'::pg_lsn], ARRAY[B'101']

SELECT '{1,2'::int[]
-- expect: error

SELECT ARRAY[[1, 2], [3]]
-- expect: error

SELECT '{{1,2},{3,4}}'::int[] AS a, '{"a\"b", "c\\d", " e "}'::text[] AS b, '{"",NULL,"NULL"}'::text[] AS c

SELECT ARRAY[ARRAY[ROW(1, ARRAY['x', 'y z'])]], ARRAY[ROW(ROW(1, 'in "q"'), NULL)]

SELECT ARRAY['a'::"char", 'b'], ARRAY['n'::name], ARRAY['ab'::char(3)], ARRAY['x'::varchar], ARRAY[1::oid, 2], ARRAY['(0,1)'::tid]
