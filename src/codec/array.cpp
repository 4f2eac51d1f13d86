// The non-template half of the array codecs: reading and checking array_send's header.
//
//     int32 ndim | int32 flags | uint32 element OID | ndim x (int32 size, int32 lower bound) | elements
//
// array_recv's checks are mirrored: ndim in [0, MAXDIM], flags 0 or 1, sizes >= 0, lower bound
// plus size within int32. On top of them, the element count is bounded by the bytes left (every
// element takes at least its 4-byte length), so a hostile header cannot make the caller
// allocate more than a few times the input.

#include <pgring/codec.hpp>

#include "wire/byte_order.hpp"

#include <cstdint>
#include <limits>

namespace pgring::detail {

namespace {

// ArrayCheckBounds: lower bound + size must not overflow int32 (one more than the upper bound).
bool upper_bound_fits(std::int32_t size, std::int32_t lower_bound) noexcept {
    return std::int64_t{lower_bound} + size <= std::numeric_limits<std::int32_t>::max();
}

}  // namespace

std::error_code load_array_header(oid_t array_type, std::span<const std::byte> in,
                                  array_header& out) noexcept {
    const oid_t expected_element = array_element_oid(array_type);
    if (expected_element == 0 && !is_user_defined_oid(array_type)) {
        return make_error(errc::type_mismatch);
    }
    if (in.size() < 12) {
        return make_error(errc::malformed_message);
    }
    const std::int32_t ndim = wire::load_i32(in.data());
    const std::int32_t flags = wire::load_i32(in.data() + 4);
    const oid_t element = wire::load_u32(in.data() + 8);
    if (ndim < 0 || ndim > max_array_dims || (flags != 0 && flags != 1)) {
        return make_error(errc::malformed_message);
    }
    if (expected_element != 0 && element != expected_element) {
        return make_error(errc::malformed_message);
    }
    const std::size_t header_size = 12 + 8 * static_cast<std::size_t>(ndim);
    if (in.size() < header_size) {
        return make_error(errc::malformed_message);
    }
    const std::size_t max_count = (in.size() - header_size) / 4;
    std::size_t count = ndim == 0 ? 0 : 1;
    for (std::int32_t i = 0; i < ndim; ++i) {
        const std::int32_t size = wire::load_i32(in.data() + 12 + 8 * i);
        const std::int32_t lower_bound = wire::load_i32(in.data() + 16 + 8 * i);
        if (size < 0 || !upper_bound_fits(size, lower_bound)) {
            return make_error(errc::malformed_message);
        }
        out.dims[i] = size;
        out.lower_bounds[i] = lower_bound;
        // count <= max_count before the multiplication and size < 2^31, so no overflow.
        count *= static_cast<std::size_t>(size);
        if (count > max_count) {
            return make_error(errc::malformed_message);
        }
    }
    out.ndim = ndim;
    out.has_nulls = flags == 1;
    out.element_oid = element;
    out.count = count;
    out.body = in.subspan(header_size);
    return {};
}

std::error_code check_array_shape(std::span<const std::int32_t> dims,
                                  std::span<const std::int32_t> lower_bounds, std::size_t count) noexcept {
    if (dims.size() != lower_bounds.size() || dims.size() > static_cast<std::size_t>(max_array_dims)) {
        return make_error(errc::value_out_of_range);
    }
    if (dims.empty()) {
        return count == 0 ? std::error_code() : make_error(errc::value_out_of_range);
    }
    std::size_t product = 1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] < 0 || !upper_bound_fits(dims[i], lower_bounds[i])) {
            return make_error(errc::value_out_of_range);
        }
        if (__builtin_mul_overflow(product, static_cast<std::size_t>(dims[i]), &product)) {
            return make_error(errc::value_out_of_range);
        }
    }
    if (product != count) {
        return make_error(errc::value_out_of_range);
    }
    return {};
}

}  // namespace pgring::detail
