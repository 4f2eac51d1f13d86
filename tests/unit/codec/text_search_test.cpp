#include <pgring/codec.hpp>
#include <pgring/text_search.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
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
using pgring::errc;
using pgring::ts_weight;
using pgring::tsquery;
using pgring::tsvector;

static_assert(pgring::has_codec<tsvector> && pgring::has_codec<tsquery>);
static_assert(pgring::has_codec<std::vector<tsvector>> && pgring::has_codec<std::vector<tsquery>>);

struct golden {
    std::string_view wire;
    std::string_view text;
};

// From PostgreSQL 15: `SELECT tsvectorsend(v::tsvector), v::tsvector`.
constexpr golden tsvector_goldens[] = {
    {"0000000561000002c0010002620000006261636b5c736c61736800000069742773000003800340040005782079000000",
     R"('a':1A,2 'b' 'back\\slash' 'it''s':3B,4C,5 'x y')"},
    {"00000000", R"()"},
    {"00000001610000013fff", R"('a':16383)"},
    {"0000000461000001000261620000010003620000007a7a0000010001", R"('a':2 'ab':3 'b' 'zz':1)"},
    {"0000000161000004c001800240030004", R"('a':1A,2B,3C,4)"},
    {"000000025c5c000000715c27000000", R"('\\\\' 'q\\''')"},
    {"00000001c3bc0000010001", R"('ü':1)"},
};

TEST(TsvectorCodec, GoldenBytes) {
    for (const golden& g : tsvector_goldens) {
        const bytes wire = hex(g.wire);
        const tsvector v = decode<tsvector>(oid::tsvector, wire);
        EXPECT_EQ(v.to_string(), g.text) << g.wire;
        EXPECT_TRUE(v.is_valid());
        EXPECT_EQ(encode(v, oid::tsvector), wire) << g.text;
        EXPECT_EQ(encode(v, 0), wire) << "type 0 uses tsvector";
    }
}

TEST(TsvectorCodec, DecodesWeightsAndPositions) {
    const tsvector v = decode<tsvector>(oid::tsvector, hex(tsvector_goldens[0].wire));
    ASSERT_EQ(v.lexemes.size(), 5u);
    EXPECT_EQ(v.lexemes[0].text, "a");
    ASSERT_EQ(v.lexemes[0].positions.size(), 2u);
    EXPECT_EQ(v.lexemes[0].positions[0].pos, 1);
    EXPECT_EQ(v.lexemes[0].positions[0].weight, ts_weight::a);
    EXPECT_EQ(v.lexemes[0].positions[1].weight, ts_weight::d);
    EXPECT_EQ(v.lexemes[1].text, "b");
    EXPECT_TRUE(v.lexemes[1].positions.empty());
    EXPECT_EQ(v.lexemes[3].text, "it's");
    EXPECT_EQ(v.lexemes[3].positions[0].weight, ts_weight::b);
    EXPECT_EQ(v.lexemes[3].positions[1].weight, ts_weight::c);
    EXPECT_EQ(v.lexemes[4].text, "x y");
}

TEST(TsvectorCodec, RoundTripsBoundaries) {
    tsvector v;
    v.lexemes.push_back({std::string(tsvector::max_lexeme_size, 'x'), {}});
    tsvector::lexeme many{"m", {}};
    for (std::uint16_t i = 0; i < tsvector::max_positions; ++i) {
        many.positions.push_back(
            {static_cast<std::uint16_t>(tsvector::max_position - 255 + i), ts_weight::a});
    }
    v.lexemes.push_back(many);
    v.lexemes.push_back({"", {}});
    ASSERT_TRUE(v.is_valid());
    EXPECT_EQ(decode<tsvector>(oid::tsvector, encode(v, oid::tsvector)), v);
}

