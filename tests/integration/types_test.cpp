// Types that are not built in, against a real PostgreSQL: the connection loads enums,
// composites, domains, ranges and arrays of them from the catalogs the first time a statement
// uses them (connection::types()), fetches in text the types the server cannot send in binary
// (aclitem) and those the user lists (text_result_types), loads types met inside values on
// request (load_types) and forgets them after a schema change (forget_types).

#include <gtest/gtest.h>

#include <chrono>
#include <iterator>
#include <cstring>
#include <span>
#include <string_view>
#include <system_error>
#include <cstdint>
#include <optional>
#include <pgring/connection.hpp>
#include <pgring/loop.hpp>
#include <pgring/oid.hpp>
#include <pgring/type_info.hpp>
#include <string>
#include <utility>
#include <vector>

#include "pg_cluster.hpp"

// A user's codec for an enum whose OID is only known at run time: it names the type.
struct mood_value {
    std::string label;
    friend bool operator==(const mood_value&, const mood_value&) = default;
};

template <>
struct pgring::codec<mood_value> {
    static constexpr pgring::oid_t preferred_oid = 0;
    static constexpr std::string_view type_name = "mood";
    static bool accepts(pgring::oid_t) noexcept { return false; }
    static std::size_t encoded_size(const mood_value& v, pgring::oid_t) noexcept { return v.label.size(); }
    static std::error_code encode(const mood_value& v, pgring::oid_t, std::span<std::byte> out) noexcept {
        std::memcpy(out.data(), v.label.data(), out.size());
        return {};
    }
    static std::error_code decode(pgring::oid_t, std::span<const std::byte> in, mood_value& out) {
        out.label.assign(reinterpret_cast<const char*>(in.data()), in.size());
        return {};
    }
};

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

class TypesTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        loop lp;
        connection c = lp.run(connection::connect(lp, superuser_conninfo()));
        for (const char* sql : {
                 "DROP SCHEMA IF EXISTS types_test CASCADE",
                 "CREATE SCHEMA types_test",
                 "CREATE TYPE types_test.mood AS ENUM ('sad', 'ok', 'happy')",
                 "CREATE TYPE types_test.pair AS (label text, score int4, feeling types_test.mood)",
                 "CREATE DOMAIN types_test.positive AS int4 CHECK (VALUE > 0)",
                 "CREATE TYPE types_test.floatrange AS RANGE (subtype = float8)",
                 "CREATE TYPE types_test.nested AS (inner_pair types_test.pair, tags text[])",
             }) {
            lp.run(c.execute(sql));
        }
    }

    void connect(connection_options o = {}) {
        o.command_timeout = 60s;
        conn_ = lp_.run(connection::connect(lp_, superuser_conninfo(), std::move(o)));
    }

    oid_t type_oid(const std::string& name) {
        return lp_.run(conn_.query_value<std::uint32_t>("SELECT $1::regtype::oid", name));
    }

    loop lp_;
    connection conn_;
};

TEST_F(TypesTest, EnumColumnIsLoadedAndDecodesAsItsLabel) {
    connect();
    rows r = lp_.run(conn_.query("SELECT 'happy'::types_test.mood"));
    const oid_t mood = r.columns()[0].type;
    const type_info* t = conn_.types().find(mood);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->kind, 'e');
    EXPECT_EQ(t->schema, "types_test");
    EXPECT_EQ(t->name, "mood");
    EXPECT_EQ(t->labels, (std::vector<std::string>{"sad", "ok", "happy"}));
    EXPECT_NE(t->array, 0u);
    EXPECT_EQ(r.columns()[0].format, 1);
    EXPECT_EQ(r[0].get<std::string>(0), "happy");
}

