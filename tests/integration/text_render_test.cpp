// pgring::render_text against the server's own text output: for many values of every type,
// `SELECT v, format('%s', v)` fetches the value in binary and the server's text of it (format's
// %s calls the type's output function, as psql shows it; `v::text` would not for bool, inet and
// bpchar, whose casts to text differ from their output), and the rendering of the first must
// equal the second. Repeated under other extra_float_digits and bytea_output settings, and for
// enums, composites, domains and ranges created here, described to render_text by a type_lookup
// filled from pg_type, pg_range and pg_attribute.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <pgring/blocking.hpp>
#include <pgring/connection.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>
#include <pgring/text.hpp>
#include <pgring/type_info.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

class map_lookup : public type_lookup {
public:
    void add(type_info t) { types_[t.oid] = std::move(t); }
    type_info* get(oid_t oid) {
        const auto it = types_.find(oid);
        return it == types_.end() ? nullptr : &it->second;
    }
    const type_info* find(oid_t oid) const noexcept override {
        const auto it = types_.find(oid);
        return it == types_.end() ? nullptr : &it->second;
    }

private:
    std::map<oid_t, type_info> types_;
};

std::string conninfo() {
    const connection_params p = pg_cluster::get().superuser();
    std::string s = "host=" + p.host + " port=" + std::to_string(p.port) + " user=" + p.user +
                    " dbname=" + p.database + " connect_timeout=10";
    if (!p.password.empty()) {
        s += " password=" + p.password;
    }
    return s;
}

connection_options options() {
    connection_options o;
    o.command_timeout = 60s;
    return o;
}

class text_render : public ::testing::Test {
protected:
    text_render() : conn_(conninfo(), options()) {
        // The session's settings as the server reports them.
        settings_.time_zone = value_of<std::string>("SHOW TimeZone");
        settings_.date_style = value_of<std::string>("SHOW DateStyle");
        settings_.interval_style = value_of<std::string>("SHOW IntervalStyle");
    }

    // For every expression e, runs `SELECT v, format('%s', v) FROM (VALUES (e)) t(v)` and
    // compares the rendering of v with the server's text of it (one statement per value, so the
    // values of one list may have different types).
    void check(const std::vector<std::string>& expressions) {
        for (const std::string& e : expressions) {
            const rows result = conn_.query("SELECT v, format('%s', v) FROM (VALUES (" + e + ")) t(v)");
            ASSERT_EQ(result.size(), 1u) << e;
            const row_view row = result[0];
            const field_view value = row[0];
            ASSERT_FALSE(value.is_null()) << e;
            std::string expected;
            ASSERT_FALSE(row[1].get(expected)) << e;
            std::string rendered;
            const std::error_code ec =
                render_text(value.type(), value.format(), value.bytes(), settings_, &types_, rendered);
            EXPECT_FALSE(ec) << e << ": " << ec.message();
            EXPECT_EQ(rendered, expected) << e << " (type " << value.type() << ")";
            ++compared_;
        }
    }

    // Runs `sql`, which returns rows of (value, the server's text of it), and compares.
    void check_query(const std::string& sql) {
        const rows result = conn_.query(sql);
        ASSERT_FALSE(result.empty()) << sql;
        int mismatches = 0;
        for (const row_view row : result) {
            const field_view value = row[0];
            std::string expected;
            ASSERT_FALSE(row[1].get(expected)) << sql;
            std::string rendered;
            const std::error_code ec =
                render_text(value.type(), value.format(), value.bytes(), settings_, &types_, rendered);
            EXPECT_FALSE(ec) << sql << ": " << ec.message();
            if (rendered != expected && ++mismatches <= 5) {
                ADD_FAILURE() << "rendered " << rendered << ", the server prints " << expected << " (" << sql
                              << ")";
            }
            ++compared_;
        }
        EXPECT_EQ(mismatches, 0) << sql;
    }

    void TearDown() override {
        RecordProperty("values_compared", compared_);
        std::fprintf(stderr, "values compared: %d\n", compared_);
    }

    // The one value `sql` returns.
    template <class T>
    T value_of(const std::string& sql) {
        const rows r = conn_.query(sql);
        if (r.size() != 1 || r[0].size() != 1) {
            ADD_FAILURE() << sql << " did not return one value";
            return T{};
        }
        return r[0][0].as<T>();
    }

