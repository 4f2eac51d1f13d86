#pragma once

/// @file
/// pgring::tid: a tuple identifier (`tid`, the type of the ctid system column), with its binary
/// codec.

#include <pgring/codec.hpp>
#include <pgring/oid.hpp>

#include <pgring/detail/byte_order.hpp>
#include <pgring/detail/codec_support.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

namespace pgring {

/// A row version's physical location: a block number and a line pointer (item) number.
///
/// Thread: a plain value.
struct tid {
    std::uint32_t block = 0;   ///< the block (page) number
    std::uint16_t offset = 0;  ///< the line pointer within the block (1-based for real rows)

    /// PostgreSQL's text form: `(0,1)`.
    std::string to_string() const {
        return "(" + std::to_string(block) + "," + std::to_string(offset) + ")";
    }
    /// Compares block, then offset (the order of the tid type).
    friend constexpr auto operator<=>(const tid&, const tid&) = default;
};

/// tid <-> `pgring::tid` (tidsend: uint32 block number, uint16 offset). Any value is valid.
template <>
struct codec<tid> {
    /// The codec contract for this type; see the file comment of codec.hpp.
    ///@{
    static constexpr oid_t preferred_oid = oid::tid;

    static bool accepts(oid_t type) noexcept { return type == oid::tid; }

    static std::size_t encoded_size(const tid&, oid_t) noexcept { return 6; }

    static std::error_code encode(const tid& value, oid_t type, std::span<std::byte> out) noexcept {
        if (detail::effective_oid(type, preferred_oid) != oid::tid) {
            return detail::make_error(errc::type_mismatch);
        }
        if (out.size() != 6) {
            return detail::make_error(errc::invalid_state);
        }
        detail::store_be<std::uint32_t>(out.data(), value.block);
        detail::store_be<std::uint16_t>(out.data() + 4, value.offset);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, tid& out) noexcept {
        if (type != oid::tid) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() != 6) {
            return detail::make_error(errc::malformed_message);
        }
        out.block = detail::load_be<std::uint32_t>(in.data());
        out.offset = detail::load_be<std::uint16_t>(in.data() + 4);
        return {};
    }
    ///@}
};

}  // namespace pgring
