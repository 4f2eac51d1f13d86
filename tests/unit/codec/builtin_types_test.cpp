#include <pgring/oid.hpp>

#include "codec/builtin_types.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

namespace {

namespace oid = pgring::oid;
using pgring::oid_t;
using pgring::catalog::builtin_type;
using pgring::catalog::find_builtin_type;

// Well-known OIDs, from PostgreSQL's pg_type.dat, so a generator mistake cannot hide in both
// the constants and the table.
static_assert(oid::bool_ == 16);
static_assert(oid::bytea == 17);
static_assert(oid::char_ == 18);
static_assert(oid::int8 == 20);
static_assert(oid::int2 == 21);
static_assert(oid::int4 == 23);
static_assert(oid::text == 25);
static_assert(oid::oid == 26);
static_assert(oid::json == 114);
static_assert(oid::float4 == 700);
static_assert(oid::float8 == 701);
static_assert(oid::bool_array == 1000);
static_assert(oid::int4_array == 1007);
static_assert(oid::text_array == 1009);
static_assert(oid::varchar == 1043);
static_assert(oid::date == 1082);
static_assert(oid::timestamptz == 1184);
static_assert(oid::numeric == 1700);
static_assert(oid::void_ == 2278);
static_assert(oid::uuid == 2950);
static_assert(oid::jsonb == 3802);
static_assert(oid::int4range == 3904);
static_assert(oid::int4multirange == 4451);

const builtin_type& must_find(oid_t o) {
    const builtin_type* t = find_builtin_type(o);
    if (t == nullptr) {
        ADD_FAILURE() << "oid " << o << " not found";
        static const builtin_type none{};
        return none;
    }
    return *t;
}

TEST(BuiltinTypes, FindsBoolByOidAndName) {
    const builtin_type& t = must_find(oid::bool_);
    EXPECT_EQ(t.oid, 16U);
    EXPECT_EQ(t.name, "bool");
    EXPECT_EQ(t.category, 'B');
    EXPECT_EQ(t.length, 1);
    EXPECT_EQ(t.kind, 'b');
    EXPECT_EQ(t.array_oid, oid::bool_array);
    EXPECT_EQ(t.element_oid, 0U);
    EXPECT_EQ(find_builtin_type("bool"), &t);
}

TEST(BuiltinTypes, FindsInt4AndItsArray) {
    const builtin_type& t = must_find(oid::int4);
    EXPECT_EQ(t.name, "int4");
    EXPECT_EQ(t.category, 'N');
    EXPECT_EQ(t.length, 4);
    EXPECT_EQ(t.array_oid, 1007U);

    const builtin_type* a = find_builtin_type("_int4");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->oid, oid::int4_array);
    EXPECT_EQ(a->element_oid, oid::int4);
    EXPECT_EQ(a->category, 'A');
    EXPECT_EQ(a->length, -1);
    EXPECT_EQ(a->array_oid, 0U);
    EXPECT_EQ(find_builtin_type(oid::int4_array), a);
}

TEST(BuiltinTypes, FindsTextAndNumeric) {
    const builtin_type& text = must_find(oid::text);
    EXPECT_EQ(text.name, "text");
    EXPECT_EQ(text.category, 'S');
    EXPECT_EQ(text.length, -1);
    EXPECT_EQ(find_builtin_type("text"), &text);

    const builtin_type& numeric = must_find(oid::numeric);
    EXPECT_EQ(numeric.name, "numeric");
    EXPECT_EQ(numeric.category, 'N');
    EXPECT_EQ(numeric.length, -1);
    EXPECT_EQ(numeric.array_oid, oid::numeric_array);
    EXPECT_EQ(find_builtin_type("numeric"), &numeric);
}

TEST(BuiltinTypes, FindsJsonAndJsonb) {
    EXPECT_EQ(must_find(oid::json).name, "json");
    const builtin_type& jsonb = must_find(oid::jsonb);
    EXPECT_EQ(jsonb.name, "jsonb");
    EXPECT_EQ(jsonb.category, 'U');
    EXPECT_EQ(jsonb.array_oid, oid::jsonb_array);
    EXPECT_EQ(find_builtin_type("_jsonb")->element_oid, oid::jsonb);
}

TEST(BuiltinTypes, RangeKnowsSubtypeAndMultirange) {
    const builtin_type& r = must_find(oid::int4range);
    EXPECT_EQ(r.name, "int4range");
    EXPECT_EQ(r.kind, 'r');
    EXPECT_EQ(r.category, 'R');
    EXPECT_EQ(r.range_subtype, oid::int4);
    EXPECT_EQ(r.multirange_oid, oid::int4multirange);
    EXPECT_EQ(r.range_oid, 0U);

    const builtin_type& ts = must_find(oid::tstzrange);
    EXPECT_EQ(ts.range_subtype, oid::timestamptz);
    EXPECT_EQ(ts.multirange_oid, oid::tstzmultirange);
}