    // SETs a parameter and applies what SHOW then reports to the rendering settings.
    void set(std::string_view name, std::string_view value) {
        conn_.execute("SET " + std::string(name) + " = " + std::string(value));
        const auto shown = value_of<std::string>("SHOW " + std::string(name));
        ASSERT_TRUE(settings_.apply(name, shown)) << name << " = " << shown;
    }

    // Fills the lookup with every type of OID 16384 and up (the ones the tests create).
    void load_types() {
        const rows types = conn_.query(
            "SELECT t.oid, n.nspname::text, t.typname::text, t.typtype::text, t.typcategory::text, t.typlen, "
            "t.typdelim::text, t.typelem, t.typarray, t.typbasetype, "
            "COALESCE(r.rngsubtype, mr.rngsubtype, 0::oid), COALESCE(mr.rngtypid, 0::oid), t.typrelid "
            "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "LEFT JOIN pg_range r ON r.rngtypid = t.oid LEFT JOIN pg_range mr ON mr.rngmultitypid = t.oid "
            "WHERE t.oid >= 16384");
        for (const row_view r : types) {
            type_info t;
            t.oid = r[0].as<std::uint32_t>();
            t.schema = r[1].as<std::string>();
            t.name = r[2].as<std::string>();
            t.kind = r[3].as<std::string>().at(0);
            t.category = r[4].as<std::string>().at(0);
            t.length = r[5].as<std::int16_t>();
            t.delimiter = r[6].as<std::string>().at(0);
            t.element = r[7].as<std::uint32_t>();
            t.array = r[8].as<std::uint32_t>();
            t.base = r[9].as<std::uint32_t>();
            t.range_subtype = r[10].as<std::uint32_t>();
            t.range = r[11].as<std::uint32_t>();
            const auto relid = r[12].as<std::uint32_t>();
            if (relid != 0) {
                const rows fields = conn_.query(
                    "SELECT attname::text, atttypid FROM pg_attribute WHERE attrelid = " +
                    std::to_string(relid) + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
                for (const row_view f : fields) {
                    t.fields.push_back({f[0].as<std::string>(), f[1].as<std::uint32_t>()});
                }
            }
            if (t.kind == 'e') {
                const rows labels = conn_.query("SELECT enumlabel::text FROM pg_enum WHERE enumtypid = " +
                                                std::to_string(t.oid) + " ORDER BY enumsortorder");
                for (const row_view l : labels) {
                    t.labels.push_back(l[0].as<std::string>());
                }
            }
            types_.add(std::move(t));
        }
    }

    void check_scalars();
    void check_floats();

    blocking::connection conn_;
    text_settings settings_;
    map_lookup types_;
    int compared_ = 0;
};

void text_render::check_floats() {
    // Deterministic sweeps over many magnitudes and digit patterns.
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT (sin(i) * 10 ^ (i % 64 - 32))::float8 AS v "
        "FROM generate_series(1, 1500) i) t");
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT ((i % 1000) * 10 ^ (i % 50 - 25))::float8 AS v "
        "FROM generate_series(1, 1000) i) t");
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT (i::float8 / 7) ^ (i % 37) * 10 ^ (i % 90 - 45) AS v "
        "FROM generate_series(1, 1500) i) t");
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT 5e-324::float8 * i * i * i AS v "
        "FROM generate_series(1, 300) i) t");
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT (((i % 200)::float8 / 7) ^ (i % 5) * 10 ^ (i % 40 - "
        "20))::float4 "
        "AS v FROM generate_series(1, 1500) i) t");
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT (cos(i) * 10 ^ (i % 60 - 30))::float4 AS v "
        "FROM generate_series(1, 1500) i) t");
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT (i * 10 ^ (i % 20 - 10))::float4 AS v "
        "FROM generate_series(1, 500) i) t");
    check({"0::float8",
           "'-0'::float8",
           "1e20::float8",
           "1.5e-7::float8",
           "1e15::float8",
           "123456789012345::float8",
           "1e-5::float8",
           "0.0001::float8",
           "0.1::float8",
           "(1/3.0)::float8",
           "'Infinity'::float8",
           "'-Infinity'::float8",
           "'NaN'::float8",
           "5e-324::float8",
           "1.7976931348623157e308::float8",
           "2.2250738585072014e-308::float8",
           "100::float8",
           "1e16::float8",
           "12345.678::float8",
           "-1.5e-300::float8",
           "pi()",
           "1e22::float8",
           "9007199254740993::float8",
           "-123456.789e-10::float8",
           "0.3::float8 * 3",
           "999999999999999::float8",
           "1e14::float8",
           "0.00012345678901234567::float8"});
    check({"0::float4", "'-0'::float4", "1.1::float4", "1e6::float4", "123456::float4", "1234567::float4",
           "3.4028235e38::float4", "1.4e-45::float4", "'Infinity'::float4", "'-Infinity'::float4",
           "'NaN'::float4", "0.1::float4", "(1/3.0)::float4", "0.0001::float4", "0.00001::float4",
           "16777217::float4", "-2.5e-10::float4"});
    check({"point(0.1, 1/3.0)", "point(1e20, -0.0)", "'(1.5,2)'::point", "'{1,-1,0.1}'::line",
           "lseg(point(0, 0), point(1/3.0, 1))", "'(2,2),(0,0)'::box", "box(point(1e-7,1), point(0.1,2))",
           "'[(0,0),(1,0.1)]'::path", "'((0,0),(1,1),(2,0))'::path", "'((0,0),(1,0),(0,1))'::polygon",
           "'<(1,2),0.3>'::circle"});
    check({"ARRAY[0.1, 1e20, 'NaN', '-Infinity', -0.0]::float8[]", "ARRAY[1.1, 1e-9]::float4[]",
           "ARRAY['(1,1),(0,0)'::box, box(point(3, 3), point(1/3.0, 2))]", "ARRAY[point(1/3.0, 2)]"});
}

