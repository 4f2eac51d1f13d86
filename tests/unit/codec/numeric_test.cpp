#include <pgring/codec.hpp>
#include <pgring/numeric.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
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
using codec_test::hex;
using pgring::codec;
using pgring::errc;
using pgring::numeric;

numeric parse(std::string_view text) {
    numeric n;
    const std::error_code ec = numeric::from_string(text, n);
    EXPECT_FALSE(ec) << text << ": " << ec.message();
    return n;
}

std::error_code parse_error(std::string_view text) {
    numeric n;
    return numeric::from_string(text, n);
}

struct golden {
    const char* text;  // numeric_out
    const char* wire;  // numeric_send
};

// From PostgreSQL 15: `SELECT x::text, numeric_send(x)`. -0.000 prints as 0.000.
const golden goldens[] = {
    {"0", "0000 0000 0000 0000"},
    {"0.00", "0000 0000 0000 0002"},
    {"-1.5", "0002 0000 4000 0001 0001 1388"},
    {"12345678.9", "0003 0001 0000 0001 04d2 162e 2328"},
    {"0.00001", "0001 fffe 0000 0005 03e8"},
    {"NaN", "0000 0000 c000 0000"},
    {"Infinity", "0000 0000 d000 0020"},
    {"-Infinity", "0000 0000 f000 0020"},
    {"100000000", "0001 0002 0000 0000 0001"},
    {"1.10", "0002 0000 0000 0002 0001 03e8"},
    {"0.000", "0000 0000 0000 0003"},
    {"9223372036854775807", "0005 0004 0000 0000 039a 0d2c 0170 1565 16af"},
    {"-9223372036854775808", "0005 0004 4000 0000 039a 0d2c 0170 1565 16b0"},
    {"0.00000000000000000001", "0001 fffb 0000 0014 0001"},
    {"-123.456789", "0003 0000 4000 0006 007b 11d7 22c4"},
};

TEST(NumericCodec, DecodesGoldenBytesToPostgresText) {
    for (const golden& g : goldens) {
        EXPECT_EQ(decode<numeric>(oid::numeric, hex(g.wire)).to_string(), g.text) << g.wire;
    }
    const numeric big = decode<numeric>(oid::numeric, hex("0001 0019 0000 0000 0001"));
    EXPECT_EQ(big.to_string(), "1" + std::string(100, '0'));
}

TEST(NumericCodec, EncodesGoldenBytesFromText) {
    for (const golden& g : goldens) {
        EXPECT_EQ(encode(parse(g.text), oid::numeric), hex(g.wire)) << g.text;
    }
    EXPECT_EQ(encode(parse("-0.000"), oid::numeric), hex("0000 0000 0000 0003"));
    EXPECT_EQ(encode(parse("1e100"), oid::numeric), hex("0001 0019 0000 0000 0001"));
    EXPECT_EQ(encode(parse("1e-20"), oid::numeric), hex("0001 fffb 0000 0014 0001"));
}

TEST(NumericCodec, RoundTripsThroughTheWire) {
    for (const char* text :
         {"0", "1", "-1", "0.1", "9999.9999", "10000", "0.0001", "123456789012345678901234567890.123",
          "-0.000000001", "1e1000", "1e-1000", "NaN", "Infinity", "-Infinity", "5.000"}) {
        const numeric n = parse(text);
        const numeric back = decode<numeric>(oid::numeric, encode(n, oid::numeric));
        EXPECT_EQ(back, n) << text;
        EXPECT_EQ(back.to_string(), n.to_string()) << text;
    }
}

