#include <pgring/codec.hpp>
#include <pgring/network.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace {

namespace oid = pgring::oid;
using codec_test::bytes;
using codec_test::decode;
using codec_test::decode_error;
using codec_test::encode;
using codec_test::encode_error;
using codec_test::hex;
using pgring::cidr;
using pgring::codec;
using pgring::errc;
using pgring::inet;
using pgring::ip_family;
using pgring::macaddr;
using pgring::macaddr8;

static_assert(pgring::has_codec<inet> && pgring::has_codec<cidr>);
static_assert(pgring::has_codec<macaddr> && pgring::has_codec<macaddr8>);

std::array<std::uint8_t, 16> v6_bytes(std::string_view hex_digits) {
    const bytes b = hex(hex_digits);
    std::array<std::uint8_t, 16> a{};
    EXPECT_EQ(b.size(), 16u);
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        a[i] = std::to_integer<std::uint8_t>(b[i]);
    }
    return a;
}

// Golden bytes from PostgreSQL 15: `SELECT inet_send('192.168.0.1/24'::inet)` and alike.
TEST(InetCodec, GoldenBytesIpv4) {
    const bytes wire = hex("02 18 00 04 c0a80001");
    const inet a = decode<inet>(oid::inet, wire);
    EXPECT_EQ(a, inet::v4(192, 168, 0, 1, 24));
    EXPECT_EQ(a.to_string(), "192.168.0.1/24");
    EXPECT_EQ(encode(a, oid::inet), wire);

    const bytes host = hex("02 20 00 04 c0a80001");
    EXPECT_EQ(decode<inet>(oid::inet, host), inet::v4(192, 168, 0, 1));
    EXPECT_EQ(inet::v4(192, 168, 0, 1).to_string(), "192.168.0.1");
    EXPECT_EQ(encode(inet::v4(192, 168, 0, 1), oid::inet), host);

    // inet_send('0.0.0.0/0'::inet)
    EXPECT_EQ(encode(inet::v4(0, 0, 0, 0, 0), oid::inet), hex("02 00 00 04 00000000"));
}

TEST(InetCodec, GoldenBytesIpv6) {
    // inet_send('::1'::inet)
    const bytes loopback = hex("03 80 00 10 00000000000000000000000000000001");
    const inet a = decode<inet>(oid::inet, loopback);
    EXPECT_EQ(a.family, ip_family::v6);
    EXPECT_EQ(a.prefix_length, 128);
    EXPECT_EQ(a.to_string(), "::1");
    EXPECT_EQ(encode(a, oid::inet), loopback);

    // inet_send('2001:db8::1/64'::inet)
    const bytes net = hex("03 40 00 10 20010db8000000000000000000000001");
    const inet b = decode<inet>(oid::inet, net);
    EXPECT_EQ(b, inet::v6(v6_bytes("20010db8000000000000000000000001"), 64));
    EXPECT_EQ(b.to_string(), "2001:db8::1/64");
    EXPECT_EQ(encode(b, oid::inet), net);
}

TEST(CidrCodec, GoldenBytes) {
    // cidr_send('10.0.0.0/8'::cidr)
    const bytes wire = hex("02 08 01 04 0a000000");
    const cidr c = decode<cidr>(oid::cidr, wire);
    EXPECT_EQ(c, cidr::v4(10, 0, 0, 0, 8));
    EXPECT_EQ(c.to_string(), "10.0.0.0/8");
    EXPECT_EQ(encode(c, oid::cidr), wire);
    EXPECT_EQ(encode(c, 0), wire);

    // cidr_send('2001:db8::/32'::cidr)
    const bytes v6 = hex("03 20 01 10 20010db8000000000000000000000000");
    const cidr d = decode<cidr>(oid::cidr, v6);
    EXPECT_EQ(d.to_string(), "2001:db8::/32");
    EXPECT_EQ(encode(d, oid::cidr), v6);

    // cidr_send('0.0.0.0/0'::cidr)
    EXPECT_EQ(encode(cidr::v4(0, 0, 0, 0, 0), oid::cidr), hex("02 00 01 04 00000000"));
}

