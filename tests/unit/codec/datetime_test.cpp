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

constexpr std::int64_t usec_per_day = 86400000000;

static_assert(pgring::postgres_epoch_days ==
              chr::sys_days(chr::year(2000) / 1 / 1).time_since_epoch().count());
static_assert(pgring::date::min_days == chr::sys_days(chr::year(-4713) / 11 / 24).time_since_epoch().count() -
                                            pgring::postgres_epoch_days);
static_assert(pgring::timestamp::min_microseconds == std::int64_t{pgring::date::min_days} * usec_per_day);

// ---- date ------------------------------------------------------------------------------------

struct date_golden {
    const char* text;
    const char* wire;
};

// `SELECT date_send(d)` on PostgreSQL 15.
const date_golden date_goldens[] = {
    {"2000-01-01", "00000000"}, {"1999-12-31", "ffffffff"},    {"infinity", "7fffffff"},
    {"-infinity", "80000000"},  {"4714-11-24 BC", "ffda97a7"}, {"5874897-12-31", "7fda970c"},
};

TEST(DateCodec, GoldenBytesAndText) {
    for (const date_golden& g : date_goldens) {
        const pgring::date d = decode<pgring::date>(oid::date, hex(g.wire));
        EXPECT_EQ(d.to_string(), g.text) << g.wire;
        EXPECT_EQ(encode(d, oid::date), hex(g.wire)) << g.text;
    }
    EXPECT_EQ(pgring::date{pgring::date::min_days}.to_string(), "4714-11-24 BC");
    EXPECT_EQ(pgring::date{pgring::date::max_days}.to_string(), "5874897-12-31");
    EXPECT_EQ(pgring::date{-730119}.to_string(), "0001-01-01");
    EXPECT_EQ(pgring::date{-730120}.to_string(), "0001-12-31 BC");
    EXPECT_EQ(pgring::date{-10957 - 1}.to_string(), "1969-12-31");
    EXPECT_EQ(pgring::date{59}.to_string(), "2000-02-29");
}

TEST(DateCodec, InfinitiesAreKept) {
    EXPECT_TRUE(decode<pgring::date>(oid::date, hex("7fffffff")).is_infinity());
    EXPECT_TRUE(decode<pgring::date>(oid::date, hex("80000000")).is_minus_infinity());
    EXPECT_EQ(encode(pgring::date::infinity(), oid::date), hex("7fffffff"));
    EXPECT_EQ(encode(pgring::date::minus_infinity(), oid::date), hex("80000000"));
}

TEST(DateCodec, RejectsValuesOutsidePostgresRange) {
    for (const std::int32_t days :
         {pgring::date::min_days - 1, pgring::date::max_days + 1,
          std::numeric_limits<std::int32_t>::min() + 1, std::numeric_limits<std::int32_t>::max() - 1}) {
        EXPECT_EQ(decode_error<pgring::date>(oid::date, builder().i32(days)), errc::malformed_message)
            << days;
        EXPECT_EQ(encode_error(pgring::date{days}, oid::date), errc::value_out_of_range) << days;
        EXPECT_EQ(pgring::date{days}.to_string(), "invalid");
    }
    codec_test::expect_rejects_short_and_trailing<pgring::date>(oid::date, hex("00000000"));
}

