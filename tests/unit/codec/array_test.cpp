#include <pgring/array.hpp>
#include <pgring/codec.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
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
using opt_int = std::optional<std::int32_t>;

static_assert(codec<std::vector<std::int32_t>>::preferred_oid == oid::int4_array);
static_assert(codec<std::vector<std::optional<std::int64_t>>>::preferred_oid == oid::int8_array);
static_assert(codec<std::vector<std::string>>::preferred_oid == oid::text_array);
static_assert(codec<std::vector<bool>>::preferred_oid == oid::bool_array);
static_assert(codec<std::vector<pgring::numeric>>::preferred_oid == oid::numeric_array);
static_assert(codec<pgring::array<pgring::uuid>>::preferred_oid == oid::uuid_array);
static_assert(codec<std::vector<std::vector<std::byte>>>::preferred_oid == oid::bytea_array);

// Golden bytes from array_send on PostgreSQL 15.
const bytes int4_1_2_null =
    hex("00000001 00000001 00000017 00000003 00000001"
        "00000004 00000001 00000004 00000002 ffffffff");     // '{1,2,NULL}'::int4[]
const bytes int4_empty = hex("00000000 00000000 00000017");  // '{}'::int4[]
const bytes int4_lb0 =
    hex("00000001 00000000 00000017 00000002 00000000"
        "00000004 00000007 00000004 00000008");  // '[0:1]={7,8}'::int4[]
const bytes int2_2x2 =
    hex("00000002 00000000 00000015 00000002 00000001 00000002 00000001"
        "00000002 0001 00000002 0002 00000002 0003 00000002 0004");  // '{{1,2},{3,4}}'::int2[]
const bytes text_a_empty_null =
    hex("00000001 00000001 00000019 00000003 00000001"
        "00000001 61 00000000 ffffffff");  // '{a,"",NULL}'::text[]
const bytes int2vector_1_2 =
    hex("00000001 00000000 00000015 00000002 00000000"
        "00000002 0001 00000002 0002");  // int2vectorsend('1 2')
const bytes oidvector_23_25 =
    hex("00000001 00000000 0000001a 00000002 00000000"
        "00000004 00000017 00000004 00000019");  // oidvectorsend('23 25')

TEST(ArrayCodec, DecodesGoldenBytes) {
    EXPECT_EQ(decode<std::vector<opt_int>>(oid::int4_array, int4_1_2_null),
              (std::vector<opt_int>{1, 2, std::nullopt}));
    EXPECT_TRUE(decode<std::vector<std::int32_t>>(oid::int4_array, int4_empty).empty());
    EXPECT_EQ(decode<std::vector<std::optional<std::string>>>(oid::text_array, text_a_empty_null),
              (std::vector<std::optional<std::string>>{"a", "", std::nullopt}));
    EXPECT_EQ(decode<std::vector<std::int16_t>>(oid::int2vector, int2vector_1_2),
              (std::vector<std::int16_t>{1, 2}));
    EXPECT_EQ(decode<std::vector<std::uint32_t>>(oid::oidvector, oidvector_23_25),
              (std::vector<std::uint32_t>{23, 25}));
}

