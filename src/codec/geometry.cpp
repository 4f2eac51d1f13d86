// The geometric codecs: point, line, lseg, box, path, polygon and circle, all float8 coordinates
// in the order of PostgreSQL's *_send functions (geo_ops.c).

#include <pgring/codec.hpp>
#include <pgring/geometry.hpp>

#include <bit>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

namespace pgring {

namespace {

// path_recv and poly_recv refuse a count at or above (INT_MAX - offsetof(<type>, p)) /
// sizeof(Point): the header before the points is 16 bytes for PATH (length, npts, closed,
// padding) and 40 for POLYGON (length, npts, bounding box).
constexpr std::size_t max_path_points = (INT_MAX - 16) / 16 - 1;
constexpr std::size_t max_polygon_points = (INT_MAX - 40) / 16 - 1;

// geo_decls.h's EPSILON, which FPzero() compares against.
constexpr double geo_epsilon = 1.0e-06;

bool fp_zero(double v) noexcept {
    return std::fabs(v) <= geo_epsilon;
}

double load_double(const std::byte* p) noexcept {
    return std::bit_cast<double>(detail::load_be<std::uint64_t>(p));
}

void store_double(std::byte* p, double v) noexcept {
    detail::store_be<std::uint64_t>(p, std::bit_cast<std::uint64_t>(v));
}

// Stores `values` as consecutive float8s; `out` is checked to be their exact size by the caller.
template <std::size_t N>
void store_doubles(std::byte* out, const double (&values)[N]) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
        store_double(out + 8 * i, values[i]);
    }
}

// Checks type and size of a fixed-size encode.
std::error_code check_encode(oid_t type, oid_t expected, std::span<std::byte> out,
                             std::size_t size) noexcept {
    if (type != expected) {
        return detail::make_error(errc::type_mismatch);
    }
    if (out.size() != size) {
        return detail::make_error(errc::invalid_state);
    }
    return {};
}

// Reads exactly N float8s.
template <std::size_t N>
std::error_code load_doubles(oid_t type, oid_t expected, std::span<const std::byte> in,
                             double (&values)[N]) noexcept {
    if (type != expected) {
        return detail::make_error(errc::type_mismatch);
    }
    if (in.size() != 8 * N) {
        return detail::make_error(errc::malformed_message);
    }
    for (std::size_t i = 0; i < N; ++i) {
        values[i] = load_double(in.data() + 8 * i);
    }
    return {};
}

// Reads an int32 point count and that many points from `in`, which must hold exactly them.
std::error_code load_points(std::span<const std::byte> in, std::size_t max_points, std::vector<point>& out) {
    if (in.size() < 4) {
        return detail::make_error(errc::malformed_message);
    }
    const std::int32_t count = detail::load_be<std::int32_t>(in.data());
    if (count <= 0 || static_cast<std::size_t>(count) > max_points ||
        in.size() - 4 != 16 * static_cast<std::size_t>(count)) {
        return detail::make_error(errc::malformed_message);
    }
    out.resize(static_cast<std::size_t>(count));
    const std::byte* p = in.data() + 4;
    for (point& pt : out) {
        pt.x = load_double(p);
        pt.y = load_double(p + 8);
        p += 16;
    }
    return {};
}

// Writes an int32 point count and the points; `out` is exactly their size.
void store_points(const std::vector<point>& points, std::byte* out) noexcept {
    detail::store_be<std::int32_t>(out, static_cast<std::int32_t>(points.size()));
    out += 4;
    for (const point& pt : points) {
        store_double(out, pt.x);
        store_double(out + 8, pt.y);
        out += 16;
    }
}

}  // namespace

std::error_code codec<point>::encode(const point& value, oid_t type, std::span<std::byte> out) noexcept {
    if (const std::error_code ec =
            check_encode(detail::effective_oid(type, preferred_oid), oid::point, out, 16)) {
        return ec;
    }
    store_doubles(out.data(), {value.x, value.y});
    return {};
}

std::error_code codec<point>::decode(oid_t type, std::span<const std::byte> in, point& out) noexcept {
    double v[2];
    if (const std::error_code ec = load_doubles(type, oid::point, in, v)) {
        return ec;
    }
    out = {v[0], v[1]};
    return {};
}

std::error_code codec<line>::encode(const line& value, oid_t type, std::span<std::byte> out) noexcept {
    if (const std::error_code ec =
            check_encode(detail::effective_oid(type, preferred_oid), oid::line, out, 24)) {
        return ec;
    }
    if (fp_zero(value.a) && fp_zero(value.b)) {
        return detail::make_error(errc::value_out_of_range);
    }
    store_doubles(out.data(), {value.a, value.b, value.c});
    return {};
}