TEST_F(TypesTest, CompositeLoadsItsFieldTypesRecursively) {
    connect();
    rows r = lp_.run(conn_.query("SELECT ROW(ROW('a', 1, 'ok')::types_test.pair, ARRAY['x'])::types_test.nested"));
    const type_info* nested = conn_.types().find(r.columns()[0].type);
    ASSERT_NE(nested, nullptr);
    EXPECT_EQ(nested->kind, 'c');
    ASSERT_EQ(nested->fields.size(), 2u);
    EXPECT_EQ(nested->fields[0].name, "inner_pair");
    EXPECT_EQ(nested->fields[1].name, "tags");
    EXPECT_EQ(nested->fields[1].type, oid::text_array);
    const type_info* pair = conn_.types().find(nested->fields[0].type);
    ASSERT_NE(pair, nullptr) << "the field's composite type is loaded with the outer one";
    ASSERT_EQ(pair->fields.size(), 3u);
    EXPECT_EQ(pair->fields[1].type, oid::int4);
    const type_info* mood = conn_.types().find(pair->fields[2].type);
    ASSERT_NE(mood, nullptr) << "and the enum inside it";
    EXPECT_EQ(mood->kind, 'e');
}

TEST_F(TypesTest, ArrayOfEnumLoadsElementAndDomainKeepsBase) {
    connect();
    rows r = lp_.run(conn_.query("SELECT ARRAY['sad','ok']::types_test.mood[], 5::types_test.positive"));
    const type_info* arr = conn_.types().find(r.columns()[0].type);
    ASSERT_NE(arr, nullptr);
    EXPECT_EQ(arr->category, 'A');
    const type_info* elem = conn_.types().find(arr->element);
    ASSERT_NE(elem, nullptr);
    EXPECT_EQ(elem->kind, 'e');
    EXPECT_EQ(r.columns()[1].type, oid::int4) << "RowDescription names a domain's base type";
    EXPECT_EQ(r[0].get<std::vector<std::string>>(0), (std::vector<std::string>{"sad", "ok"}));
    const oid_t positive = type_oid("types_test.positive");
    ASSERT_TRUE(lp_.run(conn_.load_types({positive})));
    const type_info* dom = conn_.types().find(positive);
    ASSERT_NE(dom, nullptr);
    EXPECT_EQ(dom->kind, 'd');
    EXPECT_EQ(dom->base, oid::int4);
}

TEST_F(TypesTest, UserRangeKnowsItsSubtypeAndMultirange) {
    connect();
    rows r = lp_.run(conn_.query("SELECT types_test.floatrange(1.5, 2.5)"));
    const type_info* range = conn_.types().find(r.columns()[0].type);
    ASSERT_NE(range, nullptr);
    EXPECT_EQ(range->kind, 'r');
    EXPECT_EQ(range->range_subtype, oid::float8);
    const oid_t multi = type_oid("types_test.floatmultirange");
    ASSERT_TRUE(lp_.run(conn_.load_types({multi})));
    const type_info* m = conn_.types().find(multi);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->kind, 'm');
    EXPECT_EQ(m->range, range->oid);
    EXPECT_EQ(m->range_subtype, oid::float8);
}

TEST_F(TypesTest, ParameterOfUserTypeIsLoadedAtPrepare) {
    connect();
    const auto n = lp_.run(conn_.query_value<std::int64_t>(
        "SELECT count(*) FROM unnest(enum_range(NULL::types_test.mood)) m WHERE m >= $1", std::string("ok")));
    EXPECT_EQ(n, 2);
    EXPECT_NE(conn_.types().find(type_oid("types_test.mood")), nullptr);
}

TEST_F(TypesTest, AclitemIsFetchedAsText) {
    connect();
    rows r = lp_.run(conn_.query("SELECT datacl, datname FROM pg_database WHERE datname = 'template1'"));
    EXPECT_EQ(r.columns()[0].format, 0) << "aclitem[] has no binary output";
    EXPECT_EQ(r.columns()[1].format, 1);
    const auto acl = r[0].get<std::optional<std::string>>(0);
    ASSERT_TRUE(acl.has_value());
    EXPECT_EQ(acl->front(), '{');
    EXPECT_NE(acl->find("=c/"), std::string::npos) << *acl;
    field_view f = *r[0].begin();
    EXPECT_EQ(f.format(), 0);
    std::int32_t wrong = 0;
    EXPECT_EQ(f.get(wrong), make_error_code(errc::type_mismatch)) << "text fields decode only into strings";
}

