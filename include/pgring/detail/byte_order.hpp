#pragma once

/// @file
/// Big-endian loads and stores for the inline codecs in codec.hpp. Not API.
///
/// The same operations as src/wire/byte_order.hpp, which public headers cannot include; memcpy
/// plus a byte swap compiles to one movbe/bswap and assumes no alignment.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace pgring::detail {

template <std::size_t Size>
using be_unsigned_t =
    std::conditional_t<Size == 1, std::uint8_t,
                       std::conditional_t<Size == 2, std::uint16_t,
                                          std::conditional_t<Size == 4, std::uint32_t, std::uint64_t>>>;

/// Reads a big-endian integer (or, bit for bit, a float or double) from `p`.
template <class T>
inline T load_be(const std::byte* p) noexcept {
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    using U = be_unsigned_t<sizeof(T)>;
    U u;
    std::memcpy(&u, p, sizeof(U));
    if constexpr (sizeof(T) == 2) {
        u = __builtin_bswap16(u);
    } else if constexpr (sizeof(T) == 4) {
        u = __builtin_bswap32(u);
    } else if constexpr (sizeof(T) == 8) {
        u = __builtin_bswap64(u);
    }
    T v;
    std::memcpy(&v, &u, sizeof(T));
    return v;
}

/// Writes `v` big-endian at `p`.
template <class T>
inline void store_be(std::byte* p, T v) noexcept {
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    using U = be_unsigned_t<sizeof(T)>;
    U u;
    std::memcpy(&u, &v, sizeof(U));
    if constexpr (sizeof(T) == 2) {
        u = __builtin_bswap16(u);
    } else if constexpr (sizeof(T) == 4) {
        u = __builtin_bswap32(u);
    } else if constexpr (sizeof(T) == 8) {
        u = __builtin_bswap64(u);
    }
    std::memcpy(p, &u, sizeof(U));
}

}  // namespace pgring::detail
