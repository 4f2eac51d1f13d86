// Placeholder until tools/gen_sqlstate.py generates this file.
#include "error/sqlstate_names.hpp"

namespace pgring::detail {
std::string_view sqlstate_name(int) noexcept { return {}; }
}  // namespace pgring::detail