TEST(BuiltinTypes, MultirangeKnowsItsRange) {
    const builtin_type& m = must_find(oid::int4multirange);
    EXPECT_EQ(m.name, "int4multirange");
    EXPECT_EQ(m.kind, 'm');
    EXPECT_EQ(m.range_oid, oid::int4range);
    EXPECT_EQ(m.range_subtype, oid::int4);
    EXPECT_EQ(m.multirange_oid, 0U);
    EXPECT_EQ(find_builtin_type("int4multirange"), &m);
    EXPECT_EQ(must_find(oid::int4multirange_array).element_oid, oid::int4multirange);
}

TEST(BuiltinTypes, KeywordNamesGetTrailingUnderscore) {
    EXPECT_EQ(must_find(oid::char_).name, "char");
    EXPECT_EQ(must_find(oid::char_array).name, "_char");
    EXPECT_EQ(must_find(oid::void_).name, "void");
    EXPECT_EQ(must_find(oid::void_).kind, 'p');
}

TEST(BuiltinTypes, VectorsAreArraysButPointIsNot) {
    // int2vector and oidvector travel in the array format; point's typelem (float8) only
    // serves subscripting, so the table leaves its element_oid at 0.
    EXPECT_EQ(must_find(oid::int2vector).element_oid, oid::int2);
    EXPECT_EQ(must_find(oid::oidvector).element_oid, oid::oid);
    EXPECT_EQ(must_find(oid::point).element_oid, 0U);
    EXPECT_EQ(must_find(oid::point).length, 16);
    EXPECT_EQ(must_find(oid::name).element_oid, 0U);
}

TEST(BuiltinTypes, CstringHasLengthMinusTwo) {
    EXPECT_EQ(must_find(oid::cstring).length, -2);
    EXPECT_EQ(must_find(oid::uuid).length, 16);
}

TEST(BuiltinTypes, UnknownOidGivesNull) {
    EXPECT_EQ(find_builtin_type(oid_t{0}), nullptr);
    EXPECT_EQ(find_builtin_type(oid_t{1}), nullptr);
    EXPECT_EQ(find_builtin_type(oid_t{31}), nullptr);
    EXPECT_EQ(find_builtin_type(oid_t{9999}), nullptr);
    EXPECT_EQ(find_builtin_type(oid_t{16384}), nullptr);
    EXPECT_EQ(find_builtin_type(oid_t{0xFFFFFFFF}), nullptr);
}

TEST(BuiltinTypes, UnknownNameGivesNull) {
    EXPECT_EQ(find_builtin_type(""), nullptr);
    EXPECT_EQ(find_builtin_type("integer"), nullptr);
    EXPECT_EQ(find_builtin_type("int4[]"), nullptr);
    EXPECT_EQ(find_builtin_type("INT4"), nullptr);
    EXPECT_EQ(find_builtin_type("int"), nullptr);
    EXPECT_EQ(find_builtin_type("int44"), nullptr);
    EXPECT_EQ(find_builtin_type(std::string_view("int4\0", 5)), nullptr);
    EXPECT_EQ(find_builtin_type("zzzz"), nullptr);
}

TEST(BuiltinTypes, TableIsSortedAndConsistent) {
    const auto types = pgring::catalog::builtin_types();
    ASSERT_GT(types.size(), 150U);
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < types.size(); ++i) {
        const builtin_type& t = types[i];
        if (i > 0) {
            EXPECT_LT(types[i - 1].oid, t.oid);
        }
        EXPECT_LT(t.oid, 10000U);
        EXPECT_TRUE(names.insert(t.name).second) << t.name;
        EXPECT_EQ(find_builtin_type(t.oid), &t) << t.name;
        EXPECT_EQ(find_builtin_type(t.name), &t) << t.name;
        EXPECT_NE(std::string_view("bcdeprm").find(t.kind), std::string_view::npos) << t.name;
        EXPECT_TRUE(t.length > 0 || t.length == -1 || t.length == -2) << t.name;
        if (t.array_oid != 0) {
            const builtin_type* a = find_builtin_type(t.array_oid);
            ASSERT_NE(a, nullptr) << t.name;
            EXPECT_EQ(a->element_oid, t.oid) << t.name;
            EXPECT_EQ(std::string(a->name), "_" + std::string(t.name));
        }
        if (t.element_oid != 0) {
            EXPECT_NE(find_builtin_type(t.element_oid), nullptr) << t.name;
        }
        if (t.kind == 'r') {
            EXPECT_NE(t.range_subtype, 0U) << t.name;
            const builtin_type* m = find_builtin_type(t.multirange_oid);
            ASSERT_NE(m, nullptr) << t.name;
            EXPECT_EQ(m->range_oid, t.oid) << t.name;
            EXPECT_EQ(m->range_subtype, t.range_subtype) << t.name;
        } else if (t.kind == 'm') {
            EXPECT_NE(t.range_oid, 0U) << t.name;
        } else {
            EXPECT_EQ(t.range_subtype, 0U) << t.name;
            EXPECT_EQ(t.multirange_oid, 0U) << t.name;
            EXPECT_EQ(t.range_oid, 0U) << t.name;
        }
    }
}

}  // namespace
