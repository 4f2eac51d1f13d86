// The customisation point itself: has_codec, NULL handling, std::optional, and a codec written
// outside pgring working inside the generic array codec.

#include <pgring/codec.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct point2 {
    std::int32_t x = 0;
    std::int32_t y = 0;
    friend bool operator==(const point2&, const point2&) = default;
};

struct no_codec {};

}  // namespace

// A user's codec: an extension type with OID 40000 whose binary form is two int32.
template <>
struct pgring::codec<point2> {
    static constexpr oid_t preferred_oid = 0;
    static bool accepts(oid_t type) noexcept { return type == 40000; }
    static std::size_t encoded_size(const point2&, oid_t) noexcept { return 8; }
    static std::error_code encode(const point2& v, oid_t type, std::span<std::byte> out) noexcept {
        if (type != 40000) {
            return make_error_code(errc::type_mismatch);
        }
        if (out.size() != 8) {
            return make_error_code(errc::invalid_state);
        }
        detail::store_be<std::int32_t>(out.data(), v.x);
        detail::store_be<std::int32_t>(out.data() + 4, v.y);
        return {};
    }
    static std::error_code decode(oid_t type, std::span<const std::byte> in, point2& out) noexcept {
        if (type != 40000) {
            return make_error_code(errc::type_mismatch);
        }
        if (in.size() != 8) {
            return make_error_code(errc::malformed_message);
        }
        out.x = detail::load_be<std::int32_t>(in.data());
        out.y = detail::load_be<std::int32_t>(in.data() + 4);
        return {};
    }
};

namespace {

namespace oid = pgring::oid;
using codec_test::builder;
using codec_test::bytes;
using codec_test::decode;
using codec_test::encode;
using codec_test::hex;
using pgring::codec;
using pgring::errc;
using pgring::has_codec;

static_assert(has_codec<bool>);
static_assert(has_codec<std::int16_t> && has_codec<std::int32_t> && has_codec<std::int64_t>);
static_assert(has_codec<std::uint16_t> && has_codec<std::uint32_t> && has_codec<std::uint64_t>);
static_assert(has_codec<long long> && has_codec<unsigned long long>);
static_assert(has_codec<float> && has_codec<double>);
static_assert(has_codec<std::string> && has_codec<std::string_view>);
static_assert(has_codec<std::vector<std::byte>> && has_codec<std::vector<unsigned char>>);
static_assert(has_codec<std::span<const std::byte>>);
static_assert(has_codec<pgring::numeric> && has_codec<pgring::uuid>);
static_assert(has_codec<pgring::date> && has_codec<pgring::time> && has_codec<pgring::timetz>);
static_assert(has_codec<pgring::timestamp> && has_codec<pgring::timestamptz> && has_codec<pgring::interval>);
static_assert(has_codec<std::chrono::year_month_day> && has_codec<std::chrono::sys_days>);
static_assert(has_codec<std::chrono::sys_time<std::chrono::microseconds>>);
static_assert(has_codec<std::chrono::system_clock::time_point> && has_codec<std::chrono::sys_seconds>);
static_assert(has_codec<std::chrono::microseconds> && has_codec<std::chrono::nanoseconds>);
static_assert(has_codec<std::optional<int>> && has_codec<std::optional<std::string>>);
static_assert(has_codec<std::vector<int>> && has_codec<std::vector<std::optional<std::string>>>);
static_assert(has_codec<std::vector<bool>> && has_codec<pgring::array<std::optional<double>>>);
static_assert(has_codec<point2> && has_codec<std::vector<point2>> && has_codec<std::optional<point2>>);

// Not numbers, or not representable exactly: no codec.
static_assert(!has_codec<char> && !has_codec<signed char> && !has_codec<unsigned char>);
static_assert(!has_codec<char16_t> && !has_codec<char32_t> && !has_codec<wchar_t> && !has_codec<char8_t>);
static_assert(!has_codec<std::vector<char>> && !has_codec<no_codec> && !has_codec<std::vector<no_codec>>);
static_assert(!has_codec<std::optional<no_codec>> && !has_codec<const char*>);
static_assert(!has_codec<std::chrono::duration<double>>);
static_assert(!has_codec<std::chrono::duration<std::int64_t, std::ratio<1, 3>>>);

TEST(IsNull, OnlyAnEmptyOptionalIsNull) {
    EXPECT_TRUE(pgring::is_null(std::optional<int>()));
    EXPECT_FALSE(pgring::is_null(std::optional<int>(0)));
    EXPECT_FALSE(pgring::is_null(0));
    EXPECT_FALSE(pgring::is_null(std::string()));
}

TEST(DecodeNullable, NullIntoPlainTypeIsUnexpectedNull) {
    int i = 7;
    EXPECT_EQ(pgring::decode_nullable(oid::int4, nullptr, 0, i), errc::unexpected_null);
    EXPECT_EQ(i, 7);
    std::string s = "kept";
    EXPECT_EQ(pgring::decode_nullable(oid::text, nullptr, 0, s), errc::unexpected_null);
    EXPECT_EQ(s, "kept");
}

TEST(DecodeNullable, NullResetsAnOptional) {
    std::optional<int> i = 7;
    EXPECT_FALSE(pgring::decode_nullable(oid::int4, nullptr, 0, i));
    EXPECT_FALSE(i.has_value());
}

TEST(DecodeNullable, ValueDecodesThroughTheCodec) {
    const bytes b = hex("0000002a");
    std::optional<int> i;
    EXPECT_FALSE(pgring::decode_nullable(oid::int4, b.data(), b.size(), i));
    EXPECT_EQ(i, 42);
    int j = 0;
    EXPECT_FALSE(pgring::decode_nullable(oid::int4, b.data(), b.size(), j));
    EXPECT_EQ(j, 42);
    EXPECT_EQ(pgring::decode_nullable(oid::int4, b.data(), 3, j), errc::malformed_message);
}

TEST(DecodeNullable, EmptyNonNullValueIsNotNull) {
    const bytes b = hex("00");
    std::optional<std::string> s;
    EXPECT_FALSE(pgring::decode_nullable(oid::text, b.data(), 0, s));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(*s, "");
}

TEST(OptionalCodec, DelegatesToTheValueCodec) {
    static_assert(codec<std::optional<std::int64_t>>::preferred_oid == oid::int8);
    EXPECT_TRUE(codec<std::optional<int>>::accepts(oid::int8));
    EXPECT_FALSE(codec<std::optional<int>>::accepts(oid::text));
    EXPECT_EQ(encode(std::optional<int>(5), oid::int2), hex("0005"));
    EXPECT_EQ(decode<std::optional<int>>(oid::int2, hex("0005")), 5);
    EXPECT_EQ(codec_test::decode_error<std::optional<int>>(oid::int2, hex("05")), errc::malformed_message);
}

TEST(OptionalCodec, EncodingAnEmptyOptionalIsACallerBug) {
    bytes out;
    EXPECT_EQ(codec<std::optional<int>>::encoded_size(std::nullopt, oid::int4), 0u);
    EXPECT_EQ(codec<std::optional<int>>::encode(std::nullopt, oid::int4, out), errc::unexpected_null);
}

TEST(OptionalCodec, DecodeReusesTheEngagedValue) {
    std::optional<std::string> s = std::string(100, 'x');
    const char* storage = s->data();
    ASSERT_FALSE(codec<std::optional<std::string>>::decode(oid::text, hex("616263"), s));
    EXPECT_EQ(*s, "abc");
    EXPECT_EQ(s->data(), storage);
}

TEST(UserCodec, WorksAloneAndInsideArrays) {
    EXPECT_EQ(encode(point2{1, -1}, 40000), hex("00000001 ffffffff"));
    EXPECT_EQ(decode<point2>(40000, hex("00000002 00000003")), (point2{2, 3}));
    // An array of a user-defined type (array OID 40001): the element type comes from the value.
    const bytes arr =
        builder().i32(1).i32(1).u32(40000).i32(2).i32(1).element(hex("00000001 00000002")).null_element();
    EXPECT_EQ(codec_test::decode_error<std::vector<point2>>(40001, arr), errc::unexpected_null);
    const auto v = decode<std::vector<std::optional<point2>>>(40001, arr);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0], (point2{1, 2}));
    EXPECT_FALSE(v[1].has_value());
}

}  // namespace

