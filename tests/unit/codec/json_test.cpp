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

// json_send is the text as given (`SELECT json_send('{"a":1}')`).
TEST(JsonCodec, JsonIsPlainText) {
    EXPECT_EQ(decode<std::string>(oid::json, hex("7b2261223a317d")), R"({"a":1})");
    EXPECT_EQ(encode(R"({"a":1})"s, oid::json), hex("7b2261223a317d"));
}

// jsonb_send: version 1, then jsonb's canonical text (`SELECT jsonb_send('{"a": 1}')`).
TEST(JsonCodec, JsonbStripsAndAddsTheVersionByte) {
    EXPECT_EQ(decode<std::string>(oid::jsonb, hex("017b2261223a20317d")), R"({"a": 1})");
    EXPECT_EQ(encode(R"({"a": 1})"s, oid::jsonb), hex("017b2261223a20317d"));
    EXPECT_EQ(codec<std::string>::encoded_size(R"({"a": 1})"s, oid::jsonb), 9u);
    const bytes in = hex("015b5d");
    std::string_view v;
    ASSERT_FALSE(codec<std::string_view>::decode(oid::jsonb, in, v));
    EXPECT_EQ(v, "[]");
    EXPECT_EQ(static_cast<const void*>(v.data()), static_cast<const void*>(in.data() + 1));
}

// jsonpath_send: version 1, then the path's text (`SELECT jsonpath_send('$.a')` is 01 $."a").
TEST(JsonCodec, JsonpathStripsAndAddsTheVersionByte) {
    EXPECT_EQ(decode<std::string>(oid::jsonpath, hex("01242e226122")), R"($."a")");
    EXPECT_EQ(encode("$.a"s, oid::jsonpath), hex("01242e61"));
}

TEST(JsonCodec, EmptyJsonbTextIsJustTheVersion) {
    EXPECT_EQ(encode(""s, oid::jsonb), hex("01"));
    EXPECT_EQ(decode<std::string>(oid::jsonb, hex("01")), "");
}

TEST(JsonCodec, RejectsMissingOrUnknownVersion) {
    EXPECT_EQ(decode_error<std::string>(oid::jsonb, bytes()), errc::malformed_message);
    EXPECT_EQ(decode_error<std::string>(oid::jsonb, hex("027b7d")), errc::malformed_message);
    EXPECT_EQ(decode_error<std::string>(oid::jsonb, hex("7b7d")), errc::malformed_message);
    EXPECT_EQ(decode_error<std::string_view>(oid::jsonpath, hex("00242e61")), errc::malformed_message);
}

TEST(JsonCodec, JsonTypesAreAcceptedByStrings) {
    for (const pgring::oid_t t : {oid::json, oid::jsonb, oid::jsonpath}) {
        EXPECT_TRUE(codec<std::string>::accepts(t)) << t;
        EXPECT_TRUE(codec<std::string_view>::accepts(t)) << t;
    }
    EXPECT_EQ(decode<std::vector<std::string>>(oid::jsonb_array, codec_test::builder()
                                                                     .i32(1)
                                                                     .i32(0)
                                                                     .u32(oid::jsonb)
                                                                     .i32(2)
                                                                     .i32(1)
                                                                     .element(hex("017b7d"))
                                                                     .element(hex("015b5d"))),
              (std::vector<std::string>{"{}", "[]"}));
}

TEST(JsonCodec, LargeDocumentRoundTrips) {
    std::string doc = "[";
    for (int i = 0; i < 100000; ++i) {
        doc += std::to_string(i) + ",";
    }
    doc += "0]";
    EXPECT_EQ(decode<std::string>(oid::jsonb, encode(doc, oid::jsonb)), doc);
}

}  // namespace