TEST(ArrayCodec, EncodesGoldenBytes) {
    EXPECT_EQ(encode(std::vector<opt_int>{1, 2, std::nullopt}, oid::int4_array), int4_1_2_null);
    EXPECT_EQ(encode(std::vector<std::int32_t>{}, oid::int4_array), int4_empty);
    EXPECT_EQ(encode(std::vector<std::optional<std::string>>{"a", "", std::nullopt}, oid::text_array),
              text_a_empty_null);
    EXPECT_EQ(encode(std::vector<std::int16_t>{1, 2}, oid::int2vector), int2vector_1_2);
    EXPECT_EQ(encode(std::vector<std::uint32_t>{23, 25}, oid::oidvector), oidvector_23_25);
    // An empty catalog vector keeps its dimension (`SELECT int2vectorsend('')`); an empty array does not.
    EXPECT_EQ(encode(std::vector<std::int16_t>{}, oid::int2vector),
              hex("00000001 00000000 00000015 00000000 00000000"));
    EXPECT_EQ(encode(std::vector<std::uint32_t>{}, oid::oidvector),
              hex("00000001 00000000 0000001a 00000000 00000000"));
    EXPECT_EQ(encode(std::vector<std::int16_t>{}, oid::int2_array), hex("00000000 00000000 00000015"));
    EXPECT_TRUE(decode<std::vector<std::int16_t>>(oid::int2vector,
                                                  hex("00000001 00000000 00000015 00000000 00000000"))
                    .empty());
    // Elements take the array's element type, whatever the C++ type.
    EXPECT_EQ(encode(std::vector<std::int64_t>{1, 2}, oid::int2vector), int2vector_1_2);
    EXPECT_EQ(encode_error(std::vector<std::int64_t>{1, 70000}, oid::int2_array), errc::value_out_of_range);
}

TEST(ArrayCodec, UnspecifiedTypeMeansArrayOfPreferred) {
    EXPECT_EQ(encode(std::vector<opt_int>{1, 2, std::nullopt}, 0), int4_1_2_null);
    EXPECT_EQ(encode(std::vector<std::optional<std::string_view>>{"a", "", std::nullopt}, 0),
              text_a_empty_null);
}

TEST(ArrayCodec, ShapedArraysKeepDimensionsAndBounds) {
    const auto lb0 = decode<pgring::array<std::int32_t>>(oid::int4_array, int4_lb0);
    EXPECT_EQ(lb0.dims, (std::vector<std::int32_t>{2}));
    EXPECT_EQ(lb0.lower_bounds, (std::vector<std::int32_t>{0}));
    EXPECT_EQ(lb0.elements, (std::vector<std::int32_t>{7, 8}));
    EXPECT_EQ(encode(lb0, oid::int4_array), int4_lb0);

    const auto grid = decode<pgring::array<std::int16_t>>(oid::int2_array, int2_2x2);
    EXPECT_EQ(grid.dims, (std::vector<std::int32_t>{2, 2}));
    EXPECT_EQ(grid.lower_bounds, (std::vector<std::int32_t>{1, 1}));
    EXPECT_EQ(grid.elements, (std::vector<std::int16_t>{1, 2, 3, 4}));
    EXPECT_EQ(encode(grid, oid::int2_array), int2_2x2);

    const auto empty = decode<pgring::array<std::int32_t>>(oid::int4_array, int4_empty);
    EXPECT_TRUE(empty.dims.empty() && empty.lower_bounds.empty() && empty.elements.empty());
    EXPECT_EQ(encode(empty, oid::int4_array), int4_empty);
    // A shape with a zero size is sent as PostgreSQL sends empty arrays: no dimensions.
    EXPECT_EQ(encode(pgring::array<std::int32_t>{{0, 3}, {1, 1}, {}}, oid::int4_array), int4_empty);
}

TEST(ArrayCodec, VectorRefusesOtherShapes) {
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(oid::int4_array, int4_lb0), errc::value_out_of_range);
    EXPECT_EQ(decode_error<std::vector<std::int16_t>>(oid::int2_array, int2_2x2), errc::value_out_of_range);
    // int2vector's natural lower bound is 0; an int2[] with lower bound 0 is not a vector.
    EXPECT_EQ(decode_error<std::vector<std::int16_t>>(
                  oid::int2_array, builder().i32(1).i32(0).u32(oid::int2).i32(1).i32(0).element(hex("0001"))),
              errc::value_out_of_range);
}

TEST(ArrayCodec, NullElementsNeedOptional) {
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(oid::int4_array, int4_1_2_null), errc::unexpected_null);
    EXPECT_EQ(decode_error<std::vector<std::string_view>>(oid::text_array, text_a_empty_null),
              errc::unexpected_null);
    const auto shaped = decode<pgring::array<opt_int>>(oid::int4_array, int4_1_2_null);
    EXPECT_EQ(shaped.elements, (std::vector<opt_int>{1, 2, std::nullopt}));
}

