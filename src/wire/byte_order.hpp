#pragma once

// Big-endian loads and stores: the only place in pgring where bytes become integers.
// memcpy + bswap compiles to a single movbe/bswap; no alignment is assumed.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pgring::wire {

inline std::uint16_t bswap(std::uint16_t v) noexcept { return __builtin_bswap16(v); }
inline std::uint32_t bswap(std::uint32_t v) noexcept { return __builtin_bswap32(v); }
inline std::uint64_t bswap(std::uint64_t v) noexcept { return __builtin_bswap64(v); }

template <class T>
inline T load_be(const std::byte* p) noexcept {
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    if constexpr (sizeof(T) == 1) {
        return static_cast<T>(*p);
    } else {
        using U = std::conditional_t<sizeof(T) == 2, std::uint16_t,
                                     std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>;
        U u;
        std::memcpy(&u, p, sizeof(U));
        u = bswap(u);
        T v;
        std::memcpy(&v, &u, sizeof(T));
        return v;
    }
}

template <class T>
inline void store_be(std::byte* p, T v) noexcept {
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
    if constexpr (sizeof(T) == 1) {
        *p = static_cast<std::byte>(v);
    } else {
        using U = std::conditional_t<sizeof(T) == 2, std::uint16_t,
                                     std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>;
        U u;
        std::memcpy(&u, &v, sizeof(U));
        u = bswap(u);
        std::memcpy(p, &u, sizeof(U));
    }
}

inline std::int16_t load_i16(const std::byte* p) noexcept { return load_be<std::int16_t>(p); }
inline std::int32_t load_i32(const std::byte* p) noexcept { return load_be<std::int32_t>(p); }
inline std::int64_t load_i64(const std::byte* p) noexcept { return load_be<std::int64_t>(p); }
inline std::uint16_t load_u16(const std::byte* p) noexcept { return load_be<std::uint16_t>(p); }
inline std::uint32_t load_u32(const std::byte* p) noexcept { return load_be<std::uint32_t>(p); }

}  // namespace pgring::wire
