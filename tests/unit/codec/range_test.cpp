#include <pgring/codec.hpp>
#include <pgring/range.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
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
using pgring::date;
using pgring::errc;
using pgring::numeric;
using pgring::range;
using pgring::timestamp;
using pgring::timestamptz;

using int4_range = range<std::int32_t>;
using int8_range = range<std::int64_t>;

static_assert(pgring::has_codec<int4_range> && pgring::has_codec<int8_range>);
static_assert(pgring::has_codec<range<numeric>> && pgring::has_codec<range<date>>);
static_assert(pgring::has_codec<range<timestamp>> && pgring::has_codec<range<timestamptz>>);
static_assert(codec<int4_range>::preferred_oid == oid::int4range);
static_assert(codec<int8_range>::preferred_oid == oid::int8range);
static_assert(codec<range<numeric>>::preferred_oid == oid::numrange);
static_assert(codec<range<date>>::preferred_oid == oid::daterange);
static_assert(codec<range<timestamp>>::preferred_oid == oid::tsrange);
static_assert(codec<range<timestamptz>>::preferred_oid == oid::tstzrange);
static_assert(codec<range<std::int16_t>>::preferred_oid == 0);

int4_range bounded(std::optional<std::int32_t> lower, bool lower_inclusive, std::optional<std::int32_t> upper,
                   bool upper_inclusive) {
    int4_range r;
    r.lower = lower;
    r.upper = upper;
    r.lower_inclusive = lower_inclusive;
    r.upper_inclusive = upper_inclusive;
    return r;
}

// Golden bytes from PostgreSQL 15: `SELECT range_send('[1,5)'::int4range)` and alike.
TEST(RangeCodec, GoldenBytesInt4range) {
    const bytes wire = hex("02 00000004 00000001 00000004 00000005");
    const int4_range r = decode<int4_range>(oid::int4range, wire);
    EXPECT_EQ(r, int4_range::half_open(1, 5));
    EXPECT_FALSE(r.empty);
    EXPECT_TRUE(r.lower_inclusive);
    EXPECT_FALSE(r.upper_inclusive);
    EXPECT_EQ(encode(r, oid::int4range), wire);
    EXPECT_EQ(encode(r, 0), wire);

    // '[1,5]' is canonicalised to '[1,6)' by the server.
    EXPECT_EQ(decode<int4_range>(oid::int4range, hex("02 00000004 00000001 00000004 00000006")),
              int4_range::half_open(1, 6));
}

TEST(RangeCodec, GoldenBytesEmptyAndUnbounded) {
    // range_send('empty'::int4range), '(,)', '(,5)', '[3,)'
    EXPECT_EQ(decode<int4_range>(oid::int4range, hex("01")), int4_range::empty_range());
    EXPECT_EQ(encode(int4_range::empty_range(), oid::int4range), hex("01"));

    EXPECT_EQ(decode<int4_range>(oid::int4range, hex("18")), int4_range{});
    EXPECT_EQ(encode(int4_range{}, oid::int4range), hex("18"));

    const int4_range below_5 = bounded(std::nullopt, false, 5, false);
    EXPECT_EQ(decode<int4_range>(oid::int4range, hex("08 00000004 00000005")), below_5);
    EXPECT_EQ(encode(below_5, oid::int4range), hex("08 00000004 00000005"));

    const int4_range from_3 = bounded(3, true, std::nullopt, false);
    EXPECT_EQ(decode<int4_range>(oid::int4range, hex("12 00000004 00000003")), from_3);
    EXPECT_EQ(encode(from_3, oid::int4range), hex("12 00000004 00000003"));
}