TEST(TsvectorCodec, RejectsMalformedInput) {
    for (const golden& g : tsvector_goldens) {
        expect_rejects_short_and_trailing<tsvector>(oid::tsvector, hex(g.wire));
    }
    // A negative count, and a count no input could hold (no allocation of 2^31 lexemes).
    EXPECT_EQ(decode_error<tsvector>(oid::tsvector, builder().i32(-1)), errc::malformed_message);
    EXPECT_EQ(decode_error<tsvector>(oid::tsvector, builder().i32(0x7FFFFFFF).text("a").raw(hex("00 0000"))),
              errc::malformed_message);
    // A lexeme without its terminator.
    EXPECT_EQ(decode_error<tsvector>(oid::tsvector, builder().i32(1).text("abc")), errc::malformed_message);
    // Positions out of order, and equal.
    EXPECT_EQ(decode_error<tsvector>(oid::tsvector, builder().i32(1).text("a").raw(hex("00 0002 0003 0002"))),
              errc::malformed_message);
    EXPECT_EQ(decode_error<tsvector>(oid::tsvector, builder().i32(1).text("a").raw(hex("00 0002 c003 0003"))),
              errc::malformed_message);
    // 257 positions.
    builder many;
    many.i32(1).text("a").raw(hex("00")).u16(257);
    for (std::uint16_t i = 1; i <= 257; ++i) {
        many.u16(i);
    }
    EXPECT_EQ(decode_error<tsvector>(oid::tsvector, many), errc::malformed_message);
    // A lexeme of 2048 bytes.
    EXPECT_EQ(decode_error<tsvector>(oid::tsvector,
                                     builder().i32(1).text(std::string(2048, 'x')).raw(hex("00 0000"))),
              errc::malformed_message);
    EXPECT_EQ(decode_error<tsvector>(oid::tsquery, hex("00000000")), errc::type_mismatch);
}

TEST(TsvectorCodec, RefusesInvalidValues) {
    EXPECT_EQ(encode_error(tsvector{{{"a", {{3, ts_weight::d}, {2, ts_weight::d}}}}}, oid::tsvector),
              errc::value_out_of_range);
    EXPECT_EQ(encode_error(tsvector{{{"a", {{16384, ts_weight::d}}}}}, oid::tsvector),
              errc::value_out_of_range);
    EXPECT_EQ(encode_error(tsvector{{{std::string("a\0b", 3), {}}}}, oid::tsvector),
              errc::value_out_of_range);
    EXPECT_EQ(encode_error(tsvector{{{std::string(2048, 'x'), {}}}}, oid::tsvector),
              errc::value_out_of_range);
    EXPECT_EQ(encode_error(tsvector{}, oid::tsquery), errc::type_mismatch);
    EXPECT_EQ(encode(tsvector{}, oid::tsvector), hex("00000000"));
}

// Inputs and the server's output for them, from PostgreSQL 15 (`SELECT $$...$$::tsvector`).
TEST(TsvectorParse, MatchesTheServerInput) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {R"('a':1A,2 'b' 'it''s':3B,4C,5D 'back\\slash' 'x y')",
         R"('a':1A,2 'b' 'back\\slash' 'it''s':3B,4C,5 'x y')"},
        {"", ""},
        {"  ", ""},
        {"it's", "'it''s'"},
        {"a:1a,2b,3c,4d", "'a':1A,2B,3C,4"},
        {"a:1A,1B", "'a':1A"},
        {"a:1B,1A", "'a':1A"},
        {"a:2 a:1", "'a':1,2"},
        {"a :1", "':1' 'a'"},
        {"'a b':1", "'a b':1"},
        {R"(a\ b)", "'a b'"},
        {"'it''s'", "'it''s'"},
        {R"('it\'s')", "'it''s'"},
        {"a:99999999999", "'a':16383"},
        {"'a'b", "'a' 'b'"},
        {"a'b'", "'a''b'''"},
        {"a,b", "'a,b'"},
        {"a:1 b:2,3C", "'a':1 'b':2,3C"},
        {"A", "'A'"},
        {"a:3*", "'a':3A"},
        {"a a:1 b:3 a:2B,1C", "'a':1C,2B 'b':3"},
        {"'a':1A 'a':1 'a' ", "'a':1A"},
        {"a\tb\nc", "'a' 'b' 'c'"},
        {"é b É", "'b' 'É' 'é'"},
        {"zz:1 a:2 ab:3 b", "'a':2 'ab':3 'b' 'zz':1"},
    };
    for (const auto& [in, text] : cases) {
        tsvector v;
        ASSERT_FALSE(tsvector::parse(in, v)) << in;
        EXPECT_EQ(v.to_string(), text) << in;
        EXPECT_TRUE(v.is_valid()) << in;
    }
    // Positions sorted, then cut to 256 (`'a:300,299,...,1'` and with a 5000 added).
    std::string many = "a:";
    for (int i = 300; i >= 1; --i) {
        many += std::to_string(i) + (i > 1 ? "," : " a:5000");
    }
    tsvector v;
    ASSERT_FALSE(tsvector::parse(many, v));
    ASSERT_EQ(v.lexemes.size(), 1u);
    ASSERT_EQ(v.lexemes[0].positions.size(), 256u);
    EXPECT_EQ(v.lexemes[0].positions.front().pos, 1);
    EXPECT_EQ(v.lexemes[0].positions.back().pos, 256);
}

