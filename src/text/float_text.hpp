#pragma once

// float4 and float8 in PostgreSQL's text output form (float4out, float8out), which the
// geometric types reuse for their coordinates.

#include <string>

namespace pgring::text {

/// Appends a float8 as float8out prints it under `extra_float_digits`: above 0 the shortest
/// digits that read back exactly (fixed notation for decimal exponents -4 to 14, `1e+20`
/// otherwise); 0 or below `%.{15 + extra_float_digits}g` (at least 1 digit). NaN, Infinity,
/// -Infinity and -0 are spelled as PostgreSQL spells them.
void render_float8(double value, int extra_float_digits, std::string& out);

/// Appends a float4 as float4out prints it: as render_float8 with 6 significant digits in place
/// of 15 and fixed notation for decimal exponents -4 to 5.
void render_float4(float value, int extra_float_digits, std::string& out);

}  // namespace pgring::text