TEST(DateCodec, MapsToYearMonthDay) {
    using ymd = chr::year_month_day;
    EXPECT_EQ(decode<ymd>(oid::date, hex("00000000")), chr::year(2000) / 1 / 1);
    EXPECT_EQ(encode(ymd(chr::year(1999) / 12 / 31), oid::date), hex("ffffffff"));
    // 4714-11-24 BC is astronomical year -4713.
    EXPECT_EQ(decode<ymd>(oid::date, hex("ffda97a7")), chr::year(-4713) / 11 / 24);
    EXPECT_EQ(encode(ymd(chr::year(-4713) / 11 / 24), oid::date), hex("ffda97a7"));
    EXPECT_EQ(encode_error(ymd(chr::year(-4713) / 11 / 23), oid::date), errc::value_out_of_range);
    EXPECT_EQ(encode_error(ymd(chr::year(2001) / 2 / 29), oid::date), errc::value_out_of_range);
    EXPECT_EQ(encode_error(ymd(chr::year(2001) / 13 / 1), oid::date), errc::value_out_of_range);
    // The end of std::chrono::year, and past it.
    const ymd last = chr::year(32767) / 12 / 31;
    EXPECT_EQ(decode<ymd>(oid::date, encode(last, oid::date)), last);
    pgring::date after;
    ASSERT_FALSE(pgring::date::from_ymd(last, after));
    ++after.days;
    EXPECT_EQ(decode_error<ymd>(oid::date, encode(after, oid::date)), errc::value_out_of_range);
    EXPECT_EQ(decode_error<ymd>(oid::date, hex("7fda970c")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<ymd>(oid::date, hex("7fffffff")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<ymd>(oid::date, hex("80000000")), errc::value_out_of_range);
}

TEST(DateCodec, MapsToSysDays) {
    EXPECT_EQ(decode<chr::sys_days>(oid::date, hex("00000000")), chr::sys_days(chr::year(2000) / 1 / 1));
    EXPECT_EQ(decode<chr::sys_days>(oid::date, hex("ffffd533")).time_since_epoch().count(), 0);
    EXPECT_EQ(encode(chr::sys_days(chr::days(0)), oid::date), hex("ffffd533"));
    EXPECT_EQ(decode<chr::sys_days>(oid::date, hex("7fda970c")).time_since_epoch().count(),
              std::int64_t{pgring::date::max_days} + pgring::postgres_epoch_days);
    EXPECT_EQ(encode_error(chr::sys_days(chr::days(std::int64_t{pgring::date::max_days} + 10958)), oid::date),
              errc::value_out_of_range);
    EXPECT_EQ(encode_error(chr::sys_days(chr::days(std::numeric_limits<std::int64_t>::min())), oid::date),
              errc::value_out_of_range);
    EXPECT_EQ(decode_error<chr::sys_days>(oid::date, hex("7fffffff")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<chr::sys_days>(oid::timestamp, hex("0000000000000000")), errc::type_mismatch);
}

// ---- time, timetz ----------------------------------------------------------------------------

TEST(TimeCodec, GoldenBytesAndText) {
    // `SELECT time_send('24:00:00'), time_send('01:02:03.5')`.
    const pgring::time midnight_end = decode<pgring::time>(oid::time, hex("000000141dd76000"));
    EXPECT_EQ(midnight_end.microseconds, pgring::time::max_microseconds);
    EXPECT_EQ(midnight_end.to_string(), "24:00:00");
    const pgring::time t = decode<pgring::time>(oid::time, hex("00000000ddf019e0"));
    EXPECT_EQ(t.to_string(), "01:02:03.5");
    EXPECT_EQ(encode(t, oid::time), hex("00000000ddf019e0"));
    EXPECT_EQ(pgring::time{0}.to_string(), "00:00:00");
    EXPECT_EQ(pgring::time{1}.to_string(), "00:00:00.000001");
    EXPECT_EQ(pgring::time{pgring::time::max_microseconds - 1}.to_string(), "23:59:59.999999");
}

TEST(TimeCodec, RejectsValuesOutsideTheDay) {
    EXPECT_EQ(decode_error<pgring::time>(oid::time, builder().i64(pgring::time::max_microseconds + 1)),
              errc::malformed_message);
    EXPECT_EQ(decode_error<pgring::time>(oid::time, builder().i64(-1)), errc::malformed_message);
    EXPECT_EQ(encode_error(pgring::time{-1}, oid::time), errc::value_out_of_range);
    EXPECT_EQ(encode_error(pgring::time{pgring::time::max_microseconds + 1}, oid::time),
              errc::value_out_of_range);
    codec_test::expect_rejects_short_and_trailing<pgring::time>(oid::time, hex("00000000ddf019e0"));
}

TEST(TimetzCodec, GoldenBytesAndText) {
    // `SELECT timetz_send('01:02:03+02')`: the zone is sent in seconds west, -7200.
    const pgring::timetz t = decode<pgring::timetz>(oid::timetz, hex("00000000dde878c0 ffffe3e0"));
    EXPECT_EQ(t.utc_offset, 7200);
    EXPECT_EQ(t.time_of_day.microseconds, 3723000000);
    EXPECT_EQ(t.to_string(), "01:02:03+02");
    EXPECT_EQ(encode(t, oid::timetz), hex("00000000dde878c0 ffffe3e0"));
    // `SELECT timetz_send('00:00:00-15:59:59')`: the largest offset west.
    const pgring::timetz w = decode<pgring::timetz>(oid::timetz, hex("0000000000000000 0000e0ff"));
    EXPECT_EQ(w.utc_offset, -pgring::timetz::max_offset);
    EXPECT_EQ(w.to_string(), "00:00:00-15:59:59");
    EXPECT_EQ((pgring::timetz{pgring::time{0}, 19800}).to_string(), "00:00:00+05:30");
    EXPECT_EQ((pgring::timetz{pgring::time{500000}, 0}).to_string(), "00:00:00.5+00");
}

TEST(TimetzCodec, RejectsBadOffsetsAndTimes) {
    EXPECT_EQ(decode_error<pgring::timetz>(oid::timetz, builder().i64(0).i32(57600)),
              errc::malformed_message);
    EXPECT_EQ(decode_error<pgring::timetz>(oid::timetz, builder().i64(0).i32(-57600)),
              errc::malformed_message);
    EXPECT_EQ(decode_error<pgring::timetz>(oid::timetz,
                                           builder().i64(0).i32(std::numeric_limits<std::int32_t>::min())),
              errc::malformed_message);
    EXPECT_EQ(decode_error<pgring::timetz>(oid::timetz, builder().i64(-1).i32(0)), errc::malformed_message);
    EXPECT_EQ(decode<pgring::timetz>(oid::timetz, builder().i64(0).i32(-57599)).utc_offset, 57599);
    EXPECT_EQ(encode_error(pgring::timetz{pgring::time{0}, 57600}, oid::timetz), errc::value_out_of_range);
    EXPECT_EQ(encode_error(pgring::timetz{pgring::time{-5}, 0}, oid::timetz), errc::value_out_of_range);
    codec_test::expect_rejects_short_and_trailing<pgring::timetz>(oid::timetz,
                                                                  hex("00000000dde878c0ffffe3e0"));
}

// ---- timestamp, timestamptz ------------------------------------------------------------------

struct stamp_golden {
    const char* text;
    const char* wire;
};

// `SELECT timestamp_send(t)` on PostgreSQL 15.
const stamp_golden stamp_goldens[] = {
    {"2000-01-01 00:00:01.5", "000000000016e360"},
    {"294276-12-31 23:59:59.999999", "7fffff5bb3b29fff"},
    {"4714-11-24 00:00:00 BC", "fd0f7cc1411fa000"},
    {"infinity", "7fffffffffffffff"},
    {"-infinity", "8000000000000000"},
};

TEST(TimestampCodec, GoldenBytesAndText) {
    for (const stamp_golden& g : stamp_goldens) {
        const pgring::timestamp t = decode<pgring::timestamp>(oid::timestamp, hex(g.wire));
        EXPECT_EQ(t.to_string(), g.text) << g.wire;
        EXPECT_EQ(encode(t, oid::timestamp), hex(g.wire)) << g.text;
    }
    EXPECT_EQ(decode<pgring::timestamp>(oid::timestamp, hex("7fffff5bb3b29fff")).microseconds,
              pgring::timestamp::max_microseconds);
    EXPECT_EQ(decode<pgring::timestamp>(oid::timestamp, hex("fd0f7cc1411fa000")).microseconds,
              pgring::timestamp::min_microseconds);
    EXPECT_EQ(pgring::timestamp{-1}.to_string(), "1999-12-31 23:59:59.999999");
    EXPECT_EQ(pgring::timestamp{-usec_per_day * 730120}.to_string(), "0001-12-31 00:00:00 BC");
}

TEST(TimestampCodec, RejectsValuesOutsidePostgresRange) {
    for (const std::int64_t us :
         {pgring::timestamp::max_microseconds + 1, pgring::timestamp::min_microseconds - 1,
          std::numeric_limits<std::int64_t>::max() - 1}) {
        EXPECT_EQ(decode_error<pgring::timestamp>(oid::timestamp, builder().i64(us)),
                  errc::malformed_message);
        EXPECT_EQ(decode_error<pgring::timestamptz>(oid::timestamptz, builder().i64(us)),
                  errc::malformed_message);
        EXPECT_EQ(encode_error(pgring::timestamp{us}, oid::timestamp), errc::value_out_of_range);
        EXPECT_EQ(encode_error(pgring::timestamptz{us}, oid::timestamptz), errc::value_out_of_range);
    }
    codec_test::expect_rejects_short_and_trailing<pgring::timestamp>(oid::timestamp, hex("000000000016e360"));
    codec_test::expect_rejects_short_and_trailing<pgring::timestamptz>(oid::timestamptz,
                                                                       hex("000000000016e360"));
}

TEST(TimestampCodec, TimestampAndTimestamptzAreDistinct) {
    EXPECT_FALSE(codec<pgring::timestamp>::accepts(oid::timestamptz));
    EXPECT_FALSE(codec<pgring::timestamptz>::accepts(oid::timestamp));
    EXPECT_EQ(decode_error<pgring::timestamp>(oid::timestamptz, hex("0000000000000000")),
              errc::type_mismatch);
    EXPECT_EQ(encode_error(pgring::timestamptz{}, oid::timestamp), errc::type_mismatch);
    EXPECT_EQ(encode(pgring::timestamptz{}, 0), hex("0000000000000000"));
}

TEST(TimestamptzCodec, GoldenBytesAndText) {
    // `SELECT timestamptz_send('infinity')`, and 2000-01-01 00:00:00+00 is 0.
    EXPECT_TRUE(decode<pgring::timestamptz>(oid::timestamptz, hex("7fffffffffffffff")).is_infinity());
    const pgring::timestamptz t = decode<pgring::timestamptz>(oid::timestamptz, hex("0000000000000000"));
    EXPECT_EQ(t.to_string(), "2000-01-01 00:00:00+00");
    EXPECT_EQ(pgring::timestamptz{pgring::timestamp::min_microseconds}.to_string(),
              "4714-11-24 00:00:00+00 BC");
    EXPECT_EQ(encode(pgring::timestamptz::minus_infinity(), oid::timestamptz), hex("8000000000000000"));
}

TEST(SysTimeCodec, MapsTimestampsToSystemClock) {
    using us_time = chr::sys_time<chr::microseconds>;
    const us_time y2k = chr::sys_days(chr::year(2000) / 1 / 1);
    EXPECT_EQ(decode<us_time>(oid::timestamptz, hex("000000000016e360")), y2k + chr::microseconds(1500000));
    EXPECT_EQ(decode<us_time>(oid::timestamp, hex("000000000016e360")), y2k + chr::microseconds(1500000));
    EXPECT_EQ(encode(y2k + chr::microseconds(1500000), oid::timestamptz), hex("000000000016e360"));
    EXPECT_EQ(encode(y2k + chr::microseconds(1500000), oid::timestamp), hex("000000000016e360"));
    EXPECT_EQ(encode(us_time(), 0), builder().i64(-pgring::postgres_epoch_microseconds).build());
    // 4714-11-24 BC fits; 294276-12-31 does not fit sys_time<microseconds> (it ends in 294247).
    EXPECT_EQ(decode<us_time>(oid::timestamp, hex("fd0f7cc1411fa000")),
              us_time(chr::sys_days(chr::year(-4713) / 11 / 24)));
    EXPECT_EQ(decode_error<us_time>(oid::timestamp, hex("7fffff5bb3b29fff")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<us_time>(oid::timestamptz, hex("7fffffffffffffff")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<us_time>(oid::timestamptz, hex("8000000000000000")), errc::value_out_of_range);
    EXPECT_EQ(decode_error<us_time>(oid::timestamptz, builder().i64(pgring::timestamp::max_microseconds + 1)),
              errc::malformed_message);
    // Before 4714-11-24 BC, or past int64 microseconds.
    EXPECT_EQ(encode_error(us_time(chr::sys_days(chr::year(-4713) / 11 / 23)), oid::timestamptz),
              errc::value_out_of_range);
    EXPECT_EQ(
        encode_error(us_time(chr::microseconds(std::numeric_limits<std::int64_t>::min())), oid::timestamptz),
        errc::value_out_of_range);
    EXPECT_EQ(encode_error(y2k, oid::date), errc::type_mismatch);
}

TEST(SysTimeCodec, OtherResolutionsConvertOnlyExactly) {
    using ns_time = chr::sys_time<chr::nanoseconds>;
    const chr::sys_days y2k = chr::sys_days(chr::year(2000) / 1 / 1);
    EXPECT_EQ(decode<ns_time>(oid::timestamptz, hex("000000000016e360")),
              ns_time(y2k) + chr::milliseconds(1500));
    EXPECT_EQ(encode(ns_time(y2k) + chr::microseconds(3), oid::timestamptz), hex("0000000000000003"));
    EXPECT_EQ(encode_error(ns_time(y2k) + chr::nanoseconds(1), oid::timestamptz), errc::value_out_of_range);
    // Nanoseconds since 1970 in int64 end in 2262 and begin in 1677.
    EXPECT_EQ(
        decode_error<ns_time>(oid::timestamptz, encode(pgring::timestamptz{usec_per_day * 365 * 300}, 0)),
        errc::value_out_of_range);
    EXPECT_EQ(
        decode_error<ns_time>(oid::timestamptz, encode(pgring::timestamptz{-usec_per_day * 365 * 400}, 0)),
        errc::value_out_of_range);
    // Seconds: exact only on whole seconds.
    EXPECT_EQ(decode<chr::sys_seconds>(oid::timestamptz, hex("00000000000f4240")),
              chr::sys_seconds(y2k) + chr::seconds(1));
    EXPECT_EQ(decode_error<chr::sys_seconds>(oid::timestamptz, hex("000000000016e360")),
              errc::value_out_of_range);
    EXPECT_EQ(encode(chr::sys_seconds(y2k) + chr::seconds(1), oid::timestamptz), hex("00000000000f4240"));
    // A 32-bit representation overflows.
    using s32_time = chr::time_point<chr::system_clock, chr::duration<std::int32_t>>;
    EXPECT_EQ(
        decode_error<s32_time>(oid::timestamptz, encode(pgring::timestamptz{usec_per_day * 365 * 100}, 0)),
        errc::value_out_of_range);
    static_assert(codec<ns_time>::preferred_oid == oid::timestamptz);
}

}  // namespace
