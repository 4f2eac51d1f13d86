#include <pgring/codec.hpp>
#include <pgring/geometry.hpp>

#include "codec_test_util.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
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
using pgring::box;
using pgring::circle;
using pgring::codec;
using pgring::errc;
using pgring::line;
using pgring::lseg;
using pgring::path;
using pgring::point;
using pgring::polygon;

static_assert(pgring::has_codec<point> && pgring::has_codec<line> && pgring::has_codec<lseg>);
static_assert(pgring::has_codec<box> && pgring::has_codec<path> && pgring::has_codec<polygon>);
static_assert(pgring::has_codec<circle>);

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Golden bytes from PostgreSQL 15: `SELECT point_send(point '(1,2)')` and alike.
TEST(PointCodec, GoldenBytes) {
    const bytes wire = hex("3ff0000000000000 4000000000000000");
    EXPECT_EQ(decode<point>(oid::point, wire), (point{1, 2}));
    EXPECT_EQ(encode(point{1, 2}, oid::point), wire);
    EXPECT_EQ(encode(point{1, 2}, 0), wire);
    expect_rejects_short_and_trailing<point>(oid::point, wire);
}

TEST(PointCodec, KeepsNanInfinityAndNegativeZero) {
    // point_send(point '(NaN,-Infinity)')
    const bytes wire = hex("7ff8000000000000 fff0000000000000");
    const point p = decode<point>(oid::point, wire);
    EXPECT_TRUE(std::isnan(p.x));
    EXPECT_EQ(p.y, -inf);
    EXPECT_EQ(encode(p, oid::point), wire);

    const point z =
        decode<point>(oid::point, encode(point{-0.0, std::numeric_limits<double>::max()}, oid::point));
    EXPECT_TRUE(std::signbit(z.x));
    EXPECT_EQ(z.y, std::numeric_limits<double>::max());
    const point tiny{std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::lowest()};
    EXPECT_EQ(decode<point>(oid::point, encode(tiny, oid::point)), tiny);
}

TEST(LineCodec, GoldenBytes) {
    // line_send(line '{1,2,3}')
    const bytes wire = hex("3ff0000000000000 4000000000000000 4008000000000000");
    EXPECT_EQ(decode<line>(oid::line, wire), (line{1, 2, 3}));
    EXPECT_EQ(encode(line{1, 2, 3}, oid::line), wire);
    expect_rejects_short_and_trailing<line>(oid::line, wire);
}

TEST(LineCodec, RejectsZeroAAndB) {
    // line_in and line_recv: "A and B cannot both be zero" (each within 1e-6).
    EXPECT_EQ(encode_error(line{0, 0, 1}, oid::line), errc::value_out_of_range);
    EXPECT_EQ(encode_error(line{1e-7, -1e-7, 1}, oid::line), errc::value_out_of_range);
    EXPECT_EQ(decode_error<line>(oid::line, encode(line{1, 0, 0}, oid::line)), std::error_code{});
    EXPECT_EQ(decode<line>(oid::line, encode(line{0, 2e-6, 0}, oid::line)), (line{0, 2e-6, 0}));
    const bytes zero_ab = builder().raw(hex("0000000000000000 8000000000000000 3ff0000000000000"));
    EXPECT_EQ(decode_error<line>(oid::line, zero_ab), errc::malformed_message);
}

TEST(LsegCodec, GoldenBytes) {
    // lseg_send(lseg '[(1,2),(3,4)]')
    const bytes wire = hex("3ff0000000000000 4000000000000000 4008000000000000 4010000000000000");
    const lseg s = decode<lseg>(oid::lseg, wire);
    EXPECT_EQ(s, (lseg{{1, 2}, {3, 4}}));
    EXPECT_EQ(encode(s, oid::lseg), wire);
    expect_rejects_short_and_trailing<lseg>(oid::lseg, wire);
}