TEST(RangeCodec, RoundTripsInt4Boundaries) {
    // range_send('[-2147483648,2147483647)'::int4range)
    const bytes wire = hex("02 00000004 80000000 00000004 7fffffff");
    const int4_range r = int4_range::half_open(std::numeric_limits<std::int32_t>::min(),
                                               std::numeric_limits<std::int32_t>::max());
    EXPECT_EQ(decode<int4_range>(oid::int4range, wire), r);
    EXPECT_EQ(encode(r, oid::int4range), wire);

    for (const int4_range& v :
         {int4_range::half_open(0, 0), bounded(-1, false, 1, true), bounded(0, true, 0, true),
          bounded(std::nullopt, false, 0, true), bounded(0, false, std::nullopt, false)}) {
        EXPECT_EQ(decode<int4_range>(oid::int4range, encode(v, oid::int4range)), v);
    }
}

TEST(RangeCodec, GoldenBytesInt8range) {
    // range_send('[1,100)'::int8range)
    const bytes wire = hex("02 00000008 0000000000000001 00000008 0000000000000064");
    EXPECT_EQ(decode<int8_range>(oid::int8range, wire), int8_range::half_open(1, 100));
    EXPECT_EQ(encode(int8_range::half_open(1, 100), oid::int8range), wire);

    const int8_range extremes = int8_range::half_open(std::numeric_limits<std::int64_t>::min(),
                                                      std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(decode<int8_range>(oid::int8range, encode(extremes, oid::int8range)), extremes);
}

TEST(RangeCodec, GoldenBytesNumrange) {
    // range_send('(1.5,2.25]'::numrange)
    const bytes wire =
        hex("04 0000000c 0002 0000 0000 0001 0001 1388 0000000c 0002 0000 0000 0002 0002 09c4");
    const range<numeric> r = decode<range<numeric>>(oid::numrange, wire);
    ASSERT_TRUE(r.lower && r.upper);
    EXPECT_EQ(r.lower->to_string(), "1.5");
    EXPECT_EQ(r.upper->to_string(), "2.25");
    EXPECT_FALSE(r.lower_inclusive);
    EXPECT_TRUE(r.upper_inclusive);
    EXPECT_EQ(encode(r, oid::numrange), wire);

    // range_send('[1.5,1.5]'::numrange): a continuous range keeps both inclusive bounds.
    const bytes point =
        hex("06 0000000c 0002 0000 0000 0001 0001 1388 0000000c 0002 0000 0000 0001 0001 1388");
    const range<numeric> p = decode<range<numeric>>(oid::numrange, point);
    EXPECT_TRUE(p.lower_inclusive && p.upper_inclusive);
    EXPECT_EQ(encode(p, oid::numrange), point);
}

TEST(RangeCodec, GoldenBytesDaterange) {
    // range_send('[2000-01-01,2000-01-10)'::daterange)
    const bytes wire = hex("02 00000004 00000000 00000004 00000009");
    const range<date> r = decode<range<date>>(oid::daterange, wire);
    EXPECT_EQ(r, range<date>::half_open(date{0}, date{9}));
    EXPECT_EQ(encode(r, oid::daterange), wire);

    // range_send('[-infinity,infinity]'::daterange): infinite values are bounds, not unbounded.
    const bytes infinite = hex("06 00000004 80000000 00000004 7fffffff");
    const range<date> i = decode<range<date>>(oid::daterange, infinite);
    ASSERT_TRUE(i.lower && i.upper);
    EXPECT_TRUE(i.lower->is_minus_infinity());
    EXPECT_TRUE(i.upper->is_infinity());
    EXPECT_TRUE(i.lower_inclusive && i.upper_inclusive);
    EXPECT_EQ(encode(i, oid::daterange), infinite);
}

TEST(RangeCodec, GoldenBytesTimestampRanges) {
    // range_send('[2000-01-01 00:00:01,2000-01-01 00:00:02)'::tsrange)
    const bytes ts = hex("02 00000008 00000000000f4240 00000008 00000000001e8480");
    const range<timestamp> r = decode<range<timestamp>>(oid::tsrange, ts);
    EXPECT_EQ(r, range<timestamp>::half_open(timestamp{1000000}, timestamp{2000000}));
    EXPECT_EQ(encode(r, oid::tsrange), ts);

    // range_send('(2000-01-01 00:00:00+00,)'::tstzrange)
    const bytes tstz = hex("10 00000008 0000000000000000");
    range<timestamptz> from_epoch;
    from_epoch.lower = timestamptz{0};
    EXPECT_EQ(decode<range<timestamptz>>(oid::tstzrange, tstz), from_epoch);
    EXPECT_EQ(encode(from_epoch, oid::tstzrange), tstz);

    // A tstzrange is not a tsrange.
    EXPECT_EQ(decode_error<range<timestamp>>(oid::tstzrange, tstz), errc::type_mismatch);
}

TEST(RangeCodec, RejectsShortAndTrailingBytes) {
    expect_rejects_short_and_trailing<int4_range>(oid::int4range,
                                                  hex("02 00000004 00000001 00000004 00000005"));
    expect_rejects_short_and_trailing<int4_range>(oid::int4range, hex("01"));
    expect_rejects_short_and_trailing<int4_range>(oid::int4range, hex("18"));
    expect_rejects_short_and_trailing<int4_range>(oid::int4range, hex("08 00000004 00000005"));
    expect_rejects_short_and_trailing<range<date>>(oid::daterange, hex("12 00000004 00000003"));
}

TEST(RangeCodec, RejectsMalformedFlags) {
    // Unknown bits: RANGE_LB_NULL, RANGE_UB_NULL, RANGE_CONTAIN_EMPTY.
    for (const char* flags : {"20", "40", "80"}) {
        EXPECT_EQ(decode_error<int4_range>(oid::int4range, builder().raw(hex(flags)).raw(hex("18"))),
                  errc::malformed_message);
        EXPECT_EQ(decode_error<int4_range>(oid::int4range, hex(std::string(flags))), errc::malformed_message)
            << flags;
    }
    // Empty with any other flag, bounds included.
    for (const char* wire : {"03", "05", "09", "11", "19", "03 00000004 00000001"}) {
        EXPECT_EQ(decode_error<int4_range>(oid::int4range, hex(wire)), errc::malformed_message) << wire;
    }
    // An unbounded side marked inclusive.
    EXPECT_EQ(decode_error<int4_range>(oid::int4range, hex("0a 00000004 00000005")), errc::malformed_message);
    EXPECT_EQ(decode_error<int4_range>(oid::int4range, hex("16 00000004 00000003")), errc::malformed_message);
    EXPECT_EQ(decode_error<int4_range>(oid::int4range, hex("1e")), errc::malformed_message);
    // An infinite side followed by a bound anyway is a trailing bound.
    EXPECT_EQ(decode_error<int4_range>(oid::int4range, hex("18 00000004 00000005")), errc::malformed_message);
}

TEST(RangeCodec, RejectsBadBoundLengths) {
    for (const char* wire :
         {"02 ffffffff 00000001 00000004 00000005", "02 00000003 000000 00000004 00000005",
          "02 00000005 0000000100 00000004 00000005", "02 00000004 00000001 7fffffff 00000005",
          "02 00000004 00000001 00000008 0000000000000005"}) {
        EXPECT_EQ(decode_error<int4_range>(oid::int4range, hex(wire)), errc::malformed_message) << wire;
    }
    // A bound the element codec rejects: a date outside PostgreSQL's range.
    EXPECT_EQ(decode_error<range<date>>(oid::daterange, hex("12 00000004 7ffffffe")),
              errc::malformed_message);
}

TEST(RangeCodec, ElementRangeErrorsPassThrough) {
    const int8_range big = int8_range::half_open(0, std::int64_t{1} << 40);
    const bytes wire = encode(big, oid::int8range);
    EXPECT_EQ(decode_error<int4_range>(oid::int8range, wire), errc::value_out_of_range);
    EXPECT_EQ(encode_error(big, oid::int4range), errc::value_out_of_range);

    // Integers accept the other integer ranges when values fit.
    EXPECT_EQ(decode<int8_range>(oid::int4range, hex("02 00000004 00000001 00000004 00000005")),
              int8_range::half_open(1, 5));
    EXPECT_EQ(encode(int8_range::half_open(1, 5), oid::int4range),
              hex("02 00000004 00000001 00000004 00000005"));
}

TEST(RangeCodec, RefusesInvalidValues) {
    int4_range empty_with_bound = int4_range::empty_range();
    empty_with_bound.lower = 1;
    EXPECT_FALSE(empty_with_bound.is_valid());
    EXPECT_EQ(encode_error(empty_with_bound, oid::int4range), errc::value_out_of_range);

    int4_range empty_inclusive = int4_range::empty_range();
    empty_inclusive.upper_inclusive = true;
    EXPECT_EQ(encode_error(empty_inclusive, oid::int4range), errc::value_out_of_range);

    EXPECT_FALSE(bounded(std::nullopt, true, 5, false).is_valid());
    EXPECT_EQ(encode_error(bounded(std::nullopt, true, 5, false), oid::int4range), errc::value_out_of_range);
    EXPECT_EQ(encode_error(bounded(1, false, std::nullopt, true), oid::int4range), errc::value_out_of_range);

    range<date> invalid_date =
        range<date>::half_open(date{0}, date{std::numeric_limits<std::int32_t>::max() - 1});
    EXPECT_EQ(encode_error(invalid_date, oid::daterange), errc::value_out_of_range);
}

TEST(RangeCodec, AcceptsOnlyMatchingRangeTypes) {
    EXPECT_TRUE(codec<int4_range>::accepts(oid::int4range));
    EXPECT_TRUE(codec<int4_range>::accepts(oid::int8range));
    EXPECT_TRUE(codec<int4_range>::accepts(oid::numrange));
    EXPECT_FALSE(codec<int4_range>::accepts(oid::daterange));
    EXPECT_FALSE(codec<int4_range>::accepts(oid::int4));
    EXPECT_FALSE(codec<int4_range>::accepts(oid::int4range_array));
    EXPECT_FALSE(codec<int4_range>::accepts(oid::int4multirange));
    EXPECT_TRUE(codec<range<date>>::accepts(oid::daterange));
    EXPECT_FALSE(codec<range<date>>::accepts(oid::tsrange));
    EXPECT_TRUE(codec<range<timestamptz>>::accepts(oid::tstzrange));
    EXPECT_FALSE(codec<range<timestamptz>>::accepts(oid::tsrange));
    EXPECT_FALSE(codec<range<std::string>>::accepts(oid::int4range));

    EXPECT_EQ(decode_error<int4_range>(oid::int4, hex("18")), errc::type_mismatch);
    EXPECT_EQ(decode_error<range<date>>(oid::int4range, hex("18")), errc::type_mismatch);
    EXPECT_EQ(encode_error(int4_range{}, oid::text), errc::type_mismatch);
    EXPECT_EQ(encode_error(int4_range{}, oid::daterange), errc::type_mismatch);
}

TEST(RangeCodec, NullViaOptional) {
    std::optional<int4_range> out = int4_range::half_open(1, 2);
    EXPECT_FALSE(pgring::decode_nullable(oid::int4range, nullptr, 0, out));
    EXPECT_FALSE(out.has_value());
    const bytes wire = hex("01");
    EXPECT_FALSE(pgring::decode_nullable(oid::int4range, wire.data(), wire.size(), out));
    ASSERT_TRUE(out.has_value());
    EXPECT_TRUE(out->empty);
    int4_range plain;
    EXPECT_EQ(pgring::decode_nullable(oid::int4range, nullptr, 0, plain), errc::unexpected_null);
}

}  // namespace