namespace {

// Arbitrary bytes into every decoder: an error code or a value, never a crash (run under ASan
// and UBSan); and whatever decodes re-encodes to the same bytes where the format is canonical.
template <class T>
void decode_noise(pgring::oid_t type, const bytes& in, bool canonical) {
    T out{};
    if (codec<T>::decode(type, in, out)) {
        return;
    }
    if (canonical) {
        bytes again;
        ASSERT_FALSE(codec_test::try_encode(out, type, again)) << codec_test::to_hex(in);
        T back{};
        ASSERT_FALSE(codec<T>::decode(type, again, back)) << codec_test::to_hex(in);
        EXPECT_TRUE(back == out) << codec_test::to_hex(in);
    }
}

TEST(CodecNoise, ArbitraryBytesNeverCrashADecoder) {
    std::uint64_t state = 0x9E3779B97F4A7C15;
    const auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int round = 0; round < 20000; ++round) {
        bytes in(next() % 48);
        for (std::byte& b : in) {
            // Mostly small values, so headers and lengths are often plausible.
            const std::uint64_t r = next();
            b = static_cast<std::byte>(r % 4 == 0 ? r >> 8 : r % 3);
        }
        if (round % 3 == 0 && in.size() >= 12) {
            // A plausible array header: ndim 0..2, flags 0/1, element int4.
            pgring::detail::store_be<std::int32_t>(in.data(), static_cast<std::int32_t>(next() % 3));
            pgring::detail::store_be<std::int32_t>(in.data() + 4, static_cast<std::int32_t>(next() % 2));
            pgring::detail::store_be<std::uint32_t>(in.data() + 8, oid::int4);
        }
        decode_noise<pgring::numeric>(oid::numeric, in, false);
        decode_noise<std::int64_t>(oid::numeric, in, false);
        decode_noise<std::int32_t>(oid::int4, in, true);
        decode_noise<double>(oid::float8, in, false);
        decode_noise<std::string>(oid::jsonb, in, false);  // may hold NUL, which cannot be sent
        decode_noise<pgring::date>(oid::date, in, true);
        decode_noise<pgring::timetz>(oid::timetz, in, true);
        decode_noise<std::chrono::sys_time<std::chrono::nanoseconds>>(oid::timestamptz, in, true);
        decode_noise<std::chrono::year_month_day>(oid::date, in, true);
        decode_noise<std::vector<std::optional<std::int32_t>>>(oid::int4_array, in, false);
        decode_noise<pgring::array<std::optional<std::int32_t>>>(oid::int4_array, in, false);
        decode_noise<pgring::array<std::string_view>>(oid::text_array, in, false);
        decode_noise<std::vector<bool>>(oid::bool_array, in, false);
        decode_noise<std::vector<std::string>>(16391, in, false);
    }
}

}  // namespace
