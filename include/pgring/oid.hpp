#pragma once

/// @file
/// Built-in type OIDs (placeholder until tools/gen_pg_types.py generates this file).

#include <cstdint>

namespace pgring {

/// A PostgreSQL object identifier (unsigned 32 bits on the wire).
using oid_t = std::uint32_t;

}  // namespace pgring