TEST(InetCodec, InetAndCidrInterchange) {
    // A cidr decodes into inet; an inet without host bits into cidr; each encodes as the other.
    EXPECT_EQ(decode<inet>(oid::cidr, hex("02 08 01 04 0a000000")), inet::v4(10, 0, 0, 0, 8));
    EXPECT_EQ(encode(inet::v4(10, 0, 0, 0, 8), oid::cidr), hex("02 08 01 04 0a000000"));
    EXPECT_EQ(decode<cidr>(oid::inet, hex("02 08 00 04 0a000000")), cidr::v4(10, 0, 0, 0, 8));
    EXPECT_EQ(encode(cidr::v4(10, 0, 0, 0, 8), oid::inet), hex("02 08 00 04 0a000000"));
    // An inet with host bits set is not a cidr.
    EXPECT_EQ(decode_error<cidr>(oid::inet, hex("02 18 00 04 c0a80001")), errc::value_out_of_range);
    EXPECT_EQ(encode_error(inet::v4(192, 168, 0, 1, 24), oid::cidr), errc::value_out_of_range);
}

TEST(InetCodec, TextMatchesPostgres) {
    // The right-hand sides are PostgreSQL 15's output for the same literal.
    const auto text6 = [](std::string_view digits, std::uint8_t bits = 128) {
        return inet::v6(v6_bytes(digits), bits).to_string();
    };
    EXPECT_EQ(text6("00000000000000000000ffff01020304"), "::ffff:1.2.3.4");
    EXPECT_EQ(text6("20010db8000000000001000000000001"), "2001:db8::1:0:0:1");
    EXPECT_EQ(text6("00000000000000000000000000000000"), "::");
    EXPECT_EQ(text6("00010000000000000000000000000000"), "1::");
    EXPECT_EQ(text6("00000000000000000000000001020304"), "::1.2.3.4");
    EXPECT_EQ(text6("00000000000000000000ffff00000000"), "::ffff:0.0.0.0");
    EXPECT_EQ(text6("00000000000000000000ffff01020304", 120), "::ffff:1.2.3.4/120");
    EXPECT_EQ(text6("00000000000000000001000200030004"), "::1:2:3:4");
    EXPECT_EQ(text6("00010000000000020000000000030004"), "1::2:0:0:3:4");
    EXPECT_EQ(text6("00010000000000020000000300040005"), "1::2:0:3:4:5");
    EXPECT_EQ(text6("00000000000000000000000100000000"), "::1:0:0");
    EXPECT_EQ(text6("00000000000000000000000000000001"), "::1");
    EXPECT_EQ(text6("fe800000000000000000000000000001", 10), "fe80::1/10");
    EXPECT_EQ(text6("0001000200030004000500060007ffff"), "1:2:3:4:5:6:7:ffff");
    EXPECT_EQ(inet::v4(255, 255, 255, 255).to_string(), "255.255.255.255");
    EXPECT_EQ(cidr::v4(10, 0, 0, 0, 32).to_string(), "10.0.0.0/32");
    EXPECT_EQ(cidr::v4(10, 1, 0, 0, 16).to_string(), "10.1.0.0/16");
    EXPECT_EQ(cidr::v6({}, 0).to_string(), "::/0");
}

TEST(InetCodec, RoundTripsBoundaries) {
    std::array<std::uint8_t, 16> ones{};
    ones.fill(0xFF);
    for (const inet& a : {inet::v4(0, 0, 0, 0, 0), inet::v4(255, 255, 255, 255, 32), inet::v4(1, 2, 3, 4, 31),
                          inet::v6({}, 0), inet::v6(ones, 128), inet::v6(ones, 1)}) {
        EXPECT_EQ(decode<inet>(oid::inet, encode(a, oid::inet)), a) << a.to_string();
        EXPECT_EQ(codec<inet>::encoded_size(a, oid::inet), a.family == ip_family::v4 ? 8u : 20u);
    }
    cidr top = cidr::v6(ones, 128);
    for (const cidr& c :
         {cidr::v4(0, 0, 0, 0, 0), cidr::v4(255, 255, 255, 255, 32), cidr::v4(255, 255, 255, 254, 31),
          cidr::v4(128, 0, 0, 0, 1), cidr::v6({}, 0), top}) {
        EXPECT_TRUE(c.is_valid()) << c.to_string();
        EXPECT_EQ(decode<cidr>(oid::cidr, encode(c, oid::cidr)), c) << c.to_string();
    }
}

