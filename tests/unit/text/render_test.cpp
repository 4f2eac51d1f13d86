// pgring::render_text on golden binary values: every scalar family, arrays (shapes, quoting,
// NULLs, lower bounds, the catalog vectors), ranges, multiranges, records, types found through a
// type_lookup, text-format passthrough, and malformed input (an error, `out` unchanged).

#include <gtest/gtest.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>
#include <pgring/text.hpp>
#include <pgring/type_info.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace pgring {
namespace {

using buf = std::vector<std::byte>;

// ---- byte builders ----------------------------------------------------------------------------

template <class T>
void put(buf& b, T v) {
    const auto u = std::bit_cast<std::make_unsigned_t<T>>(v);
    for (int i = static_cast<int>(sizeof(T)) - 1; i >= 0; --i) {
        b.push_back(static_cast<std::byte>((u >> (8 * i)) & 0xFF));
    }
}

buf i16(std::int16_t v) {
    buf b;
    put(b, v);
    return b;
}
buf i32(std::int32_t v) {
    buf b;
    put(b, v);
    return b;
}
buf i64(std::int64_t v) {
    buf b;
    put(b, v);
    return b;
}
buf u32(std::uint32_t v) {
    buf b;
    put(b, v);
    return b;
}
buf f4(float v) {
    return u32(std::bit_cast<std::uint32_t>(v));
}
buf f8(double v) {
    buf b;
    put(b, std::bit_cast<std::uint64_t>(v));
    return b;
}

buf raw(std::initializer_list<int> bytes) {
    buf b;
    for (const int x : bytes) {
        b.push_back(static_cast<std::byte>(x));
    }
    return b;
}

buf str(std::string_view s) {
    buf b;
    for (const char c : s) {
        b.push_back(static_cast<std::byte>(c));
    }
    return b;
}

buf cat(std::initializer_list<buf> parts) {
    buf b;
    for (const buf& p : parts) {
        b.insert(b.end(), p.begin(), p.end());
    }
    return b;
}

// An element or field: int32 length, then the bytes (nullptr-like: `null_item()`).
buf item(const buf& v) {
    return cat({i32(static_cast<std::int32_t>(v.size())), v});
}
buf null_item() {
    return i32(-1);
}

// array_send: ndim, flags, element oid, (size, lower bound) per dimension, then items.
buf array(oid_t element, std::vector<std::pair<int, int>> dims, std::vector<buf> items, bool nulls = false) {
    buf b = cat({i32(static_cast<std::int32_t>(dims.size())), i32(nulls ? 1 : 0), u32(element)});
    for (auto [size, lb] : dims) {
        put(b, static_cast<std::int32_t>(size));
        put(b, static_cast<std::int32_t>(lb));
    }
    for (const buf& i : items) {
        b.insert(b.end(), i.begin(), i.end());
    }
    return b;
}

// A numeric from its parts.
buf numeric_bytes(std::vector<std::int16_t> digits, std::int16_t weight, std::uint16_t sign,
                  std::uint16_t dscale) {
    buf b = cat({i16(static_cast<std::int16_t>(digits.size())), i16(weight),
                 i16(static_cast<std::int16_t>(sign)), i16(static_cast<std::int16_t>(dscale))});
    for (const std::int16_t d : digits) {
        put(b, d);
    }
    return b;
}

// ---- the lookup -------------------------------------------------------------------------------

class map_lookup : public type_lookup {
public:
    void add(type_info t) { types_[t.oid] = std::move(t); }
    const type_info* find(oid_t oid) const noexcept override {
        const auto it = types_.find(oid);
        return it == types_.end() ? nullptr : &it->second;
    }

private:
    std::map<oid_t, type_info> types_;
};

// ---- rendering --------------------------------------------------------------------------------

std::string render(oid_t type, const buf& value, const text_settings& s = {},
                   const type_lookup* types = nullptr) {
    std::string out = "<";
    const std::error_code ec = render_text(type, binary_format_code, value, s, types, out);
    if (ec) {
        EXPECT_EQ(out, "<") << "out changed on error";
        return "error: " + ec.message();
    }
    return out.substr(1);
}

std::error_code render_error(oid_t type, const buf& value, const type_lookup* types = nullptr) {
    std::string out = "keep";
    const std::error_code ec = render_text(type, binary_format_code, value, text_settings{}, types, out);
    EXPECT_EQ(out, "keep");
    return ec;
}

text_settings with_efd(int efd) {
    text_settings s;
    s.extra_float_digits = efd;
    return s;
}

struct golden {
    oid_t type;
    buf value;
    std::string expected;
};

void check_all(const std::vector<golden>& cases, const text_settings& s = {},
               const type_lookup* types = nullptr) {
    for (const golden& g : cases) {
        EXPECT_EQ(render(g.type, g.value, s, types), g.expected) << "type " << g.type;
    }
}

// ---- scalars ----------------------------------------------------------------------------------

TEST(render_text, integers_and_identifiers) {
    check_all({
        {oid::bool_, raw({1}), "t"},
        {oid::bool_, raw({0}), "f"},
        {oid::int2, i16(-32768), "-32768"},
        {oid::int2, i16(32767), "32767"},
        {oid::int4, i32(-2147483647 - 1), "-2147483648"},
        {oid::int4, i32(0), "0"},
        {oid::int8, i64(INT64_MIN), "-9223372036854775808"},
        {oid::int8, i64(INT64_MAX), "9223372036854775807"},
        {oid::oid, u32(4294967295u), "4294967295"},
        {oid::xid, u32(3), "3"},
        {oid::cid, u32(7), "7"},
        {oid::xid8, i64(-1), "18446744073709551615"},
        {oid::tid, cat({u32(0), raw({0, 1})}), "(0,1)"},
        {oid::tid, cat({u32(4294967295u), raw({0xFF, 0xFF})}), "(4294967295,65535)"},
        {oid::pg_lsn, i64(0x16B374D848), "16/B374D848"},
        {oid::pg_lsn, i64(0), "0/0"},
    });
}

TEST(render_text, float8_shortest) {
    check_all({
        {oid::float8, f8(1e20), "1e+20"},
        {oid::float8, f8(1.5e-7), "1.5e-07"},
        {oid::float8, f8(1e15), "1e+15"},
        {oid::float8, f8(123456789012345.0), "123456789012345"},
        {oid::float8, f8(0.0001), "0.0001"},
        {oid::float8, f8(0.00001), "1e-05"},
        {oid::float8, f8(0.1), "0.1"},
        {oid::float8, f8(-2.5), "-2.5"},
        {oid::float8, f8(1.0 / 3), "0.3333333333333333"},
        {oid::float8, f8(1e100), "1e+100"},
        {oid::float8, f8(-0.0), "-0"},
        {oid::float8, f8(0.0), "0"},
        {oid::float8, f8(1.0 / 0.0), "Infinity"},
        {oid::float8, f8(-1.0 / 0.0), "-Infinity"},
        {oid::float8, f8(std::numeric_limits<double>::quiet_NaN()), "NaN"},
        {oid::float8, f8(5e-324), "5e-324"},
        {oid::float8, f8(1.7976931348623157e308), "1.7976931348623157e+308"},
        {oid::float4, f4(1.1f), "1.1"},
        {oid::float4, f4(1e6f), "1e+06"},
        {oid::float4, f4(123456.0f), "123456"},
        {oid::float4, f4(3.4028235e38f), "3.4028235e+38"},
        {oid::float4, f4(-0.0f), "-0"},
    });
}

TEST(render_text, float_digits_on_a_rounding_bound_are_not_taken) {
    // PostgreSQL's Ryu refuses a decimal exactly halfway to a neighbour, though it would read
    // back as the value: these print longer than the shortest round-trip form.
    check_all({
        {oid::float8, f8(4.6e22), "4.6000000000000004e+22"},
        {oid::float8, f8(9.5e21), "9.500000000000001e+21"},
        {oid::float8, f8(1.45e22), "1.4499999999999999e+22"},
        {oid::float8, f8(2.96e23), "2.9599999999999998e+23"},
        {oid::float8, f8(1.8484099473481592e16), "1.8484099473481592e+16"},
        {oid::float8, f8(-6.8659681752636816e16), "-6.8659681752636816e+16"},
        {oid::float8, f8(181705388398854.62), "181705388398854.62"},
        {oid::float8, f8(2277415065412.5312), "2277415065412.5312"},
        {oid::float4, f4(9.1831856e7f), "9.1831856e+07"},
        {oid::float4, f4(-3.4249478e8f), "-3.4249478e+08"},
        {oid::float4, f4(1.21636864e8f), "1.21636864e+08"},
        {oid::float4, f4(2.1504639e10f), "2.1504639e+10"},
    });
}

TEST(render_text, float_with_extra_float_digits) {
    check_all(
        {
            {oid::float8, f8(0.1), "0.1"},
            {oid::float8, f8(1.0 / 3), "0.333333333333333"},
            {oid::float8, f8(1e20), "1e+20"},
            {oid::float4, f4(1.1f), "1.1"},
            {oid::float4, f4(1.0f / 3), "0.333333"},
            {oid::float8, f8(-0.0), "-0"},
        },
        with_efd(0));
    check_all(
        {
            // Since PostgreSQL 12 every positive extra_float_digits means the shortest exact form.
            {oid::float8, f8(0.1), "0.1"},
            {oid::float4, f4(1.1f), "1.1"},
            {oid::float8, f8(1e-5), "1e-05"},
        },
        with_efd(3));
    check_all(
        {
            {oid::float8, f8(1.0 / 3), "0.3333333333333"},
            {oid::float4, f4(1.0f / 3), "0.3333"},
            {oid::float8, f8(1.0 / 0.0), "Infinity"},
        },
        with_efd(-2));
    check_all({{oid::float8, f8(123.0), "1e+02"}}, with_efd(-15));
}

TEST(render_text, numeric_and_money) {
    check_all({
        {oid::numeric, numeric_bytes({1, 5000}, 0, 0, 2), "1.50"},
        {oid::numeric, numeric_bytes({}, 0, 0, 3), "0.000"},
        {oid::numeric, numeric_bytes({12}, 1, 0x4000, 0), "-120000"},
        {oid::numeric, numeric_bytes({}, 0, 0xC000, 0), "NaN"},
        {oid::numeric, numeric_bytes({}, 0, 0xD000, 0), "Infinity"},
        {oid::numeric, numeric_bytes({}, 0, 0xF000, 0), "-Infinity"},
        {oid::money, i64(123456), "$1,234.56"},
        {oid::money, i64(-100), "-$1.00"},
        {oid::money, i64(0), "$0.00"},
        {oid::money, i64(5), "$0.05"},
        {oid::money, i64(100000), "$1,000.00"},
        {oid::money, i64(INT64_MIN), "-$92,233,720,368,547,758.08"},
    });
}

TEST(render_text, strings_and_bytes) {
    check_all({
        {oid::text, str("hello, world"), "hello, world"},
        {oid::text, str(""), ""},
        {oid::varchar, str("v"), "v"},
        {oid::bpchar, str("ab  "), "ab  "},
        {oid::name, str("pg_class"), "pg_class"},
        {oid::char_, str("x"), "x"},
        {oid::char_, raw({0}), ""},
        {oid::char_, raw({0xC8}), "\\310"},
        {oid::char_, str("\\"), "\\"},
        {oid::json, str("{\"a\": 1}"), "{\"a\": 1}"},
        {oid::jsonb, cat({raw({1}), str("{\"a\": 1}")}), "{\"a\": 1}"},
        {oid::jsonpath, cat({raw({1}), str("$.\"a\"")}), "$.\"a\""},
        {oid::xml, str("<a/>"), "<a/>"},
        {oid::bytea, raw({0, 0x41, 0x5C, 0x80, 0xFF}), "\\x00415c80ff"},
        {oid::bytea, buf{}, "\\x"},
        {oid::uuid,
         raw({0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0x9b, 0xd3, 0x80, 0xa1,
              0x1a}),
         "a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a"},
    });
    text_settings escape;
    escape.bytea_output = "escape";
    check_all({{oid::bytea, raw({0, 0x41, 0x5C, 0x80, 0xFF}), "\\000A\\\\\\200\\377"}}, escape);
}

TEST(render_text, network_and_bits) {
    check_all({
        {oid::inet, raw({2, 24, 0, 4, 192, 168, 0, 1}), "192.168.0.1/24"},
        {oid::inet, raw({2, 32, 0, 4, 10, 0, 0, 1}), "10.0.0.1"},
        {oid::cidr, raw({2, 8, 1, 4, 10, 0, 0, 0}), "10.0.0.0/8"},
        {oid::inet, raw({3, 128, 0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
         "2001:db8::1"},
        {oid::macaddr, raw({8, 0, 0x2b, 1, 2, 3}), "08:00:2b:01:02:03"},
        {oid::macaddr8, raw({8, 0, 0x2b, 1, 2, 3, 4, 5}), "08:00:2b:01:02:03:04:05"},
        {oid::bit, cat({i32(5), raw({0xA8})}), "10101"},
        {oid::varbit, cat({i32(0)}), ""},
        {oid::varbit, cat({i32(9), raw({0xFF, 0x80})}), "111111111"},
    });
}

TEST(render_text, geometry) {
    check_all({
        {oid::point, cat({f8(1.5), f8(-2)}), "(1.5,-2)"},
        {oid::line, cat({f8(1), f8(-1), f8(0)}), "{1,-1,0}"},
        {oid::lseg, cat({f8(0), f8(0), f8(1), f8(1)}), "[(0,0),(1,1)]"},
        {oid::box, cat({f8(2), f8(2), f8(0), f8(0)}), "(2,2),(0,0)"},
        {oid::path, cat({raw({1}), i32(2), f8(0), f8(0), f8(1), f8(0.1)}), "((0,0),(1,0.1))"},
        {oid::path, cat({raw({0}), i32(2), f8(0), f8(0), f8(1), f8(1)}), "[(0,0),(1,1)]"},
        {oid::polygon, cat({i32(3), f8(0), f8(0), f8(1), f8(0), f8(0), f8(1)}), "((0,0),(1,0),(0,1))"},
        {oid::circle, cat({f8(1), f8(2), f8(3)}), "<(1,2),3>"},
    });
    check_all({{oid::point, cat({f8(0.1), f8(1.0 / 3)}), "(0.1,0.333333333333333)"}}, with_efd(0));
}

// ---- arrays -----------------------------------------------------------------------------------

TEST(render_text, arrays) {
    check_all({
        {oid::int4_array, array(oid::int4, {{2, 1}}, {item(i32(1)), item(i32(2))}), "{1,2}"},
        {oid::int4_array, array(oid::int4, {}, {}), "{}"},
        {oid::int4_array,
         array(oid::int4, {{2, 1}, {2, 1}}, {item(i32(1)), item(i32(2)), item(i32(3)), item(i32(4))}),
         "{{1,2},{3,4}}"},
        {oid::int4_array, array(oid::int4, {{2, 0}}, {item(i32(1)), item(i32(2))}), "[0:1]={1,2}"},
        {oid::int4_array, array(oid::int4, {{1, 1}, {2, -1}}, {item(i32(1)), item(i32(2))}),
         "[1:1][-1:0]={{1,2}}"},
        {oid::int4_array, array(oid::int4, {{3, 1}}, {item(i32(1)), null_item(), item(i32(3))}, true),
         "{1,NULL,3}"},
        {oid::int4_array,
         array(oid::int4, {{2, 1}, {1, 1}, {2, 1}}, {item(i32(1)), item(i32(2)), item(i32(3)), item(i32(4))}),
         "{{{1,2}},{{3,4}}}"},
        {oid::text_array,
         array(oid::text, {{7, 1}},
               {item(str("a")), item(str("")), item(str("NuLL")), item(str("a b")), item(str("x,y")),
                item(str("q\"\\")), item(str("{}"))}),
         "{a,\"\",\"NuLL\",\"a b\",\"x,y\",\"q\\\"\\\\\",\"{}\"}"},
        {oid::text_array, array(oid::text, {{1, 1}}, {item(str("(1,2)"))}), "{\"(1,2)\"}"},
        {oid::text_array, array(oid::text, {{1, 1}}, {item(str("NULLS"))}), "{NULLS}"},
        {oid::box_array,
         array(oid::box, {{2, 1}},
               {item(cat({f8(1), f8(1), f8(0), f8(0)})), item(cat({f8(3), f8(3), f8(2), f8(2)}))}),
         "{(1,1),(0,0);(3,3),(2,2)}"},
        {oid::point_array, array(oid::point, {{1, 1}}, {item(cat({f8(1), f8(2)}))}), "{\"(1,2)\"}"},
        {oid::int2vector, array(oid::int2, {{2, 0}}, {item(i16(1)), item(i16(2))}), "1 2"},
        {oid::oidvector, array(oid::oid, {{0, 0}}, {}), ""},
        {oid::oidvector, array(oid::oid, {}, {}), ""},
        {oid::int2vector_array,
         array(oid::int2vector, {{1, 1}}, {item(array(oid::int2, {{2, 0}}, {item(i16(1)), item(i16(2))}))}),
         "{\"1 2\"}"},
        {oid::bytea_array, array(oid::bytea, {{1, 1}}, {item(raw({1}))}), "{\"\\\\x01\"}"},
        {oid::bool_array, array(oid::bool_, {{2, 1}}, {item(raw({1})), item(raw({0}))}), "{t,f}"},
    });
}

// ---- ranges, multiranges, records -------------------------------------------------------------

TEST(render_text, ranges_and_multiranges) {
    check_all({
        {oid::int4range, raw({1}), "empty"},
        {oid::int4range, cat({raw({0x02}), item(i32(1)), item(i32(5))}), "[1,5)"},
        {oid::int4range, cat({raw({0x18})}), "(,)"},
        {oid::int4range, cat({raw({0x08}), item(i32(5))}), "(,5)"},
        {oid::int8range, cat({raw({0x12}), item(i64(-3))}), "[-3,)"},
        {oid::numrange,
         cat({raw({0x06}), item(numeric_bytes({1, 5000}, 0, 0, 2)), item(numeric_bytes({2}, 0, 0, 0))}),
         "[1.50,2]"},
        {oid::int4multirange, cat({i32(0)}), "{}"},
        {oid::int4multirange,
         cat({i32(2), item(cat({raw({0x02}), item(i32(1)), item(i32(3))})),
              item(cat({raw({0x02}), item(i32(5)), item(i32(7))}))}),
         "{[1,3),[5,7)}"},
        {oid::int4range_array,
         array(oid::int4range, {{2, 1}},
               {item(cat({raw({0x02}), item(i32(1)), item(i32(3))})), item(raw({1}))}),
         "{\"[1,3)\",empty}"},
    });
}

TEST(render_text, records) {
    const buf rec = cat({i32(3), u32(oid::int4), item(i32(1)), u32(oid::text), item(str("a b")),
                         u32(oid::text), null_item()});
    check_all({
        {oid::record, rec, "(1,\"a b\",)"},
        {oid::record, cat({i32(0)}), "()"},
        {oid::record, cat({i32(2), u32(oid::text), item(str("")), u32(oid::text), item(str("q\"\\(,)"))}),
         "(\"\",\"q\"\"\\\\(,)\")"},
        {oid::record, cat({i32(1), u32(oid::record), item(rec)}), "(\"(1,\"\"a b\"\",)\")"},
        {oid::record_array, array(oid::record, {{1, 1}}, {item(rec)}), "{\"(1,\\\"a b\\\",)\"}"},
    });
}

TEST(render_text, types_from_the_lookup) {
    map_lookup types;
    types.add({.oid = 20000, .name = "mood", .kind = 'e', .category = 'E'});
    types.add({.oid = 20001, .name = "_mood", .kind = 'b', .category = 'A', .element = 20000});
    types.add({.oid = 20002, .name = "posint", .kind = 'd', .base = oid::int4});
    types.add({.oid = 20003, .name = "pair", .kind = 'c', .category = 'C'});
    types.add({.oid = 20004, .name = "citext", .kind = 'b'});
    types.add(
        {.oid = 20005, .name = "floatrange", .kind = 'r', .category = 'R', .range_subtype = oid::float8});
    types.add({.oid = 20006, .name = "hstore", .kind = 'b'});
    types.add({.oid = 20007, .name = "_pair", .kind = 'b', .category = 'A', .element = 20003});
    types.add({.oid = 20008, .name = "dposint", .kind = 'd', .base = 20002});
    const buf pair = cat({i32(2), u32(20002), item(i32(7)), u32(20000), item(str("sad"))});
    check_all(
        {
            {20000, str("happy"), "happy"},
            {20001, array(20000, {{2, 1}}, {item(str("ok")), item(str("not ok"))}), "{ok,\"not ok\"}"},
            {20002, i32(5), "5"},
            {20008, i32(6), "6"},
            {20003, pair, "(7,sad)"},
            {20007, array(20003, {{1, 1}}, {item(pair)}), "{\"(7,sad)\"}"},
            {20004, str("MiXeD"), "MiXeD"},
            {20005, cat({raw({0x06}), item(f8(1.5)), item(f8(2.5))}), "[1.5,2.5]"},
        },
        text_settings{}, &types);
    check_all({{20006, cat({i32(2), item(str("a")), item(str("1")), item(str("b c")), i32(-1)}),
                "\"a\"=>\"1\", \"b c\"=>NULL"}},
              text_settings{}, &types);
    EXPECT_EQ(render_error(20006, str("x"), &types), make_error_code(errc::malformed_message));
    EXPECT_EQ(render_error(20000, str("happy")), make_error_code(errc::type_mismatch));
    EXPECT_EQ(render_error(20009, str("x"), &types), make_error_code(errc::type_mismatch));
    // A record whose count fits the bytes (8 a field) but whose first value takes them all
    // (found by fuzz_codec: the second field's type was read past the end).
    EXPECT_EQ(render_error(oid::record, cat({i32(2), u32(oid::text), item(str("twelve bytes"))})),
              make_error_code(errc::malformed_message));
    // A record with a field of an unknown type.
    EXPECT_EQ(render_error(oid::record, cat({i32(1), u32(20009), item(str("x"))}), &types),
              make_error_code(errc::type_mismatch));
}

// ---- passthrough and errors -------------------------------------------------------------------

TEST(render_text, text_format_is_appended_unchanged) {
    std::string out = "x=";
    const buf v = str("{1,2} \\x00");
    ASSERT_FALSE(render_text(oid::int4_array, text_format_code, v, text_settings{}, nullptr, out));
    EXPECT_EQ(out, "x={1,2} \\x00");
    out.clear();
    ASSERT_FALSE(render_text(123456, text_format_code, v, text_settings{}, nullptr, out));
    EXPECT_EQ(out, "{1,2} \\x00");
}

TEST(render_text, unsupported_types) {
    for (const oid_t t : {oid::regclass, oid::regtype, oid::regproc, oid::aclitem}) {
        EXPECT_EQ(render_error(t, u32(1)), make_error_code(errc::not_supported)) << t;
    }
    EXPECT_EQ(render_error(oid::regclass_array, array(oid::regclass, {{1, 1}}, {item(u32(1259))})),
              make_error_code(errc::not_supported));
}

TEST(render_text, malformed_input_is_an_error) {
    const std::error_code malformed = make_error_code(errc::malformed_message);
    EXPECT_EQ(render_error(oid::int4, i16(1)), malformed);
    EXPECT_EQ(render_error(oid::int8, i32(1)), malformed);
    EXPECT_EQ(render_error(oid::bool_, raw({2})), malformed);
    EXPECT_EQ(render_error(oid::tid, u32(1)), malformed);
    EXPECT_EQ(render_error(oid::float8, f4(1)), malformed);
    EXPECT_EQ(render_error(oid::char_, str("ab")), malformed);
    EXPECT_EQ(render_error(oid::jsonb, cat({raw({2}), str("{}")})), malformed);
    EXPECT_EQ(render_error(oid::numeric, raw({0, 1})), malformed);
    EXPECT_EQ(render_error(oid::uuid, raw({1, 2, 3})), malformed);
    EXPECT_EQ(render_error(oid::point, f8(1)), malformed);
    // Arrays: short header, element count past the bytes, wrong element type, truncated element,
    // trailing bytes.
    EXPECT_EQ(render_error(oid::int4_array, raw({0, 0, 0, 1})), malformed);
    EXPECT_EQ(render_error(oid::int4_array, array(oid::int4, {{1000, 1}}, {item(i32(1))})), malformed);
    EXPECT_EQ(render_error(oid::int4_array, array(oid::int8, {{1, 1}}, {item(i64(1))})), malformed);
    EXPECT_EQ(render_error(oid::int4_array, cat({array(oid::int4, {{1, 1}}, {i32(4), i16(0)})})), malformed);
    EXPECT_EQ(render_error(oid::int4_array, cat({array(oid::int4, {{1, 1}}, {item(i32(1))}), raw({0})})),
              malformed);
    EXPECT_EQ(render_error(oid::int4_array, array(oid::int4, {{1, 1}}, {item(i16(1))})), malformed);
    // Ranges: unknown flags, bytes after empty, missing bound, trailing bytes.
    EXPECT_EQ(render_error(oid::int4range, raw({0x80})), malformed);
    EXPECT_EQ(render_error(oid::int4range, raw({0x01, 0})), malformed);
    EXPECT_EQ(render_error(oid::int4range, cat({raw({0x02}), item(i32(1))})), malformed);
    EXPECT_EQ(render_error(oid::int4range, cat({raw({0x18}), raw({0})})), malformed);
    EXPECT_EQ(render_error(oid::int4multirange, cat({i32(5)})), malformed);
    EXPECT_EQ(render_error(oid::int4multirange, cat({i32(-1)})), malformed);
    // Records: negative count, short field, wrong length.
    EXPECT_EQ(render_error(oid::record, i32(-1)), malformed);
    EXPECT_EQ(render_error(oid::record, cat({i32(1), u32(oid::int4), i32(4)})), malformed);
    EXPECT_EQ(render_error(oid::record, cat({i32(1), u32(oid::int4), i32(-2), raw({0, 0, 0, 0})})),
              malformed);
    EXPECT_EQ(render_error(oid::record, raw({0, 0})), malformed);
}

TEST(render_text, deep_nesting_is_refused) {
    // A record holding a record holding ... 100 deep: an error, not a stack overflow.
    buf v = cat({i32(0)});
    for (int i = 0; i < 100; ++i) {
        v = cat({i32(1), u32(oid::record), item(v)});
    }
    EXPECT_EQ(render_error(oid::record, v), make_error_code(errc::malformed_message));
}

TEST(render_text, random_bytes_never_crash) {
    // Every built-in type, fed deterministic pseudo-random bytes: a rendering or an error that
    // leaves `out` as it was.
    std::uint64_t state = 0x9E3779B97F4A7C15u;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    int rendered = 0;
    int refused = 0;
    for (oid_t type = 1; type < 10000; ++type) {
        for (int i = 0; i < 40; ++i) {
            buf v(next() % 48);
            for (std::byte& b : v) {
                // Mostly small bytes, so lengths and counts are often plausible.
                const std::uint64_t r = next();
                b = static_cast<std::byte>(r % 4 == 0 ? r >> 8 : (r >> 8) % 4);
            }
            std::string out = "keep";
            if (render_text(type, binary_format_code, v, text_settings{}, nullptr, out)) {
                ASSERT_EQ(out, "keep") << "type " << type;
                ++refused;
            } else {
                ++rendered;
            }
        }
    }
    EXPECT_GT(rendered, 100);
    EXPECT_GT(refused, 100);
}

TEST(render_text, every_prefix_of_a_value_fails_cleanly) {
    // Truncating a valid composite value anywhere gives an error, never a crash.
    const buf rec =
        cat({i32(2), u32(oid::int4_array), item(array(oid::int4, {{2, 1}}, {item(i32(1)), item(i32(2))})),
             u32(oid::int4range), item(cat({raw({0x02}), item(i32(1)), item(i32(3))}))});
    ASSERT_EQ(render(oid::record, rec), "(\"{1,2}\",\"[1,3)\")");
    for (std::size_t n = 0; n < rec.size(); ++n) {
        EXPECT_TRUE(render_error(oid::record, buf(rec.begin(), rec.begin() + static_cast<std::ptrdiff_t>(n))))
            << "prefix of " << n << " bytes";
    }
}

}  // namespace
}  // namespace pgring
