#pragma once

// Big-endian loads and stores for the protocol core. The one implementation lives in the public
// detail header (the inline codecs need it too); this header gives it the wire layer's names.
// memcpy + bswap compiles to a single movbe/bswap; no alignment is assumed.

#include <pgring/detail/byte_order.hpp>

#include <cstddef>
#include <cstdint>

namespace pgring::wire {

using detail::load_be;
using detail::store_be;

inline std::int16_t load_i16(const std::byte* p) noexcept { return load_be<std::int16_t>(p); }
inline std::int32_t load_i32(const std::byte* p) noexcept { return load_be<std::int32_t>(p); }
inline std::int64_t load_i64(const std::byte* p) noexcept { return load_be<std::int64_t>(p); }
inline std::uint16_t load_u16(const std::byte* p) noexcept { return load_be<std::uint16_t>(p); }
inline std::uint32_t load_u32(const std::byte* p) noexcept { return load_be<std::uint32_t>(p); }

}  // namespace pgring::wire
