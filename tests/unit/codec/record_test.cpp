#include <pgring/codec.hpp>
#include <pgring/record.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
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
using pgring::errc;
using pgring::record;

using row4 = std::tuple<std::int32_t, std::string, std::optional<std::int64_t>, bool>;
using pair_tuple = std::tuple<std::int32_t, std::string>;

static_assert(pgring::has_codec<record> && pgring::has_codec<std::vector<record>>);
static_assert(pgring::has_codec<row4> && pgring::has_codec<std::tuple<>>);

// The OID `CREATE TYPE pair AS (a int4, b text)` got in the cluster the golden bytes come from.
constexpr pgring::oid_t pair_oid = 16519;

// From PostgreSQL 15: `SELECT record_send(ROW(1, 'x'::text, NULL::int8, true))`.
const bytes row4_wire =
    hex("00000004 00000017 00000004 00000001 00000019 00000001 78 00000014 ffffffff"
        " 00000010 00000001 01");
// `SELECT record_send(ROW(7, 'hi')::pair)`.
const bytes pair_wire = hex("00000002 00000017 00000004 00000007 00000019 00000002 6869");
// `SELECT record_send(ROW())`.
const bytes empty_wire = hex("00000000");

bytes b(std::initializer_list<unsigned> v) {
    bytes out;
    for (const unsigned x : v) {
        out.push_back(static_cast<std::byte>(x));
    }
    return out;
}

TEST(RecordCodec, GoldenBytes) {
    const record r = decode<record>(oid::record, row4_wire);
    ASSERT_EQ(r.fields.size(), 4u);
    EXPECT_EQ(r.fields[0].type, oid::int4);
    EXPECT_EQ(r.fields[0].value, b({0, 0, 0, 1}));
    EXPECT_EQ(r.fields[1].type, oid::text);
    EXPECT_EQ(r.fields[1].value, b({'x'}));
    EXPECT_EQ(r.fields[2].type, oid::int8);
    EXPECT_FALSE(r.fields[2].value.has_value());
    EXPECT_EQ(r.fields[3].type, oid::bool_);
    EXPECT_EQ(r.fields[3].value, b({1}));
    EXPECT_EQ(encode(r, oid::record), row4_wire);
    EXPECT_EQ(encode(r, 0), row4_wire);

    const record p = decode<record>(pair_oid, pair_wire);
    EXPECT_EQ(p, (record{{{oid::int4, b({0, 0, 0, 7})}, {oid::text, b({'h', 'i'})}}}));
    EXPECT_EQ(encode(p, pair_oid), pair_wire);

    EXPECT_TRUE(decode<record>(oid::record, empty_wire).fields.empty());
    EXPECT_EQ(encode(record{}, oid::record), empty_wire);
}

TEST(RecordCodec, AcceptsRecordCompositeAndUserTypes) {
    EXPECT_TRUE(codec<record>::accepts(oid::record));
    EXPECT_TRUE(codec<record>::accepts(oid::pg_type));  // a catalog's row type
    EXPECT_TRUE(codec<record>::accepts(oid::pg_class));
    EXPECT_TRUE(codec<record>::accepts(16384));
    EXPECT_TRUE(codec<record>::accepts(pair_oid));
    EXPECT_FALSE(codec<record>::accepts(16383));
    EXPECT_FALSE(codec<record>::accepts(0));
    EXPECT_FALSE(codec<record>::accepts(oid::int4));
    EXPECT_FALSE(codec<record>::accepts(oid::record_array));
    EXPECT_EQ(decode_error<record>(oid::text, empty_wire), errc::type_mismatch);
    EXPECT_EQ(encode_error(record{}, oid::int4), errc::type_mismatch);
    EXPECT_EQ(decode_error<row4>(oid::text, row4_wire), errc::type_mismatch);
}

TEST(RecordCodec, RoundTripsEmptyAndNullFields) {
    const record r{
        {{oid::text, bytes{}}, {oid::int4, std::nullopt}, {oid::bytea, bytes(70000, std::byte{7})}}};
    EXPECT_EQ(decode<record>(oid::record, encode(r, oid::record)), r);
}