TEST(NumericCodec, ParsesPostgresInputForms) {
    EXPECT_EQ(parse("  1.5  ").to_string(), "1.5");
    EXPECT_EQ(parse("+1.5").to_string(), "1.5");
    EXPECT_EQ(parse(".5").to_string(), "0.5");
    EXPECT_EQ(parse("5.").to_string(), "5");
    EXPECT_EQ(parse("1.50").to_string(), "1.50");
    EXPECT_EQ(parse("1.5e1").to_string(), "15");
    EXPECT_EQ(parse("1.5E-3").to_string(), "0.0015");
    EXPECT_EQ(parse("12e+2").to_string(), "1200");
    EXPECT_EQ(parse("000123.4500").to_string(), "123.4500");
    EXPECT_EQ(parse("-0").to_string(), "0");
    EXPECT_FALSE(parse("-0").is_negative());
    EXPECT_TRUE(parse("nan").is_nan());
    EXPECT_TRUE(parse("NAN").is_nan());
    EXPECT_EQ(parse("inf").value_kind(), numeric::kind::infinity);
    EXPECT_EQ(parse("+Infinity").value_kind(), numeric::kind::infinity);
    EXPECT_EQ(parse("-INFINITY").value_kind(), numeric::kind::minus_infinity);
    EXPECT_EQ(parse("-inf").value_kind(), numeric::kind::minus_infinity);
}

TEST(NumericCodec, RejectsBadText) {
    for (const char* text : {"", " ", "abc", "1.2.3", "1e", "e5", "--1", "+-1", "1 2", ".", "-", "1e+",
                             "0x10", "NaNx", "infinit", "1,5", "١"}) {
        EXPECT_EQ(parse_error(text), std::errc::invalid_argument) << text;
    }
}

TEST(NumericCodec, TextBeyondTheWireFormatIsOutOfRange) {
    EXPECT_EQ(parse("1e-16383").dscale(), 16383);
    EXPECT_EQ(parse_error("1e-16384"), errc::value_out_of_range);
    EXPECT_EQ(parse_error("0e-16384"), errc::value_out_of_range);
    EXPECT_EQ(parse("1e131071").weight(), 32767);
    EXPECT_EQ(parse_error("1e131072"), errc::value_out_of_range);
    EXPECT_EQ(parse_error("1e99999999999999999999"), errc::value_out_of_range);
    EXPECT_TRUE(parse("0e99999999999999999999").is_zero());
}

TEST(NumericCodec, NormalisesLikeTheServer) {
    const numeric n = parse("0012.3400");
    EXPECT_EQ(n.weight(), 0);
    EXPECT_EQ(n.dscale(), 4);
    ASSERT_EQ(n.digits().size(), 2u);
    EXPECT_EQ(n.digits()[0], 12);
    EXPECT_EQ(n.digits()[1], 3400);
    const numeric z = parse("0.00");
    EXPECT_TRUE(z.is_zero());
    EXPECT_EQ(z.weight(), 0);
    EXPECT_TRUE(z.digits().empty());
    // Leading and trailing zero digits on the wire decode to the same value.
    EXPECT_EQ(decode<numeric>(oid::numeric, hex("0004 0002 0000 0000 0000 0001 0002 0000")).to_string(),
              "10002");
    // So does a negative zero.
    const numeric nz = decode<numeric>(oid::numeric, hex("0001 0000 4000 0001 0000"));
    EXPECT_FALSE(nz.is_negative());
    EXPECT_EQ(nz.to_string(), "0.0");
}

TEST(NumericCodec, EqualityIsRepresentational) {
    EXPECT_EQ(parse("1.5"), parse("1.5"));
    EXPECT_EQ(parse("1.5"), parse("15e-1"));
    EXPECT_NE(parse("1.5"), parse("1.50"));
    EXPECT_EQ(numeric::nan(), numeric::nan());
    EXPECT_NE(numeric::infinity(), numeric::minus_infinity());
    EXPECT_EQ(numeric(), parse("0"));
}

