#pragma once

/// @file
/// pgring::array<T>: a PostgreSQL array of any shape (dimensions and lower bounds).

#include <cstdint>
#include <vector>

namespace pgring {

/// A PostgreSQL array with its full shape: up to 6 dimensions, each with a size and a lower
/// bound, and the elements in row-major order (the last subscript varies fastest), as in
/// `'[0:1][1:3]={{1,2,3},{4,5,6}}'`. A one-dimensional array with lower bound 1 is more simply
/// a `std::vector<T>`. NULL elements need `T = std::optional<U>`.
///
/// The empty array has no dimensions: `dims`, `lower_bounds` and `elements` all empty.
/// A valid array has `dims.size() == lower_bounds.size() <= 6`, every `dims[i] >= 0`, the
/// product of `dims` equal to `elements.size()`, and `lower_bounds[i] + dims[i]` within int32_t
/// (PostgreSQL's own limit); the codec answers `errc::value_out_of_range` for anything else.
///
/// Thread: a plain value.
template <class T>
struct array {
    /// The size of each dimension, outermost first.
    std::vector<std::int32_t> dims;
    /// The lower bound (first subscript) of each dimension; PostgreSQL's default is 1.
    std::vector<std::int32_t> lower_bounds;
    /// The elements in row-major order.
    std::vector<T> elements;

    /// Member-wise comparison.
    friend bool operator==(const array&, const array&) = default;
};

}  // namespace pgring