void text_render::check_scalars() {
    check({"true", "false"});
    check({"0::int2", "(-32768)::int2", "32767::int2"});
    check({"(-2147483648)::int4", "2147483647", "0"});
    check({"(-9223372036854775808)::int8", "9223372036854775807::int8"});
    check({"0::oid", "4294967295::oid"});
    check({"'0'::xid", "'4294967295'::xid"});
    check({"'18446744073709551615'::xid8", "'0'::xid8"});
    check({"'7'::cid"});
    check({"'(0,1)'::tid", "'(4294967295,65535)'::tid"});
    check({"0::numeric", "0.000::numeric", "-1.5::numeric",
           "123456789012345678901234567890.123456789::numeric", "'NaN'::numeric", "'Infinity'::numeric",
           "'-Infinity'::numeric", "1e-20::numeric", "10000::numeric", "0.0001::numeric",
           "-0.00000001::numeric", "1e100::numeric"});
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT round((sin(i) * 10 ^ (i % 40 - 20))::numeric, i % 30) AS v "
        "FROM generate_series(1, 500) i) t");
    check_query(
        "SELECT v, format('%s', v) FROM (SELECT (i * 7919 - 2000000)::money AS v "
        "FROM generate_series(1, 500) i) t");
    check({"0::money", "1234.56::money", "(-1)::money", "'-92233720368547758.08'::money",
           "'92233720368547758.07'::money", "0.05::money", "1000::money", "(-1234567.89)::money"});
    check({"''::text", "'a b'", "'ü'", "E'tab\\there'", "'quote\"s'", "'back\\slash'", "'NULL'"});
    check({"'ab'::varchar", "''::varchar(3)"});
    check({"'ab'::char(4)", "'x'::bpchar", "''::char(2)"});
    check({"'pg_class'::name", "''::name"});
    check({"'a'::\"char\"", "'\\'::\"char\"", "chr(200)::\"char\"", "''::\"char\"", "' '::\"char\""});
    check({"'\\x'::bytea", "'\\x00415c80ff'::bytea", "'abc \\\\'::bytea", "decode('0a0d7f7e20', 'hex')"});
    check({"'a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a'::uuid", "'00000000-0000-0000-0000-000000000000'::uuid"});
    check({"'{\"a\": [1, 2]}'::json", "'  [1,2 ]'::json", "'\"x\"'::json"});
    check({"'{\"b\": 1, \"a\": [1, 2.50, null, \"x\"]}'::jsonb", "'[]'::jsonb", "'\"é\"'::jsonb",
           "'1e3'::jsonb"});
    check({"'$.a[*] ? (@ > 1)'::jsonpath", "'strict $.\"x y\"'::jsonpath", "'$'::jsonpath"});
    check({"'<a>x</a>'::xml", "'text only'::xml"});
    check({"'192.168.0.1/24'::inet", "'10.0.0.1'::inet", "'::ffff:1.2.3.4'::inet", "'::'::inet",
           "'2001:db8::1/64'::inet", "'fe80::1:0:0:1'::inet", "'1:0:0:2:0:0:0:3'::inet"});
    check({"'10.0.0.0/8'::cidr", "'10.1.2.3/32'::cidr", "'::/0'::cidr", "'2001:db8::/32'::cidr"});
    check({"'08:00:2b:01:02:03'::macaddr", "'ff:ff:ff:ff:ff:ff'::macaddr"});
    check({"'08:00:2b:01:02:03:04:05'::macaddr8"});
    check({"B'10101'", "B''", "'1'::bit(3)", "B'111111111'::varbit"});
    check({"'16/B374D848'::pg_lsn", "'0/0'::pg_lsn", "'FFFFFFFF/FFFFFFFF'::pg_lsn"});
    check({"'1 2'::int2vector", "''::int2vector", "'-32768'::int2vector"});
    check({"'26 23'::oidvector", "''::oidvector"});
}