TEST(CidrCodec, RejectsHostBits) {
    // Bits past the prefix: in the byte the prefix ends in, and in a later byte.
    EXPECT_EQ(decode_error<cidr>(oid::cidr, hex("02 1f 01 04 ffffffff")), errc::malformed_message);
    EXPECT_EQ(decode_error<cidr>(oid::cidr, hex("02 08 01 04 0a000001")), errc::malformed_message);
    EXPECT_EQ(decode_error<inet>(oid::cidr, hex("02 00 01 04 80000000")), errc::malformed_message);
    EXPECT_EQ(decode_error<cidr>(oid::cidr, hex("03 7f 01 10 0000000000000000000000000000 0001")),
              errc::malformed_message);
    EXPECT_EQ(decode<cidr>(oid::cidr, hex("02 1f 01 04 fffffffe")), cidr::v4(255, 255, 255, 254, 31));
    EXPECT_FALSE(cidr::v4(10, 0, 0, 1, 8).is_valid());
    EXPECT_EQ(encode_error(cidr::v4(10, 0, 0, 1, 8), oid::cidr), errc::value_out_of_range);
    EXPECT_EQ(encode_error(cidr::v4(10, 0, 0, 1, 8), oid::inet), errc::value_out_of_range);
}

TEST(InetCodec, RejectsMalformed) {
    codec_test::expect_rejects_short_and_trailing<inet>(oid::inet, hex("02 18 00 04 c0a80001"));
    codec_test::expect_rejects_short_and_trailing<inet>(oid::inet,
                                                        hex("03 40 00 10 20010db8000000000000000000000001"));
    codec_test::expect_rejects_short_and_trailing<cidr>(oid::cidr, hex("02 08 01 04 0a000000"));
    for (const char* wire : {
             "00 18 00 04 c0a80001",  // unknown family
             "01 18 00 04 c0a80001", "04 18 00 04 c0a80001",
             "0a 18 00 04 c0a80001",  // Linux AF_INET6 is not PGSQL_AF_INET6
             "02 21 00 04 c0a80001",  // prefix past 32
             "02 ff 00 04 c0a80001",
             "02 18 01 04 c0a80001",  // is_cidr set on an inet
             "02 18 02 04 c0a80001",
             "02 18 00 10 c0a80001 000000000000000000000000",  // IPv4 with 16 bytes
             "03 81 00 10 00000000000000000000000000000001",   // prefix past 128
             "03 80 00 04 00000001",                           // IPv6 with 4 bytes
         }) {
        EXPECT_EQ(decode_error<inet>(oid::inet, hex(wire)), errc::malformed_message) << wire;
    }
    // is_cidr clear on a cidr.
    EXPECT_EQ(decode_error<cidr>(oid::cidr, hex("02 08 00 04 0a000000")), errc::malformed_message);
    EXPECT_EQ(decode_error<inet>(oid::cidr, hex("02 08 00 04 0a000000")), errc::malformed_message);
}

TEST(InetCodec, RefusesInvalidValues) {
    EXPECT_EQ(encode_error(inet::v4(1, 2, 3, 4, 33), oid::inet), errc::value_out_of_range);
    EXPECT_EQ(encode_error(inet::v6({}, 129), oid::inet), errc::value_out_of_range);
    inet stray = inet::v4(1, 2, 3, 4);
    stray.address[4] = 1;  // an IPv4 value with a byte past its 4
    EXPECT_FALSE(stray.is_valid());
    EXPECT_EQ(encode_error(stray, oid::inet), errc::value_out_of_range);
    inet bad_family = inet::v4(1, 2, 3, 4);
    bad_family.family = static_cast<ip_family>(7);
    EXPECT_FALSE(bad_family.is_valid());
    EXPECT_EQ(encode_error(bad_family, oid::inet), errc::value_out_of_range);
}

TEST(InetCodec, AcceptsOnlyNetworkTypes) {
    EXPECT_TRUE(codec<inet>::accepts(oid::inet));
    EXPECT_TRUE(codec<inet>::accepts(oid::cidr));
    EXPECT_TRUE(codec<cidr>::accepts(oid::cidr));
    EXPECT_TRUE(codec<cidr>::accepts(oid::inet));
    EXPECT_FALSE(codec<inet>::accepts(oid::text));
    EXPECT_FALSE(codec<inet>::accepts(oid::macaddr));
    EXPECT_FALSE(codec<cidr>::accepts(oid::bytea));
    EXPECT_EQ(codec<inet>::preferred_oid, oid::inet);
    EXPECT_EQ(codec<cidr>::preferred_oid, oid::cidr);
    EXPECT_EQ(decode_error<inet>(oid::text, hex("02 18 00 04 c0a80001")), errc::type_mismatch);
    EXPECT_EQ(decode_error<cidr>(oid::bytea, hex("02 08 01 04 0a000000")), errc::type_mismatch);
    EXPECT_EQ(encode_error(inet::v4(1, 2, 3, 4), oid::text), errc::type_mismatch);
    EXPECT_EQ(encode_error(cidr::v4(10, 0, 0, 0, 8), oid::text), errc::type_mismatch);
    EXPECT_EQ(encode_error(cidr::v4(10, 0, 0, 1, 8), oid::text), errc::type_mismatch);
    EXPECT_EQ(encode(inet::v4(192, 168, 0, 1, 24), 0), hex("02 18 00 04 c0a80001"));
}

