#include <pgring/codec.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace {

namespace oid = pgring::oid;
using codec_test::builder;
using codec_test::bytes;
using codec_test::decode;
using codec_test::decode_error;
using codec_test::encode;
using codec_test::encode_error;
using codec_test::hex;
using pgring::codec;
using pgring::errc;
using pgring::oid_t;

template <class T>
using lim = std::numeric_limits<T>;

static_assert(codec<std::int16_t>::preferred_oid == oid::int2);
static_assert(codec<std::int32_t>::preferred_oid == oid::int4);
static_assert(codec<std::int64_t>::preferred_oid == oid::int8);
static_assert(codec<long long>::preferred_oid == oid::int8);
static_assert(codec<std::uint16_t>::preferred_oid == oid::int4);
static_assert(codec<std::uint32_t>::preferred_oid == oid::int8);
static_assert(codec<std::uint64_t>::preferred_oid == oid::numeric);

// Golden bytes from int2send/int4send/int8send/oidsend (`SELECT int2send(-2::int2)`, ...).
TEST(IntCodec, EncodesGoldenBytes) {
    EXPECT_EQ(encode<std::int16_t>(-2, oid::int2), hex("fffe"));
    EXPECT_EQ(encode<std::int32_t>(1, oid::int4), hex("00000001"));
    EXPECT_EQ(encode<std::int64_t>(-2, oid::int8), hex("fffffffffffffffe"));
    EXPECT_EQ(encode<std::uint32_t>(1259, oid::regclass), hex("000004eb"));
    EXPECT_EQ(encode<std::uint32_t>(lim<std::uint32_t>::max(), oid::oid), hex("ffffffff"));
    EXPECT_EQ(encode<std::uint64_t>(lim<std::uint64_t>::max(), oid::xid8), hex("ffffffffffffffff"));
}

TEST(IntCodec, DecodesGoldenBytes) {
    EXPECT_EQ(decode<std::int16_t>(oid::int2, hex("fffe")), -2);
    EXPECT_EQ(decode<std::int32_t>(oid::int4, hex("00000001")), 1);
    EXPECT_EQ(decode<std::int64_t>(oid::int8, hex("fffffffffffffffe")), -2);
    EXPECT_EQ(decode<std::uint32_t>(oid::regclass, hex("000004eb")), 1259u);
    EXPECT_EQ(decode<std::uint32_t>(oid::oid, hex("ffffffff")), lim<std::uint32_t>::max());
}

template <class T>
void expect_round_trips_in_every_width() {
    for (const T v : {lim<T>::min(), T(-1), T(0), T(1), lim<T>::max()}) {
        for (const oid_t t : {oid::int2, oid::int4, oid::int8, oid::numeric}) {
            bytes out;
            if (codec_test::try_encode(v, t, out)) {
                continue;  // does not fit this width; checked below
            }
            EXPECT_EQ(decode<T>(t, out), v) << "type " << t;
        }
    }
}

TEST(IntCodec, RoundTripsBoundariesInEveryWidth) {
    expect_round_trips_in_every_width<std::int16_t>();
    expect_round_trips_in_every_width<std::int32_t>();
    expect_round_trips_in_every_width<std::int64_t>();
    expect_round_trips_in_every_width<std::uint16_t>();
    expect_round_trips_in_every_width<std::uint32_t>();
    expect_round_trips_in_every_width<std::uint64_t>();
}

TEST(IntCodec, DecodesMinAndMaxOfEachWidth) {
    EXPECT_EQ(decode<std::int16_t>(oid::int2, hex("8000")), lim<std::int16_t>::min());
    EXPECT_EQ(decode<std::int16_t>(oid::int2, hex("7fff")), lim<std::int16_t>::max());
    EXPECT_EQ(decode<std::int32_t>(oid::int4, hex("80000000")), lim<std::int32_t>::min());
    EXPECT_EQ(decode<std::int32_t>(oid::int4, hex("7fffffff")), lim<std::int32_t>::max());
    EXPECT_EQ(decode<std::int64_t>(oid::int8, hex("8000000000000000")), lim<std::int64_t>::min());
    EXPECT_EQ(decode<std::int64_t>(oid::int8, hex("7fffffffffffffff")), lim<std::int64_t>::max());
    EXPECT_EQ(decode<std::int64_t>(oid::int2, hex("8000")), -32768);
    EXPECT_EQ(decode<std::int32_t>(oid::int8, hex("0000000000000000")), 0);
}