TEST(BoxCodec, GoldenBytes) {
    // box_send(box '(1,2),(3,4)'): the server stores the upper right corner first.
    const bytes wire = hex("4008000000000000 4010000000000000 3ff0000000000000 4000000000000000");
    const box b = decode<box>(oid::box, wire);
    EXPECT_EQ(b, (box{{3, 4}, {1, 2}}));
    EXPECT_EQ(encode(b, oid::box), wire);
    expect_rejects_short_and_trailing<box>(oid::box, wire);
    const box extremes{{inf, inf}, {-inf, -inf}};
    EXPECT_EQ(decode<box>(oid::box, encode(extremes, oid::box)), extremes);
}

TEST(PathCodec, GoldenBytes) {
    // path_send(path '[(1,2),(3,4)]')
    const bytes open = hex("00 00000002 3ff0000000000000 4000000000000000 4008000000000000 4010000000000000");
    const path p = decode<path>(oid::path, open);
    EXPECT_FALSE(p.closed);
    EXPECT_EQ(p.points, (std::vector<point>{{1, 2}, {3, 4}}));
    EXPECT_EQ(encode(p, oid::path), open);
    expect_rejects_short_and_trailing<path>(oid::path, open);

    // path_send(path '((1,2))')
    const bytes closed = hex("01 00000001 3ff0000000000000 4000000000000000");
    const path c = decode<path>(oid::path, closed);
    EXPECT_TRUE(c.closed);
    EXPECT_EQ(c.points, (std::vector<point>{{1, 2}}));
    EXPECT_EQ(encode(c, oid::path), closed);
    expect_rejects_short_and_trailing<path>(oid::path, closed);
}

TEST(PathCodec, RejectsMalformed) {
    // A closed byte other than 0 and 1.
    EXPECT_EQ(decode_error<path>(oid::path, hex("02 00000001 3ff0000000000000 4000000000000000")),
              errc::malformed_message);
    // No points, a negative count, a count past path_recv's limit, a count the bytes do not match.
    EXPECT_EQ(decode_error<path>(oid::path, hex("00 00000000")), errc::malformed_message);
    EXPECT_EQ(decode_error<path>(oid::path, hex("00 ffffffff")), errc::malformed_message);
    EXPECT_EQ(decode_error<path>(oid::path, hex("00 07ffffff")), errc::malformed_message);
    EXPECT_EQ(decode_error<path>(oid::path, hex("00 00000002 3ff0000000000000 4000000000000000")),
              errc::malformed_message);
}

TEST(PathCodec, RefusesEmptyPath) {
    EXPECT_EQ(encode_error(path{}, oid::path), errc::value_out_of_range);
    EXPECT_EQ(encode_error(path{true, {}}, oid::path), errc::value_out_of_range);
}

TEST(PolygonCodec, GoldenBytes) {
    // poly_send(polygon '((0,0),(1,1),(1,0))')
    const bytes wire =
        hex("00000003 0000000000000000 0000000000000000 3ff0000000000000 3ff0000000000000 "
            "3ff0000000000000 0000000000000000");
    const polygon p = decode<polygon>(oid::polygon, wire);
    EXPECT_EQ(p.points, (std::vector<point>{{0, 0}, {1, 1}, {1, 0}}));
    EXPECT_EQ(encode(p, oid::polygon), wire);
    expect_rejects_short_and_trailing<polygon>(oid::polygon, wire);
}

TEST(PolygonCodec, RejectsMalformedAndEmpty) {
    EXPECT_EQ(decode_error<polygon>(oid::polygon, hex("00000000")), errc::malformed_message);
    EXPECT_EQ(decode_error<polygon>(oid::polygon, hex("80000000")), errc::malformed_message);
    EXPECT_EQ(decode_error<polygon>(oid::polygon, hex("07fffffe")), errc::malformed_message);
    EXPECT_EQ(encode_error(polygon{}, oid::polygon), errc::value_out_of_range);

    // Decoding replaces the points of the output.
    polygon out{{{5, 5}, {6, 6}, {7, 7}}};
    EXPECT_FALSE(
        codec<polygon>::decode(oid::polygon, hex("00000001 3ff0000000000000 4000000000000000"), out));
    EXPECT_EQ(out.points, (std::vector<point>{{1, 2}}));
}