TEST_F(text_render, scalars_match_the_server) {
    check_scalars();
}

TEST_F(text_render, floats_under_every_extra_float_digits) {
    for (const char* efd : {"1", "0", "3", "-2", "-15", "2"}) {
        SCOPED_TRACE(std::string("extra_float_digits = ") + efd);
        set("extra_float_digits", efd);
        check_floats();
    }
}

TEST_F(text_render, bytea_in_escape_form) {
    set("bytea_output", "escape");
    check({"'\\x'::bytea", "'\\x00415c80ff'::bytea", "'abc \\\\'::bytea", "decode('0a0d7f7e20', 'hex')",
           "ARRAY['\\x5c22'::bytea]"});
    set("bytea_output", "hex");
    check({"ARRAY['\\x5c22'::bytea, '\\x'::bytea]"});
}

TEST_F(text_render, arrays_match_the_server) {
    check({"'{1,2}'::int4[]", "'{{1,2},{3,4}}'::int4[]", "'[0:1]={1,2}'::int4[]", "'{}'::int4[]",
           "ARRAY[NULL, 1]", "'[-2:-1][3:4]={{1,2},{3,4}}'::int4[]", "'{{{1},{2}},{{3},{4}}}'::int4[]",
           "ARRAY[NULL::int4]", "'[5:5]={7}'::int4[]"});
    check({"ARRAY['a', '', 'NULL', 'null', 'a b', 'x,y', 'q\"', 'b\\s', '{}', 'tab\tx', 'NULLS', 'é']",
           "ARRAY[NULL::text, 'x']", "'{{a,b},{c,d}}'::text[]"});
    check({"ARRAY[1.5, 'NaN', 0.000]::numeric[]",
           "ARRAY['{\"a\": 1}'::jsonb, '[1]']",
           "ARRAY['a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a'::uuid]",
           "ARRAY[true, false, NULL]",
           "ARRAY['a'::\"char\", ' '::\"char\", chr(200)::\"char\", '\\'::\"char\", ''::\"char\"]",
           "ARRAY['ab'::char(3)]",
           "ARRAY['x'::name]",
           "ARRAY['10.0.0.1'::inet, '::1/64']",
           "ARRAY[B'101']",
           "ARRAY['1/2'::pg_lsn]",
           "ARRAY['1 2'::int2vector, '3'::int2vector]",
           "ARRAY[1::money, (-2)::money]",
           "ARRAY['<a b=\"c\"/>'::xml]",
           "ARRAY['$.a'::jsonpath]",
           "ARRAY['(0,1)'::tid]",
           "ARRAY[int4range(1, 3), 'empty']",
           "ARRAY['{[1,2)}'::int4multirange]",
           "ARRAY[ROW(1, 'a b'), ROW(2, NULL)]",
           "ARRAY['[(0,0),(1,1)]'::lseg]",
           "ARRAY['{1,2,3}'::line]",
           "ARRAY['<(1,2),3>'::circle]",
           "ARRAY['((0,0),(1,1))'::polygon]",
           "ARRAY['08:00:2b:01:02:03'::macaddr]",
           "ARRAY[1::oid, 4294967295::oid]",
           "ARRAY['3'::xid8]"});
}

