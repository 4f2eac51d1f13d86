#include <pgring/codec.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

template <class T>
using lim = std::numeric_limits<T>;

static_assert(codec<float>::preferred_oid == oid::float4);
static_assert(codec<double>::preferred_oid == oid::float8);

// Golden bytes from float4send/float8send (`SELECT float4send('-0')`, ...).
TEST(FloatCodec, EncodesGoldenBytes) {
    EXPECT_EQ(encode(-0.0f, oid::float4), hex("80000000"));
    EXPECT_EQ(encode(1.5f, oid::float4), hex("3fc00000"));
    EXPECT_EQ(encode(lim<double>::quiet_NaN(), oid::float8), hex("7ff8000000000000"));
    EXPECT_EQ(encode(-lim<double>::infinity(), oid::float8), hex("fff0000000000000"));
    EXPECT_EQ(encode(1.5f, oid::float8), hex("3ff8000000000000"));
    EXPECT_EQ(encode(1.5, oid::float4), hex("3fc00000"));
}

TEST(FloatCodec, DecodesGoldenBytes) {
    const float neg_zero = decode<float>(oid::float4, hex("80000000"));
    EXPECT_EQ(neg_zero, 0.0f);
    EXPECT_TRUE(std::signbit(neg_zero));
    EXPECT_EQ(decode<float>(oid::float4, hex("3fc00000")), 1.5f);
    EXPECT_TRUE(std::isnan(decode<double>(oid::float8, hex("7ff8000000000000"))));
    EXPECT_EQ(decode<double>(oid::float8, hex("fff0000000000000")), -lim<double>::infinity());
    EXPECT_EQ(decode<double>(oid::float4, hex("3fc00000")), 1.5);
}

template <class T>
void expect_round_trip(T v, pgring::oid_t type) {
    const T back = decode<T>(type, encode(v, type));
    if (std::isnan(v)) {
        EXPECT_TRUE(std::isnan(back));
    } else {
        EXPECT_EQ(back, v);
        EXPECT_EQ(std::signbit(back), std::signbit(v));
    }
}

TEST(FloatCodec, RoundTripsBoundaries) {
    for (const float f : {0.0f, -0.0f, 1.0f, -1.5f, lim<float>::min(), lim<float>::denorm_min(),
                          lim<float>::max(), lim<float>::lowest(), lim<float>::epsilon(),
                          lim<float>::infinity(), -lim<float>::infinity(), lim<float>::quiet_NaN()}) {
        expect_round_trip(f, oid::float4);
        expect_round_trip(f, oid::float8);
    }
    for (const double d : {0.0, -0.0, 0.1, -1e300, lim<double>::min(), lim<double>::denorm_min(),
                           lim<double>::max(), lim<double>::lowest(), lim<double>::infinity(),
                           -lim<double>::infinity(), lim<double>::quiet_NaN()}) {
        expect_round_trip(d, oid::float8);
    }
}

TEST(FloatCodec, Float8DecodesIntoFloatOnlyWhenExact) {
    EXPECT_EQ(decode<float>(oid::float8, encode(1.5, oid::float8)), 1.5f);
    EXPECT_EQ(decode<float>(oid::float8, encode(static_cast<double>(lim<float>::max()), oid::float8)),
              lim<float>::max());
    EXPECT_EQ(decode<float>(oid::float8, encode(-lim<double>::infinity(), oid::float8)),
              -lim<float>::infinity());
    EXPECT_TRUE(std::isnan(decode<float>(oid::float8, encode(lim<double>::quiet_NaN(), oid::float8))));
    EXPECT_EQ(decode_error<float>(oid::float8, encode(0.1, oid::float8)), errc::value_out_of_range);
    EXPECT_EQ(decode_error<float>(oid::float8, encode(1e300, oid::float8)), errc::value_out_of_range);
    EXPECT_EQ(decode_error<float>(oid::float8, encode(1e-300, oid::float8)), errc::value_out_of_range);
}

TEST(FloatCodec, DoubleAsFloat4RoundsButNeverOverflowsOrUnderflows) {
    EXPECT_EQ(decode<float>(oid::float4, encode(0.1, oid::float4)), 0.1f);
    EXPECT_EQ(encode_error(1e300, oid::float4), errc::value_out_of_range);
    EXPECT_EQ(encode_error(-1e300, oid::float4), errc::value_out_of_range);
    EXPECT_EQ(encode_error(1e-50, oid::float4), errc::value_out_of_range);
    EXPECT_EQ(encode_error(lim<double>::max(), oid::float4), errc::value_out_of_range);
    // Just above FLT_MAX still rounds to it; from FLT_MAX + half an ulp (2^103) on it would be inf.
    const double flt_max = lim<float>::max();
    EXPECT_EQ(decode<float>(oid::float4, encode(flt_max + 0x1p102, oid::float4)), lim<float>::max());
    EXPECT_EQ(decode<float>(oid::float4, encode(-(flt_max + 0x1p102), oid::float4)), lim<float>::lowest());
    EXPECT_EQ(encode_error(flt_max + 0x1p103, oid::float4), errc::value_out_of_range);
    EXPECT_EQ(encode(-0.0, oid::float4), hex("80000000"));
    EXPECT_EQ(encode(lim<double>::infinity(), oid::float4), hex("7f800000"));
    EXPECT_TRUE(std::isnan(decode<float>(oid::float4, encode(lim<double>::quiet_NaN(), oid::float4))));
    EXPECT_EQ(decode<float>(oid::float4, encode(static_cast<double>(lim<float>::denorm_min()), oid::float4)),
              lim<float>::denorm_min());
}

TEST(FloatCodec, RejectsIntegersAndNumeric) {
    for (const pgring::oid_t t : {oid::int2, oid::int4, oid::int8, oid::numeric, oid::text, oid::money}) {
        EXPECT_FALSE(codec<float>::accepts(t)) << t;
        EXPECT_FALSE(codec<double>::accepts(t)) << t;
    }
    EXPECT_EQ(decode_error<double>(oid::int8, hex("0000000000000001")), errc::type_mismatch);
    EXPECT_EQ(decode_error<double>(oid::numeric, hex("0001 0000 0000 0000 0001")), errc::type_mismatch);
    EXPECT_EQ(encode_error(1.0, oid::numeric), errc::type_mismatch);
    EXPECT_EQ(encode_error(1.0f, oid::int4), errc::type_mismatch);
}

TEST(FloatCodec, RejectsShortAndTrailingBytes) {
    codec_test::expect_rejects_short_and_trailing<float>(oid::float4, hex("3fc00000"));
    codec_test::expect_rejects_short_and_trailing<float>(oid::float8, hex("3ff8000000000000"));
    codec_test::expect_rejects_short_and_trailing<double>(oid::float4, hex("3fc00000"));
    codec_test::expect_rejects_short_and_trailing<double>(oid::float8, hex("3ff8000000000000"));
}

TEST(FloatCodec, UnspecifiedTypeMeansPreferred) {
    EXPECT_EQ(encode(1.5f, 0), hex("3fc00000"));
    EXPECT_EQ(encode(1.5, 0), hex("3ff8000000000000"));
}

}  // namespace