TEST(RecordCodec, RejectsMalformedInput) {
    for (const bytes& wire : {row4_wire, pair_wire, empty_wire}) {
        expect_rejects_short_and_trailing<record>(oid::record, wire);
        expect_rejects_short_and_trailing<row4>(oid::record,
                                                wire.size() == row4_wire.size() ? wire : row4_wire);
    }
    const auto bad = [](const bytes& in) { return decode_error<record>(oid::record, in); };
    EXPECT_EQ(bad(builder().i32(-1)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(0x7FFFFFFF).u32(oid::int4).i32(-1)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(1).u32(oid::int4).i32(-2)), errc::malformed_message);
    EXPECT_EQ(bad(builder().i32(1).u32(oid::int4).i32(5).i32(1)), errc::malformed_message);
}

TEST(TupleRecordCodec, DecodesFieldsWithTheirCodecs) {
    const row4 t = decode<row4>(oid::record, row4_wire);
    EXPECT_EQ(t, (row4{1, "x", std::nullopt, true}));
    EXPECT_EQ(decode<pair_tuple>(pair_oid, pair_wire), (pair_tuple{7, "hi"}));
    // A wider C++ type takes a narrower field, as the element codecs allow.
    using wide = std::tuple<std::int64_t, std::string>;
    EXPECT_EQ(decode<wide>(pair_oid, pair_wire), (wide{7, "hi"}));
    EXPECT_EQ(decode<std::tuple<>>(oid::record, empty_wire), std::tuple<>{});
}

TEST(TupleRecordCodec, ChecksCountTypesAndNulls) {
    // Field count.
    EXPECT_EQ(decode_error<pair_tuple>(oid::record, row4_wire), errc::type_mismatch);
    EXPECT_EQ((decode_error<std::tuple<std::int32_t, std::string, std::optional<std::int64_t>, bool, int>>(
                  oid::record, row4_wire)),
              errc::type_mismatch);
    // Field type: text into an int.
    EXPECT_EQ((decode_error<std::tuple<std::int32_t, std::int32_t>>(pair_oid, pair_wire)),
              errc::type_mismatch);
    // NULL into a plain element.
    EXPECT_EQ(
        (decode_error<std::tuple<std::int32_t, std::string, std::int64_t, bool>>(oid::record, row4_wire)),
        errc::unexpected_null);
    // An element's own errors pass through: a 3-byte int4.
    EXPECT_EQ(decode_error<std::tuple<std::int32_t>>(
                  oid::record, builder().i32(1).u32(oid::int4).i32(3).raw(b({0, 0, 1}))),
              errc::malformed_message);
}

TEST(TupleRecordCodec, EncodesWithPreferredTypes) {
    EXPECT_EQ(encode(pair_tuple{7, "hi"}, pair_oid), pair_wire);
    EXPECT_EQ(encode(pair_tuple{7, "hi"}, 0), pair_wire);
    EXPECT_EQ(encode(row4{1, "x", std::nullopt, true}, oid::record), row4_wire);
    EXPECT_EQ(encode(std::tuple<>{}, oid::record), empty_wire);
    using mixed = std::tuple<std::optional<std::string>, std::vector<std::int32_t>>;
    const mixed t{"", {1, 2}};
    EXPECT_EQ(decode<mixed>(oid::record, encode(t, oid::record)), t);
    EXPECT_EQ(encode_error(pair_tuple{}, oid::int4), errc::type_mismatch);
    // An element encoded with its codec's errors: text with a NUL.
    EXPECT_EQ(encode_error(pair_tuple{1, std::string("a\0", 2)}, pair_oid), errc::embedded_nul);
    // A record element has no preferred type, so no field type to write.
    EXPECT_EQ(encode_error(std::tuple<record>{}, oid::record), errc::type_mismatch);
}

}  // namespace