// macaddr_send('08:00:2b:01:02:03'::macaddr), macaddr8_send('08:00:2b:01:02:03:04:05'::macaddr8).
TEST(MacaddrCodec, GoldenBytes) {
    const bytes wire = hex("08002b010203");
    const macaddr m = decode<macaddr>(oid::macaddr, wire);
    EXPECT_EQ(m, (macaddr{{0x08, 0x00, 0x2b, 0x01, 0x02, 0x03}}));
    EXPECT_EQ(m.to_string(), "08:00:2b:01:02:03");
    EXPECT_EQ(encode(m, oid::macaddr), wire);
    EXPECT_EQ(encode(m, 0), wire);

    const bytes wire8 = hex("08002b0102030405");
    const macaddr8 m8 = decode<macaddr8>(oid::macaddr8, wire8);
    EXPECT_EQ(m8, (macaddr8{{0x08, 0x00, 0x2b, 0x01, 0x02, 0x03, 0x04, 0x05}}));
    EXPECT_EQ(m8.to_string(), "08:00:2b:01:02:03:04:05");
    EXPECT_EQ(encode(m8, oid::macaddr8), wire8);
    EXPECT_EQ(encode(m8, 0), wire8);
}

TEST(MacaddrCodec, RoundTripsBoundaries) {
    macaddr ones;
    ones.bytes.fill(0xFF);
    for (const macaddr& m : {macaddr{}, ones}) {
        EXPECT_EQ(decode<macaddr>(oid::macaddr, encode(m, oid::macaddr)), m);
    }
    EXPECT_EQ(macaddr{}.to_string(), "00:00:00:00:00:00");
    EXPECT_EQ(ones.to_string(), "ff:ff:ff:ff:ff:ff");
    macaddr8 ones8;
    ones8.bytes.fill(0xFF);
    for (const macaddr8& m : {macaddr8{}, ones8}) {
        EXPECT_EQ(decode<macaddr8>(oid::macaddr8, encode(m, oid::macaddr8)), m);
    }
    EXPECT_EQ(ones8.to_string(), "ff:ff:ff:ff:ff:ff:ff:ff");
    EXPECT_LT((macaddr{{0, 0, 0, 0, 0, 1}}), (macaddr{{0, 0, 0, 0, 1, 0}}));
}

TEST(MacaddrCodec, RejectsWrongSizesAndTypes) {
    codec_test::expect_rejects_short_and_trailing<macaddr>(oid::macaddr, hex("08002b010203"));
    codec_test::expect_rejects_short_and_trailing<macaddr8>(oid::macaddr8, hex("08002b0102030405"));
    EXPECT_FALSE(codec<macaddr>::accepts(oid::macaddr8));
    EXPECT_FALSE(codec<macaddr8>::accepts(oid::macaddr));
    EXPECT_FALSE(codec<macaddr>::accepts(oid::bytea));
    EXPECT_EQ(decode_error<macaddr>(oid::macaddr8, hex("08002b010203")), errc::type_mismatch);
    EXPECT_EQ(decode_error<macaddr8>(oid::macaddr, hex("08002b0102030405")), errc::type_mismatch);
    EXPECT_EQ(encode_error(macaddr{}, oid::macaddr8), errc::type_mismatch);
    EXPECT_EQ(encode_error(macaddr8{}, oid::text), errc::type_mismatch);
}

// array_send('{192.168.0.1/24,NULL}'::inet[]): elements go through codec<inet>.
TEST(InetCodec, DecodesAndEncodesArrays) {
    const bytes wire = hex("00000001 00000001 00000365 00000002 00000001 00000008 02180004c0a80001 ffffffff");
    const auto v = decode<std::vector<std::optional<inet>>>(oid::inet_array, wire);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0], inet::v4(192, 168, 0, 1, 24));
    EXPECT_FALSE(v[1].has_value());
    EXPECT_EQ(encode(v, oid::inet_array), wire);
}

}  // namespace