namespace {

using int4_multirange = std::vector<int4_range>;

static_assert(codec<int4_multirange>::preferred_oid == oid::int4multirange);
static_assert(codec<std::vector<range<date>>>::preferred_oid == oid::datemultirange);

TEST(MultirangeCodec, GoldenBytes) {
    // multirange_send('{[1,3),[5,7)}'::int4multirange)
    const bytes wire =
        hex("00000002 00000011 02 00000004 00000001 00000004 00000003 00000011 02 00000004 00000005 00000004 "
            "00000007");
    const int4_multirange m = decode<int4_multirange>(oid::int4multirange, wire);
    EXPECT_EQ(m, (int4_multirange{int4_range::half_open(1, 3), int4_range::half_open(5, 7)}));
    EXPECT_EQ(encode(m, oid::int4multirange), wire);
    EXPECT_EQ(encode(m, 0), wire);
    expect_rejects_short_and_trailing<int4_multirange>(oid::int4multirange, wire);

    // multirange_send('{}'::int4multirange), multirange_send('{(,)}'::datemultirange)
    EXPECT_EQ(decode<int4_multirange>(oid::int4multirange, hex("00000000")), int4_multirange{});
    EXPECT_EQ(encode(int4_multirange{}, oid::int4multirange), hex("00000000"));
    const bytes everything = hex("00000001 00000001 18");
    EXPECT_EQ(decode<std::vector<range<date>>>(oid::datemultirange, everything),
              std::vector<range<date>>{{}});
    EXPECT_EQ(encode(std::vector<range<date>>{{}}, oid::datemultirange), everything);
}

TEST(MultirangeCodec, RejectsMalformed) {
    for (const char* wire :
         {"ffffffff", "00000001", "00000002 00000001 18", "7fffffff 00000001 18", "00000001 00000002 18",
          "00000001 ffffffff 18", "00000001 00000001 01", "00000001 00000001 20"}) {
        EXPECT_EQ(decode_error<int4_multirange>(oid::int4multirange, hex(wire)), errc::malformed_message)
            << wire;
    }
    // A range element error passes through.
    EXPECT_EQ(decode_error<int4_multirange>(
                  oid::int8multirange, builder().i32(1).element(encode(
                                           int8_range::half_open(0, std::int64_t{1} << 40), oid::int8range))),
              errc::value_out_of_range);
    EXPECT_EQ(encode_error(int4_multirange{bounded(std::nullopt, true, 1, false)}, oid::int4multirange),
              errc::value_out_of_range);
}

TEST(MultirangeCodec, ArraysOfRangesStillWork) {
    // array_send('{"[1,3)",empty}'::int4range[])
    const bytes wire =
        hex("00000001 00000000 00000f40 00000002 00000001 00000011 02 00000004 00000001 00000004 00000003 "
            "00000001 01");
    const int4_multirange a = decode<int4_multirange>(oid::int4range_array, wire);
    EXPECT_EQ(a, (int4_multirange{int4_range::half_open(1, 3), int4_range::empty_range()}));
    EXPECT_EQ(encode(a, oid::int4range_array), wire);
}

TEST(MultirangeCodec, AcceptsMatchingMultirangesAndArrays) {
    EXPECT_TRUE(codec<int4_multirange>::accepts(oid::int4multirange));
    EXPECT_TRUE(codec<int4_multirange>::accepts(oid::int8multirange));
    EXPECT_TRUE(codec<int4_multirange>::accepts(oid::int4range_array));
    EXPECT_FALSE(codec<int4_multirange>::accepts(oid::int4range));
    EXPECT_FALSE(codec<int4_multirange>::accepts(oid::datemultirange));
    EXPECT_FALSE(codec<int4_multirange>::accepts(oid::int4_array));
    EXPECT_EQ(decode_error<int4_multirange>(oid::datemultirange, hex("00000000")), errc::type_mismatch);
    EXPECT_EQ(encode_error(int4_multirange{}, oid::tsmultirange), errc::type_mismatch);
    EXPECT_EQ(encode_error(int4_multirange{}, oid::text), errc::type_mismatch);
}

}  // namespace