TEST(CircleCodec, GoldenBytes) {
    // circle_send(circle '<(1,2),3>')
    const bytes wire = hex("3ff0000000000000 4000000000000000 4008000000000000");
    const circle c = decode<circle>(oid::circle, wire);
    EXPECT_EQ(c, (circle{{1, 2}, 3}));
    EXPECT_EQ(encode(c, oid::circle), wire);
    expect_rejects_short_and_trailing<circle>(oid::circle, wire);

    // circle_send(circle '<(0,0),NaN>'), and a zero radius.
    const bytes nan_radius = hex("0000000000000000 0000000000000000 7ff8000000000000");
    const circle n = decode<circle>(oid::circle, nan_radius);
    EXPECT_TRUE(std::isnan(n.radius));
    EXPECT_EQ(encode(circle{{0, 0}, nan}, oid::circle), nan_radius);
    EXPECT_EQ(decode<circle>(oid::circle, encode(circle{{0, 0}, 0}, oid::circle)), (circle{{0, 0}, 0}));
}

TEST(CircleCodec, RejectsNegativeRadius) {
    EXPECT_EQ(encode_error(circle{{0, 0}, -1}, oid::circle), errc::value_out_of_range);
    EXPECT_EQ(encode_error(circle{{0, 0}, -inf}, oid::circle), errc::value_out_of_range);
    EXPECT_EQ(decode_error<circle>(oid::circle, hex("0000000000000000 0000000000000000 bff0000000000000")),
              errc::malformed_message);
}

TEST(GeometryCodec, AcceptsOnlyItsType) {
    EXPECT_TRUE(codec<point>::accepts(oid::point));
    EXPECT_FALSE(codec<point>::accepts(oid::float8));
    EXPECT_FALSE(codec<line>::accepts(oid::lseg));
    EXPECT_FALSE(codec<lseg>::accepts(oid::line));
    EXPECT_FALSE(codec<box>::accepts(oid::lseg));
    EXPECT_FALSE(codec<path>::accepts(oid::polygon));
    EXPECT_FALSE(codec<polygon>::accepts(oid::path));
    EXPECT_FALSE(codec<circle>::accepts(oid::point));

    const bytes three = hex("3ff0000000000000 4000000000000000 4008000000000000");
    EXPECT_EQ(decode_error<line>(oid::circle, three), errc::type_mismatch);
    EXPECT_EQ(decode_error<circle>(oid::line, three), errc::type_mismatch);
    EXPECT_EQ(decode_error<path>(oid::polygon, hex("00000001 3ff0000000000000 4000000000000000")),
              errc::type_mismatch);
    EXPECT_EQ(encode_error(point{}, oid::text), errc::type_mismatch);
    EXPECT_EQ(encode_error(lseg{}, oid::box), errc::type_mismatch);
    EXPECT_EQ(encode_error(box{}, oid::lseg), errc::type_mismatch);
    EXPECT_EQ(encode_error(path{false, {{1, 2}}}, oid::polygon), errc::type_mismatch);
    EXPECT_EQ(encode_error(polygon{{{1, 2}}}, oid::path), errc::type_mismatch);
    EXPECT_EQ(encode_error(circle{}, oid::point), errc::type_mismatch);
}

TEST(GeometryCodec, DecodesAndEncodesArrays) {
    // array_send('{"(1,2)","(3,4)"}'::point[]), by the array format: 1 dim, no NULLs, element 600.
    const bytes wire = builder()
                           .i32(1)
                           .i32(0)
                           .u32(oid::point)
                           .i32(2)
                           .i32(1)
                           .element(hex("3ff0000000000000 4000000000000000"))
                           .element(hex("4008000000000000 4010000000000000"));
    const auto points = decode<std::vector<point>>(oid::point_array, wire);
    EXPECT_EQ(points, (std::vector<point>{{1, 2}, {3, 4}}));
    EXPECT_EQ(encode(points, oid::point_array), wire);
}

}  // namespace
