-- Corpus: uuid, json, jsonb, jsonpath, xml.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}'::uuid, 'a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid

SELECT '00000000-0000-0000-0000-000000000000'::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid < 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid

SELECT 'not-a-uuid'::uuid
-- expect: error

SELECT '{"a": 1, "b": [1, 2, {"c": null}], "d": "x\"y"}'::json, '  {"spaced"  :  true }  '::json

SELECT '{"a": 1, "b": [1, 2, {"c": null}], "d": "x\"y"}'::jsonb, '{"b": 1, "a": 2, "a": 3}'::jsonb, '{"b": 1, "a": 2, "a": 3}'::json

SELECT '1.50'::jsonb, '1e3'::jsonb, '-0'::jsonb, '123456789012345678901234567890'::jsonb, '1e-7'::json

SELECT '"é\u00e9\n"'::jsonb, '"\u0000"'::json, '"tab\t"'::jsonb, '[]'::jsonb, '{}'::jsonb, 'null'::jsonb, 'true'::json

SELECT jsonb_pretty('{"a": [1, {"b": 2}], "c": {}}')

SELECT json_build_object('k', 1, 'n', NULL, 'arr', ARRAY[1, 2]), jsonb_build_array('x', 1.5, true, NULL), row_to_json(ROW(1, 'two'))

SELECT to_json(timestamptz '2024-01-02 03:04:05.678+00'), to_jsonb(date 'infinity'), to_json('NaN'::float8), to_jsonb('Infinity'::numeric), to_json(E'\x01'::text)

SELECT json_agg(p ORDER BY id), jsonb_object_agg(id, current_mood) FROM cc.people p

SELECT '{"a": {"b": [10, 20]}}'::jsonb -> 'a' -> 'b' ->> 1, '{"a": {"b": [10, 20]}}'::jsonb #> '{a,b}', '[1,2,3]'::jsonb - 1, '{"a":1}'::jsonb || '{"b":2}'

SELECT '{"a":1, "b":2}'::jsonb @> '{"b":2}', '{"a":1}'::jsonb ? 'a', jsonb_set('[1,2]', '{0}', '"x"'), jsonb_insert('{"a":[0]}', '{a,0}', '9')

SELECT * FROM jsonb_each('{"a": 1, "b": "text", "c": null, "d": [1]}')

SELECT * FROM json_each_text('{"a": 1, "b": "te\nxt", "c": null}')

SELECT * FROM jsonb_to_recordset('[{"a":1,"b":"x"},{"a":2,"c":true}]') AS x(a int, b text, c bool)

SELECT jsonb_array_elements('[1, "two", [3], {"four": 4}, null]')

SELECT '$.a[*] ? (@ > 1)'::jsonpath, 'strict $.**.b'::jsonpath, '$."key with space"'::jsonpath, 'lax $[last - 1 to last]'::jsonpath

SELECT jsonb_path_query_array('{"a": [1, 2, 3, 4]}', '$.a[*] ? (@ >= $min)', '{"min": 3}'), jsonb_path_exists('{"a": 1}', '$.b'), jsonb_path_match('{"a": 5}', '$.a > 2')

SELECT jsonb_path_query('{"x": [1.5, "2020-01-01", {"y": true}]}', '$.x[*].type()')

SELECT '{"a": 1'::json
-- expect: error

SELECT '$.a ? (@ =='::jsonpath
-- expect: error

SELECT '<a href="x">text &amp; more</a>'::xml, xmlparse(document '<?xml version="1.0"?><doc/>'), '  plain text '::xml

SELECT xmlelement(name foo, xmlattributes('x"y' as bar), 'content <&>'), xmlforest('a' AS first, 2 AS second), xmlcomment('note')

SELECT xmlagg(xmlelement(name n, g)) FROM generate_series(1, 3) g

SELECT xpath('/my:a/text()', '<my:a xmlns:my="http://example.com">test</my:a>', ARRAY[ARRAY['my', 'http://example.com']]), xml_is_well_formed('<a>')

SELECT xmlserialize(content '<a><b>x</b></a>'::xml as text), '<a>&#233;</a>'::xml, xmlconcat('<a/>', '<b/>')

SELECT '<unclosed>'::xml
-- expect: error

SELECT table_to_xml('cc.counters', true, false, '')
