#include <pgring/codec.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

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

// boolsend: pq_sendbyte(buf, arg1 ? 1 : 0). Golden bytes from `SELECT boolsend(true)`.
TEST(BoolCodec, EncodesGoldenBytes) {
    EXPECT_EQ(encode(true, oid::bool_), hex("01"));
    EXPECT_EQ(encode(false, oid::bool_), hex("00"));
}

TEST(BoolCodec, DecodesGoldenBytes) {
    EXPECT_TRUE(decode<bool>(oid::bool_, hex("01")));
    EXPECT_FALSE(decode<bool>(oid::bool_, hex("00")));
}

TEST(BoolCodec, RoundTrips) {
    for (const bool b : {false, true}) {
        EXPECT_EQ(decode<bool>(oid::bool_, encode(b, oid::bool_)), b);
    }
}

TEST(BoolCodec, RejectsShortAndTrailingBytes) {
    codec_test::expect_rejects_short_and_trailing<bool>(oid::bool_, hex("01"));
}

TEST(BoolCodec, RejectsBytesBoolsendNeverSends) {
    EXPECT_EQ(decode_error<bool>(oid::bool_, hex("02")), errc::malformed_message);
    EXPECT_EQ(decode_error<bool>(oid::bool_, hex("ff")), errc::malformed_message);
}

TEST(BoolCodec, AcceptsOnlyBool) {
    EXPECT_TRUE(codec<bool>::accepts(oid::bool_));
    for (const pgring::oid_t t : {oid::int2, oid::int4, oid::text, oid::bit, oid::char_, pgring::oid_t{0}}) {
        EXPECT_FALSE(codec<bool>::accepts(t)) << t;
    }
    EXPECT_EQ(decode_error<bool>(oid::int4, hex("00000001")), errc::type_mismatch);
    EXPECT_EQ(encode_error(true, oid::int4), errc::type_mismatch);
}

TEST(BoolCodec, UnspecifiedTypeMeansPreferred) {
    static_assert(codec<bool>::preferred_oid == oid::bool_);
    EXPECT_EQ(encode(true, 0), hex("01"));
}

}  // namespace
