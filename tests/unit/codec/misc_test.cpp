#include <pgring/codec.hpp>
#include <pgring/money.hpp>
#include <pgring/pg_lsn.hpp>
#include <pgring/tid.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace {

namespace oid = pgring::oid;
using codec_test::bytes;
using codec_test::decode;
using codec_test::decode_error;
using codec_test::encode;
using codec_test::encode_error;
using codec_test::hex;
using pgring::codec;
using pgring::errc;
using pgring::money;
using pgring::pg_lsn;

static_assert(pgring::has_codec<money> && pgring::has_codec<pg_lsn>);

pg_lsn parse_lsn(std::string_view text) {
    pg_lsn l;
    EXPECT_FALSE(pg_lsn::parse(text, l)) << text;
    return l;
}

// Golden bytes from PostgreSQL 15: cash_send('12.34'::money) and
// cash_send('-92233720368547758.08'::money) (lc_monetary C).
TEST(MoneyCodec, GoldenBytes) {
    const bytes wire = hex("00000000000004d2");
    const money m = decode<money>(oid::money, wire);
    EXPECT_EQ(m.cents, 1234);
    EXPECT_EQ(m.to_string(), "12.34");
    EXPECT_EQ(encode(m, oid::money), wire);
    EXPECT_EQ(encode(m, 0), wire);

    const bytes min = hex("8000000000000000");
    const money lowest = decode<money>(oid::money, min);
    EXPECT_EQ(lowest.cents, std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(lowest.to_string(), "-92233720368547758.08");
    EXPECT_EQ(encode(lowest, oid::money), min);
}

TEST(MoneyCodec, RoundTripsBoundaries) {
    for (const std::int64_t c :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{100},
          std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
        EXPECT_EQ(decode<money>(oid::money, encode(money{c}, oid::money)).cents, c);
    }
    EXPECT_EQ(money{0}.to_string(), "0.00");
    EXPECT_EQ(money{5}.to_string(), "0.05");
    EXPECT_EQ(money{-5}.to_string(), "-0.05");
    EXPECT_EQ(money{-1234}.to_string(), "-12.34");
    EXPECT_EQ(money{100000}.to_string(), "1000.00");
    EXPECT_EQ(money{std::numeric_limits<std::int64_t>::max()}.to_string(), "92233720368547758.07");
    EXPECT_LT(money{-1}, money{0});
}

TEST(MoneyCodec, RejectsWrongSizesAndTypes) {
    codec_test::expect_rejects_short_and_trailing<money>(oid::money, hex("00000000000004d2"));
    EXPECT_TRUE(codec<money>::accepts(oid::money));
    EXPECT_FALSE(codec<money>::accepts(oid::int8));
    EXPECT_FALSE(codec<money>::accepts(oid::numeric));
    EXPECT_EQ(decode_error<money>(oid::int8, hex("00000000000004d2")), errc::type_mismatch);
    EXPECT_EQ(encode_error(money{1}, oid::int8), errc::type_mismatch);
}

// pg_lsn_send('16/B374D848'::pg_lsn), pg_lsn_send('FFFFFFFF/FFFFFFFF'::pg_lsn).
TEST(PgLsnCodec, GoldenBytes) {
    const bytes wire = hex("00000016b374d848");
    const pg_lsn l = decode<pg_lsn>(oid::pg_lsn, wire);
    EXPECT_EQ(l.value, 0x16B374D848u);
    EXPECT_EQ(l.to_string(), "16/B374D848");
    EXPECT_EQ(parse_lsn("16/B374D848"), l);
    EXPECT_EQ(encode(l, oid::pg_lsn), wire);
    EXPECT_EQ(encode(l, 0), wire);

    const bytes top = hex("ffffffffffffffff");
    const pg_lsn highest = decode<pg_lsn>(oid::pg_lsn, top);
    EXPECT_EQ(highest.value, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(highest.to_string(), "FFFFFFFF/FFFFFFFF");
    EXPECT_EQ(encode(highest, oid::pg_lsn), top);
}

TEST(PgLsnCodec, RoundTripsBoundaries) {
    for (const std::uint64_t v : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0xFFFFFFFF},
                                  std::uint64_t{0x100000000}, std::numeric_limits<std::uint64_t>::max()}) {
        const pg_lsn l{v};
        EXPECT_EQ(decode<pg_lsn>(oid::pg_lsn, encode(l, oid::pg_lsn)), l);
        EXPECT_EQ(parse_lsn(l.to_string()), l) << l.to_string();
    }
    // PostgreSQL's output of '0/0' and '0/1'.
    EXPECT_EQ(pg_lsn{0}.to_string(), "0/0");
    EXPECT_EQ(pg_lsn{1}.to_string(), "0/1");
    EXPECT_EQ(pg_lsn{0x100000000}.to_string(), "1/0");
    EXPECT_LT(pg_lsn{0xFFFFFFFF}, pg_lsn{0x100000000});
}