TEST_F(TypesTest, TextResultTypesAreFetchedInText) {
    connection_options o;
    o.text_result_types = {oid::regclass, oid::regtype};
    connect(std::move(o));
    rows r = lp_.run(conn_.query("SELECT 'pg_class'::regclass, 'int4'::regtype, ARRAY['int8'::regtype], 7::oid"));
    ASSERT_EQ(r.columns().size(), 4u);
    EXPECT_EQ(r.columns()[0].format, 0);
    EXPECT_EQ(r.columns()[1].format, 0);
    EXPECT_EQ(r.columns()[2].format, 0) << "arrays of a listed type too";
    EXPECT_EQ(r.columns()[3].format, 1);
    EXPECT_EQ(r[0].get<std::string>(0), "pg_class");
    EXPECT_EQ(r[0].get<std::string>(1), "integer");
    EXPECT_EQ(r[0].get<std::string>(2), "{bigint}");
    EXPECT_EQ(r[0].get<std::uint32_t>(3), 7u);
    auto typed = r.as<std::string, std::string, std::string, std::uint32_t>();
    EXPECT_EQ(std::get<0>(typed[0]), "pg_class");
}

TEST_F(TypesTest, RecordFieldTypesLoadOnRequestAndForgetReloads) {
    connect();
    rows r = lp_.run(conn_.query("SELECT ROW('ok'::types_test.mood, 1)"));
    EXPECT_EQ(r.columns()[0].type, oid::record);
    const oid_t mood = type_oid("types_test.mood");
    EXPECT_EQ(conn_.types().find(mood), nullptr) << "a record's field types are only in its values";
    ASSERT_TRUE(lp_.run(conn_.load_types({mood, mood})));
    ASSERT_NE(conn_.types().find(mood), nullptr);
    conn_.forget_types();
    EXPECT_EQ(conn_.types().find(mood), nullptr);
    ASSERT_TRUE(lp_.run(conn_.load_types({mood})));
    EXPECT_EQ(conn_.types().find(mood)->labels.size(), 3u);
}

TEST_F(TypesTest, UnknownOidsAreIgnoredAndLoadingCanBeTurnedOff) {
    connect();
    ASSERT_TRUE(lp_.run(conn_.load_types({4000000000u})));
    EXPECT_EQ(conn_.types().find(4000000000u), nullptr);
    connection_options o;
    o.load_types = false;
    connect(std::move(o));
    rows r = lp_.run(conn_.query("SELECT 'ok'::types_test.mood"));
    EXPECT_EQ(conn_.types().find(r.columns()[0].type), nullptr);
    EXPECT_EQ(r[0].get<std::string>(0), "ok");
}

TEST_F(TypesTest, UncachedPathLoadsColumnTypesAfterTheResult) {
    connection_options o;
    o.statement_cache.max_size = 0;
    connect(std::move(o));
    rows r = lp_.run(conn_.query("SELECT 'sad'::types_test.mood"));
    EXPECT_EQ(r[0].get<std::string>(0), "sad");
    EXPECT_NE(conn_.types().find(r.columns()[0].type), nullptr);
}

TEST_F(TypesTest, NamedCodecTakesColumnsAndParametersOfItsType) {
    connect();
    rows r = lp_.run(conn_.query("SELECT 'happy'::types_test.mood, 'x'::text"));
    EXPECT_EQ(r.columns()[0].type_name, "mood");
    EXPECT_EQ(r[0].get<mood_value>(0), mood_value{"happy"});
    EXPECT_EQ(r[0].get<std::optional<mood_value>>(0), mood_value{"happy"});
    mood_value wrong;
    EXPECT_EQ((*std::next(r[0].begin())).get(wrong), make_error_code(errc::type_mismatch))
        << "a text column is not a mood";
    EXPECT_EQ(std::get<0>(r.as<mood_value, std::string>()[0]), mood_value{"happy"});
    EXPECT_EQ((r.check_types<std::string, mood_value>()), make_error_code(errc::type_mismatch))
        << "column types are checked once, by name too";
    const auto n = lp_.run(conn_.query_value<std::int64_t>(
        "SELECT count(*) FROM unnest(enum_range(NULL::types_test.mood)) m WHERE m > $1", mood_value{"sad"}));
    EXPECT_EQ(n, 2);
    result<rows> bad = lp_.run(conn_.try_query("SELECT $1::int4", mood_value{"sad"}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), make_error_code(errc::type_mismatch));
}

}  // namespace
}  // namespace pgring::test