TEST(NumericCodec, ConvertsToAndFromInt64Exactly) {
    for (const std::int64_t v :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{10000}, std::int64_t{-99990000},
          std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
        std::int64_t back = 7;
        EXPECT_FALSE(numeric(v).to_int64(back));
        EXPECT_EQ(back, v);
        EXPECT_EQ(numeric(v).to_string(), std::to_string(v));
    }
    EXPECT_EQ(numeric(std::numeric_limits<std::uint64_t>::max()).to_string(), "18446744073709551615");
    std::int64_t out = 7;
    EXPECT_FALSE(parse("5.00").to_int64(out));
    EXPECT_EQ(out, 5);
    out = 7;
    EXPECT_EQ(parse("1.5").to_int64(out), errc::value_out_of_range);
    EXPECT_EQ(parse("9223372036854775808").to_int64(out), errc::value_out_of_range);
    EXPECT_EQ(parse("-9223372036854775809").to_int64(out), errc::value_out_of_range);
    EXPECT_EQ(parse("1e30").to_int64(out), errc::value_out_of_range);
    EXPECT_EQ(numeric::nan().to_int64(out), errc::value_out_of_range);
    EXPECT_EQ(numeric::infinity().to_int64(out), errc::value_out_of_range);
    EXPECT_EQ(out, 7);
}

TEST(NumericCodec, ToDoubleIsExplicitlyLossy) {
    EXPECT_EQ(parse("0.1").to_double_lossy(), 0.1);
    EXPECT_EQ(parse("-12345678.9").to_double_lossy(), -12345678.9);
    EXPECT_EQ(parse("1e400").to_double_lossy(), std::numeric_limits<double>::infinity());
    EXPECT_EQ(parse("-1e400").to_double_lossy(), -std::numeric_limits<double>::infinity());
    EXPECT_EQ(parse("1e-400").to_double_lossy(), 0.0);
    EXPECT_EQ(parse("0.00").to_double_lossy(), 0.0);
    EXPECT_TRUE(std::isnan(numeric::nan().to_double_lossy()));
    EXPECT_EQ(numeric::minus_infinity().to_double_lossy(), -std::numeric_limits<double>::infinity());
    EXPECT_EQ(parse("123456789012345678901234567890").to_double_lossy(), 123456789012345678901234567890.0);
}

TEST(NumericCodec, FromPartsValidatesAndNormalises) {
    numeric n;
    const std::int16_t digits[] = {0, 12, 3400, 0};
    ASSERT_FALSE(numeric::from_parts(true, 1, 4, digits, n));
    EXPECT_EQ(n.to_string(), "-12.3400");
    EXPECT_EQ(n.weight(), 0);
    EXPECT_EQ(n.digits().size(), 2u);
    const std::int16_t too_big[] = {10000};
    EXPECT_EQ(numeric::from_parts(false, 0, 0, too_big, n), errc::value_out_of_range);
    const std::int16_t negative[] = {-1};
    EXPECT_EQ(numeric::from_parts(false, 0, 0, negative, n), errc::value_out_of_range);
    EXPECT_EQ(numeric::from_parts(false, 0, 16384, {}, n), errc::value_out_of_range);
    // 0.1234 shown with 2 decimals would hide "34".
    const std::int16_t hidden[] = {1234};
    EXPECT_EQ(numeric::from_parts(false, -1, 2, hidden, n), errc::value_out_of_range);
    const std::int16_t shown[] = {1200};
    ASSERT_FALSE(numeric::from_parts(false, -1, 2, shown, n));
    EXPECT_EQ(n.to_string(), "0.12");
    const std::int16_t one[] = {1};
    EXPECT_EQ(numeric::from_parts(false, 32768, 0, one, n), errc::value_out_of_range);
    EXPECT_EQ(n.to_string(), "0.12");
    ASSERT_FALSE(numeric::from_parts(true, 5, 3, {}, n));
    EXPECT_EQ(n.to_string(), "0.000");
    EXPECT_FALSE(n.is_negative());
}

