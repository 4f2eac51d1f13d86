#include <pgring/codec.hpp>
#include <pgring/uuid.hpp>

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
using pgring::uuid;

uuid parse(std::string_view text) {
    uuid u;
    EXPECT_FALSE(uuid::parse(text, u)) << text;
    return u;
}

// uuid_send: the 16 bytes (`SELECT uuid_send('a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a')`).
TEST(UuidCodec, GoldenBytes) {
    const bytes wire = hex("a0eebc999c0b4ef8bb6d6b9bd380a11a");
    const uuid u = decode<uuid>(oid::uuid, wire);
    EXPECT_EQ(u.to_string(), "a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a");
    EXPECT_EQ(encode(u, oid::uuid), wire);
    EXPECT_EQ(parse("a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a"), u);
}

TEST(UuidCodec, RoundTripsBoundaries) {
    uuid zero;
    uuid ones;
    ones.bytes.fill(0xFF);
    for (const uuid& u : {zero, ones}) {
        EXPECT_EQ(decode<uuid>(oid::uuid, encode(u, oid::uuid)), u);
        EXPECT_EQ(parse(u.to_string()), u);
    }
    EXPECT_EQ(zero.to_string(), "00000000-0000-0000-0000-000000000000");
    EXPECT_EQ(ones.to_string(), "ffffffff-ffff-ffff-ffff-ffffffffffff");
}

TEST(UuidCodec, ParsesPostgresInputForms) {
    const uuid u = parse("a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a");
    EXPECT_EQ(parse("A0EEBC99-9C0B-4EF8-BB6D-6B9BD380A11A"), u);
    EXPECT_EQ(parse("{a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a}"), u);
    EXPECT_EQ(parse("a0eebc999c0b4ef8bb6d6b9bd380a11a"), u);
    EXPECT_EQ(parse("a0ee-bc99-9c0b-4ef8-bb6d-6b9b-d380-a11a"), u);
    EXPECT_EQ(parse("{a0eebc99-9c0b4ef8-bb6d6b9b-d380a11a}"), u);
}

TEST(UuidCodec, RejectsBadText) {
    uuid u = parse("a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a");
    const uuid before = u;
    for (const char* text :
         {"", "{}", "a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a0",
          "a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a-", "-a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a",
          "a0eeb-c99-9c0b-4ef8-bb6d-6b9bd380a11a", "a0eebc99--9c0b-4ef8-bb6d-6b9bd380a11a",
          "{a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a", "a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a}",
          "g0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a", " a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a"}) {
        EXPECT_EQ(uuid::parse(text, u), std::errc::invalid_argument) << text;
    }
    EXPECT_EQ(u, before);
}

TEST(UuidCodec, RejectsWrongSizes) {
    codec_test::expect_rejects_short_and_trailing<uuid>(oid::uuid, hex("a0eebc999c0b4ef8bb6d6b9bd380a11a"));
}

TEST(UuidCodec, OrdersLikePostgres) {
    EXPECT_LT(parse("00000000-0000-0000-0000-000000000001"), parse("00000000-0000-0000-0000-000000000002"));
    EXPECT_LT(parse("0fffffff-ffff-ffff-ffff-ffffffffffff"), parse("10000000-0000-0000-0000-000000000000"));
}

TEST(UuidCodec, AcceptsOnlyUuid) {
    EXPECT_TRUE(codec<uuid>::accepts(oid::uuid));
    EXPECT_FALSE(codec<uuid>::accepts(oid::text));
    EXPECT_FALSE(codec<uuid>::accepts(oid::bytea));
    EXPECT_EQ(decode_error<uuid>(oid::bytea, bytes(16)), errc::type_mismatch);
    EXPECT_EQ(encode_error(uuid{}, oid::text), errc::type_mismatch);
    EXPECT_EQ(encode(uuid{}, 0), bytes(16));
}

}  // namespace