TEST(TsvectorParse, RejectsWhatTheServerRejects) {
    const tsvector before{{{"x", {}}}};
    for (const std::string_view in : {"a:0", "a: 1", "a:1, 2", "a:1,,2", "a:x", "a:1x", "a:1:2", "''", "'a",
                                      "a\\", "a:1,2,", "a:-1", "a:", "a:1A2"}) {
        tsvector v = before;
        EXPECT_EQ(tsvector::parse(in, v), std::errc::invalid_argument) << in;
        EXPECT_EQ(v, before) << in;
    }
    tsvector v;
    EXPECT_EQ(tsvector::parse(std::string(2048, 'x'), v), std::errc::invalid_argument);
    EXPECT_FALSE(tsvector::parse(std::string(2047, 'x'), v));
    EXPECT_EQ(tsvector::parse(std::string_view("a\0b", 3), v), std::errc::invalid_argument);
}

// From PostgreSQL 15: `SELECT tsquerysend(q::tsquery), q::tsquery` for the queries in the
// comments.
constexpr golden tsquery_goldens[] = {
    // 'a' & !'b' | 'c' <-> 'd' <2> 'e'
    {"0000000a020302040002010000650002040001010000640001000063000202020101000062000100006100",
     R"('a' & !'b' | 'c' <-> 'd' <2> 'e')"},
    {"0000000302020102006200010c016100", R"('a':*AB & 'b':C)"},  // a:*AB & b:C
    {"00000000", R"()"},                                         // ''
    {"0000000502020203010000630001000062000100006100", R"('a' & ( 'b' | 'c' ))"},
    {"0000000502020100006300020301000062000100006100", R"(( 'a' | 'b' ) & 'c')"},
    {"000000040201020201000062000100006100", R"(!( 'a' & 'b' ))"},
    {"00000003020102010100006100", R"(!!'a')"},
    {"00000005020400010203010000630001000062000100006100", R"('a' <-> ( 'b' | 'c' ))"},
    {"00000005020201000063000204000101000062000100006100", R"('a' <-> 'b' & 'c')"},  // (a <-> b) & c
    {"000000050204000102040001010000630001000062000100006100", R"('a' <-> ( 'b' <-> 'c' ))"},
    {"000000050204000101000063000204000101000062000100006100", R"('a' <-> 'b' <-> 'c')"},
    {"0000000502030203010000630001000062000100006100", R"('a' | 'b' | 'c')"},  // a | (b | c)
    {"000000060202020102040001010000630001000062000100006100", R"('a' & !( 'b' <-> 'c' ))"},
    {"0000000402040001010000620002010100006100", R"(!'a' <-> 'b')"},
    {"0000000502020202010000630001000062000100006100", R"('a' & 'b' & 'c')"},  // a & (b & c)
    {"0000000702040003020201000064000100006300020301000062000100006100",
     R"(( 'a' | 'b' ) <3> ( 'c' & 'd' ))"},
    {"000000010108006100", R"('a':A)"},
    {"000000010100016100", R"('a':*)"},
    {"000000030202010000785c79000100006974277300", R"('it''s' & 'x\\y')"},
    {"00000001010f016100", R"('a':*ABCD)"},
    {"000000030204000001000062000100006100", R"('a' <0> 'b')"},
    {"000000040201020301000062000100006100", R"(!( 'a' | 'b' ))"},
    {"00000005020400010100006300020201000062000100006100", R"(( 'a' & 'b' ) <-> 'c')"},
    {"000000060203010000630002010204000101000062000100006100", R"(!( 'a' <-> 'b' ) | 'c')"},
    {"000000030204400001000062000100006100", R"('a' <16384> 'b')"},
    // !(!a | b) & (c <-> !d)
    {"0000000a02020204000102010100006400010000630002010203010000620002010100006100",
     R"(!( !'a' | 'b' ) & 'c' <-> !'d')"},
    // ((a <2> b) <3> c) <-> (d <4> e)
    {"000000090204000102040004010000650001000064000204000301000063000204000201000062000100006100",
     R"('a' <2> 'b' <3> 'c' <-> ( 'd' <4> 'e' ))"},
};

TEST(TsqueryCodec, GoldenBytes) {
    for (const golden& g : tsquery_goldens) {
        const bytes wire = hex(g.wire);
        const tsquery q = decode<tsquery>(oid::tsquery, wire);
        EXPECT_EQ(q.to_string(), g.text) << g.wire;
        EXPECT_TRUE(q.is_valid());
        EXPECT_EQ(encode(q, oid::tsquery), wire) << g.text;
        EXPECT_EQ(encode(q, 0), wire) << "type 0 uses tsquery";
    }
}