TEST(IntCodec, NarrowingDecodeChecksTheRange) {
    // int8 9e18 into int32_t.
    EXPECT_EQ(decode_error<std::int32_t>(oid::int8, builder().i64(9000000000000000000)),
              errc::value_out_of_range);
    EXPECT_EQ(decode<std::int32_t>(oid::int8, builder().i64(lim<std::int32_t>::max())),
              lim<std::int32_t>::max());
    EXPECT_EQ(decode<std::int32_t>(oid::int8, builder().i64(lim<std::int32_t>::min())),
              lim<std::int32_t>::min());
    EXPECT_EQ(
        decode_error<std::int32_t>(oid::int8, builder().i64(std::int64_t{lim<std::int32_t>::max()} + 1)),
        errc::value_out_of_range);
    EXPECT_EQ(
        decode_error<std::int32_t>(oid::int8, builder().i64(std::int64_t{lim<std::int32_t>::min()} - 1)),
        errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::int16_t>(oid::int4, hex("00008000")), errc::value_out_of_range);
    EXPECT_EQ(decode<std::int16_t>(oid::int4, hex("ffff8000")), lim<std::int16_t>::min());
}

TEST(IntCodec, SignednessIsChecked) {
    EXPECT_EQ(decode_error<std::uint32_t>(oid::int4, hex("ffffffff")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::uint64_t>(oid::int8, hex("ffffffffffffffff")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::int32_t>(oid::oid, hex("80000000")), errc::value_out_of_range);
    EXPECT_EQ(decode<std::int32_t>(oid::oid, hex("7fffffff")), lim<std::int32_t>::max());
    EXPECT_EQ(decode<std::int64_t>(oid::oid, hex("ffffffff")), 4294967295);
    EXPECT_EQ(decode_error<std::int64_t>(oid::xid8, hex("8000000000000000")), errc::value_out_of_range);
    EXPECT_EQ(decode<std::uint64_t>(oid::xid8, hex("8000000000000000")), std::uint64_t{1} << 63);
}

TEST(IntCodec, NarrowingEncodeChecksTheRange) {
    EXPECT_EQ(encode_error<std::int64_t>(std::int64_t{1} << 40, oid::int4), errc::value_out_of_range);
    EXPECT_EQ(encode_error<std::int32_t>(32768, oid::int2), errc::value_out_of_range);
    EXPECT_EQ(encode_error<std::int32_t>(-32769, oid::int2), errc::value_out_of_range);
    EXPECT_EQ(encode<std::int32_t>(-32768, oid::int2), hex("8000"));
    EXPECT_EQ(encode_error<std::int32_t>(-1, oid::oid), errc::value_out_of_range);
    EXPECT_EQ(encode_error<std::uint64_t>(lim<std::uint64_t>::max(), oid::int8), errc::value_out_of_range);
    EXPECT_EQ(encode_error<std::uint32_t>(lim<std::uint32_t>::max(), oid::int4), errc::value_out_of_range);
    EXPECT_EQ(encode<std::uint32_t>(lim<std::uint32_t>::max(), oid::int8), hex("00000000ffffffff"));
    EXPECT_EQ(encode_error<std::int64_t>(-1, oid::xid8), errc::value_out_of_range);
    EXPECT_EQ(encode<std::int64_t>(4294967295, oid::xid), hex("ffffffff"));
}

TEST(IntCodec, AcceptsEveryIntegerType) {
    for (const oid_t t :
         {oid::int2, oid::int4, oid::int8, oid::oid, oid::xid, oid::cid, oid::xid8, oid::regproc,
          oid::regprocedure, oid::regoper, oid::regoperator, oid::regclass, oid::regtype, oid::regconfig,
          oid::regdictionary, oid::regnamespace, oid::regrole, oid::regcollation, oid::numeric}) {
        EXPECT_TRUE(codec<int>::accepts(t)) << t;
        EXPECT_TRUE(codec<std::uint64_t>::accepts(t)) << t;
    }
    for (const oid_t t :
         {oid::float4, oid::float8, oid::bool_, oid::text, oid::money, oid::char_, oid::int2vector,
          oid::int4_array, oid::date, pgring::oid_t{0}, pgring::oid_t{20000}}) {
        EXPECT_FALSE(codec<int>::accepts(t)) << t;
    }
    EXPECT_EQ(decode_error<int>(oid::float4, hex("3fc00000")), errc::type_mismatch);
    EXPECT_EQ(encode_error(1, oid::float8), errc::type_mismatch);
    EXPECT_EQ(encode_error(1, oid::text), errc::type_mismatch);
}

TEST(IntCodec, RejectsShortAndTrailingBytes) {
    codec_test::expect_rejects_short_and_trailing<std::int16_t>(oid::int2, hex("0001"));
    codec_test::expect_rejects_short_and_trailing<std::int32_t>(oid::int4, hex("00000001"));
    codec_test::expect_rejects_short_and_trailing<std::int64_t>(oid::int8, hex("0000000000000001"));
    codec_test::expect_rejects_short_and_trailing<std::uint32_t>(oid::oid, hex("00000001"));
    codec_test::expect_rejects_short_and_trailing<std::uint64_t>(oid::xid8, hex("0000000000000001"));
    // A narrower value where a wider type is announced is malformed, not widened.
    EXPECT_EQ(decode_error<std::int64_t>(oid::int8, hex("00000001")), errc::malformed_message);
}

TEST(IntCodec, UnspecifiedTypeMeansPreferred) {
    EXPECT_EQ(encode<std::int16_t>(1, 0), hex("0001"));
    EXPECT_EQ(encode<std::int32_t>(1, 0), hex("00000001"));
    EXPECT_EQ(encode<std::uint32_t>(1, 0), hex("0000000000000001"));
    EXPECT_EQ(encode<std::uint64_t>(1, 0), hex("0001 0000 0000 0000 0001"));
}

// numeric_send bytes from `SELECT numeric_send('...')` on PostgreSQL 15.
TEST(IntCodec, DecodesIntegralNumerics) {
    EXPECT_EQ(decode<std::int64_t>(oid::numeric, hex("0000000000000000")), 0);
    EXPECT_EQ(decode<std::int64_t>(oid::numeric, hex("0000000000000003")), 0);  // -0.000
    EXPECT_EQ(decode<std::int64_t>(oid::numeric, hex("00010002000000000001")), 100000000);
    EXPECT_EQ(decode<std::int64_t>(oid::numeric, hex("0005000400000000039a0d2c0170156516af")),
              lim<std::int64_t>::max());
    EXPECT_EQ(decode<std::int64_t>(oid::numeric, hex("0005000440000000039a0d2c0170156516b0")),
              lim<std::int64_t>::min());
    // 5.00: an integer with a display scale.
    EXPECT_EQ(decode<std::int32_t>(oid::numeric, hex("0001 0000 0000 0002 0005")), 5);
    EXPECT_EQ(decode<std::int32_t>(oid::numeric, hex("0001 0000 4000 0002 0005")), -5);
    // Non-canonical but valid: leading and trailing zero digits.
    EXPECT_EQ(decode<std::int32_t>(oid::numeric, hex("0003 0002 0000 0000 0000 0012 0000")), 180000);
}

TEST(IntCodec, RejectsNumericsThatAreNotExactIntegers) {
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, hex("000200004000000100011388")),
              errc::value_out_of_range);  // -1.5
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, hex("00000000c0000000")),
              errc::value_out_of_range);  // NaN
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, hex("00000000d0000020")),
              errc::value_out_of_range);  // Inf
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, hex("00000000f0000020")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, hex("00010019000000000001")),
              errc::value_out_of_range);  // 1e100
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, hex("0001fffb000000140001")),
              errc::value_out_of_range);  // 1e-20
    // 9223372036854775808 fits uint64_t but not int64_t.
    const bytes two63 = hex("0005000400000000039a0d2c0170156516b0");
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, two63), errc::value_out_of_range);
    EXPECT_EQ(decode<std::uint64_t>(oid::numeric, two63), std::uint64_t{1} << 63);
    EXPECT_EQ(decode_error<std::uint64_t>(oid::numeric, hex("0001 0000 4000 0000 0001")),
              errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::int16_t>(oid::numeric, hex("0002 0001 0000 0000 0004 0000")),
              errc::value_out_of_range);
    // 18446744073709551616 = 2^64 is one too many; 2^64 - 1 fits.
    EXPECT_EQ(decode_error<std::uint64_t>(oid::numeric, hex("0005 0004 0000 0000 0734 1a58 02e1 03bb 0650")),
              errc::value_out_of_range);
    EXPECT_EQ(decode<std::uint64_t>(oid::numeric, hex("0005 0004 0000 0000 0734 1a58 02e1 03bb 064f")),
              lim<std::uint64_t>::max());
}