TEST(NumericCodec, RejectsMalformedWireValues) {
    codec_test::expect_rejects_short_and_trailing<numeric>(oid::numeric,
                                                           hex("0002 0000 4000 0001 0001 1388"));
    // Bad signs.
    for (const std::uint16_t sign : {0x8000, 0x1234, 0xE000, 0xC001, 0x4001, 0xFFFF}) {
        EXPECT_EQ(decode_error<numeric>(oid::numeric, builder().i16(1).i16(0).u16(sign).u16(0).i16(1)),
                  errc::malformed_message)
            << sign;
    }
    // NaN and the infinities carry no digits and no weight.
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0001 0000 c000 0000 0001")), errc::malformed_message);
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0000 0001 c000 0000")), errc::malformed_message);
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0001 0000 d000 0020 0001")), errc::malformed_message);
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0000 ffff f000 0020")), errc::malformed_message);
    EXPECT_TRUE(decode<numeric>(oid::numeric, hex("0000 0000 d000 0000")).is_infinite());
    // Digits >= 10000 or negative.
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0001 0000 0000 0000 2710")), errc::malformed_message);
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0001 0000 0000 0000 ffff")), errc::malformed_message);
    EXPECT_EQ(decode<numeric>(oid::numeric, hex("0001 0000 0000 0000 270f")).to_string(), "9999");
    // dscale past 0x3FFF.
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0000 0000 0000 4000")), errc::malformed_message);
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0000 0000 0000 ffff")), errc::malformed_message);
    EXPECT_EQ(decode<numeric>(oid::numeric, hex("0000 0000 0000 3fff")).dscale(), 0x3fff);
    // A nonzero digit hidden by the dscale: 0.1234 with dscale 2.
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0001 ffff 0000 0002 04d2")), errc::malformed_message);
    EXPECT_EQ(decode<numeric>(oid::numeric, hex("0001 ffff 0000 0002 04b0")).to_string(), "0.12");
    // ndigits says more than there is, or less.
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0002 0000 0000 0000 0001")), errc::malformed_message);
    EXPECT_EQ(decode_error<numeric>(oid::numeric, hex("0001 0000 0000 0000 0001 0001")),
              errc::malformed_message);
}

TEST(NumericCodec, CarriesTheLargestValues) {
    // 131072 digits before the point and 16383 after: 36864 base-10000 digits, more than int16
    // can count, so ndigits travels as an unsigned 16-bit number.
    const std::string text = std::string(131072, '9') + "." + std::string(16383, '9');
    const numeric n = parse(text);
    EXPECT_EQ(n.weight(), 32767);
    EXPECT_EQ(n.dscale(), 16383);
    const bytes wire = encode(n, oid::numeric);
    ASSERT_GE(wire.size(), 2u);
    EXPECT_GE(pgring::detail::load_be<std::uint16_t>(wire.data()), 0x8000);
    const numeric back = decode<numeric>(oid::numeric, wire);
    EXPECT_EQ(back, n);
    EXPECT_EQ(back.to_string(), text);
}

TEST(NumericCodec, AcceptsNumericAndIntegers) {
    for (const pgring::oid_t t : {oid::numeric, oid::int2, oid::int4, oid::int8}) {
        EXPECT_TRUE(codec<numeric>::accepts(t)) << t;
    }
    for (const pgring::oid_t t :
         {oid::float4, oid::float8, oid::text, oid::money, oid::oid, pgring::oid_t{0}}) {
        EXPECT_FALSE(codec<numeric>::accepts(t)) << t;
    }
    EXPECT_EQ(decode<numeric>(oid::int4, hex("ffffffd6")).to_string(), "-42");
    EXPECT_EQ(decode<numeric>(oid::int8, hex("8000000000000000")).to_string(), "-9223372036854775808");
    EXPECT_EQ(decode_error<numeric>(oid::int2, hex("000001")), errc::malformed_message);
    EXPECT_EQ(encode(parse("42"), oid::int4), hex("0000002a"));
    EXPECT_EQ(encode(parse("42.000"), oid::int2), hex("002a"));
    EXPECT_EQ(encode_error(parse("1.5"), oid::int4), errc::value_out_of_range);
    EXPECT_EQ(encode_error(parse("3000000000"), oid::int4), errc::value_out_of_range);
    EXPECT_EQ(encode_error(numeric::nan(), oid::int8), errc::value_out_of_range);
    EXPECT_EQ(encode_error(parse("1"), oid::float8), errc::type_mismatch);
    EXPECT_EQ(decode_error<numeric>(oid::float8, hex("3ff8000000000000")), errc::type_mismatch);
    EXPECT_EQ(encode(parse("1"), 0), hex("0001 0000 0000 0000 0001"));
}

}  // namespace