TEST_F(text_render, ranges_and_multiranges_match_the_server) {
    check({"'[1,5]'::int4range", "'empty'::int4range", "'(,)'::int4range", "'(,5)'::int4range",
           "'[-3,)'::int4range"});
    check({"'[1,5]'::int8range", "'(-9223372036854775808,0)'::int8range"});
    check({"'(1.5,2.50]'::numrange", "'[,0.1)'::numrange", "'empty'::numrange", "'[NaN,NaN]'::numrange"});
    check({"'{}'::int4multirange", "'{[1,3),[5,7)}'::int4multirange", "'{(,1], [3,)}'::int4multirange"});
    check({"'{[1.5,2]}'::nummultirange", "'{}'::nummultirange"});
    check({"'{[1,2]}'::int8multirange"});
}

TEST_F(text_render, records_match_the_server) {
    check({"ROW(1, 'a b', NULL)", "ROW(ROW(1, 2), 'x')", "ROW('', 'q\"\\', '(,)')",
           "ROW(ARRAY[1, 2], int4range(1, 3))", "ROW(NULL, NULL)", "ROW(1.5::float8, 'NaN'::numeric, true)",
           "ROW(ROW(ROW('a b')))", "ROW('{\"k\": \"v w\"}'::jsonb, '\\x01'::bytea)", "ROW(''::text)"});
}

TEST_F(text_render, user_types_through_a_lookup) {
    conn_.execute("DROP SCHEMA IF EXISTS text_render CASCADE");
    conn_.execute("CREATE SCHEMA text_render");
    conn_.execute("CREATE TYPE text_render.mood AS ENUM ('sad', 'ok', 'happy day', 'NULL')");
    conn_.execute("CREATE DOMAIN text_render.posint AS int CHECK (VALUE > 0)");
    conn_.execute("CREATE DOMAIN text_render.tag AS text");
    conn_.execute(
        "CREATE TYPE text_render.pair AS (a int, b text, m text_render.mood, p text_render.posint)");
    conn_.execute("CREATE TYPE text_render.floatrange AS RANGE (subtype = float8)");
    conn_.execute("CREATE TABLE text_render.dropped (a int, b int, c text)");
    conn_.execute("ALTER TABLE text_render.dropped DROP COLUMN b");
    conn_.execute(
        "CREATE TYPE text_render.nested AS (p text_render.pair, ps text_render.pair[], "
        "r text_render.floatrange)");
    conn_.execute("CREATE DOMAIN text_render.posints AS int[]");
    conn_.execute("CREATE TYPE text_render.textrange AS RANGE (subtype = text)");
    load_types();
    check({"'sad'::text_render.mood", "'happy day'::text_render.mood", "'NULL'::text_render.mood"});
    check({"ARRAY['sad', 'happy day', 'NULL', NULL]::text_render.mood[]"});
    check({"5::text_render.posint", "ARRAY[1, 2]::text_render.posint[]"});
    check({"'x y'::text_render.tag", "ARRAY['x y', 'z']::text_render.tag[]"});
    check({"ROW(1, 'x y', 'ok', 3)::text_render.pair", "ROW(NULL, '', NULL, NULL)::text_render.pair"});
    check({"ARRAY[ROW(1, 'x y', 'ok', 3)::text_render.pair, NULL]"});
    check({"'[1.5,2.5)'::text_render.floatrange", "'empty'::text_render.floatrange",
           "'(,1e20]'::text_render.floatrange"});
    check(
        {"'{[1.5,2.5), [3,4]}'::text_render.floatmultirange", "ARRAY['[0.1,0.2)'::text_render.floatrange]"});
    check({"ROW(1, 'c d')::text_render.dropped"});
    check(
        {"ROW(ROW(1, 'x', 'sad', 2)::text_render.pair, ARRAY[ROW(2, 'y z', 'happy day', "
         "1)::text_render.pair], "
         "'[1,2]'::text_render.floatrange)::text_render.nested"});
    check({"'{1,2}'::text_render.posints"});
    check({"'[\"a b\",\"c\\\"d\\\\e\")'::text_render.textrange", "'[,\"\")'::text_render.textrange",
           "'(\"(\",\"]\"]'::text_render.textrange", "'[a,b]'::text_render.textrange",
           "'{[a,b], [x y,z)}'::text_render.textmultirange", "ARRAY['[\"a,b\",c)'::text_render.textrange]"});
    conn_.execute("DROP SCHEMA text_render CASCADE");
}

