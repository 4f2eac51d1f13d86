-- Setup for the psql-compatibility corpus: run once with `psql -X -q -v ON_ERROR_STOP=1 -f` before
-- the cases (not itself a case file). Idempotent: it rebuilds schema cc from scratch.
CREATE EXTENSION IF NOT EXISTS hstore;
DROP SCHEMA IF EXISTS cc CASCADE;
CREATE SCHEMA cc;
CREATE TYPE cc.mood AS ENUM ('sad', 'ok', 'happy', 'très "content"', 'with space');
CREATE TYPE cc.complex AS (r float8, i float8);
CREATE TYPE cc.inventory_item AS (name text, supplier_id integer, price numeric);
CREATE TYPE cc.nested AS (id int, item cc.inventory_item, tags text[]);
CREATE TYPE cc.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE DOMAIN cc.posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN cc.us_postal AS text CHECK (VALUE ~ '^\d{5}$' OR VALUE ~ '^\d{5}-\d{4}$');
CREATE DOMAIN cc.int_arr AS int[];
CREATE TABLE cc.people (id int PRIMARY KEY, name text NOT NULL, current_mood cc.mood, zip cc.us_postal,
                        age cc.posint, born date, score numeric(6, 2));
INSERT INTO cc.people VALUES
    (1, 'Moe', 'happy', '12345', 40, '1984-01-01', 12.5),
    (2, 'Larry', 'sad', '12345-6789', 35, '1989-06-15', -3.25),
    (3, 'Curly', NULL, NULL, NULL, NULL, NULL),
    (4, 'Zoë "Z" O''Neil', 'très "content"', '00000', 1, '0044-03-15 BC', 999.99);
CREATE TABLE cc.items (id serial PRIMARY KEY, item cc.inventory_item, c cc.complex);
INSERT INTO cc.items (item, c) VALUES
    (ROW('fuzzy dice', 42, 1.99), ROW(1.5, -2)),
    (ROW('say "hi", (ok)', NULL, 0), ROW('NaN', 'Infinity')),
    (NULL, NULL);
CREATE TABLE cc.kv (k text PRIMARY KEY, v hstore);
INSERT INTO cc.kv VALUES ('a', 'x=>1, y=>NULL'), ('b', '"a b"=>"c\"d"'), ('c', '');
CREATE TABLE cc.counters (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0, CHECK (n >= 0));
INSERT INTO cc.counters SELECT g, g * 10 FROM generate_series(1, 5) g;
CREATE FUNCTION cc.add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
CREATE FUNCTION cc.fail(msg text) RETURNS int LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'custom failure: %', msg USING HINT = 'a hint', DETAIL = 'some detail'; END $$;
CREATE FUNCTION cc.noisy() RETURNS int LANGUAGE plpgsql AS
    $$ BEGIN RAISE NOTICE 'a notice'; RAISE WARNING 'a warning'; RETURN 7; END $$;
CREATE PROCEDURE cc.bump(delta int) LANGUAGE sql AS $$ SELECT delta $$;
CREATE VIEW cc.v_people AS SELECT id, name FROM cc.people;
