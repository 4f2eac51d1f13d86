#pragma once

/// @file
/// `pgring::result<T>`: the value of an operation, or the error code and diagnostics that say
/// why there is none. Returned by the `try_` forms of the facade's operations.

#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>

#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace pgring {

/// The error half of a result: a code and, when there is text, every diagnostic field.
struct failure {
    std::error_code code;     ///< never zero
    diagnostics diag;         ///< server fields, or pgring's own `client_message`
};

/// A `T` or a `failure`. Never empty.
///
/// Lifetime: owns its value; a `T` that is a view (row_view, ...) has its own lifetime rules.
template <class T>
class [[nodiscard]] result {
public:
    /// A successful result.
    result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    /// A failed result; `f.code` must be nonzero.
    result(failure f) : v_(std::in_place_index<1>, std::move(f)) {}  // NOLINT(google-explicit-constructor)

    /// True when there is a value.
    bool has_value() const noexcept { return v_.index() == 0; }
    /// has_value().
    explicit operator bool() const noexcept { return has_value(); }

    /// The value. Errors: throws `pgring::error` with the code and diagnostics when there is none.
    T& value() & {
        check();
        return std::get<0>(v_);
    }
    /// The value, moved out. Errors: as value() &.
    T&& value() && {
        check();
        return std::get<0>(std::move(v_));
    }
    /// Unchecked access to the value (has_value() must be true).
    ///@{
    T& operator*() & noexcept { return std::get<0>(v_); }
    T* operator->() noexcept { return &std::get<0>(v_); }
    const T* operator->() const noexcept { return &std::get<0>(v_); }
    ///@}

    /// The error code; zero when there is a value.
    std::error_code error() const noexcept { return has_value() ? std::error_code{} : std::get<1>(v_).code; }
    /// The diagnostics of the error. Only meaningful when has_value() is false.
    const diagnostics& diag() const noexcept {
        static const diagnostics none{};
        return has_value() ? none : std::get<1>(v_).diag;
    }

private:
    void check() const {
        if (!has_value()) {
            const failure& f = std::get<1>(v_);
            throw pgring::error(f.code, f.diag);
        }
    }
    std::variant<T, failure> v_;
};

/// A result without a value: success, or a failure.
template <>
class [[nodiscard]] result<void> {
public:
    /// Success.
    result() = default;
    /// A failure; `f.code` must be nonzero.
    result(failure f) : f_(std::move(f)) {}  // NOLINT(google-explicit-constructor)

    /// True on success.
    bool has_value() const noexcept { return !f_.code; }
    /// has_value().
    explicit operator bool() const noexcept { return has_value(); }
    /// Errors: throws `pgring::error` when this is a failure.
    void value() const {
        if (f_.code) {
            throw pgring::error(f_.code, f_.diag);
        }
    }
    /// The error code; zero on success.
    std::error_code error() const noexcept { return f_.code; }
    /// The diagnostics of the error.
    const diagnostics& diag() const noexcept { return f_.diag; }

private:
    failure f_;
};

}  // namespace pgring
