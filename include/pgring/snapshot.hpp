#pragma once

/// @file
/// pgring::pg_snapshot: a transaction snapshot (`pg_snapshot`, and the older `txid_snapshot`,
/// which has the same form), with its binary codec.

#include <pgring/codec.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace pgring {

/// A snapshot of which transactions are visible (pg_current_snapshot()): every transaction
/// below `xmin` that committed, none from `xmax` on, and between them those committed that are
/// not in `xip`. Transaction IDs are 64-bit (epoch and xid, as xid8).
///
/// Thread: a plain value.
struct pg_snapshot {
    /// The earliest transaction still active; never 0.
    std::uint64_t xmin = 1;
    /// One past the latest completed transaction; at least xmin.
    std::uint64_t xmax = 1;
    /// The transactions in progress, strictly increasing, each within [xmin, xmax].
    std::vector<std::uint64_t> xip;

    /// True when xmin is not 0, xmin <= xmax, and `xip` is strictly increasing within
    /// [xmin, xmax]: when the server accepts the value.
    bool is_valid() const noexcept;

    /// PostgreSQL's text form: `xmin:xmax:xip1,xip2` (`10:20:10,14,15`, `3:3:`).
    std::string to_string() const;

    /// Parses the form pg_snapshot's input takes: decimal xmin, `:`, xmax, `:`, then
    /// comma-separated xips (none is fine), nothing else. As the server does, duplicate xips are
    /// dropped and an xip must lie in [xmin, xmax).
    ///
    /// Errors: `std::errc::invalid_argument` for anything else or a value that is not
    /// is_valid(); `out` is unchanged on error.
    static std::error_code parse(std::string_view text, pg_snapshot& out);

    /// Member-wise comparison.
    friend auto operator<=>(const pg_snapshot&, const pg_snapshot&) = default;
};

/// txid_snapshot is pg_snapshot under its older name.
using txid_snapshot = pg_snapshot;

/// pg_snapshot, txid_snapshot <-> `pgring::pg_snapshot` (pg_snapshot_send and
/// txid_snapshot_send: int32 xip count, int64 xmin, int64 xmax, then the xips as int64).
///
/// Errors: decoding rejects (`errc::malformed_message`) a negative count, a byte count other
/// than the count's, and a value that is not pg_snapshot::is_valid(). Encoding refuses
/// (`errc::value_out_of_range`) a value that is not pg_snapshot::is_valid().
template <>
struct codec<pg_snapshot> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::pg_snapshot;

    static bool accepts(oid_t type) noexcept {
        return type == oid::pg_snapshot || type == oid::txid_snapshot;
    }
    static std::size_t encoded_size(const pg_snapshot& value, oid_t) noexcept {
        return 20 + 8 * value.xip.size();
    }
    static std::error_code encode(const pg_snapshot& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, pg_snapshot& out);
    ///@}
};

}  // namespace pgring