TEST(ArrayCodec, StringViewElementsBorrow) {
    const auto v = decode<std::vector<std::optional<std::string_view>>>(oid::text_array, text_a_empty_null);
    ASSERT_EQ(v.size(), 3u);
    ASSERT_TRUE(v[0].has_value());
    EXPECT_EQ(static_cast<const void*>(v[0]->data()),
              static_cast<const void*>(text_a_empty_null.data() + 24));
}

TEST(ArrayCodec, RoundTripsManyElementTypes) {
    const std::vector<bool> bools{true, false, true};
    EXPECT_EQ(decode<std::vector<bool>>(oid::bool_array, encode(bools, oid::bool_array)), bools);
    const std::vector<std::vector<std::byte>> blobs{hex("00ff"), {}, hex("01")};
    EXPECT_EQ(decode<std::vector<std::vector<std::byte>>>(oid::bytea_array, encode(blobs, oid::bytea_array)),
              blobs);
    std::vector<pgring::numeric> nums(3);
    ASSERT_FALSE(pgring::numeric::from_string("1.50", nums[0]));
    nums[1] = pgring::numeric::nan();
    ASSERT_FALSE(pgring::numeric::from_string("-1e-30", nums[2]));
    EXPECT_EQ(decode<std::vector<pgring::numeric>>(oid::numeric_array, encode(nums, oid::numeric_array)),
              nums);
    const std::vector<pgring::timestamptz> stamps{pgring::timestamptz::minus_infinity(),
                                                  pgring::timestamptz{0}, pgring::timestamptz::infinity()};
    EXPECT_EQ(decode<std::vector<pgring::timestamptz>>(oid::timestamptz_array, encode(stamps, 0)), stamps);
    const std::vector<double> doubles{0.5, -0.0, 1e300};
    EXPECT_EQ(decode<std::vector<double>>(oid::float8_array, encode(doubles, 0)), doubles);
    const std::vector<std::string> jsons{"{}", "[1]"};
    EXPECT_EQ(decode<std::vector<std::string>>(oid::jsonb_array, encode(jsons, oid::jsonb_array)), jsons);
}

TEST(ArrayCodec, RoundTripsLargeArrays) {
    std::vector<opt_int> big(100000);
    for (std::size_t i = 0; i < big.size(); ++i) {
        if (i % 7 != 0) {
            big[i] = static_cast<std::int32_t>(i);
        }
    }
    EXPECT_EQ(decode<std::vector<opt_int>>(oid::int4_array, encode(big, oid::int4_array)), big);
    pgring::array<std::int32_t> cube{{2, 3, 4, 5, 6, 7}, {1, -1, 0, 5, 1, 1}, {}};
    for (int i = 0; i < 2 * 3 * 4 * 5 * 6 * 7; ++i) {
        cube.elements.push_back(i);
    }
    EXPECT_EQ(decode<pgring::array<std::int32_t>>(oid::int4_array, encode(cube, oid::int4_array)), cube);
}

