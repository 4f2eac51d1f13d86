-- Corpus: geometric types.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT point '(1,2)', point '3.5, -4', point '(1e10, 1e-10)', point '(NaN, Infinity)', point '(-0, 0)'

SELECT line '{1,-1,0}', line '[(0,0),(1,1)]', line '((0,0),(0,1))', lseg '[(0,0),(1,1)]', lseg '((1.5,2),(3,4.25))'

SELECT box '((0,0),(1,1))', box '(1,1),(0,0)', box '((3,4),(-1,-2))', box '1,2,3,4'

SELECT path '((0,0),(1,1),(2,0))', path '[(0,0),(1,1),(2,0)]', path '(0,0),(1,1)', polygon '((0,0),(1,1),(1,0))', polygon '(0,0,4,0,4,4)'

SELECT circle '<(0,0),1>', circle '((1,2),3.5)', circle '1,2,3', circle '<(1e-5,-1e5),0>'

SELECT point '(1,1)' + point '(2,2)', point '(1,1)' * point '(0,1)', point '(0,0)' <-> point '(3,4)', box '((0,0),(2,2))' && box '((1,1),(3,3))'

SELECT area(box '((0,0),(2,3))'), center(circle '<(1,2),3>'), diameter(circle '<(0,0),2>'), length(lseg '[(0,0),(3,4)]'), npoints(path '[(0,0),(1,1),(2,0)]')

SELECT box(circle '<(0,0),1>'), polygon(4, circle '<(0,0),1>'), circle(box '((0,0),(2,2))'), point(box '((0,0),(2,2))'), lseg(box '((0,0),(2,2))')

SELECT popen(path '((0,0),(1,1))'), pclose(path '[(0,0),(1,1)]'), isclosed(path '((0,0),(1,1))'), @-@ path '[(0,0),(3,4)]', # polygon '((0,0),(1,1),(1,0))'

SELECT lseg '[(0,0),(2,2)]' # lseg '[(0,2),(2,0)]', point '(1,1)' <@ circle '<(0,0),2>', box '((0,0),(1,1))' @> point '(0.5,0.5)', line '{1,-1,0}' ?|| line '{2,-2,1}'

SELECT point '(0.1, 0.2)', point '(1.0000000000000002, 3)', circle '<(0.3, 0.1), 0.7>'

SET extra_float_digits = 0
SELECT point '(0.1, 0.2)', box '((0.3,0.1),(0.3333333333333333, 2))', circle '<(0.3, 0.1), 0.7>', point '(1,1)' / point '(3,0)'

SELECT point '(1,2'
-- expect: error

SELECT ARRAY[point '(1,2)', point '(3,4)'], ARRAY[box '((0,0),(1,1))', box '((2,2),(3,3))'], ROW(point '(1,1)', circle '<(0,0),1>')
