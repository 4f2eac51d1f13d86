#pragma once

// The condition name of each SQLSTATE ("unique_violation"), for error messages. The table is
// generated from errcodes.txt by tools/gen_sqlstate.py into sqlstate_names.cpp.

#include <span>
#include <string_view>

namespace pgring::detail {

/// One SQLSTATE of errcodes.txt: its value packed by `pack_sqlstate()` and its condition name.
struct sqlstate_entry {
    int packed;
    std::string_view name;
};

/// Every SQLSTATE of errcodes.txt, once each, sorted by packed value.
std::span<const sqlstate_entry> sqlstate_table() noexcept;

/// The condition name for a packed SQLSTATE, or empty when the code is not in errcodes.txt.
/// A code with several names gives the one the PostgreSQL manual lists.
std::string_view sqlstate_name(int packed) noexcept;

}  // namespace pgring::detail