TEST(TsqueryCodec, BuildersMatchTheServerOrder) {
    using q = tsquery;
    // 'a' & !'b' | 'c' <-> 'd' <2> 'e'
    const tsquery built = q::or_(q::and_(q::operand("a"), q::not_(q::operand("b"))),
                                 q::phrase(q::phrase(q::operand("c"), q::operand("d")), q::operand("e"), 2));
    EXPECT_EQ(encode(built, oid::tsquery), hex(tsquery_goldens[0].wire));
    const tsquery weighted =
        q::and_(q::operand("a", q::weight_a | q::weight_b, true), q::operand("b", q::weight_c));
    EXPECT_EQ(encode(weighted, oid::tsquery), hex(tsquery_goldens[1].wire));
    EXPECT_EQ(weighted.to_string(), "'a':*AB & 'b':C");
}

TEST(TsqueryCodec, PrintsDeepTreesWithoutRecursion) {
    // 'x' & 'x' & ... : a left-deep tree as deep as the query is long.
    constexpr int depth = 100000;
    tsquery deep;
    for (int i = 0; i < depth; ++i) {
        deep.items.push_back({false, "", 0, false, tsquery::op::and_, 1});
        deep.items.push_back({true, "x", 0, false, tsquery::op::and_, 1});
    }
    deep.items.push_back({true, "x", 0, false, tsquery::op::and_, 1});
    ASSERT_TRUE(deep.is_valid());
    const std::string text = deep.to_string();
    EXPECT_EQ(text.size(), 3u + depth * 6u);
    EXPECT_EQ(text.substr(0, 9), "'x' & 'x'");
    EXPECT_EQ(decode<tsquery>(oid::tsquery, encode(deep, oid::tsquery)), deep);
}

TEST(TsqueryCodec, RejectsMalformedInput) {
    for (const golden& g : tsquery_goldens) {
        expect_rejects_short_and_trailing<tsquery>(oid::tsquery, hex(g.wire));
    }
    const auto bad = [](const bytes& b) { return decode_error<tsquery>(oid::tsquery, b); };
    EXPECT_EQ(bad(builder().i32(-1)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(0x7FFFFFFF).raw(hex("01 00 00 6100"))), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(1).raw(hex("03 00 00 6100"))), errc::malformed_message);  // item type
    EXPECT_EQ(bad(builder().i32(1).raw(hex("01 10 00 6100"))), errc::malformed_message);  // weight
    EXPECT_EQ(bad(builder().i32(1).raw(hex("01 00 02 6100"))), errc::malformed_message);  // prefix
    EXPECT_EQ(bad(builder().i32(1).raw(hex("01 00 00 61"))), errc::malformed_message);    // no NUL
    EXPECT_EQ(bad(builder().i32(3).raw(hex("02 05 01000061 00 01000062 00"))), errc::malformed_message);
    // A phrase distance of -1 and of 16385.
    EXPECT_EQ(bad(builder().i32(3).raw(hex("02 04 ffff 01000062 00 01000061 00"))), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(3).raw(hex("02 04 4001 01000062 00 01000061 00"))), errc::malformed_message);
    // Not one tree: a lone operator, an operator missing an operand, two operands.
    EXPECT_EQ(bad(builder().i32(1).raw(hex("02 02"))), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(2).raw(hex("02 02 01000061 00"))), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(2).raw(hex("01000061 00 01000062 00"))), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(3).raw(hex("02 01 01000061 00 01000062 00"))), errc::malformed_message);
    EXPECT_EQ(decode_error<tsquery>(oid::tsvector, hex("00000000")), errc::type_mismatch);
}

TEST(TsqueryCodec, RefusesInvalidValues) {
    tsquery two_roots = tsquery::operand("a");
    two_roots.items.push_back(tsquery::operand("b").items[0]);
    EXPECT_FALSE(two_roots.is_valid());
    EXPECT_EQ(two_roots.to_string(), "");
    EXPECT_EQ(encode_error(two_roots, oid::tsquery), errc::value_out_of_range);
    EXPECT_EQ(encode_error(tsquery::operand("a", 16), oid::tsquery), errc::value_out_of_range);
    EXPECT_EQ(encode_error(tsquery::operand(std::string("a\0", 2)), oid::tsquery), errc::value_out_of_range);
    EXPECT_EQ(encode_error(tsquery::phrase(tsquery::operand("a"), tsquery::operand("b"), -1), oid::tsquery),
              errc::value_out_of_range);
    tsquery lone_op;
    lone_op.items.push_back({false, "", 0, false, tsquery::op::not_, 1});
    EXPECT_EQ(encode_error(lone_op, oid::tsquery), errc::value_out_of_range);
    EXPECT_EQ(lone_op.to_string(), "");
    EXPECT_EQ(encode_error(tsquery{}, oid::tsvector), errc::type_mismatch);
}

}  // namespace
