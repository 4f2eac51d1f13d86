#include <pgring/codec.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

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
using namespace std::string_literals;

static_assert(codec<std::string>::preferred_oid == oid::text);
static_assert(codec<std::string_view>::preferred_oid == oid::text);

const pgring::oid_t text_types[] = {oid::text,    oid::varchar, oid::bpchar, oid::name,
                                    oid::unknown, oid::json,    oid::xml,    oid::refcursor};

// textsend: the bytes, no terminator (`SELECT textsend('abc')`).
TEST(TextCodec, EncodesAndDecodesTheBytes) {
    for (const pgring::oid_t t : text_types) {
        EXPECT_EQ(encode("abc"s, t), hex("616263")) << t;
        EXPECT_EQ(encode(std::string_view("abc"), t), hex("616263")) << t;
        EXPECT_EQ(decode<std::string>(t, hex("616263")), "abc") << t;
        EXPECT_EQ(decode<std::string_view>(t, hex("616263")), "abc") << t;
    }
    EXPECT_EQ(decode<std::string>(oid::text, hex("c3a9e282ac")), "\xc3\xa9\xe2\x82\xac");
}

TEST(TextCodec, EmptyTextIsEmpty) {
    EXPECT_EQ(encode(""s, oid::text), bytes());
    EXPECT_EQ(decode<std::string>(oid::text, bytes()), "");
    EXPECT_EQ(decode<std::string_view>(oid::varchar, bytes()), "");
}

TEST(TextCodec, StringViewBorrowsFromTheInput) {
    const bytes in = hex("68656c6c6f");
    std::string_view v;
    ASSERT_FALSE(codec<std::string_view>::decode(oid::text, in, v));
    EXPECT_EQ(static_cast<const void*>(v.data()), static_cast<const void*>(in.data()));
    EXPECT_EQ(v.size(), in.size());
}

TEST(TextCodec, RoundTripsLargeText) {
    std::string big(1 << 20, 'x');
    for (std::size_t i = 0; i < big.size(); i += 997) {
        big[i] = static_cast<char>('a' + i % 26);
    }
    EXPECT_EQ(decode<std::string>(oid::text, encode(big, oid::text)), big);
}

TEST(TextCodec, RefusesEmbeddedNul) {
    for (const pgring::oid_t t : text_types) {
        EXPECT_EQ(encode_error("a\0b"s, t), errc::embedded_nul) << t;
        EXPECT_EQ(encode_error(std::string_view("\0", 1), t), errc::embedded_nul) << t;
    }
    EXPECT_EQ(encode_error("a\0b"s, oid::jsonb), errc::embedded_nul);
}

TEST(TextCodec, NameHoldsAtMost63Bytes) {
    EXPECT_EQ(encode(std::string(63, 'n'), oid::name).size(), 63u);
    EXPECT_EQ(encode_error(std::string(64, 'n'), oid::name), errc::value_out_of_range);
    // Other text types have no such limit.
    EXPECT_EQ(encode(std::string(64, 'n'), oid::varchar).size(), 64u);
}

// charsend: one byte (`SELECT charsend('a')` is 61, `charsend('')` is 00).
TEST(TextCodec, QuotedCharIsOneByte) {
    EXPECT_EQ(encode("a"s, oid::char_), hex("61"));
    EXPECT_EQ(encode(""s, oid::char_), hex("00"));
    EXPECT_EQ(decode<std::string>(oid::char_, hex("61")), "a");
    EXPECT_EQ(decode<std::string>(oid::char_, hex("00")), "");
    EXPECT_EQ(decode<std::string_view>(oid::char_, hex("ff")), "\xff");
    EXPECT_EQ(encode_error("ab"s, oid::char_), errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::string>(oid::char_, hex("6162")), errc::malformed_message);
    EXPECT_EQ(decode_error<std::string>(oid::char_, bytes()), errc::malformed_message);
}

TEST(TextCodec, UserDefinedTypesPassRawBytes) {
    // citext, an enum, an extension type: OIDs from 10000 up.
    for (const pgring::oid_t t : {pgring::oid_t{10000}, pgring::oid_t{16385}, pgring::oid_t{4000000000}}) {
        EXPECT_TRUE(codec<std::string>::accepts(t)) << t;
        EXPECT_EQ(decode<std::string>(t, hex("41420043")), "AB\0C"s) << t;
        EXPECT_EQ(encode("AB\0C"s, t), hex("41420043")) << t;
    }
}

TEST(TextCodec, RefusesOtherBuiltinTypes) {
    for (const pgring::oid_t t : {oid::int4, oid::bytea, oid::uuid, oid::numeric, oid::bool_, oid::text_array,
                                  oid::tsvector, pgring::oid_t{0}, pgring::oid_t{9999}}) {
        EXPECT_FALSE(codec<std::string>::accepts(t)) << t;
        EXPECT_FALSE(codec<std::string_view>::accepts(t)) << t;
    }
    EXPECT_EQ(decode_error<std::string>(oid::int4, hex("00000001")), errc::type_mismatch);
    EXPECT_EQ(decode_error<std::string_view>(oid::bytea, hex("00")), errc::type_mismatch);
    EXPECT_EQ(encode_error("1"s, oid::int4), errc::type_mismatch);
}

TEST(TextCodec, RefusesASpanOfTheWrongSize) {
    bytes out(2);
    EXPECT_EQ(codec<std::string>::encode("abc", oid::text, out), errc::invalid_state);
    bytes one(2);
    EXPECT_EQ(codec<std::string>::encode("a", oid::char_, one), errc::invalid_state);
}

TEST(TextCodec, UnspecifiedTypeMeansText) {
    EXPECT_EQ(encode("abc"s, 0), hex("616263"));
    EXPECT_EQ(encode_error("a\0"s, 0), errc::embedded_nul);
}

}  // namespace
