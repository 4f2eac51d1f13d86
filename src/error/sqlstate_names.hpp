#pragma once

// The condition name of each SQLSTATE ("unique_violation"), for error messages.

#include <string_view>

namespace pgring::detail {

/// The condition name for a packed SQLSTATE, or empty when the code is not in errcodes.txt.
std::string_view sqlstate_name(int packed) noexcept;

}  // namespace pgring::detail