TEST_F(text_render, extension_types) {
    if (value_of<std::int64_t>("SELECT count(*) FROM pg_available_extensions "
                               "WHERE name IN ('citext', 'hstore')") != 2) {
        GTEST_SKIP() << "citext and hstore are not installed";
    }
    conn_.execute("CREATE EXTENSION IF NOT EXISTS citext");
    conn_.execute("CREATE EXTENSION IF NOT EXISTS hstore");
    load_types();
    check({"'MiXeD Case'::citext", "ARRAY['a b', 'C']::citext[]", "ROW('x'::citext)"});
    check({"'a=>1'::hstore", "'\"k e y\"=>NULL, b=>\"x\\\\\\\"y\", \"\"=>\"\"'::hstore", "''::hstore",
           "ARRAY['a=>1'::hstore, 'b=>NULL']", "ROW('x=>y'::hstore, 1)"});
}

TEST_F(text_render, text_search_and_snapshots) {
    check({"'a fat cat sat on a mat'::tsvector", "to_tsvector('english', 'The quick brown foxes jumped')",
           "'a:1A,2B,3C b:4D ''quote'' \"dq\" back\\\\slash'::tsvector", "''::tsvector",
           "ARRAY['x:1'::tsvector]"});
    check({"'fat & (rat | !cat)'::tsquery", "to_tsquery('english', 'supernovae <-> stars & !crab')",
           "'a <3> b & c:*AB'::tsquery", "'!(a | b) <-> c'::tsquery", "''::tsquery", "ARRAY['a & b'::tsquery]"});
    check({"'10:20:10,14,15'::pg_snapshot", "'10:10:'::txid_snapshot", "pg_current_snapshot()",
           "ARRAY['1:2:'::pg_snapshot]"});
}

TEST_F(text_render, datetime_types_match_the_server) {
    check({"'2000-01-01'::date", "'infinity'::date", "'-infinity'::date", "'4714-11-24 BC'::date",
           "'5874897-12-31'::date"});
    check({"'00:00:00'::time", "'23:59:59.999999'::time", "'24:00:00'::time", "'12:34:56.5'::time"});
    check({"'12:34:56+02'::timetz", "'00:00:00-05:30'::timetz"});
    check({"'2000-01-01 00:00:00'::timestamp", "'infinity'::timestamp",
           "'1999-12-31 23:59:59.123'::timestamp"});
    check({"'2000-01-01 00:00:00+00'::timestamptz", "'2022-07-01 12:00:00+00'::timestamptz"});
    check({"'1 year 2 mons 3 days 04:05:06.7'::interval", "'0'::interval", "'-1 day +02:00'::interval"});
    check({"ARRAY['2000-01-01'::date]", "'[2000-01-01,2000-02-01)'::daterange",
           "'{[2000-01-01 00:00,2000-01-02 00:00)}'::tsmultirange",
           "'[2000-01-01 00:00+00,2000-01-02 00:00+00)'::tstzrange"});
}

TEST_F(text_render, datetime_under_other_styles) {
    const std::vector<std::string> values = {"'2022-07-01 12:34:56.5+00'::timestamptz",
                                             "'1999-12-31'::date",
                                             "'1 year -2 days 03:04:05'::interval",
                                             "ARRAY['2022-07-01 12:34:56.5+00'::timestamptz, 'infinity']",
                                             "'[2000-01-01 00:00+00,2000-01-02 00:00+00)'::tstzrange",
                                             "ROW('2000-01-01 10:00'::timestamp, '5 minutes'::interval)"};
    set("DateStyle", "'SQL, DMY'");
    set("IntervalStyle", "iso_8601");
    set("TimeZone", "'America/New_York'");
    check(values);
    set("DateStyle", "German");
    set("IntervalStyle", "sql_standard");
    set("TimeZone", "'Asia/Kolkata'");
    check(values);
    set("DateStyle", "'Postgres, MDY'");
    set("IntervalStyle", "postgres_verbose");
    check(values);
}

TEST_F(text_render, reg_types_are_not_supported_in_binary) {
    const rows r = conn_.query("SELECT 'pg_class'::regclass, 'int4'::regtype");
    for (std::size_t i = 0; i < 2; ++i) {
        std::string out = "x";
        const field_view f = r[0][i];
        EXPECT_EQ(render_text(f.type(), f.format(), f.bytes(), settings_, nullptr, out),
                  make_error_code(errc::not_supported));
        EXPECT_EQ(out, "x");
    }
}

}  // namespace
}  // namespace pgring::test
