-- Corpus cases waiting for COPY in the pgring CLI (issue 6: COPY and psql's \copy). Same format
-- as tests/cli/corpus/*.sql; run_corpus.py does not run this folder. Move them back into
-- corpus/18_commands.sql when COPY lands.

COPY (SELECT g, 'x' || g, NULL FROM generate_series(1, 3) g) TO STDOUT

COPY (SELECT E'tab\there', E'nl\nx', E'back\\slash', NULL) TO STDOUT

COPY (SELECT 1 AS a, 'x,y' AS b, NULL AS c) TO STDOUT WITH (FORMAT csv, HEADER)

COPY cc.counters TO STDOUT

CREATE TEMP TABLE t (a int)
COPY t FROM STDIN
SELECT count(*) FROM t
