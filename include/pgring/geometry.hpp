#pragma once

/// @file
/// PostgreSQL's geometric types as plain structs of doubles: pgring::point, line, lseg, box,
/// path, polygon and circle (their codecs are in codec.hpp).
///
/// Comparisons are member-wise on the doubles (so a NaN coordinate makes a value unequal to
/// itself), not PostgreSQL's geometric operators, which compare with a tolerance.

#include <vector>

namespace pgring {

/// A PostgreSQL `point`: `(x,y)`.
///
/// Thread: a plain value.
struct point {
    /// The coordinates, and member-wise equality.
    ///@{
    double x = 0;
    double y = 0;

    friend bool operator==(const point&, const point&) = default;
    ///@}
};

/// A PostgreSQL `line`: the infinite line `{a,b,c}` of the points where a*x + b*y + c = 0.
/// `a` and `b` cannot both be zero (PostgreSQL's test: both within 1e-6 of zero).
///
/// Thread: a plain value.
struct line {
    /// The coefficients of a*x + b*y + c = 0, and member-wise equality.
    ///@{
    double a = 0;
    double b = 0;
    double c = 0;

    friend bool operator==(const line&, const line&) = default;
    ///@}
};

/// A PostgreSQL `lseg`: the line segment `[start,end]`.
///
/// Thread: a plain value.
struct lseg {
    /// The end points, and member-wise equality.
    ///@{
    point start;
    point end;

    friend bool operator==(const lseg&, const lseg&) = default;
    ///@}
};

/// A PostgreSQL `box`: `(high),(low)`, its upper right and lower left corners. The server
/// stores any two opposite corners in this order (it swaps coordinates as needed), so a decoded
/// box has high.x >= low.x and high.y >= low.y, and a box sent the other way round comes back
/// ordered.
///
/// Thread: a plain value.
struct box {
    /// The upper right and lower left corners, and member-wise equality.
    ///@{
    point high;
    point low;

    friend bool operator==(const box&, const box&) = default;
    ///@}
};

/// A PostgreSQL `path`: an open (`[p1,...]`) or closed (`(p1,...)`) sequence of at least one
/// point.
///
/// Thread: a plain value.
struct path {
    /// Closed or open, its points, and member-wise equality.
    ///@{
    bool closed = false;
    std::vector<point> points;

    friend bool operator==(const path&, const path&) = default;
    ///@}
};

/// A PostgreSQL `polygon`: `(p1,...)`, at least one point. (The server also keeps the bounding
/// box, which it computes and does not send.)
///
/// Thread: a plain value.
struct polygon {
    /// The vertices, and member-wise equality.
    ///@{
    std::vector<point> points;

    friend bool operator==(const polygon&, const polygon&) = default;
    ///@}
};

/// A PostgreSQL `circle`: `<(x,y),radius>`, radius not negative.
///
/// Thread: a plain value.
struct circle {
    /// The center and radius, and member-wise equality.
    ///@{
    point center;
    double radius = 0;

    friend bool operator==(const circle&, const circle&) = default;
    ///@}
};

}  // namespace pgring