TEST(PgLsnCodec, ParsesInputForms) {
    EXPECT_EQ(parse_lsn("16/b374d848").value, 0x16B374D848u);
    EXPECT_EQ(parse_lsn("00000016/B374D848").value, 0x16B374D848u);
    EXPECT_EQ(parse_lsn("00000000/00000001").value, 1u);
    pg_lsn l{42};
    for (const char* text : {"", "/", "0/", "/0", "0", "0/0/", "123456789/0", "0/123456789", "g/0", "0/0 ",
                             " 0/0", "0x1/0", "-1/0"}) {
        EXPECT_EQ(pg_lsn::parse(text, l), std::errc::invalid_argument) << text;
    }
    EXPECT_EQ(l.value, 42u);
}

TEST(PgLsnCodec, RejectsWrongSizesAndTypes) {
    codec_test::expect_rejects_short_and_trailing<pg_lsn>(oid::pg_lsn, hex("00000016b374d848"));
    EXPECT_TRUE(codec<pg_lsn>::accepts(oid::pg_lsn));
    EXPECT_FALSE(codec<pg_lsn>::accepts(oid::int8));
    EXPECT_FALSE(codec<pg_lsn>::accepts(oid::xid8));
    EXPECT_EQ(decode_error<pg_lsn>(oid::int8, hex("00000016b374d848")), errc::type_mismatch);
    EXPECT_EQ(encode_error(pg_lsn{1}, oid::text), errc::type_mismatch);
}

// array_send('{1.5}'::money[]).
TEST(MoneyCodec, DecodesAndEncodesArrays) {
    const bytes wire = hex("00000001 00000000 00000316 00000001 00000001 00000008 0000000000000096");
    const auto v = decode<std::vector<money>>(oid::money_array, wire);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].cents, 150);
    EXPECT_EQ(encode(v, oid::money_array), wire);
}

// tidsend('(1,2)'::tid), tidsend('(4294967295,65535)'::tid).
TEST(TidCodec, GoldenBytesAndChecks) {
    const bytes wire = hex("000000010002");
    const pgring::tid t = decode<pgring::tid>(oid::tid, wire);
    EXPECT_EQ(t.block, 1u);
    EXPECT_EQ(t.offset, 2u);
    EXPECT_EQ(t.to_string(), "(1,2)");
    EXPECT_EQ(encode(t, oid::tid), wire);
    const bytes max = hex("ffffffffffff");
    EXPECT_EQ(decode<pgring::tid>(oid::tid, max).to_string(), "(4294967295,65535)");
    EXPECT_EQ(encode(decode<pgring::tid>(oid::tid, max), 0), max);
    codec_test::expect_rejects_short_and_trailing<pgring::tid>(oid::tid, wire);
    EXPECT_FALSE(codec<pgring::tid>::accepts(oid::int8));
    EXPECT_EQ(decode_error<pgring::tid>(oid::int8, wire), errc::type_mismatch);
    EXPECT_LT((pgring::tid{1, 9}), (pgring::tid{2, 0}));
}

}  // namespace
