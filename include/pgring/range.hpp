#pragma once

/// @file
/// PostgreSQL's range types as pgring::range<T>: int4range, int8range, numrange, daterange,
/// tsrange and tstzrange are range<int32_t>, range<int64_t>, range<numeric>, range<date>,
/// range<timestamp> and range<timestamptz> (their codec is in codec.hpp).

#include <optional>
#include <utility>

namespace pgring {

/// A PostgreSQL range value: `empty`, or a lower and an upper bound, each either absent
/// (unbounded: `(,5)`) or a value that the range includes or excludes (`[1,5)`).
///
/// The fields are the wire form: the server canonicalises a discrete range before it stores or
/// sends it (int4range `[1,5]` comes back as `[1,6)`, `[1,1)` as `empty`), and a decoded
/// range is in that form. A bound that is absent is never inclusive, and an empty range has no
/// bounds; a value breaking either rule is not is_valid() and is not sent. The order of the
/// bounds is not checked here: the server refuses a lower bound above the upper one.
///
/// The default value is `(,)`, the range of everything; empty_range() makes `empty`.
///
/// Thread: a plain value.
template <class T>
struct range {
    /// True for the empty range, which has no bounds.
    bool empty = false;
    /// The lower bound; absent for an unbounded (or an empty) range.
    std::optional<T> lower;
    /// The upper bound; absent for an unbounded (or an empty) range.
    std::optional<T> upper;
    /// Whether the range includes `lower` (`[`) or not (`(`); false when `lower` is absent.
    bool lower_inclusive = false;
    /// Whether the range includes `upper` (`]`) or not (`)`); false when `upper` is absent.
    bool upper_inclusive = false;

    /// The empty range.
    static range empty_range() {
        range r;
        r.empty = true;
        return r;
    }

    /// `[lower, upper)`: PostgreSQL's default bounds, and the canonical form of a discrete range.
    static range half_open(T lower, T upper) {
        range r;
        r.lower = std::move(lower);
        r.upper = std::move(upper);
        r.lower_inclusive = true;
        return r;
    }

    /// True when an empty range has no bounds and no inclusive flag, and an absent bound is not
    /// inclusive: when the value can be sent.
    bool is_valid() const noexcept {
        if (empty) {
            return !lower && !upper && !lower_inclusive && !upper_inclusive;
        }
        return (lower || !lower_inclusive) && (upper || !upper_inclusive);
    }

    /// Member-wise comparison (equal ranges of a discrete type compare equal only in the same
    /// form, which is the canonical one for every decoded value).
    friend bool operator==(const range&, const range&) = default;
};

}  // namespace pgring
