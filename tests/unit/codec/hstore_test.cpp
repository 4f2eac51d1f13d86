#include <pgring/codec.hpp>
#include <pgring/hstore.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

namespace oid = pgring::oid;
using codec_test::builder;
using codec_test::bytes;
using codec_test::decode;
using codec_test::decode_error;
using codec_test::encode;
using codec_test::encode_error;
using codec_test::expect_rejects_short_and_trailing;
using codec_test::hex;
using pgring::codec;
using pgring::errc;
using pgring::hstore;

static_assert(pgring::has_codec<hstore>);

// The OID `CREATE EXTENSION hstore` gave in the cluster the golden bytes come from; any
// non-built-in OID does.
constexpr pgring::oid_t hstore_oid = 16390;

struct golden {
    std::string_view wire;
    std::string_view text;
};

// From PostgreSQL 15: `SELECT hstore_send(h::hstore), h::hstore`.
constexpr golden goldens[] = {
    {"000000040000000000000000000000016100000001310000000162ffffffff0000000371226b0000000a6261636b5c736c61736"
     "8",
     R"(""=>"", "a"=>"1", "b"=>NULL, "q\"k"=>"back\\slash")"},
    {"00000000", ""},
    {"0000000300000001610000000133000000016200000001320000000261610000000131",
     R"("a"=>"3", "b"=>"2", "aa"=>"1")"},
    {"00000001000000016b000000044e554c4c", R"("k"=>"NULL")"},
    {"00000001000000017800000002c3bc", R"("x"=>"ü")"},
};

TEST(HstoreCodec, GoldenBytes) {
    for (const golden& g : goldens) {
        const bytes wire = hex(g.wire);
        const hstore h = decode<hstore>(hstore_oid, wire);
        EXPECT_EQ(h.to_string(), g.text);
        EXPECT_EQ(encode(h, hstore_oid), wire);
        EXPECT_EQ(encode(h, 0), wire) << "type 0 leaves the type to the server";
    }
    const hstore h = decode<hstore>(hstore_oid, hex(goldens[0].wire));
    ASSERT_EQ(h.pairs.size(), 4u);
    EXPECT_EQ(h.pairs[2].key, "b");
    EXPECT_FALSE(h.pairs[2].value.has_value());
    EXPECT_EQ(h.pairs[3].key, "q\"k");
    EXPECT_EQ(h.pairs[3].value, "back\\slash");
    ASSERT_NE(h.find("a"), nullptr);
    EXPECT_EQ(*h.find("a"), "1");
    ASSERT_NE(h.find("b"), nullptr);
    EXPECT_FALSE(h.find("b")->has_value());
    EXPECT_EQ(h.find("zz"), nullptr);
}

TEST(HstoreCodec, AcceptsOnlyNonBuiltinTypes) {
    EXPECT_TRUE(codec<hstore>::accepts(hstore_oid));
    EXPECT_TRUE(codec<hstore>::accepts(10000));
    EXPECT_TRUE(codec<hstore>::accepts(9999));  // no built-in type has it
    EXPECT_FALSE(codec<hstore>::accepts(0));
    EXPECT_FALSE(codec<hstore>::accepts(oid::text));
    EXPECT_FALSE(codec<hstore>::accepts(oid::record));
    EXPECT_FALSE(codec<hstore>::accepts(oid::pg_type));
    EXPECT_EQ(decode_error<hstore>(oid::text, hex("00000000")), errc::type_mismatch);
    EXPECT_EQ(encode_error(hstore{}, oid::bytea), errc::type_mismatch);
}

TEST(HstoreCodec, RoundTripsBoundaries) {
    hstore h;
    h.pairs.push_back({"", std::nullopt});
    h.pairs.push_back({std::string(100000, 'k'), std::string(100000, 'v')});
    h.pairs.push_back({"dup", "1"});
    h.pairs.push_back({"dup", ""});
    EXPECT_EQ(decode<hstore>(hstore_oid, encode(h, hstore_oid)), h);
    EXPECT_EQ(h.to_string().substr(0, 9), "\"\"=>NULL,");
}

