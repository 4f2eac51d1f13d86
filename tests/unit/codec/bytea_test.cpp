#include <pgring/codec.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <span>
#include <vector>

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

static_assert(codec<std::vector<std::byte>>::preferred_oid == oid::bytea);
static_assert(codec<std::vector<unsigned char>>::preferred_oid == oid::bytea);
static_assert(codec<std::span<const std::byte>>::preferred_oid == oid::bytea);

bytes all_byte_values() {
    bytes b;
    for (int i = 0; i < 256; ++i) {
        b.push_back(static_cast<std::byte>(i));
    }
    return b;
}

// byteasend: the raw bytes (`SELECT byteasend('\x00ff'::bytea)` is 00ff).
TEST(ByteaCodec, SendsTheRawBytes) {
    EXPECT_EQ(encode(hex("00ff10"), oid::bytea), hex("00ff10"));
    EXPECT_EQ(decode<bytes>(oid::bytea, hex("00ff10")), hex("00ff10"));
    EXPECT_EQ(encode(std::vector<unsigned char>{0, 255, 16}, oid::bytea), hex("00ff10"));
    EXPECT_EQ(decode<std::vector<unsigned char>>(oid::bytea, hex("00ff10")),
              (std::vector<unsigned char>{0, 255, 16}));
}

TEST(ByteaCodec, RoundTripsEveryByteValue) {
    const bytes all = all_byte_values();
    EXPECT_EQ(decode<bytes>(oid::bytea, encode(all, oid::bytea)), all);
    const auto u = decode<std::vector<unsigned char>>(oid::bytea, all);
    ASSERT_EQ(u.size(), 256u);
    for (std::size_t i = 0; i < u.size(); ++i) {
        EXPECT_EQ(u[i], i);
    }
}

TEST(ByteaCodec, EmptyIsEmpty) {
    EXPECT_EQ(encode(bytes(), oid::bytea), bytes());
    EXPECT_EQ(decode<bytes>(oid::bytea, bytes()), bytes());
    EXPECT_TRUE(decode<std::span<const std::byte>>(oid::bytea, bytes()).empty());
}

TEST(ByteaCodec, SpanBorrowsFromTheInput) {
    const bytes in = hex("0102030405");
    std::span<const std::byte> s;
    ASSERT_FALSE(codec<std::span<const std::byte>>::decode(oid::bytea, in, s));
    EXPECT_EQ(s.data(), in.data());
    EXPECT_EQ(s.size(), in.size());
    EXPECT_EQ(encode(s, oid::bytea), in);
}

TEST(ByteaCodec, RoundTripsLargeValues) {
    bytes big(4 << 20);
    for (std::size_t i = 0; i < big.size(); ++i) {
        big[i] = static_cast<std::byte>(i * 131 + 7);
    }
    EXPECT_EQ(decode<bytes>(oid::bytea, encode(big, oid::bytea)), big);
}

TEST(ByteaCodec, AcceptsByteaAndUserDefinedTypes) {
    EXPECT_TRUE(codec<bytes>::accepts(oid::bytea));
    EXPECT_TRUE(codec<bytes>::accepts(16400));
    EXPECT_EQ(decode<bytes>(16400, hex("0102")), hex("0102"));
    for (const pgring::oid_t t : {oid::text, oid::int4, oid::uuid, oid::bytea_array, pgring::oid_t{0}}) {
        EXPECT_FALSE(codec<bytes>::accepts(t)) << t;
        EXPECT_FALSE(codec<std::vector<unsigned char>>::accepts(t)) << t;
        EXPECT_FALSE(codec<std::span<const std::byte>>::accepts(t)) << t;
    }
    EXPECT_EQ(decode_error<bytes>(oid::text, hex("61")), errc::type_mismatch);
    EXPECT_EQ(decode_error<std::span<const std::byte>>(oid::text, hex("61")), errc::type_mismatch);
    EXPECT_EQ(decode_error<std::vector<unsigned char>>(oid::uuid, hex("61")), errc::type_mismatch);
    EXPECT_EQ(encode_error(hex("61"), oid::text), errc::type_mismatch);
    EXPECT_EQ(encode(hex("61"), 0), hex("61"));
}

}  // namespace