std::error_code codec<line>::decode(oid_t type, std::span<const std::byte> in, line& out) noexcept {
    double v[3];
    if (const std::error_code ec = load_doubles(type, oid::line, in, v)) {
        return ec;
    }
    if (fp_zero(v[0]) && fp_zero(v[1])) {
        return detail::make_error(errc::malformed_message);
    }
    out = {v[0], v[1], v[2]};
    return {};
}

std::error_code codec<lseg>::encode(const lseg& value, oid_t type, std::span<std::byte> out) noexcept {
    if (const std::error_code ec =
            check_encode(detail::effective_oid(type, preferred_oid), oid::lseg, out, 32)) {
        return ec;
    }
    store_doubles(out.data(), {value.start.x, value.start.y, value.end.x, value.end.y});
    return {};
}

std::error_code codec<lseg>::decode(oid_t type, std::span<const std::byte> in, lseg& out) noexcept {
    double v[4];
    if (const std::error_code ec = load_doubles(type, oid::lseg, in, v)) {
        return ec;
    }
    out = {{v[0], v[1]}, {v[2], v[3]}};
    return {};
}

std::error_code codec<box>::encode(const box& value, oid_t type, std::span<std::byte> out) noexcept {
    if (const std::error_code ec =
            check_encode(detail::effective_oid(type, preferred_oid), oid::box, out, 32)) {
        return ec;
    }
    store_doubles(out.data(), {value.high.x, value.high.y, value.low.x, value.low.y});
    return {};
}

std::error_code codec<box>::decode(oid_t type, std::span<const std::byte> in, box& out) noexcept {
    double v[4];
    if (const std::error_code ec = load_doubles(type, oid::box, in, v)) {
        return ec;
    }
    out = {{v[0], v[1]}, {v[2], v[3]}};
    return {};
}

std::error_code codec<path>::encode(const path& value, oid_t type, std::span<std::byte> out) noexcept {
    if (detail::effective_oid(type, preferred_oid) != oid::path) {
        return detail::make_error(errc::type_mismatch);
    }
    if (value.points.empty() || value.points.size() > max_path_points) {
        return detail::make_error(errc::value_out_of_range);
    }
    if (out.size() != 5 + 16 * value.points.size()) {
        return detail::make_error(errc::invalid_state);
    }
    out[0] = std::byte{static_cast<std::uint8_t>(value.closed ? 1 : 0)};
    store_points(value.points, out.data() + 1);
    return {};
}

std::error_code codec<path>::decode(oid_t type, std::span<const std::byte> in, path& out) {
    if (type != oid::path) {
        return detail::make_error(errc::type_mismatch);
    }
    if (in.empty()) {
        return detail::make_error(errc::malformed_message);
    }
    const auto closed = std::to_integer<std::uint8_t>(in[0]);
    if (closed > 1) {
        return detail::make_error(errc::malformed_message);
    }
    if (const std::error_code ec = load_points(in.subspan(1), max_path_points, out.points)) {
        return ec;
    }
    out.closed = closed == 1;
    return {};
}

std::error_code codec<polygon>::encode(const polygon& value, oid_t type, std::span<std::byte> out) noexcept {
    if (detail::effective_oid(type, preferred_oid) != oid::polygon) {
        return detail::make_error(errc::type_mismatch);
    }
    if (value.points.empty() || value.points.size() > max_polygon_points) {
        return detail::make_error(errc::value_out_of_range);
    }
    if (out.size() != 4 + 16 * value.points.size()) {
        return detail::make_error(errc::invalid_state);
    }
    store_points(value.points, out.data());
    return {};
}

std::error_code codec<polygon>::decode(oid_t type, std::span<const std::byte> in, polygon& out) {
    if (type != oid::polygon) {
        return detail::make_error(errc::type_mismatch);
    }
    return load_points(in, max_polygon_points, out.points);
}

std::error_code codec<circle>::encode(const circle& value, oid_t type, std::span<std::byte> out) noexcept {
    if (const std::error_code ec =
            check_encode(detail::effective_oid(type, preferred_oid), oid::circle, out, 24)) {
        return ec;
    }
    if (value.radius < 0) {
        return detail::make_error(errc::value_out_of_range);
    }
    store_doubles(out.data(), {value.center.x, value.center.y, value.radius});
    return {};
}

std::error_code codec<circle>::decode(oid_t type, std::span<const std::byte> in, circle& out) noexcept {
    double v[3];
    if (const std::error_code ec = load_doubles(type, oid::circle, in, v)) {
        return ec;
    }
    if (v[2] < 0) {
        return detail::make_error(errc::malformed_message);
    }
    out = {{v[0], v[1]}, v[2]};
    return {};
}

}  // namespace pgring