TEST(ArrayCodec, RejectsMalformedHeaders) {
    const auto header = [](std::int32_t ndim, std::int32_t flags, pgring::oid_t element) {
        return builder().i32(ndim).i32(flags).u32(element);
    };
    using vec = std::vector<std::int32_t>;
    using arr = pgring::array<opt_int>;
    codec_test::expect_rejects_short_and_trailing<arr>(oid::int4_array, int4_1_2_null);
    codec_test::expect_rejects_short_and_trailing<arr>(oid::int4_array, int4_empty);
    codec_test::expect_rejects_short_and_trailing<arr>(oid::int2_array, int2_2x2);
    // ndim outside [0, 6].
    EXPECT_EQ(decode_error<vec>(oid::int4_array, header(-1, 0, oid::int4)), errc::malformed_message);
    bytes seven = header(7, 0, oid::int4);
    for (int i = 0; i < 7; ++i) {
        seven = builder().raw(seven).i32(1).i32(1);
    }
    seven = builder().raw(seven).element(hex("00000001"));
    EXPECT_EQ(decode_error<arr>(oid::int4_array, seven), errc::malformed_message);
    // Flags other than 0 and 1.
    EXPECT_EQ(decode_error<vec>(oid::int4_array, header(0, 2, oid::int4)), errc::malformed_message);
    EXPECT_EQ(decode_error<vec>(oid::int4_array, header(0, -1, oid::int4)), errc::malformed_message);
    // An element type other than the array's.
    EXPECT_EQ(decode_error<vec>(oid::int4_array, header(0, 0, oid::int8)), errc::malformed_message);
    EXPECT_EQ(decode_error<vec>(oid::int4_array,
                                header(1, 0, oid::int8).i32(1).i32(1).element(hex("0000000000000001"))),
              errc::malformed_message);
    // Negative sizes.
    EXPECT_EQ(decode_error<vec>(oid::int4_array, header(1, 0, oid::int4).i32(-1).i32(1)),
              errc::malformed_message);
    EXPECT_EQ(decode_error<arr>(oid::int4_array, header(2, 0, oid::int4).i32(0).i32(1).i32(-5).i32(1)),
              errc::malformed_message);
    // Lower bound plus size past int32.
    EXPECT_EQ(decode_error<arr>(oid::int4_array, header(1, 0, oid::int4)
                                                     .i32(1)
                                                     .i32(std::numeric_limits<std::int32_t>::max())
                                                     .element(hex("00000001"))),
              errc::malformed_message);
    EXPECT_EQ(decode<arr>(oid::int4_array, header(1, 0, oid::int4)
                                               .i32(1)
                                               .i32(std::numeric_limits<std::int32_t>::max() - 1)
                                               .element(hex("00000001")))
                  .elements.size(),
              1u);
    // More elements than the bytes could hold: refused before allocating anything.
    EXPECT_EQ(decode_error<arr>(oid::int4_array,
                                header(1, 0, oid::int4).i32(std::numeric_limits<std::int32_t>::max()).i32(1)),
              errc::malformed_message);
    bytes huge = header(6, 0, oid::int4);
    for (int i = 0; i < 6; ++i) {
        huge = builder().raw(huge).i32(65536).i32(1);
    }
    EXPECT_EQ(decode_error<arr>(oid::int4_array, huge), errc::malformed_message);
    // 2^31 x 2^31 would overflow 32 bits; still refused.
    EXPECT_EQ(decode_error<arr>(oid::int4_array, header(2, 0, oid::int4)
                                                     .i32(std::numeric_limits<std::int32_t>::max())
                                                     .i32(1)
                                                     .i32(std::numeric_limits<std::int32_t>::max())
                                                     .i32(1)),
              errc::malformed_message);
}

TEST(ArrayCodec, RejectsMalformedElements) {
    using vec = std::vector<opt_int>;
    const auto one = [] { return builder().i32(1).i32(0).u32(oid::int4).i32(1).i32(1); };
    // Element length past the end.
    EXPECT_EQ(decode_error<vec>(oid::int4_array, one().i32(5).raw(hex("00000001"))), errc::malformed_message);
    // A negative length other than -1.
    EXPECT_EQ(decode_error<vec>(oid::int4_array, one().i32(-2)), errc::malformed_message);
    EXPECT_EQ(decode_error<vec>(oid::int4_array, one().i32(std::numeric_limits<std::int32_t>::min())),
              errc::malformed_message);
    // Missing element, truncated length, trailing bytes.
    EXPECT_EQ(decode_error<vec>(oid::int4_array, one()), errc::malformed_message);
    EXPECT_EQ(decode_error<vec>(oid::int4_array, one().raw(hex("000000"))), errc::malformed_message);
    EXPECT_EQ(decode_error<vec>(oid::int4_array, one().element(hex("00000001")).raw(hex("00"))),
              errc::malformed_message);
    // An element the element codec refuses.
    EXPECT_EQ(decode_error<vec>(oid::int4_array, one().element(hex("000001"))), errc::malformed_message);
    EXPECT_EQ(decode_error<std::vector<std::int16_t>>(oid::int4_array, one().element(hex("00010000"))),
              errc::value_out_of_range);
}

