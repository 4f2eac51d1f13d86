#include <pgring/bit_string.hpp>
#include <pgring/codec.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace oid = pgring::oid;
using codec_test::bytes;
using codec_test::decode;
using codec_test::decode_error;
using codec_test::encode;
using codec_test::encode_error;
using codec_test::hex;
using pgring::bit_string;
using pgring::codec;
using pgring::errc;

static_assert(pgring::has_codec<bit_string>);

bit_string parse(std::string_view text) {
    bit_string b;
    EXPECT_FALSE(bit_string::parse(text, b)) << text;
    return b;
}

// Golden bytes from PostgreSQL 15: bit_send(B'10101'), varbit_send(B'101010101'::varbit),
// varbit_send(''::varbit), bit_send(B'11111111').
TEST(BitCodec, GoldenBytes) {
    const bytes five = hex("00000005 a8");
    const bit_string b = decode<bit_string>(oid::bit, five);
    EXPECT_EQ(b.bit_count, 5u);
    EXPECT_EQ(b.bytes, (std::vector<std::uint8_t>{0xA8}));
    EXPECT_EQ(b.to_string(), "10101");
    EXPECT_EQ(b, parse("10101"));
    EXPECT_EQ(encode(b, oid::bit), five);
    EXPECT_EQ(encode(b, oid::varbit), five);

    const bytes nine = hex("00000009 aa80");
    const bit_string v = decode<bit_string>(oid::varbit, nine);
    EXPECT_EQ(v.to_string(), "101010101");
    EXPECT_EQ(encode(v, oid::varbit), nine);

    const bytes empty = hex("00000000");
    const bit_string e = decode<bit_string>(oid::varbit, empty);
    EXPECT_EQ(e.bit_count, 0u);
    EXPECT_TRUE(e.bytes.empty());
    EXPECT_EQ(e.to_string(), "");
    EXPECT_EQ(encode(e, 0), empty);

    const bytes full = hex("00000008 ff");
    EXPECT_EQ(decode<bit_string>(oid::bit, full), parse("11111111"));
    EXPECT_EQ(encode(parse("11111111"), oid::bit), full);
}

TEST(BitCodec, RoundTripsBoundaries) {
    // Every length around byte boundaries, all ones and alternating bits.
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 63u, 64u, 65u, 1000u}) {
        for (const char pattern : {'1', 'a'}) {
            std::string text;
            for (std::size_t i = 0; i < n; ++i) {
                text += pattern == '1' || i % 2 == 0 ? '1' : '0';
            }
            const bit_string b = parse(text);
            EXPECT_TRUE(b.is_valid()) << text;
            EXPECT_EQ(b.to_string(), text);
            EXPECT_EQ(codec<bit_string>::encoded_size(b, oid::varbit), 4 + (n + 7) / 8);
            EXPECT_EQ(decode<bit_string>(oid::varbit, encode(b, oid::varbit)), b) << text;
        }
    }
    const bit_string first = parse("1000000001");
    EXPECT_TRUE(first.test(0));
    EXPECT_FALSE(first.test(1));
    EXPECT_TRUE(first.test(9));
}

TEST(BitCodec, RejectsPaddingAndLengthMismatch) {
    codec_test::expect_rejects_short_and_trailing<bit_string>(oid::bit, hex("00000009 aa80"));
    codec_test::expect_rejects_short_and_trailing<bit_string>(oid::varbit, hex("00000000"));
    for (const char* wire : {
             "00000005 a9",    // the last padding bit set
             "00000005 ac",    // the first padding bit set
             "00000009 aac0",  // padding set in the second byte
             "00000001 c0",
             "ffffffff",  // negative count
             "80000000",
             "7ffffff9",       // above VARBITMAXLEN (with no bytes: still a bad count)
             "00000010 ff",    // 16 bits in one byte
             "00000008 ff00",  // 8 bits in two bytes
         }) {
        EXPECT_EQ(decode_error<bit_string>(oid::varbit, hex(wire)), errc::malformed_message) << wire;
    }
}

TEST(BitCodec, RefusesInvalidValues) {
    bit_string padded;
    padded.bit_count = 5;
    padded.bytes = {0xA9};
    EXPECT_FALSE(padded.is_valid());
    EXPECT_EQ(encode_error(padded, oid::varbit), errc::value_out_of_range);
    bit_string too_many;
    too_many.bit_count = 8;
    too_many.bytes = {0xFF, 0x00};
    EXPECT_EQ(encode_error(too_many, oid::bit), errc::value_out_of_range);
    bit_string too_few;
    too_few.bit_count = 9;
    too_few.bytes = {0xFF};
    EXPECT_EQ(encode_error(too_few, oid::bit), errc::value_out_of_range);
    bit_string huge;
    huge.bit_count = bit_string::max_bits + 8;
    EXPECT_FALSE(huge.is_valid());
}

TEST(BitCodec, ParseRejectsOtherCharacters) {
    bit_string b = parse("101");
    const bit_string before = b;
    for (const char* text : {"102", " 1", "1 ", "x", "0x1"}) {
        EXPECT_EQ(bit_string::parse(text, b), std::errc::invalid_argument) << text;
    }
    EXPECT_EQ(b, before);
}

TEST(BitCodec, AcceptsOnlyBitTypes) {
    EXPECT_TRUE(codec<bit_string>::accepts(oid::bit));
    EXPECT_TRUE(codec<bit_string>::accepts(oid::varbit));
    EXPECT_FALSE(codec<bit_string>::accepts(oid::bytea));
    EXPECT_FALSE(codec<bit_string>::accepts(oid::text));
    EXPECT_EQ(codec<bit_string>::preferred_oid, oid::varbit);
    EXPECT_EQ(decode_error<bit_string>(oid::bytea, hex("00000005 a8")), errc::type_mismatch);
    EXPECT_EQ(encode_error(parse("1"), oid::int4), errc::type_mismatch);
}

// array_send('{101,1}'::varbit[]).
TEST(BitCodec, DecodesAndEncodesArrays) {
    const bytes wire =
        hex("00000001 00000000 0000061a 00000002 00000001 00000005 00000003a0 00000005 0000000180");
    const auto v = decode<std::vector<bit_string>>(oid::varbit_array, wire);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].to_string(), "101");
    EXPECT_EQ(v[1].to_string(), "1");
    EXPECT_EQ(encode(v, oid::varbit_array), wire);
}

}  // namespace