TEST(IntCodec, RejectsMalformedNumerics) {
    codec_test::expect_rejects_short_and_trailing<std::int64_t>(oid::numeric, hex("00010002000000000001"));
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, hex("0001 0000 8000 0000 0001")),
              errc::malformed_message);
    EXPECT_EQ(decode_error<std::int64_t>(oid::numeric, hex("0001 0000 0000 0000 2710")),
              errc::malformed_message);
}

TEST(IntCodec, EncodesAsNumericLikeNumericSend) {
    EXPECT_EQ(encode<std::int64_t>(0, oid::numeric), hex("0000000000000000"));
    EXPECT_EQ(encode<std::int64_t>(1, oid::numeric), hex("0001 0000 0000 0000 0001"));
    EXPECT_EQ(encode<std::int64_t>(-1, oid::numeric), hex("0001 0000 4000 0000 0001"));
    EXPECT_EQ(encode<std::int64_t>(100000000, oid::numeric), hex("00010002000000000001"));
    EXPECT_EQ(encode<std::int64_t>(lim<std::int64_t>::max(), oid::numeric),
              hex("0005000400000000039a0d2c0170156516af"));
    EXPECT_EQ(encode<std::int64_t>(lim<std::int64_t>::min(), oid::numeric),
              hex("0005000440000000039a0d2c0170156516b0"));
    EXPECT_EQ(encode<std::int32_t>(12340000, oid::numeric), hex("0001 0001 0000 0000 04d2"));
    EXPECT_EQ(
        decode<std::uint64_t>(oid::numeric, encode<std::uint64_t>(lim<std::uint64_t>::max(), oid::numeric)),
        lim<std::uint64_t>::max());
}

}  // namespace