TEST(ArrayCodec, RefusesInvalidShapesToEncode) {
    using arr = pgring::array<std::int32_t>;
    EXPECT_EQ(encode_error(arr{{2}, {}, {1, 2}}, oid::int4_array), errc::value_out_of_range);
    EXPECT_EQ(encode_error(arr{{3}, {1}, {1, 2}}, oid::int4_array), errc::value_out_of_range);
    EXPECT_EQ(encode_error(arr{{}, {}, {1}}, oid::int4_array), errc::value_out_of_range);
    EXPECT_EQ(encode_error(arr{{-1, -2}, {1, 1}, {1, 2}}, oid::int4_array), errc::value_out_of_range);
    EXPECT_EQ(encode_error(arr{{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1}, {1}}, oid::int4_array),
              errc::value_out_of_range);
    EXPECT_EQ(encode_error(arr{{1}, {std::numeric_limits<std::int32_t>::max()}, {1}}, oid::int4_array),
              errc::value_out_of_range);
    EXPECT_EQ(encode(arr{{1}, {std::numeric_limits<std::int32_t>::max() - 1}, {1}}, oid::int4_array).size(),
              28u);
}

TEST(ArrayCodec, AcceptsArraysOfAcceptedElements) {
    EXPECT_TRUE(codec<std::vector<std::int64_t>>::accepts(oid::int4_array));
    EXPECT_TRUE(codec<std::vector<std::int64_t>>::accepts(oid::numeric_array));
    EXPECT_TRUE(codec<std::vector<std::int16_t>>::accepts(oid::int2vector));
    EXPECT_TRUE(codec<std::vector<std::string>>::accepts(oid::varchar_array));
    EXPECT_TRUE(codec<pgring::array<std::string_view>>::accepts(oid::name_array));
    for (const pgring::oid_t t :
         {oid::int4, oid::text, oid::text_array, oid::float8_array, pgring::oid_t{0}}) {
        EXPECT_FALSE(codec<std::vector<std::int32_t>>::accepts(t)) << t;
    }
    EXPECT_FALSE(codec<std::vector<std::vector<std::int32_t>>>::accepts(oid::int4_array));
    EXPECT_EQ(decode_error<std::vector<std::int32_t>>(oid::int4, hex("00000001")), errc::type_mismatch);
    EXPECT_EQ(encode_error(std::vector<std::int32_t>{1}, oid::int4), errc::type_mismatch);
    EXPECT_EQ(encode_error(std::vector<std::int32_t>{1}, oid::text_array), errc::type_mismatch);
}

TEST(ArrayCodec, UserDefinedArrayTypesDecodeByTheirHeader) {
    // An enum[] (OIDs from 10000 up): strings accept it, with the element type from the value.
    const bytes enums =
        builder().i32(1).i32(0).u32(16390).i32(2).i32(1).element(hex("6f6b")).element(hex("6e6f"));
    EXPECT_TRUE(codec<std::vector<std::string>>::accepts(16391));
    EXPECT_EQ(decode<std::vector<std::string>>(16391, enums), (std::vector<std::string>{"ok", "no"}));
    EXPECT_FALSE(codec<std::vector<std::int32_t>>::accepts(16391));
    // A built-in element type in a user-defined array type must suit the element codec.
    const bytes ints = builder().i32(1).i32(0).u32(oid::int4).i32(1).i32(1).element(hex("00000005"));
    EXPECT_EQ(decode_error<std::vector<std::string>>(16391, ints), errc::type_mismatch);
    // Its element type is unknown, so it cannot be encoded.
    EXPECT_EQ(encode_error(std::vector<std::string>{"ok"}, 16391), errc::type_mismatch);
}

}  // namespace