TEST(HstoreCodec, RejectsMalformedInput) {
    for (const golden& g : goldens) {
        expect_rejects_short_and_trailing<hstore>(hstore_oid, hex(g.wire));
    }
    const auto bad = [](const bytes& b) { return decode_error<hstore>(hstore_oid, b); };
    EXPECT_EQ(bad(builder().i32(-1)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(0x7FFFFFFF).i32(0).i32(0)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(1).i32(-1).i32(0)), errc::malformed_message);  // NULL key
    EXPECT_EQ(bad(builder().i32(1).i32(-2).i32(0)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(1).i32(1).text("a").i32(-2)), errc::malformed_message);        // value length
    EXPECT_EQ(bad(builder().i32(1).i32(5).text("a").i32(0)), errc::malformed_message);         // past the end
    EXPECT_EQ(bad(builder().i32(1).i32(2).raw(hex("6100")).i32(0)), errc::malformed_message);  // NUL
    EXPECT_EQ(bad(builder().i32(1).i32(1).text("a").i32(2).raw(hex("0061"))), errc::malformed_message);
}

TEST(HstoreCodec, RefusesInvalidValues) {
    EXPECT_EQ(encode_error(hstore{{{std::string("a\0", 2), "1"}}}, hstore_oid), errc::embedded_nul);
    EXPECT_EQ(encode_error(hstore{{{"a", std::string("\0", 1)}}}, hstore_oid), errc::embedded_nul);
    EXPECT_FALSE((hstore{{{"a", std::string("\0", 1)}}}).is_valid());
}

// Inputs and the server's output for them, from PostgreSQL 15 (`SELECT $$...$$::hstore`).
TEST(HstoreParse, MatchesTheServerInput) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {R"("a"=>"1", "b"=>NULL, "q\"k"=>"back\\slash", ""=>"")",
         R"("a"=>"1", "b"=>NULL, "q\"k"=>"back\\slash", ""=>"")"},
        {"a=>b=c", R"("a"=>"b=c")"},
        {" a => b , c=>d ", R"("a"=>"b", "c"=>"d")"},
        {"a=>NuLl", R"("a"=>NULL)"},
        {R"(a=>"NULL")", R"("a"=>"NULL")"},
        {"   ", ""},
        {"", ""},
        {R"(a\"b=>c\,d)", R"("a\"b"=>"c,d")"},
        {"a=>b,", R"("a"=>"b")"},
        {"a=>b,,c=>d", R"("a"=>"b", ",c"=>"d")"},
        {"a=>>b", R"("a"=>">b")"},
        {R"("a" => "b\x")", R"("a"=>"bx")"},
        {"a=>b>c", R"("a"=>"b>c")"},
        {",a=>b", R"(",a"=>"b")"},
        {"aa=>1, b=>2, a=>3", R"("aa"=>"1", "b"=>"2", "a"=>"3")"},  // the server sorts: "a", "b", "aa"
    };
    for (const auto& [in, text] : cases) {
        hstore h;
        ASSERT_FALSE(hstore::parse(in, h)) << in;
        EXPECT_EQ(h.to_string(), text) << in;
    }
}

TEST(HstoreParse, RejectsWhatTheServerRejects) {
    const hstore before{{{"x", "y"}}};
    for (const std::string_view in : {"a=>", "=>b", "a b=>c", R"("a"=>"b"c=>d)", "a=>b c=>d", "a=b",
                                      R"("a=>b)", "a\\", "a=>b\\", "a", "a=", "a= >b"}) {
        hstore h = before;
        EXPECT_EQ(hstore::parse(in, h), std::errc::invalid_argument) << in;
        EXPECT_EQ(h, before) << in;
    }
    hstore h;
    EXPECT_EQ(hstore::parse(std::string_view("a=>\0b", 5), h), std::errc::invalid_argument);
}

}  // namespace
