#include <pgring/codec.hpp>
#include <pgring/datetime.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

namespace {

namespace oid = pgring::oid;
namespace chr = std::chrono;
using codec_test::builder;
using codec_test::bytes;
using codec_test::decode;
using codec_test::decode_error;
using codec_test::encode;
using codec_test::encode_error;
using codec_test::hex;
using pgring::codec;
using pgring::errc;
using pgring::interval;

// interval_send: int64 time, int32 day, int32 month.
// `SELECT interval_send('1 year 2 mons 3 days 04:05:06')`.
TEST(IntervalCodec, GoldenBytes) {
    const bytes wire = hex("000000036c8bc080 00000003 0000000e");
    const interval iv = decode<interval>(oid::interval, wire);
    EXPECT_EQ(iv.months, 14);
    EXPECT_EQ(iv.days, 3);
    EXPECT_EQ(iv.microseconds, (4 * 3600 + 5 * 60 + 6) * std::int64_t{1000000});
    EXPECT_EQ(encode(iv, oid::interval), wire);
    // `SELECT interval_send('-1 day -00:00:00.000001')`.
    EXPECT_EQ(decode<interval>(oid::interval, hex("ffffffffffffffff ffffffff 00000000")),
              (interval{0, -1, -1}));
}

TEST(IntervalCodec, RoundTripsExtremes) {
    using l32 = std::numeric_limits<std::int32_t>;
    using l64 = std::numeric_limits<std::int64_t>;
    for (const interval iv : {interval{}, interval{l32::min(), l32::min(), l64::min()},
                              interval{l32::max(), l32::max(), l64::max()}, interval{-1, 1, -1}}) {
        EXPECT_EQ(decode<interval>(oid::interval, encode(iv, oid::interval)), iv);
    }
}

TEST(IntervalCodec, RejectsShortTrailingAndOtherTypes) {
    codec_test::expect_rejects_short_and_trailing<interval>(oid::interval,
                                                            hex("000000036c8bc080000000030000000e"));
    EXPECT_FALSE(codec<interval>::accepts(oid::time));
    EXPECT_EQ(decode_error<interval>(oid::time, hex("0000000000000000")), errc::type_mismatch);
    EXPECT_EQ(encode_error(interval{}, oid::timestamp), errc::type_mismatch);
    EXPECT_EQ(encode(interval{}, 0), bytes(16));
}

TEST(DurationCodec, DecodesIntervalsWithoutMonthsOrDays) {
    EXPECT_EQ(decode<chr::microseconds>(oid::interval, builder().i64(1500000).i32(0).i32(0)),
              chr::microseconds(1500000));
    EXPECT_EQ(decode<chr::nanoseconds>(oid::interval, builder().i64(-2).i32(0).i32(0)),
              chr::nanoseconds(-2000));
    EXPECT_EQ(decode<chr::hours>(oid::interval, builder().i64(7200000000).i32(0).i32(0)), chr::hours(2));
    EXPECT_EQ(decode_error<chr::microseconds>(oid::interval, builder().i64(0).i32(1).i32(0)),
              errc::value_out_of_range);
    EXPECT_EQ(decode_error<chr::microseconds>(oid::interval, builder().i64(0).i32(0).i32(1)),
              errc::value_out_of_range);
    EXPECT_EQ(decode_error<chr::microseconds>(oid::interval, hex("000000036c8bc080000000030000000e")),
              errc::value_out_of_range);
    EXPECT_EQ(decode_error<chr::seconds>(oid::interval, builder().i64(1500000).i32(0).i32(0)),
              errc::value_out_of_range);
    EXPECT_EQ(decode_error<chr::nanoseconds>(
                  oid::interval, builder().i64(std::numeric_limits<std::int64_t>::max()).i32(0).i32(0)),
              errc::value_out_of_range);
    using micros32 = chr::duration<std::int32_t, std::micro>;
    EXPECT_EQ(decode_error<micros32>(oid::interval, builder().i64(std::int64_t{1} << 31).i32(0).i32(0)),
              errc::value_out_of_range);
}

TEST(DurationCodec, EncodesAsIntervalByDefault) {
    static_assert(codec<chr::microseconds>::preferred_oid == oid::interval);
    EXPECT_EQ(encode(chr::microseconds(1500000), 0), builder().i64(1500000).i32(0).i32(0).build());
    EXPECT_EQ(encode(chr::hours(-1), oid::interval), builder().i64(-3600000000).i32(0).i32(0).build());
    EXPECT_EQ(encode(chr::nanoseconds(3000), oid::interval), builder().i64(3).i32(0).i32(0).build());
    EXPECT_EQ(encode_error(chr::nanoseconds(1500), oid::interval), errc::value_out_of_range);
    EXPECT_EQ(encode_error(chr::hours(std::numeric_limits<std::int64_t>::max()), oid::interval),
              errc::value_out_of_range);
    EXPECT_EQ(
        encode_error(chr::duration<std::uint64_t, std::micro>(std::numeric_limits<std::uint64_t>::max()),
                     oid::interval),
        errc::value_out_of_range);
}

TEST(DurationCodec, MapsToTimeOfDay) {
    // `SELECT time_send('01:02:03.5')`.
    EXPECT_EQ(decode<chr::microseconds>(oid::time, hex("00000000ddf019e0")), chr::microseconds(3723500000));
    EXPECT_EQ(encode(chr::microseconds(3723500000), oid::time), hex("00000000ddf019e0"));
    EXPECT_EQ(encode(chr::hours(24), oid::time), hex("000000141dd76000"));
    EXPECT_EQ(encode_error(chr::hours(25), oid::time), errc::value_out_of_range);
    EXPECT_EQ(encode_error(chr::microseconds(-1), oid::time), errc::value_out_of_range);
    EXPECT_EQ(decode_error<chr::microseconds>(oid::time, builder().i64(-1)), errc::malformed_message);
    EXPECT_EQ(decode_error<chr::microseconds>(oid::timetz, hex("00000000dde878c0ffffe3e0")),
              errc::type_mismatch);
    EXPECT_EQ(encode_error(chr::seconds(1), oid::timestamp), errc::type_mismatch);
}

}  // namespace
