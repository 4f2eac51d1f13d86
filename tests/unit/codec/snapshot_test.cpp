#include <pgring/codec.hpp>
#include <pgring/snapshot.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>
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
using pgring::pg_snapshot;

static_assert(pgring::has_codec<pg_snapshot> && pgring::has_codec<std::vector<pg_snapshot>>);

struct golden {
    std::string_view wire;
    std::string_view text;
};

// From PostgreSQL 15: `SELECT pg_snapshot_send(s::pg_snapshot), s::pg_snapshot` (and
// txid_snapshot_send, which gives the same bytes).
constexpr golden goldens[] = {
    {"00000003000000000000000a0000000000000014000000000000000a000000000000000e000000000000000f",
     "10:20:10,14,15"},
    {"0000000000000000000000030000000000000003", "3:3:"},
    {"0000000100000000000000017fffffffffffffff0000000000000005", "1:9223372036854775807:5"},
};

TEST(SnapshotCodec, GoldenBytes) {
    for (const golden& g : goldens) {
        const bytes wire = hex(g.wire);
        for (const pgring::oid_t type : {oid::pg_snapshot, oid::txid_snapshot}) {
            const pg_snapshot s = decode<pg_snapshot>(type, wire);
            EXPECT_EQ(s.to_string(), g.text);
            EXPECT_EQ(encode(s, type), wire);
        }
        pg_snapshot parsed;
        ASSERT_FALSE(pg_snapshot::parse(g.text, parsed)) << g.text;
        EXPECT_EQ(encode(parsed, 0), wire) << "type 0 uses pg_snapshot";
    }
    const pg_snapshot s = decode<pg_snapshot>(oid::pg_snapshot, hex(goldens[0].wire));
    EXPECT_EQ(s.xmin, 10u);
    EXPECT_EQ(s.xmax, 20u);
    EXPECT_EQ(s.xip, (std::vector<std::uint64_t>{10, 14, 15}));
}

TEST(SnapshotCodec, RoundTripsBoundaries) {
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    for (const pg_snapshot& s :
         {pg_snapshot{1, 1, {}}, pg_snapshot{1, max, {1, max - 1, max}}, pg_snapshot{max, max, {max}}}) {
        ASSERT_TRUE(s.is_valid());
        EXPECT_EQ(decode<pg_snapshot>(oid::pg_snapshot, encode(s, oid::pg_snapshot)), s);
    }
}

TEST(SnapshotCodec, RejectsMalformedInput) {
    for (const golden& g : goldens) {
        expect_rejects_short_and_trailing<pg_snapshot>(oid::pg_snapshot, hex(g.wire));
    }
    const auto bad = [](const bytes& b) { return decode_error<pg_snapshot>(oid::pg_snapshot, b); };
    EXPECT_EQ(bad(builder().i32(-1).i64(1).i64(2)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(0x7FFFFFFF).i64(1).i64(2).i64(1)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(0).i64(0).i64(2)), errc::malformed_message);                // xmin 0
    EXPECT_EQ(bad(builder().i32(0).i64(5).i64(4)), errc::malformed_message);                // xmax < xmin
    EXPECT_EQ(bad(builder().i32(1).i64(5).i64(9).i64(4)), errc::malformed_message);         // xip < xmin
    EXPECT_EQ(bad(builder().i32(1).i64(5).i64(9).i64(10)), errc::malformed_message);        // xip > xmax
    EXPECT_EQ(bad(builder().i32(2).i64(5).i64(9).i64(7).i64(6)), errc::malformed_message);  // unsorted
    EXPECT_EQ(bad(builder().i32(2).i64(5).i64(9).i64(7).i64(7)), errc::malformed_message);  // duplicate
    EXPECT_EQ(decode_error<pg_snapshot>(oid::int8, hex(goldens[1].wire)), errc::type_mismatch);
}

TEST(SnapshotCodec, RefusesInvalidValues) {
    EXPECT_EQ(encode_error(pg_snapshot{0, 1, {}}, oid::pg_snapshot), errc::value_out_of_range);
    EXPECT_EQ(encode_error(pg_snapshot{5, 4, {}}, oid::pg_snapshot), errc::value_out_of_range);
    EXPECT_EQ(encode_error(pg_snapshot{5, 9, {7, 6}}, oid::pg_snapshot), errc::value_out_of_range);
    EXPECT_EQ(encode_error(pg_snapshot{5, 9, {10}}, oid::txid_snapshot), errc::value_out_of_range);
    EXPECT_EQ(encode_error(pg_snapshot{}, oid::int8), errc::type_mismatch);
}

TEST(SnapshotParse, AcceptsTheServerInputForm) {
    pg_snapshot s;
    ASSERT_FALSE(pg_snapshot::parse("10:20:14,14,15", s));
    EXPECT_EQ(s.to_string(), "10:20:14,15");  // duplicates dropped, as the server does
    ASSERT_FALSE(pg_snapshot::parse("3:3:", s));
    EXPECT_EQ(s, (pg_snapshot{3, 3, {}}));
}

TEST(SnapshotParse, RejectsOtherText) {
    const pg_snapshot before{7, 8, {7}};
    for (const std::string_view text :
         {"", "1", "1:2", "1:2:3,", "1:2:,", "0:2:", "5:4:", "5:9:4", "5:9:9", "5:9:7,6", "5:9:7 ",
          " 5:9:", "-1:2:", "a:b:", "1:2:3:4", "18446744073709551616:1:"}) {
        pg_snapshot s = before;
        EXPECT_EQ(pg_snapshot::parse(text, s), std::errc::invalid_argument) << text;
        EXPECT_EQ(s, before) << text;
    }
}

}  // namespace
