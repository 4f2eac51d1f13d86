#pragma once

/// @file
/// The binary codecs: `pgring::codec<T>`, the customisation point that turns C++ values into
/// PostgreSQL's binary format and back, and its built-in specialisations.
///
/// A codec is a specialisation of `template <class T> struct codec` with
///
///     static constexpr oid_t preferred_oid;
///     static bool accepts(oid_t type);
///     static std::size_t encoded_size(const T& value, oid_t type);
///     static std::error_code encode(const T& value, oid_t type, std::span<std::byte> out);
///     static std::error_code decode(oid_t type, std::span<const std::byte> in, T& out);
///
/// A codec for a type that is not built in, whose OID is chosen when the type is created (an
/// extension type such as PostGIS `geometry`), also declares the type's name (pg_type.typname):
///
///     static constexpr std::string_view type_name = "geometry";
///
/// and pgring then uses it for the columns and parameters of the type with that name, and for no
/// other type whose name it knows (the connection learns the names from the catalogs; see
/// connection::types()), whatever `accepts` says; its `encode`, `encoded_size` and `decode` must
/// take any OID for such values. `accepts` still decides where the name is not known.
///
/// `accepts` says whether values of PostgreSQL type `type` can be decoded into T and T encoded as
/// `type`; it runs once per statement (when RowDescription or ParameterDescription arrives), and
/// a type it refuses is `errc::type_mismatch`. `encoded_size` is the exact size of the value in
/// the binary format (meaningful only for a type `accepts` takes); `encode` writes exactly that
/// many bytes into `out`, which must be exactly that large. `decode` reads one non-NULL field
/// value: all of `in`, nothing more. `preferred_oid` is the type to declare for a parameter
/// when the choice is the client's (0: let the server infer it); `encode` and `encoded_size`
/// given type 0 use `preferred_oid`.
///
/// Errors, common to every codec: `encode` and `decode` answer `errc::type_mismatch` for a type
/// `accepts` refuses; `decode` answers `errc::malformed_message` for a short input, trailing
/// bytes or bytes the server cannot have sent (a bad numeric digit or sign, a date outside
/// PostgreSQL's range, a bad array header), and `errc::value_out_of_range` for a valid value
/// that T cannot hold exactly (an int8 of 9e18 into int32_t, numeric 1.5 into int64_t,
/// infinity into a std::chrono type): nothing is rounded or truncated silently. `encode`
/// answers `errc::value_out_of_range` for a value the type cannot hold (an int64_t of 2^40 as
/// int4), `errc::embedded_nul` for a text value containing a NUL byte, and `errc::invalid_state`
/// when `out` is not `encoded_size` bytes (a caller bug). On error the output object of
/// `decode` holds an unspecified valid value.
///
/// NULL never reaches `decode`: it arrives as a field of length -1, and only `std::optional<T>`
/// can hold it. Use decode_nullable() to decode a field that may be NULL, and is_null() to find
/// the parameters to send as NULL.
///
/// Thread: codecs are stateless functions; any thread may call them.

#include <pgring/array.hpp>
#include <pgring/bit_string.hpp>
#include <pgring/datetime.hpp>
#include <pgring/error.hpp>
#include <pgring/geometry.hpp>
#include <pgring/money.hpp>
#include <pgring/network.hpp>
#include <pgring/numeric.hpp>
#include <pgring/oid.hpp>
#include <pgring/pg_lsn.hpp>
#include <pgring/range.hpp>
#include <pgring/uuid.hpp>

#include <pgring/detail/byte_order.hpp>
#include <pgring/detail/codec_support.hpp>

#include <bit>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <ratio>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace pgring {

/// The codec of C++ type T; specialise it to teach pgring a type (see the file comment).
template <class T>
struct codec;

/// True when `codec<T>` is a complete codec.
template <class T>
concept has_codec = requires(const T& value, T& out, oid_t type, std::span<std::byte> dst,
                             std::span<const std::byte> src) {
    { codec<T>::preferred_oid } -> std::convertible_to<oid_t>;
    { codec<T>::accepts(type) } -> std::same_as<bool>;
    { codec<T>::encoded_size(value, type) } -> std::same_as<std::size_t>;
    { codec<T>::encode(value, type, dst) } -> std::same_as<std::error_code>;
    { codec<T>::decode(type, src, out) } -> std::same_as<std::error_code>;
};

namespace detail {

template <class T>
concept named_codec = requires {
    { codec<T>::type_name } -> std::convertible_to<std::string_view>;
};

/// codec<T>::type_name, or empty when the codec declares none.
template <class T>
constexpr std::string_view codec_type_name() noexcept {
    if constexpr (named_codec<T>) {
        return codec<T>::type_name;
    } else {
        return {};
    }
}

}  // namespace detail

/// True when codec<T> takes values of the type with OID `type` and name `name` (pg_type.typname
/// of a type that is not built in; empty when not known): for a codec with a type_name and a
/// known name, whether the names are equal; otherwise codec<T>::accepts(type).
template <has_codec T>
bool codec_accepts(oid_t type, std::string_view name) noexcept {
    constexpr std::string_view wanted = detail::codec_type_name<T>();
    if (!wanted.empty() && !name.empty()) {
        return wanted == name;
    }
    return codec<T>::accepts(type);
}

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

}  // namespace detail

/// True when `value` is SQL NULL: a disengaged std::optional. Every other value is not NULL.
template <class T>
constexpr bool is_null(const T& value) noexcept {
    if constexpr (detail::is_optional<T>::value) {
        return !value.has_value();
    } else {
        (void)value;
        return false;
    }
}

/// Decodes a field that may be NULL: `data == nullptr` means NULL (a DataRow length of -1);
/// otherwise `size` bytes at `data` are the value (an empty non-NULL value still needs a
/// non-null `data`).
///
/// Errors: `errc::unexpected_null` for NULL into a T that is not a std::optional (`out` is then
/// unchanged); NULL into a std::optional resets it. Otherwise those of `codec<T>::decode`.
///
/// Lifetime: a borrowing T (std::string_view, std::span) points into `data`.
template <has_codec T>
std::error_code decode_nullable(oid_t type, const std::byte* data, std::size_t size, T& out) {
    if (data == nullptr) {
        if constexpr (detail::is_optional<T>::value) {
            out.reset();
            return {};
        } else {
            return detail::make_error(errc::unexpected_null);
        }
    }
    return codec<T>::decode(type, std::span<const std::byte>(data, size), out);
}

// ---- bool ------------------------------------------------------------------------------------

/// bool <-> `bool` (boolsend: one byte, 1 or 0).
template <>
struct codec<bool> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::bool_;

    static bool accepts(oid_t type) noexcept { return type == oid::bool_; }

    static std::size_t encoded_size(const bool&, oid_t) noexcept { return 1; }

    static std::error_code encode(const bool& value, oid_t type, std::span<std::byte> out) noexcept {
        if (detail::effective_oid(type, preferred_oid) != oid::bool_) {
            return detail::make_error(errc::type_mismatch);
        }
        if (out.size() != 1) {
            return detail::make_error(errc::invalid_state);
        }
        out[0] = value ? std::byte{1} : std::byte{0};
        return {};
    }

    /// Errors: `errc::malformed_message` for a byte other than 0 and 1 (boolsend sends no other).
    static std::error_code decode(oid_t type, std::span<const std::byte> in, bool& out) noexcept {
        if (type != oid::bool_) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() != 1 || (in[0] != std::byte{0} && in[0] != std::byte{1})) {
            return detail::make_error(errc::malformed_message);
        }
        out = in[0] == std::byte{1};
        return {};
    }
    ///@}
};

// ---- integers --------------------------------------------------------------------------------

namespace detail {

template <class Wire, class T>
inline std::error_code decode_be_integer(std::span<const std::byte> in, T& out) noexcept {
    if (in.size() != sizeof(Wire)) {
        return make_error(errc::malformed_message);
    }
    const Wire w = load_be<Wire>(in.data());
    if (!std::in_range<T>(w)) {
        return make_error(errc::value_out_of_range);
    }
    out = static_cast<T>(w);
    return {};
}

template <class Wire, class T>
inline std::error_code encode_be_integer(T value, std::span<std::byte> out) noexcept {
    if (!std::in_range<Wire>(value)) {
        return make_error(errc::value_out_of_range);
    }
    if (out.size() != sizeof(Wire)) {
        return make_error(errc::invalid_state);
    }
    store_be<Wire>(out.data(), static_cast<Wire>(value));
    return {};
}

template <class T>
constexpr bool is_negative(T value) noexcept {
    if constexpr (std::is_signed_v<T>) {
        return value < 0;
    } else {
        (void)value;
        return false;
    }
}

template <class T>
constexpr oid_t preferred_integer_oid() noexcept {
    if constexpr (std::is_signed_v<T>) {
        return sizeof(T) <= 2 ? oid::int2 : sizeof(T) <= 4 ? oid::int4 : oid::int8;
    } else {
        // The smallest signed type that holds every value, so arithmetic on the parameter works.
        return sizeof(T) <= 2 ? oid::int4 : sizeof(T) <= 4 ? oid::int8 : oid::numeric;
    }
}

}  // namespace detail

/// Every integer type of 16 bits or more (int16_t, int32_t, int64_t, uint16_t, uint32_t,
/// uint64_t, and `long long` and alike) <-> int2, int4, int8, oid, xid, cid, xid8, the reg*
/// types (regclass, regtype, regproc, ...), and numeric.
///
/// Any of these integer types accepts any of these PostgreSQL types, and the value is checked:
/// an int8 decodes into int32_t only when it fits, and an int64_t encodes as int4 only when it
/// fits (`errc::value_out_of_range` otherwise). numeric decodes only when it is an integer
/// (`5.00` is; `1.5`, NaN and the infinities are not) that fits; integers encode as numeric
/// with dscale 0. Preferred types: int2, int4, int8 for the signed types by size; int4 for
/// 16-bit, int8 for 32-bit and numeric for 64-bit unsigned types.
template <detail::wire_integer T>
struct codec<T> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = detail::preferred_integer_oid<T>();

    static bool accepts(oid_t type) noexcept {
        return detail::integer_wire_of(type) != detail::integer_wire::none;
    }

    static std::size_t encoded_size(const T& value, oid_t type) noexcept {
        switch (detail::integer_wire_of(detail::effective_oid(type, preferred_oid))) {
            case detail::integer_wire::int2:
                return 2;
            case detail::integer_wire::int4:
            case detail::integer_wire::uint32:
                return 4;
            case detail::integer_wire::int8:
            case detail::integer_wire::uint64:
                return 8;
            case detail::integer_wire::numeric:
                return detail::numeric_integer_size(detail::magnitude_of(value));
            case detail::integer_wire::none:
                break;
        }
        return 0;
    }

    static std::error_code encode(const T& value, oid_t type, std::span<std::byte> out) noexcept {
        switch (detail::integer_wire_of(detail::effective_oid(type, preferred_oid))) {
            case detail::integer_wire::int2:
                return detail::encode_be_integer<std::int16_t>(value, out);
            case detail::integer_wire::int4:
                return detail::encode_be_integer<std::int32_t>(value, out);
            case detail::integer_wire::int8:
                return detail::encode_be_integer<std::int64_t>(value, out);
            case detail::integer_wire::uint32:
                return detail::encode_be_integer<std::uint32_t>(value, out);
            case detail::integer_wire::uint64:
                return detail::encode_be_integer<std::uint64_t>(value, out);
            case detail::integer_wire::numeric: {
                const std::uint64_t magnitude = detail::magnitude_of(value);
                if (out.size() != detail::numeric_integer_size(magnitude)) {
                    return detail::make_error(errc::invalid_state);
                }
                detail::store_numeric_integer(detail::is_negative(value), magnitude, out.data());
                return {};
            }
            case detail::integer_wire::none:
                break;
        }
        return detail::make_error(errc::type_mismatch);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, T& out) noexcept {
        switch (detail::integer_wire_of(type)) {
            case detail::integer_wire::int2:
                return detail::decode_be_integer<std::int16_t>(in, out);
            case detail::integer_wire::int4:
                return detail::decode_be_integer<std::int32_t>(in, out);
            case detail::integer_wire::int8:
                return detail::decode_be_integer<std::int64_t>(in, out);
            case detail::integer_wire::uint32:
                return detail::decode_be_integer<std::uint32_t>(in, out);
            case detail::integer_wire::uint64:
                return detail::decode_be_integer<std::uint64_t>(in, out);
            case detail::integer_wire::numeric: {
                bool negative = false;
                std::uint64_t magnitude = 0;
                if (const std::error_code ec = detail::load_numeric_integer(in, negative, magnitude)) {
                    return ec;
                }
                return detail::integer_from_magnitude(negative, magnitude, out);
            }
            case detail::integer_wire::none:
                break;
        }
        return detail::make_error(errc::type_mismatch);
    }
    ///@}
};

// ---- float4, float8 --------------------------------------------------------------------------

namespace detail {

inline float load_float4(const std::byte* p) noexcept {
    return std::bit_cast<float>(load_be<std::uint32_t>(p));
}
inline double load_float8(const std::byte* p) noexcept {
    return std::bit_cast<double>(load_be<std::uint64_t>(p));
}

/// double -> float as PostgreSQL's float8-to-float4 cast does it: rounded to nearest, but a
/// finite value that overflows to infinity or a nonzero value that underflows to zero is an
/// error. NaN stays NaN, infinities stay infinities.
inline std::error_code narrow_to_float(double d, float& out) noexcept {
    if (std::isnan(d)) {
        out = std::numeric_limits<float>::quiet_NaN();
        return {};
    }
    const double a = std::fabs(d);
    constexpr double float_max = std::numeric_limits<float>::max();
    // Doubles below float_max + half an ulp of it (2^103) round to float_max; from there up
    // (ties go to even, which is 2^128) they round to infinity. Checking first also keeps the
    // conversion below within float's range, where it is defined.
    constexpr double overflow_at = float_max + 0x1p103;
    if (std::isfinite(d) && a >= overflow_at) {
        return make_error(errc::value_out_of_range);
    }
    float f = 0;
    if (a > float_max && std::isfinite(d)) {
        f = d > 0 ? std::numeric_limits<float>::max() : -std::numeric_limits<float>::max();
    } else {
        f = static_cast<float>(d);
    }
    if (f == 0.0f && d != 0.0) {
        return make_error(errc::value_out_of_range);
    }
    out = f;
    return {};
}

}  // namespace detail

/// float4, float8 <-> `float`. NaN, the infinities and -0 are kept. A float8 decodes into
/// float only when float holds it exactly (NaN included); `errc::value_out_of_range` otherwise.
/// Encoding as float8 widens exactly. Integers and numeric are not accepted: a double is not
/// an exact decimal (use pgring::numeric).
template <>
struct codec<float> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::float4;

    static bool accepts(oid_t type) noexcept { return type == oid::float4 || type == oid::float8; }

    static std::size_t encoded_size(const float&, oid_t type) noexcept {
        return detail::effective_oid(type, preferred_oid) == oid::float8 ? 8 : 4;
    }

    static std::error_code encode(const float& value, oid_t type, std::span<std::byte> out) noexcept {
        switch (detail::effective_oid(type, preferred_oid)) {
            case oid::float4:
                if (out.size() != 4) {
                    return detail::make_error(errc::invalid_state);
                }
                detail::store_be<std::uint32_t>(out.data(), std::bit_cast<std::uint32_t>(value));
                return {};
            case oid::float8:
                if (out.size() != 8) {
                    return detail::make_error(errc::invalid_state);
                }
                detail::store_be<std::uint64_t>(out.data(),
                                                std::bit_cast<std::uint64_t>(static_cast<double>(value)));
                return {};
            default:
                return detail::make_error(errc::type_mismatch);
        }
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, float& out) noexcept {
        if (type == oid::float4) {
            if (in.size() != 4) {
                return detail::make_error(errc::malformed_message);
            }
            out = detail::load_float4(in.data());
            return {};
        }
        if (type == oid::float8) {
            if (in.size() != 8) {
                return detail::make_error(errc::malformed_message);
            }
            const double d = detail::load_float8(in.data());
            if (std::isnan(d)) {
                out = std::numeric_limits<float>::quiet_NaN();
                return {};
            }
            if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
                return detail::make_error(errc::value_out_of_range);
            }
            const float f = static_cast<float>(d);
            if (static_cast<double>(f) != d) {
                return detail::make_error(errc::value_out_of_range);
            }
            out = f;
            return {};
        }
        return detail::make_error(errc::type_mismatch);
    }
    ///@}
};

/// float4, float8 <-> `double`. NaN, the infinities and -0 are kept; float4 widens exactly.
/// Encoding as float4 rounds to the nearest float, as PostgreSQL's float8-to-float4 cast does,
/// except that a finite value overflowing to infinity, or a nonzero value underflowing to zero,
/// is `errc::value_out_of_range` (the server's cast rejects both too). Integers and numeric are
/// not accepted (use pgring::numeric).
template <>
struct codec<double> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::float8;

    static bool accepts(oid_t type) noexcept { return type == oid::float4 || type == oid::float8; }

    static std::size_t encoded_size(const double&, oid_t type) noexcept {
        return detail::effective_oid(type, preferred_oid) == oid::float4 ? 4 : 8;
    }

    static std::error_code encode(const double& value, oid_t type, std::span<std::byte> out) noexcept {
        switch (detail::effective_oid(type, preferred_oid)) {
            case oid::float8:
                if (out.size() != 8) {
                    return detail::make_error(errc::invalid_state);
                }
                detail::store_be<std::uint64_t>(out.data(), std::bit_cast<std::uint64_t>(value));
                return {};
            case oid::float4: {
                float f = 0;
                if (const std::error_code ec = detail::narrow_to_float(value, f)) {
                    return ec;
                }
                if (out.size() != 4) {
                    return detail::make_error(errc::invalid_state);
                }
                detail::store_be<std::uint32_t>(out.data(), std::bit_cast<std::uint32_t>(f));
                return {};
            }
            default:
                return detail::make_error(errc::type_mismatch);
        }
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, double& out) noexcept {
        if (type == oid::float8) {
            if (in.size() != 8) {
                return detail::make_error(errc::malformed_message);
            }
            out = detail::load_float8(in.data());
            return {};
        }
        if (type == oid::float4) {
            if (in.size() != 4) {
                return detail::make_error(errc::malformed_message);
            }
            out = static_cast<double>(detail::load_float4(in.data()));
            return {};
        }
        return detail::make_error(errc::type_mismatch);
    }
    ///@}
};

// ---- numeric ---------------------------------------------------------------------------------

/// numeric <-> `pgring::numeric`, losslessly (NaN, +-Infinity, any precision and display
/// scale); also int2, int4 and int8 <-> `pgring::numeric` (encoding as an integer type only
/// when the value is an integer that fits: `errc::value_out_of_range` otherwise).
///
/// Decoding rejects (`errc::malformed_message`) a sign other than positive, negative, NaN,
/// +Infinity and -Infinity; a digit outside [0, 9999]; a dscale above 16383; NaN or an infinity
/// with digits or a nonzero weight; and nonzero digits hidden beyond the dscale (numeric_send
/// never produces them; numeric_recv would truncate them). Leading and trailing zero digits
/// are normalised away. Encoding writes what numeric_send would (an infinity with dscale 32,
/// as PostgreSQL sends it).
template <>
struct codec<numeric> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::numeric;

    static bool accepts(oid_t type) noexcept;
    static std::size_t encoded_size(const numeric& value, oid_t type) noexcept;
    static std::error_code encode(const numeric& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, numeric& out);
    ///@}
};

// ---- text ------------------------------------------------------------------------------------

namespace detail {

inline bool has_nul(std::string_view s) noexcept {
    return !s.empty() && std::memchr(s.data(), 0, s.size()) != nullptr;
}

/// The text of a field in a string-like type; borrows from `in`.
inline std::error_code text_view_of(oid_t type, std::span<const std::byte> in,
                                    std::string_view& out) noexcept {
    const char* p = reinterpret_cast<const char*>(in.data());
    switch (text_wire_of(type)) {
        case text_wire::text:
        case text_wire::name:
        case text_wire::raw:
            out = std::string_view(p, in.size());
            return {};
        case text_wire::char_:
            if (in.size() != 1) {
                return make_error(errc::malformed_message);
            }
            out = std::string_view(p, in[0] == std::byte{0} ? 0 : 1);
            return {};
        case text_wire::versioned:
            if (in.empty() || in[0] != json_binary_version) {
                return make_error(errc::malformed_message);
            }
            out = std::string_view(p + 1, in.size() - 1);
            return {};
        case text_wire::none:
            break;
    }
    return make_error(errc::type_mismatch);
}

inline std::size_t text_encoded_size(std::string_view value, oid_t type) noexcept {
    switch (text_wire_of(type)) {
        case text_wire::char_:
            return 1;
        case text_wire::versioned:
            return value.size() + 1;
        default:
            return value.size();
    }
}

inline std::error_code encode_text(std::string_view value, oid_t type, std::span<std::byte> out) noexcept {
    const text_wire wire = text_wire_of(type);
    switch (wire) {
        case text_wire::none:
            return make_error(errc::type_mismatch);
        case text_wire::char_:
            if (value.size() > 1) {
                return make_error(errc::value_out_of_range);
            }
            if (out.size() != 1) {
                return make_error(errc::invalid_state);
            }
            out[0] = value.empty() ? std::byte{0} : static_cast<std::byte>(value[0]);
            return {};
        case text_wire::raw:
            break;
        case text_wire::name:
            if (value.size() > max_name_length) {
                return make_error(errc::value_out_of_range);
            }
            [[fallthrough]];
        case text_wire::text:
        case text_wire::versioned:
            if (has_nul(value)) {
                return make_error(errc::embedded_nul);
            }
            break;
    }
    const std::size_t prefix = wire == text_wire::versioned ? 1 : 0;
    if (out.size() != value.size() + prefix) {
        return make_error(errc::invalid_state);
    }
    if (prefix != 0) {
        out[0] = json_binary_version;
    }
    if (!value.empty()) {
        std::memcpy(out.data() + prefix, value.data(), value.size());
    }
    return {};
}

}  // namespace detail

/// text, varchar, bpchar, name, "char", unknown, json, xml, refcursor, pg_node_tree, jsonb,
/// jsonpath and every user-defined type <-> `std::string`.
///
/// The bytes are the text in the connection's encoding (pgring forces UTF-8). jsonb and jsonpath
/// carry a version byte (1) before the text in the binary format: the codec strips and adds it
/// (`errc::malformed_message` for another version). "char" is one byte; its NUL byte is the
/// empty string and a longer string is `errc::value_out_of_range`. name holds at most 63 bytes
/// (`errc::value_out_of_range`). Text containing a NUL byte cannot be sent
/// (`errc::embedded_nul`). For a user-defined type (OID 10000 and up: extension types such as
/// citext, enums, domains) the string is that type's binary representation, uninterpreted:
/// its text for citext and enums, but binary data for, say, hstore or a composite type.
template <>
struct codec<std::string> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::text;

    static bool accepts(oid_t type) noexcept { return detail::text_wire_of(type) != detail::text_wire::none; }

    static std::size_t encoded_size(const std::string& value, oid_t type) noexcept {
        return detail::text_encoded_size(value, detail::effective_oid(type, preferred_oid));
    }

    static std::error_code encode(const std::string& value, oid_t type, std::span<std::byte> out) noexcept {
        return detail::encode_text(value, detail::effective_oid(type, preferred_oid), out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, std::string& out) {
        std::string_view text;
        if (const std::error_code ec = detail::text_view_of(type, in, text)) {
            return ec;
        }
        out.assign(text.data(), text.size());
        return {};
    }
    ///@}
};

/// The same types as `std::string` <-> `std::string_view`, borrowing.
///
/// Lifetime: a decoded view points into the decoded bytes (the row's receive buffer): it dies
/// with them, at the latest at the next `co_await` on the connection. Copy to std::string to keep
/// the text.
template <>
struct codec<std::string_view> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::text;

    static bool accepts(oid_t type) noexcept { return detail::text_wire_of(type) != detail::text_wire::none; }

    static std::size_t encoded_size(const std::string_view& value, oid_t type) noexcept {
        return detail::text_encoded_size(value, detail::effective_oid(type, preferred_oid));
    }

    static std::error_code encode(const std::string_view& value, oid_t type,
                                  std::span<std::byte> out) noexcept {
        return detail::encode_text(value, detail::effective_oid(type, preferred_oid), out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, std::string_view& out) noexcept {
        return detail::text_view_of(type, in, out);
    }
    ///@}
};

// ---- bytea -----------------------------------------------------------------------------------

namespace detail {

constexpr bool bytes_accept(oid_t type) noexcept {
    return type == oid::bytea || is_user_defined_oid(type);
}

inline std::error_code encode_bytes(const void* data, std::size_t size, oid_t type,
                                    std::span<std::byte> out) noexcept {
    if (!bytes_accept(type)) {
        return make_error(errc::type_mismatch);
    }
    if (out.size() != size) {
        return make_error(errc::invalid_state);
    }
    if (size != 0) {
        std::memcpy(out.data(), data, size);
    }
    return {};
}

}  // namespace detail

/// bytea and every user-defined type <-> `std::vector<std::byte>`: the raw bytes (for a
/// user-defined type, its binary representation, uninterpreted).
template <>
struct codec<std::vector<std::byte>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::bytea;

    static bool accepts(oid_t type) noexcept { return detail::bytes_accept(type); }

    static std::size_t encoded_size(const std::vector<std::byte>& value, oid_t) noexcept {
        return value.size();
    }

    static std::error_code encode(const std::vector<std::byte>& value, oid_t type,
                                  std::span<std::byte> out) noexcept {
        return detail::encode_bytes(value.data(), value.size(), detail::effective_oid(type, preferred_oid),
                                    out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, std::vector<std::byte>& out) {
        if (!detail::bytes_accept(type)) {
            return detail::make_error(errc::type_mismatch);
        }
        out.assign(in.begin(), in.end());
        return {};
    }
    ///@}
};

/// bytea and every user-defined type <-> `std::vector<unsigned char>` (and so
/// `std::vector<std::uint8_t>`): the raw bytes.
template <>
struct codec<std::vector<unsigned char>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::bytea;

    static bool accepts(oid_t type) noexcept { return detail::bytes_accept(type); }

    static std::size_t encoded_size(const std::vector<unsigned char>& value, oid_t) noexcept {
        return value.size();
    }

    static std::error_code encode(const std::vector<unsigned char>& value, oid_t type,
                                  std::span<std::byte> out) noexcept {
        return detail::encode_bytes(value.data(), value.size(), detail::effective_oid(type, preferred_oid),
                                    out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in,
                                  std::vector<unsigned char>& out) {
        if (!detail::bytes_accept(type)) {
            return detail::make_error(errc::type_mismatch);
        }
        const auto* p = reinterpret_cast<const unsigned char*>(in.data());
        out.assign(p, p + in.size());
        return {};
    }
    ///@}
};

/// bytea and every user-defined type <-> `std::span<const std::byte>`, borrowing.
///
/// Lifetime: a decoded span points into the decoded bytes (the row's receive buffer): it dies
/// with them, at the latest at the next `co_await` on the connection.
template <>
struct codec<std::span<const std::byte>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::bytea;

    static bool accepts(oid_t type) noexcept { return detail::bytes_accept(type); }

    static std::size_t encoded_size(const std::span<const std::byte>& value, oid_t) noexcept {
        return value.size();
    }

    static std::error_code encode(const std::span<const std::byte>& value, oid_t type,
                                  std::span<std::byte> out) noexcept {
        return detail::encode_bytes(value.data(), value.size(), detail::effective_oid(type, preferred_oid),
                                    out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in,
                                  std::span<const std::byte>& out) noexcept {
        if (!detail::bytes_accept(type)) {
            return detail::make_error(errc::type_mismatch);
        }
        out = in;
        return {};
    }
    ///@}
};

// ---- uuid ------------------------------------------------------------------------------------

/// uuid <-> `pgring::uuid` (uuid_send: the 16 bytes).
template <>
struct codec<uuid> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::uuid;

    static bool accepts(oid_t type) noexcept { return type == oid::uuid; }

    static std::size_t encoded_size(const uuid&, oid_t) noexcept { return 16; }

    static std::error_code encode(const uuid& value, oid_t type, std::span<std::byte> out) noexcept {
        if (detail::effective_oid(type, preferred_oid) != oid::uuid) {
            return detail::make_error(errc::type_mismatch);
        }
        if (out.size() != 16) {
            return detail::make_error(errc::invalid_state);
        }
        std::memcpy(out.data(), value.bytes.data(), 16);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, uuid& out) noexcept {
        if (type != oid::uuid) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() != 16) {
            return detail::make_error(errc::malformed_message);
        }
        std::memcpy(out.bytes.data(), in.data(), 16);
        return {};
    }
    ///@}
};

// ---- inet, cidr, macaddr, macaddr8 -----------------------------------------------------------

/// inet, cidr <-> `pgring::inet`. inet_send and cidr_send write: family (2: IPv4, 3: IPv6), the
/// prefix length, an is_cidr byte (0 for inet, 1 for cidr), the address length (4 or 16), then
/// the address bytes.
///
/// Decoding rejects (`errc::malformed_message`) another family, a prefix length past the
/// family's, an address length other than the family's, an is_cidr byte other than the type's,
/// and a cidr with address bits set past its prefix. Encoding refuses (`errc::value_out_of_range`)
/// a value that is not inet::is_valid(), and, as cidr, one with bits set past its prefix.
template <>
struct codec<inet> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::inet;

    static bool accepts(oid_t type) noexcept { return type == oid::inet || type == oid::cidr; }
    static std::size_t encoded_size(const inet& value, oid_t type) noexcept;
    static std::error_code encode(const inet& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, inet& out) noexcept;
    ///@}
};

/// cidr, inet <-> `pgring::cidr`: the format and checks of codec<inet>. An inet decodes only
/// when no bit past its prefix is set (`errc::value_out_of_range` otherwise); a cidr that is not
/// cidr::is_valid() is not encoded (`errc::value_out_of_range`).
template <>
struct codec<cidr> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::cidr;

    static bool accepts(oid_t type) noexcept { return type == oid::inet || type == oid::cidr; }
    static std::size_t encoded_size(const cidr& value, oid_t type) noexcept;
    static std::error_code encode(const cidr& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, cidr& out) noexcept;
    ///@}
};

/// macaddr <-> `pgring::macaddr` (macaddr_send: the 6 bytes).
template <>
struct codec<macaddr> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::macaddr;

    static bool accepts(oid_t type) noexcept { return type == oid::macaddr; }

    static std::size_t encoded_size(const macaddr&, oid_t) noexcept { return 6; }

    static std::error_code encode(const macaddr& value, oid_t type, std::span<std::byte> out) noexcept {
        if (detail::effective_oid(type, preferred_oid) != oid::macaddr) {
            return detail::make_error(errc::type_mismatch);
        }
        if (out.size() != 6) {
            return detail::make_error(errc::invalid_state);
        }
        std::memcpy(out.data(), value.bytes.data(), 6);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, macaddr& out) noexcept {
        if (type != oid::macaddr) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() != 6) {
            return detail::make_error(errc::malformed_message);
        }
        std::memcpy(out.bytes.data(), in.data(), 6);
        return {};
    }
    ///@}
};

/// macaddr8 <-> `pgring::macaddr8` (macaddr8_send: the 8 bytes).
template <>
struct codec<macaddr8> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::macaddr8;

    static bool accepts(oid_t type) noexcept { return type == oid::macaddr8; }

    static std::size_t encoded_size(const macaddr8&, oid_t) noexcept { return 8; }

    static std::error_code encode(const macaddr8& value, oid_t type, std::span<std::byte> out) noexcept {
        if (detail::effective_oid(type, preferred_oid) != oid::macaddr8) {
            return detail::make_error(errc::type_mismatch);
        }
        if (out.size() != 8) {
            return detail::make_error(errc::invalid_state);
        }
        std::memcpy(out.data(), value.bytes.data(), 8);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, macaddr8& out) noexcept {
        if (type != oid::macaddr8) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() != 8) {
            return detail::make_error(errc::malformed_message);
        }
        std::memcpy(out.bytes.data(), in.data(), 8);
        return {};
    }
    ///@}
};

// ---- geometric types -------------------------------------------------------------------------

/// point <-> `pgring::point` (point_send: x, y as float8). NaN and the infinities are kept.
template <>
struct codec<point> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::point;

    static bool accepts(oid_t type) noexcept { return type == oid::point; }
    static std::size_t encoded_size(const point&, oid_t) noexcept { return 16; }
    static std::error_code encode(const point& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, point& out) noexcept;
    ///@}
};

/// line <-> `pgring::line` (line_send: a, b, c as float8).
///
/// Errors: a line whose a and b are both within 1e-6 of zero, which line_in and line_recv refuse,
/// is `errc::malformed_message` to decode and `errc::value_out_of_range` to encode.
template <>
struct codec<line> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::line;

    static bool accepts(oid_t type) noexcept { return type == oid::line; }
    static std::size_t encoded_size(const line&, oid_t) noexcept { return 24; }
    static std::error_code encode(const line& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, line& out) noexcept;
    ///@}
};

/// lseg <-> `pgring::lseg` (lseg_send: the two end points).
template <>
struct codec<lseg> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::lseg;

    static bool accepts(oid_t type) noexcept { return type == oid::lseg; }
    static std::size_t encoded_size(const lseg&, oid_t) noexcept { return 32; }
    static std::error_code encode(const lseg& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, lseg& out) noexcept;
    ///@}
};

/// box <-> `pgring::box` (box_send: the high corner, then the low one). The corners are sent as
/// they are; the server reorders the coordinates of a box whose high corner is not the upper
/// right one (see pgring::box).
template <>
struct codec<box> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::box;

    static bool accepts(oid_t type) noexcept { return type == oid::box; }
    static std::size_t encoded_size(const box&, oid_t) noexcept { return 32; }
    static std::error_code encode(const box& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, box& out) noexcept;
    ///@}
};

/// path <-> `pgring::path` (path_send: a closed byte, 1 or 0, an int32 point count, then the
/// points).
///
/// Errors: decoding rejects (`errc::malformed_message`) a closed byte other than 0 and 1, a
/// count below 1 or past path_recv's limit ((INT_MAX - 16) / 16), and a byte count other than
/// the points'. Encoding refuses (`errc::value_out_of_range`) a path without points or with too
/// many for path_recv.
template <>
struct codec<path> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::path;

    static bool accepts(oid_t type) noexcept { return type == oid::path; }
    static std::size_t encoded_size(const path& value, oid_t) noexcept {
        return 5 + 16 * value.points.size();
    }
    static std::error_code encode(const path& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, path& out);
    ///@}
};

/// polygon <-> `pgring::polygon` (poly_send: an int32 point count, then the points).
///
/// Errors: as for path, without the closed byte; poly_recv's limit is (INT_MAX - 40) / 16.
template <>
struct codec<polygon> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::polygon;

    static bool accepts(oid_t type) noexcept { return type == oid::polygon; }
    static std::size_t encoded_size(const polygon& value, oid_t) noexcept {
        return 4 + 16 * value.points.size();
    }
    static std::error_code encode(const polygon& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, polygon& out);
    ///@}
};

/// circle <-> `pgring::circle` (circle_send: the center, then the radius, as float8).
///
/// Errors: a negative radius, which circle_recv refuses, is `errc::malformed_message` to decode
/// and `errc::value_out_of_range` to encode (a NaN radius is kept).
template <>
struct codec<circle> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::circle;

    static bool accepts(oid_t type) noexcept { return type == oid::circle; }
    static std::size_t encoded_size(const circle&, oid_t) noexcept { return 24; }
    static std::error_code encode(const circle& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, circle& out) noexcept;
    ///@}
};

// ---- bit, varbit -----------------------------------------------------------------------------

/// bit, varbit <-> `pgring::bit_string` (bit_send and varbit_send: int32 bit count, then
/// (count + 7) / 8 bytes, most significant bit first, the last byte zero-padded). Preferred:
/// varbit, whose unconstrained length takes a bit string of any size (a `bit` column still
/// checks its declared length on the server).
///
/// Decoding rejects (`errc::malformed_message`) a negative bit count or one above
/// bit_string::max_bits, a byte count other than (count + 7) / 8, and set padding bits.
/// Encoding refuses (`errc::value_out_of_range`) a value that is not bit_string::is_valid().
template <>
struct codec<bit_string> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::varbit;

    static bool accepts(oid_t type) noexcept { return type == oid::bit || type == oid::varbit; }
    static std::size_t encoded_size(const bit_string& value, oid_t type) noexcept;
    static std::error_code encode(const bit_string& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, bit_string& out);
    ///@}
};

// ---- money, pg_lsn ---------------------------------------------------------------------------

/// money <-> `pgring::money` (cash_send: the amount as int64 in the smallest currency unit).
/// Any int64 is a valid amount.
template <>
struct codec<money> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::money;

    static bool accepts(oid_t type) noexcept { return type == oid::money; }

    static std::size_t encoded_size(const money&, oid_t) noexcept { return 8; }

    static std::error_code encode(const money& value, oid_t type, std::span<std::byte> out) noexcept {
        if (detail::effective_oid(type, preferred_oid) != oid::money) {
            return detail::make_error(errc::type_mismatch);
        }
        return detail::encode_be_integer<std::int64_t>(value.cents, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, money& out) noexcept {
        if (type != oid::money) {
            return detail::make_error(errc::type_mismatch);
        }
        return detail::decode_be_integer<std::int64_t>(in, out.cents);
    }
    ///@}
};

/// pg_lsn <-> `pgring::pg_lsn` (pg_lsn_send: the position as uint64). Any value is valid.
template <>
struct codec<pg_lsn> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::pg_lsn;

    static bool accepts(oid_t type) noexcept { return type == oid::pg_lsn; }

    static std::size_t encoded_size(const pg_lsn&, oid_t) noexcept { return 8; }

    static std::error_code encode(const pg_lsn& value, oid_t type, std::span<std::byte> out) noexcept {
        if (detail::effective_oid(type, preferred_oid) != oid::pg_lsn) {
            return detail::make_error(errc::type_mismatch);
        }
        return detail::encode_be_integer<std::uint64_t>(value.value, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, pg_lsn& out) noexcept {
        if (type != oid::pg_lsn) {
            return detail::make_error(errc::type_mismatch);
        }
        return detail::decode_be_integer<std::uint64_t>(in, out.value);
    }
    ///@}
};

// ---- date and time ---------------------------------------------------------------------------

namespace detail {

/// Reads exactly sizeof(T) bytes of a fixed-size type, or fails.
template <class T>
inline std::error_code load_fixed(oid_t type, oid_t expected, std::span<const std::byte> in,
                                  T& out) noexcept {
    if (type != expected) {
        return make_error(errc::type_mismatch);
    }
    if (in.size() != sizeof(T)) {
        return make_error(errc::malformed_message);
    }
    out = load_be<T>(in.data());
    return {};
}

/// Checks the type and size of an encode of a fixed-size type.
inline std::error_code check_fixed(oid_t type, oid_t expected, std::span<std::byte> out,
                                   std::size_t size) noexcept {
    if (type != expected) {
        return make_error(errc::type_mismatch);
    }
    if (out.size() != size) {
        return make_error(errc::invalid_state);
    }
    return {};
}

/// Durations that convert to and from microseconds by one multiplication or division:
/// an integral representation and a period that is a whole number of microseconds or a whole
/// fraction of one (every std::chrono duration alias qualifies).
template <class D>
concept microsecond_duration =
    std::is_integral_v<typename D::rep> && !std::is_same_v<typename D::rep, bool> &&
    (std::ratio_divide<typename D::period, std::micro>::num == 1 ||
     std::ratio_divide<typename D::period, std::micro>::den == 1);

/// Microseconds -> D, exactly: `errc::value_out_of_range` when D's unit does not divide the
/// value or its representation overflows.
template <microsecond_duration D>
inline std::error_code microseconds_to(std::int64_t us, D& out) noexcept {
    using unit = std::ratio_divide<typename D::period, std::micro>;
    using rep = typename D::rep;
    std::int64_t ticks = 0;
    if constexpr (unit::den == 1) {
        if (us % unit::num != 0) {
            return make_error(errc::value_out_of_range);
        }
        ticks = us / unit::num;
    } else if (__builtin_mul_overflow(us, static_cast<std::int64_t>(unit::den), &ticks)) {
        return make_error(errc::value_out_of_range);
    }
    if (!std::in_range<rep>(ticks)) {
        return make_error(errc::value_out_of_range);
    }
    out = D(static_cast<rep>(ticks));
    return {};
}

/// D -> microseconds, exactly: `errc::value_out_of_range` for a fraction of a microsecond or an
/// overflow of int64_t.
template <microsecond_duration D>
inline std::error_code microseconds_from(const D& d, std::int64_t& out) noexcept {
    using unit = std::ratio_divide<typename D::period, std::micro>;
    const auto count = d.count();
    if (!std::in_range<std::int64_t>(count)) {
        return make_error(errc::value_out_of_range);
    }
    const auto ticks = static_cast<std::int64_t>(count);
    if constexpr (unit::den == 1) {
        if (__builtin_mul_overflow(ticks, static_cast<std::int64_t>(unit::num), &out)) {
            return make_error(errc::value_out_of_range);
        }
    } else {
        if (ticks % unit::den != 0) {
            return make_error(errc::value_out_of_range);
        }
        out = ticks / unit::den;
    }
    return {};
}

}  // namespace detail

/// date <-> `pgring::date`, with its infinities and full range.
///
/// Errors: decoding a value outside PostgreSQL's range is `errc::malformed_message`; encoding
/// one is `errc::value_out_of_range`.
template <>
struct codec<date> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::date;

    static bool accepts(oid_t type) noexcept { return type == oid::date; }

    static std::size_t encoded_size(const date&, oid_t) noexcept { return 4; }

    static std::error_code encode(const date& value, oid_t type, std::span<std::byte> out) noexcept {
        if (const std::error_code ec =
                detail::check_fixed(detail::effective_oid(type, preferred_oid), oid::date, out, 4)) {
            return ec;
        }
        if (!value.is_valid()) {
            return detail::make_error(errc::value_out_of_range);
        }
        detail::store_be<std::int32_t>(out.data(), value.days);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, date& out) noexcept {
        date d;
        if (const std::error_code ec = detail::load_fixed(type, oid::date, in, d.days)) {
            return ec;
        }
        if (!d.is_valid()) {
            return detail::make_error(errc::malformed_message);
        }
        out = d;
        return {};
    }
    ///@}
};

/// time <-> `pgring::time` (microseconds since midnight, up to 24:00:00).
///
/// Errors: decoding a value outside [0, 24:00:00] is `errc::malformed_message`; encoding one
/// is `errc::value_out_of_range`.
template <>
struct codec<time> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::time;

    static bool accepts(oid_t type) noexcept { return type == oid::time; }

    static std::size_t encoded_size(const time&, oid_t) noexcept { return 8; }

    static std::error_code encode(const time& value, oid_t type, std::span<std::byte> out) noexcept {
        if (const std::error_code ec =
                detail::check_fixed(detail::effective_oid(type, preferred_oid), oid::time, out, 8)) {
            return ec;
        }
        if (!value.is_valid()) {
            return detail::make_error(errc::value_out_of_range);
        }
        detail::store_be<std::int64_t>(out.data(), value.microseconds);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, time& out) noexcept {
        time t;
        if (const std::error_code ec = detail::load_fixed(type, oid::time, in, t.microseconds)) {
            return ec;
        }
        if (!t.is_valid()) {
            return detail::make_error(errc::malformed_message);
        }
        out = t;
        return {};
    }
    ///@}
};

/// timetz <-> `pgring::timetz` (timetz_send: int64 microseconds, then int32 seconds *west* of
/// UTC; the codec negates to seconds east).
///
/// Errors: decoding a time outside [0, 24:00:00] or an offset of 16 hours or more is
/// `errc::malformed_message`; encoding one is `errc::value_out_of_range`.
template <>
struct codec<timetz> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::timetz;

    static bool accepts(oid_t type) noexcept { return type == oid::timetz; }

    static std::size_t encoded_size(const timetz&, oid_t) noexcept { return 12; }

    static std::error_code encode(const timetz& value, oid_t type, std::span<std::byte> out) noexcept {
        if (const std::error_code ec =
                detail::check_fixed(detail::effective_oid(type, preferred_oid), oid::timetz, out, 12)) {
            return ec;
        }
        if (!value.is_valid()) {
            return detail::make_error(errc::value_out_of_range);
        }
        detail::store_be<std::int64_t>(out.data(), value.time_of_day.microseconds);
        detail::store_be<std::int32_t>(out.data() + 8, -value.utc_offset);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, timetz& out) noexcept {
        if (type != oid::timetz) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() != 12) {
            return detail::make_error(errc::malformed_message);
        }
        const std::int32_t west = detail::load_be<std::int32_t>(in.data() + 8);
        if (west < -timetz::max_offset || west > timetz::max_offset) {
            return detail::make_error(errc::malformed_message);
        }
        timetz t;
        t.time_of_day.microseconds = detail::load_be<std::int64_t>(in.data());
        t.utc_offset = -west;
        if (!t.is_valid()) {
            return detail::make_error(errc::malformed_message);
        }
        out = t;
        return {};
    }
    ///@}
};

namespace detail {

template <class Stamp>
struct timestamp_codec {
    static std::error_code encode(const Stamp& value, oid_t type, oid_t expected,
                                  std::span<std::byte> out) noexcept {
        if (const std::error_code ec = check_fixed(type, expected, out, 8)) {
            return ec;
        }
        if (!value.is_valid()) {
            return make_error(errc::value_out_of_range);
        }
        store_be<std::int64_t>(out.data(), value.microseconds);
        return {};
    }

    static std::error_code decode(oid_t type, oid_t expected, std::span<const std::byte> in,
                                  Stamp& out) noexcept {
        Stamp s;
        if (const std::error_code ec = load_fixed(type, expected, in, s.microseconds)) {
            return ec;
        }
        if (!s.is_valid()) {
            return make_error(errc::malformed_message);
        }
        out = s;
        return {};
    }
};

}  // namespace detail

/// timestamp <-> `pgring::timestamp`, with its infinities and full range. timestamptz is not
/// accepted: an instant and a wall-clock reading are different things (std::chrono::sys_time
/// takes either).
///
/// Errors: decoding a value outside PostgreSQL's range is `errc::malformed_message`; encoding
/// one is `errc::value_out_of_range`.
template <>
struct codec<timestamp> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::timestamp;

    static bool accepts(oid_t type) noexcept { return type == oid::timestamp; }

    static std::size_t encoded_size(const timestamp&, oid_t) noexcept { return 8; }

    static std::error_code encode(const timestamp& value, oid_t type, std::span<std::byte> out) noexcept {
        return detail::timestamp_codec<timestamp>::encode(value, detail::effective_oid(type, preferred_oid),
                                                          oid::timestamp, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, timestamp& out) noexcept {
        return detail::timestamp_codec<timestamp>::decode(type, oid::timestamp, in, out);
    }
    ///@}
};

/// timestamptz <-> `pgring::timestamptz` (UTC), with its infinities and full range.
///
/// Errors: as for timestamp.
template <>
struct codec<timestamptz> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::timestamptz;

    static bool accepts(oid_t type) noexcept { return type == oid::timestamptz; }

    static std::size_t encoded_size(const timestamptz&, oid_t) noexcept { return 8; }

    static std::error_code encode(const timestamptz& value, oid_t type, std::span<std::byte> out) noexcept {
        return detail::timestamp_codec<timestamptz>::encode(value, detail::effective_oid(type, preferred_oid),
                                                            oid::timestamptz, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, timestamptz& out) noexcept {
        return detail::timestamp_codec<timestamptz>::decode(type, oid::timestamptz, in, out);
    }
    ///@}
};

/// interval <-> `pgring::interval` (interval_send: int64 microseconds, int32 days, int32
/// months), losslessly.
template <>
struct codec<interval> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::interval;

    static bool accepts(oid_t type) noexcept { return type == oid::interval; }

    static std::size_t encoded_size(const interval&, oid_t) noexcept { return 16; }

    static std::error_code encode(const interval& value, oid_t type, std::span<std::byte> out) noexcept {
        if (const std::error_code ec =
                detail::check_fixed(detail::effective_oid(type, preferred_oid), oid::interval, out, 16)) {
            return ec;
        }
        detail::store_be<std::int64_t>(out.data(), value.microseconds);
        detail::store_be<std::int32_t>(out.data() + 8, value.days);
        detail::store_be<std::int32_t>(out.data() + 12, value.months);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, interval& out) noexcept {
        if (type != oid::interval) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() != 16) {
            return detail::make_error(errc::malformed_message);
        }
        out.microseconds = detail::load_be<std::int64_t>(in.data());
        out.days = detail::load_be<std::int32_t>(in.data() + 8);
        out.months = detail::load_be<std::int32_t>(in.data() + 12);
        return {};
    }
    ///@}
};

/// date <-> `std::chrono::year_month_day` (proleptic Gregorian; year 0 is 1 BC).
///
/// Errors: decoding an infinity or a date after 32767-12-31 is `errc::value_out_of_range`;
/// so is encoding a day that is not `ok()` or lies before 4714-11-24 BC.
template <>
struct codec<std::chrono::year_month_day> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::date;

    static bool accepts(oid_t type) noexcept { return type == oid::date; }

    static std::size_t encoded_size(const std::chrono::year_month_day&, oid_t) noexcept { return 4; }

    static std::error_code encode(const std::chrono::year_month_day& value, oid_t type,
                                  std::span<std::byte> out) noexcept {
        date d;
        if (const std::error_code ec = date::from_ymd(value, d)) {
            return ec;
        }
        return codec<date>::encode(d, type, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in,
                                  std::chrono::year_month_day& out) noexcept {
        date d;
        if (const std::error_code ec = codec<date>::decode(type, in, d)) {
            return ec;
        }
        return d.to_ymd(out);
    }
    ///@}
};

/// date <-> `std::chrono::sys_days` (days since 1970-01-01).
///
/// Errors: decoding an infinity is `errc::value_out_of_range`; so is encoding a day outside
/// PostgreSQL's range (4714-11-24 BC to 5874897-12-31).
template <>
struct codec<std::chrono::sys_days> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::date;

    static bool accepts(oid_t type) noexcept { return type == oid::date; }

    static std::size_t encoded_size(const std::chrono::sys_days&, oid_t) noexcept { return 4; }

    static std::error_code encode(const std::chrono::sys_days& value, oid_t type,
                                  std::span<std::byte> out) noexcept {
        const auto days = value.time_since_epoch().count();
        if (days < std::int64_t{date::min_days} + postgres_epoch_days ||
            days > std::int64_t{date::max_days} + postgres_epoch_days) {
            return detail::make_error(errc::value_out_of_range);
        }
        return codec<date>::encode(date{static_cast<std::int32_t>(days - postgres_epoch_days)}, type, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in,
                                  std::chrono::sys_days& out) noexcept {
        date d;
        if (const std::error_code ec = codec<date>::decode(type, in, d)) {
            return ec;
        }
        if (!d.is_finite()) {
            return detail::make_error(errc::value_out_of_range);
        }
        out = std::chrono::sys_days(std::chrono::days(std::int64_t{d.days} + postgres_epoch_days));
        return {};
    }
    ///@}
};

/// timestamptz and timestamp <-> `std::chrono::sys_time<D>` for any duration D with an integral
/// representation and a period that divides or is divided by a microsecond:
/// `sys_time<std::chrono::microseconds>`, `std::chrono::system_clock::time_point` (nanoseconds),
/// `std::chrono::sys_seconds`, ... A timestamp (without time zone) is read as if it were UTC.
///
/// Errors: `errc::value_out_of_range` when decoding an infinity, a value past what D holds
/// (sys_time<microseconds> ends in year 294247; system_clock::time_point in 2262) or one that
/// is not a whole number of D's unit (12:00:00.5 into sys_seconds); likewise when encoding a
/// fraction of a microsecond or an instant outside PostgreSQL's range.
template <detail::microsecond_duration D>
struct codec<std::chrono::time_point<std::chrono::system_clock, D>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    using value_type = std::chrono::time_point<std::chrono::system_clock, D>;

    static constexpr oid_t preferred_oid = oid::timestamptz;

    static bool accepts(oid_t type) noexcept { return type == oid::timestamptz || type == oid::timestamp; }

    static std::size_t encoded_size(const value_type&, oid_t) noexcept { return 8; }

    static std::error_code encode(const value_type& value, oid_t type, std::span<std::byte> out) noexcept {
        type = detail::effective_oid(type, preferred_oid);
        if (!accepts(type)) {
            return detail::make_error(errc::type_mismatch);
        }
        std::int64_t unix_us = 0;
        if (const std::error_code ec = detail::microseconds_from(value.time_since_epoch(), unix_us)) {
            return ec;
        }
        std::int64_t us = 0;
        if (__builtin_sub_overflow(unix_us, postgres_epoch_microseconds, &us) ||
            us < timestamp::min_microseconds || us > timestamp::max_microseconds) {
            return detail::make_error(errc::value_out_of_range);
        }
        if (out.size() != 8) {
            return detail::make_error(errc::invalid_state);
        }
        detail::store_be<std::int64_t>(out.data(), us);
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, value_type& out) noexcept {
        if (!accepts(type)) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() != 8) {
            return detail::make_error(errc::malformed_message);
        }
        const timestamp t{detail::load_be<std::int64_t>(in.data())};
        if (!t.is_valid()) {
            return detail::make_error(errc::malformed_message);
        }
        std::int64_t unix_us = 0;
        if (!t.is_finite() || __builtin_add_overflow(t.microseconds, postgres_epoch_microseconds, &unix_us)) {
            return detail::make_error(errc::value_out_of_range);
        }
        D d{};
        if (const std::error_code ec = detail::microseconds_to(unix_us, d)) {
            return ec;
        }
        out = value_type(d);
        return {};
    }
    ///@}
};

/// interval and time <-> `std::chrono::duration<Rep, Period>` (an integral Rep and a period that
/// divides or is divided by a microsecond: std::chrono::microseconds, nanoseconds, seconds,
/// ...). Encoding prefers interval (months and days 0).
///
/// Errors: `errc::value_out_of_range` when decoding an interval with months or days (their
/// length varies), a value that is not a whole number of the duration's unit, or one the
/// representation cannot hold; likewise when encoding a fraction of a microsecond, or a time
/// outside [0, 24:00:00].
template <class Rep, class Period>
requires detail::microsecond_duration<std::chrono::duration<Rep, Period>>
struct codec<std::chrono::duration<Rep, Period>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    using value_type = std::chrono::duration<Rep, Period>;

    static constexpr oid_t preferred_oid = oid::interval;

    static bool accepts(oid_t type) noexcept { return type == oid::interval || type == oid::time; }

    static std::size_t encoded_size(const value_type&, oid_t type) noexcept {
        return detail::effective_oid(type, preferred_oid) == oid::time ? 8 : 16;
    }

    static std::error_code encode(const value_type& value, oid_t type, std::span<std::byte> out) noexcept {
        type = detail::effective_oid(type, preferred_oid);
        if (!accepts(type)) {
            return detail::make_error(errc::type_mismatch);
        }
        std::int64_t us = 0;
        if (const std::error_code ec = detail::microseconds_from(value, us)) {
            return ec;
        }
        if (type == oid::time) {
            return codec<time>::encode(time{us}, type, out);
        }
        return codec<interval>::encode(interval{0, 0, us}, type, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, value_type& out) noexcept {
        std::int64_t us = 0;
        if (type == oid::time) {
            time t;
            if (const std::error_code ec = codec<time>::decode(type, in, t)) {
                return ec;
            }
            us = t.microseconds;
        } else {
            interval iv;
            if (const std::error_code ec = codec<interval>::decode(type, in, iv)) {
                return ec;
            }
            if (iv.months != 0 || iv.days != 0) {
                return detail::make_error(errc::value_out_of_range);
            }
            us = iv.microseconds;
        }
        return detail::microseconds_to(us, out);
    }
    ///@}
};

// ---- NULL ------------------------------------------------------------------------------------

/// Any type with a codec <-> `std::optional<T>`, which alone can hold SQL NULL.
///
/// NULL itself never passes through a codec (it is a field length of -1): decode_nullable()
/// resets the optional for a NULL field, and the Bind encoder sends is_null() parameters as
/// NULL. `decode` engages the optional and decodes into it (reusing its storage); `encode` of
/// an empty optional is `errc::unexpected_null`, a caller bug.
template <has_codec T>
struct codec<std::optional<T>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = codec<T>::preferred_oid;
    static constexpr std::string_view type_name = detail::codec_type_name<T>();

    static bool accepts(oid_t type) noexcept { return codec<T>::accepts(type); }

    static std::size_t encoded_size(const std::optional<T>& value, oid_t type) noexcept {
        return value ? codec<T>::encoded_size(*value, type) : 0;
    }

    static std::error_code encode(const std::optional<T>& value, oid_t type, std::span<std::byte> out) {
        if (!value) {
            return detail::make_error(errc::unexpected_null);
        }
        return codec<T>::encode(*value, type, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, std::optional<T>& out) {
        if (!out) {
            out.emplace();
        }
        return codec<T>::decode(type, in, *out);
    }
    ///@}
};

// ---- arrays ----------------------------------------------------------------------------------

namespace detail {

/// The element type of an array value of type `array_type` to encode, or 0 when it is not known.
template <class T>
inline oid_t element_oid_for_encode(oid_t array_type) noexcept {
    const oid_t element = array_element_oid(array_type);
    return element != 0 && codec<T>::accepts(element) ? element : 0;
}

template <class T>
inline bool array_accepts(oid_t array_type) noexcept {
    const oid_t element = array_element_oid(array_type);
    if (element != 0) {
        return codec<T>::accepts(element);
    }
    // A user-defined array type (of an enum, a domain, an extension type): its element type is
    // only known from each value's header, so accept it when T takes user-defined types.
    return is_user_defined_oid(array_type) && codec<T>::accepts(array_type);
}

/// Checks the element type of a decoded header against T.
template <class T>
inline std::error_code check_element_type(oid_t array_type, const array_header& h) noexcept {
    // load_array_header already matched it against a built-in array type's element type.
    if (is_user_defined_oid(array_type) && !codec<T>::accepts(h.element_oid)) {
        return make_error(errc::type_mismatch);
    }
    return {};
}

/// The size of the elements part of array_send's format. `Elements` is a std::vector<T> (a span
/// would not do: std::vector<bool> has no contiguous storage).
template <class T, class Elements>
inline std::size_t array_elements_size(const Elements& elements, oid_t element_type) noexcept {
    std::size_t size = 0;
    for (const T& e : elements) {
        size += 4;
        if (!is_null(e)) {
            size += codec<T>::encoded_size(e, element_type);
        }
    }
    return size;
}

/// Writes array_send's format: the header, then each element with its length.
template <class T, class Elements>
inline std::error_code encode_array(std::span<const std::int32_t> dims,
                                    std::span<const std::int32_t> lower_bounds, const Elements& elements,
                                    oid_t element_type, bool always_one_dim, std::span<std::byte> out) {
    bool has_nulls = false;
    for (const T& e : elements) {
        has_nulls = has_nulls || is_null(e);
    }
    span_writer w(out);
    // An array without elements is sent as PostgreSQL sends one: with no dimensions; except
    // int2vector and oidvector, which always have one (see int2vectorsend).
    const std::size_t ndim = elements.empty() && !always_one_dim ? 0 : dims.size();
    bool ok = w.put<std::int32_t>(static_cast<std::int32_t>(ndim)) &&
              w.put<std::int32_t>(has_nulls ? 1 : 0) && w.put<std::uint32_t>(element_type);
    for (std::size_t i = 0; ok && i < ndim; ++i) {
        ok = w.put<std::int32_t>(dims[i]) && w.put<std::int32_t>(lower_bounds[i]);
    }
    if (!ok) {
        return make_error(errc::invalid_state);
    }
    for (const T& e : elements) {
        if (is_null(e)) {
            if (!w.put<std::int32_t>(-1)) {
                return make_error(errc::invalid_state);
            }
            continue;
        }
        const std::size_t size = codec<T>::encoded_size(e, element_type);
        if (size > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
            return make_error(errc::value_out_of_range);
        }
        if (!w.put<std::int32_t>(static_cast<std::int32_t>(size)) || w.room() < size) {
            return make_error(errc::invalid_state);
        }
        if (const std::error_code ec = codec<T>::encode(e, element_type, std::span<std::byte>(w.pos, size))) {
            return ec;
        }
        w.pos += size;
    }
    if (w.room() != 0) {
        return make_error(errc::invalid_state);
    }
    return {};
}

/// Decodes `h.count` elements from the body of an array into `out`, which it resizes.
template <class T>
inline std::error_code decode_array_elements(const array_header& h, std::vector<T>& out) {
    out.clear();
    // load_array_header bounded count by the body size / 4, so this allocation is bounded by
    // the input.
    out.resize(h.count);
    const std::byte* p = h.body.data();
    std::size_t left = h.body.size();
    for (std::size_t i = 0; i < h.count; ++i) {
        if (left < 4) {
            return make_error(errc::malformed_message);
        }
        const std::int32_t length = load_be<std::int32_t>(p);
        p += 4;
        left -= 4;
        const std::byte* data = nullptr;
        std::size_t size = 0;
        if (length != -1) {
            if (length < 0 || static_cast<std::size_t>(length) > left) {
                return make_error(errc::malformed_message);
            }
            data = p;
            size = static_cast<std::size_t>(length);
            p += size;
            left -= size;
        }
        std::error_code ec;
        if constexpr (std::is_same_v<T, bool>) {
            bool b = false;
            ec = decode_nullable(h.element_oid, data, size, b);
            out[i] = b;
        } else {
            ec = decode_nullable(h.element_oid, data, size, out[i]);
        }
        if (ec) {
            return ec;
        }
    }
    if (left != 0) {
        return make_error(errc::malformed_message);
    }
    return {};
}

}  // namespace detail

namespace detail {

/// The whole of codec<std::vector<T>>, apart so that the codec of std::vector<range<T>> can
/// take arrays of ranges as well as multiranges.
template <class T>
struct vector_array_codec {
    static constexpr oid_t preferred_oid = detail::array_oid_for(codec<T>::preferred_oid);

    static bool accepts(oid_t type) noexcept { return detail::array_accepts<T>(type); }

    static std::size_t encoded_size(const std::vector<T>& value, oid_t type) noexcept {
        const oid_t element = detail::element_oid_for_encode<T>(detail::effective_oid(type, preferred_oid));
        const bool dimensioned =
            !value.empty() || detail::is_catalog_vector(detail::effective_oid(type, preferred_oid));
        return 12 + (dimensioned ? 8 : 0) + detail::array_elements_size<T>(value, element);
    }

    static std::error_code encode(const std::vector<T>& value, oid_t type, std::span<std::byte> out) {
        type = detail::effective_oid(type, preferred_oid);
        const oid_t element = detail::element_oid_for_encode<T>(type);
        if (element == 0) {
            return detail::make_error(errc::type_mismatch);
        }
        if (value.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
            return detail::make_error(errc::value_out_of_range);
        }
        const std::int32_t dims[1] = {static_cast<std::int32_t>(value.size())};
        const std::int32_t lower_bounds[1] = {detail::natural_lower_bound(type)};
        return detail::encode_array<T>(std::span<const std::int32_t>(dims),
                                       std::span<const std::int32_t>(lower_bounds), value, element,
                                       detail::is_catalog_vector(type), out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, std::vector<T>& out) {
        detail::array_header h;
        if (const std::error_code ec = detail::load_array_header(type, in, h)) {
            return ec;
        }
        if (const std::error_code ec = detail::check_element_type<T>(type, h)) {
            return ec;
        }
        if (h.ndim > 1 || (h.ndim == 1 && h.lower_bounds[0] != detail::natural_lower_bound(type))) {
            return detail::make_error(errc::value_out_of_range);
        }
        return detail::decode_array_elements(h, out);
    }
};

}  // namespace detail

/// Any array type whose element type T's codec accepts <-> `std::vector<T>`: one dimension,
/// lower bound 1 (0 for int2vector and oidvector, as PostgreSQL makes them; an empty one keeps
/// its dimension, of size 0, as int2vectorsend sends it, although the server cannot receive an
/// empty int2vector or oidvector in binary); NULL elements need
/// T = std::optional<U>. `std::vector<std::byte>` and `std::vector<unsigned char>` are bytea,
/// not arrays.
///
/// The element type comes from the array type (int4 for int4[]); `preferred_oid` is the array
/// of T's preferred type (int4[] for std::vector<int32_t>), or 0 when it has none. An array of
/// a user-defined type is accepted when T takes user-defined types (std::string for an enum[]);
/// it decodes with the element type named in each value, but cannot be encoded
/// (`errc::type_mismatch`), since its element type is unknown.
///
/// Errors: decoding a multidimensional array, or one with another lower bound, is
/// `errc::value_out_of_range` (use pgring::array); a NULL element into a T that is not an
/// optional is `errc::unexpected_null`; a malformed header or element length is
/// `errc::malformed_message`; and element errors pass through.
template <has_codec T>
struct codec<std::vector<T>> : detail::vector_array_codec<T> {};

/// Any array type whose element type T's codec accepts <-> `pgring::array<T>`: every shape,
/// dimension sizes and lower bounds included. Otherwise as `std::vector<T>`.
///
/// Errors: encoding an invalid shape (see pgring::array) is `errc::value_out_of_range`.
template <has_codec T>
struct codec<array<T>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = detail::array_oid_for(codec<T>::preferred_oid);

    static bool accepts(oid_t type) noexcept { return detail::array_accepts<T>(type); }

    static std::size_t encoded_size(const array<T>& value, oid_t type) noexcept {
        const oid_t element = detail::element_oid_for_encode<T>(detail::effective_oid(type, preferred_oid));
        return 12 + (value.elements.empty() ? 0 : 8 * value.dims.size()) +
               detail::array_elements_size<T>(value.elements, element);
    }

    static std::error_code encode(const array<T>& value, oid_t type, std::span<std::byte> out) {
        const oid_t element = detail::element_oid_for_encode<T>(detail::effective_oid(type, preferred_oid));
        if (element == 0) {
            return detail::make_error(errc::type_mismatch);
        }
        if (const std::error_code ec =
                detail::check_array_shape(value.dims, value.lower_bounds, value.elements.size())) {
            return ec;
        }
        return detail::encode_array<T>(std::span<const std::int32_t>(value.dims),
                                       std::span<const std::int32_t>(value.lower_bounds), value.elements,
                                       element, false, out);
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, array<T>& out) {
        detail::array_header h;
        if (const std::error_code ec = detail::load_array_header(type, in, h)) {
            return ec;
        }
        if (const std::error_code ec = detail::check_element_type<T>(type, h)) {
            return ec;
        }
        out.dims.assign(h.dims, h.dims + h.ndim);
        out.lower_bounds.assign(h.lower_bounds, h.lower_bounds + h.ndim);
        return detail::decode_array_elements(h, out.elements);
    }
    ///@}
};

// ---- ranges ----------------------------------------------------------------------------------

namespace detail {

/// The element type of a built-in range type (int4 for int4range), or 0 when `range_type` is not
/// one.
constexpr oid_t range_element_oid(oid_t range_type) noexcept {
    switch (range_type) {
        case oid::int4range:
            return oid::int4;
        case oid::int8range:
            return oid::int8;
        case oid::numrange:
            return oid::numeric;
        case oid::daterange:
            return oid::date;
        case oid::tsrange:
            return oid::timestamp;
        case oid::tstzrange:
            return oid::timestamptz;
        default:
            return 0;
    }
}

/// The built-in range type over `element`, or 0.
constexpr oid_t range_oid_for(oid_t element) noexcept {
    switch (element) {
        case oid::int4:
            return oid::int4range;
        case oid::int8:
            return oid::int8range;
        case oid::numeric:
            return oid::numrange;
        case oid::date:
            return oid::daterange;
        case oid::timestamp:
            return oid::tsrange;
        case oid::timestamptz:
            return oid::tstzrange;
        default:
            return 0;
    }
}

/// range_send's flags byte (PostgreSQL's rangetypes.h). RANGE_LB_NULL, RANGE_UB_NULL and
/// RANGE_CONTAIN_EMPTY are never sent (range_recv masks them off).
inline constexpr std::uint8_t range_empty = 0x01;
inline constexpr std::uint8_t range_lb_inc = 0x02;
inline constexpr std::uint8_t range_ub_inc = 0x04;
inline constexpr std::uint8_t range_lb_inf = 0x08;
inline constexpr std::uint8_t range_ub_inf = 0x10;
inline constexpr std::uint8_t range_known_flags =
    range_empty | range_lb_inc | range_ub_inc | range_lb_inf | range_ub_inf;

/// A type a range can hold: one with a codec, but not std::optional (a bound is absent, not
/// NULL).
template <class T>
concept range_element = has_codec<T> && !is_optional<T>::value;

/// The element type of a range value of type `range_type` for T, or 0 when T's codec refuses it.
template <class T>
inline oid_t range_element_for(oid_t range_type) noexcept {
    const oid_t element = range_element_oid(range_type);
    return element != 0 && codec<T>::accepts(element) ? element : 0;
}

/// Writes int32 length, then the binary value: a bound of range_send's format, a range of
/// multirange_send's.
template <class T>
inline std::error_code encode_with_length(const T& value, oid_t type, span_writer& w) {
    const std::size_t size = codec<T>::encoded_size(value, type);
    if (size > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        return make_error(errc::value_out_of_range);
    }
    if (!w.put<std::int32_t>(static_cast<std::int32_t>(size)) || w.room() < size) {
        return make_error(errc::invalid_state);
    }
    if (const std::error_code ec = codec<T>::encode(value, type, std::span<std::byte>(w.pos, size))) {
        return ec;
    }
    w.pos += size;
    return {};
}

/// Reads int32 length and a value of that many bytes from `in` (see encode_with_length), advancing
/// `in` past them.
template <class T>
inline std::error_code decode_with_length(oid_t type, std::span<const std::byte>& in, T& out) {
    if (in.size() < 4) {
        return make_error(errc::malformed_message);
    }
    const std::int32_t length = load_be<std::int32_t>(in.data());
    if (length < 0 || static_cast<std::size_t>(length) > in.size() - 4) {
        return make_error(errc::malformed_message);
    }
    const std::size_t size = static_cast<std::size_t>(length);
    if (const std::error_code ec = codec<T>::decode(type, in.subspan(4, size), out)) {
        return ec;
    }
    in = in.subspan(4 + size);
    return {};
}

}  // namespace detail

/// int4range, int8range, numrange, daterange, tsrange and tstzrange <-> `pgring::range<T>`,
/// for any T whose codec accepts the range's element type (int4 for int4range, and so on):
/// range<int32_t>, range<int64_t>, range<numeric>, range<date>, range<timestamp>,
/// range<timestamptz>, but also, say, range<int64_t> for an int4range. `preferred_oid` is the
/// range over T's preferred type (int4range for range<int32_t>), or 0 when there is none.
///
/// range_send writes a flags byte (0x01 empty, 0x02 lower bound inclusive, 0x04 upper bound
/// inclusive, 0x08 no lower bound, 0x10 no upper bound), then each bound that is present
/// (neither empty nor unbounded) as int32 length and the element's binary value.
///
/// Errors: decoding rejects (`errc::malformed_message`) an unknown flag bit, `empty` with any
/// other flag, an unbounded side marked inclusive, a bad bound length and trailing bytes;
/// element errors pass through (an int8range bound past int32_t into range<int32_t> is
/// `errc::value_out_of_range`). Encoding refuses (`errc::value_out_of_range`) a range that is
/// not range::is_valid().
template <detail::range_element T>
struct codec<range<T>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = detail::range_oid_for(codec<T>::preferred_oid);

    static bool accepts(oid_t type) noexcept { return detail::range_element_for<T>(type) != 0; }

    static std::size_t encoded_size(const range<T>& value, oid_t type) noexcept {
        const oid_t element = detail::range_element_for<T>(detail::effective_oid(type, preferred_oid));
        std::size_t size = 1;
        if (!value.empty && value.lower) {
            size += 4 + codec<T>::encoded_size(*value.lower, element);
        }
        if (!value.empty && value.upper) {
            size += 4 + codec<T>::encoded_size(*value.upper, element);
        }
        return size;
    }

    static std::error_code encode(const range<T>& value, oid_t type, std::span<std::byte> out) {
        const oid_t element = detail::range_element_for<T>(detail::effective_oid(type, preferred_oid));
        if (element == 0) {
            return detail::make_error(errc::type_mismatch);
        }
        if (!value.is_valid()) {
            return detail::make_error(errc::value_out_of_range);
        }
        std::uint8_t flags = 0;
        if (value.empty) {
            flags = detail::range_empty;
        } else {
            flags |= value.lower ? (value.lower_inclusive ? detail::range_lb_inc : 0) : detail::range_lb_inf;
            flags |= value.upper ? (value.upper_inclusive ? detail::range_ub_inc : 0) : detail::range_ub_inf;
        }
        detail::span_writer w(out);
        if (!w.put<std::uint8_t>(flags)) {
            return detail::make_error(errc::invalid_state);
        }
        if (!value.empty && value.lower) {
            if (const std::error_code ec = detail::encode_with_length(*value.lower, element, w)) {
                return ec;
            }
        }
        if (!value.empty && value.upper) {
            if (const std::error_code ec = detail::encode_with_length(*value.upper, element, w)) {
                return ec;
            }
        }
        if (w.room() != 0) {
            return detail::make_error(errc::invalid_state);
        }
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, range<T>& out) {
        const oid_t element = detail::range_element_for<T>(type);
        if (element == 0) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.empty()) {
            return detail::make_error(errc::malformed_message);
        }
        const auto flags = std::to_integer<std::uint8_t>(in[0]);
        in = in.subspan(1);
        const bool lower_infinite = (flags & detail::range_lb_inf) != 0;
        const bool upper_infinite = (flags & detail::range_ub_inf) != 0;
        const bool lower_inclusive = (flags & detail::range_lb_inc) != 0;
        const bool upper_inclusive = (flags & detail::range_ub_inc) != 0;
        if ((flags & ~detail::range_known_flags) != 0 ||
            ((flags & detail::range_empty) != 0 && flags != detail::range_empty) ||
            (lower_infinite && lower_inclusive) || (upper_infinite && upper_inclusive)) {
            return detail::make_error(errc::malformed_message);
        }
        out.empty = flags == detail::range_empty;
        out.lower_inclusive = lower_inclusive;
        out.upper_inclusive = upper_inclusive;
        if (out.empty || lower_infinite) {
            out.lower.reset();
        } else if (const std::error_code ec = detail::decode_with_length(element, in, out.lower.emplace())) {
            return ec;
        }
        if (out.empty || upper_infinite) {
            out.upper.reset();
        } else if (const std::error_code ec = detail::decode_with_length(element, in, out.upper.emplace())) {
            return ec;
        }
        if (!in.empty()) {
            return detail::make_error(errc::malformed_message);
        }
        return {};
    }
    ///@}
};

// ---- multiranges -----------------------------------------------------------------------------

namespace detail {

/// The range type of a built-in multirange type (int4range for int4multirange), or 0.
constexpr oid_t multirange_range_oid(oid_t multirange_type) noexcept {
    switch (multirange_type) {
        case oid::int4multirange:
            return oid::int4range;
        case oid::int8multirange:
            return oid::int8range;
        case oid::nummultirange:
            return oid::numrange;
        case oid::datemultirange:
            return oid::daterange;
        case oid::tsmultirange:
            return oid::tsrange;
        case oid::tstzmultirange:
            return oid::tstzrange;
        default:
            return 0;
    }
}

/// The built-in multirange type over `range_type`, or 0.
constexpr oid_t multirange_oid_for(oid_t range_type) noexcept {
    switch (range_type) {
        case oid::int4range:
            return oid::int4multirange;
        case oid::int8range:
            return oid::int8multirange;
        case oid::numrange:
            return oid::nummultirange;
        case oid::daterange:
            return oid::datemultirange;
        case oid::tsrange:
            return oid::tsmultirange;
        case oid::tstzrange:
            return oid::tstzmultirange;
        default:
            return 0;
    }
}

}  // namespace detail

/// int4multirange, int8multirange, nummultirange, datemultirange, tsmultirange and
/// tstzmultirange <-> `std::vector<pgring::range<T>>`, for the T of codec<range<T>>; the
/// arrays of ranges (int4range[], ...) too, as codec<std::vector<T>> takes them.
/// `preferred_oid` is the multirange over range<T>'s preferred type (int4multirange for
/// std::vector<range<int32_t>>), or 0.
///
/// multirange_send writes an int32 range count, then each range as int32 length and range_send's
/// bytes. The server sends a multirange in canonical form: its ranges sorted, apart from each
/// other and none empty; it brings a received one to that form (merging, sorting and dropping
/// empty ranges), so what comes back may differ from what was sent.
///
/// Errors: decoding rejects (`errc::malformed_message`) a negative count, one larger than the
/// bytes can hold, a bad range length, an empty range, and trailing bytes; range errors pass
/// through. Encoding refuses (`errc::value_out_of_range`) a range that is not range::is_valid().
template <detail::range_element T>
struct codec<std::vector<range<T>>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = detail::multirange_oid_for(codec<range<T>>::preferred_oid);

    static bool accepts(oid_t type) noexcept {
        const oid_t range_type = detail::multirange_range_oid(type);
        return range_type != 0 ? codec<range<T>>::accepts(range_type) : array_codec::accepts(type);
    }

    static std::size_t encoded_size(const std::vector<range<T>>& value, oid_t type) noexcept {
        type = detail::effective_oid(type, preferred_oid);
        const oid_t range_type = detail::multirange_range_oid(type);
        if (range_type == 0) {
            return array_codec::encoded_size(value, type);
        }
        std::size_t size = 4;
        for (const range<T>& r : value) {
            size += 4 + codec<range<T>>::encoded_size(r, range_type);
        }
        return size;
    }

    static std::error_code encode(const std::vector<range<T>>& value, oid_t type, std::span<std::byte> out) {
        type = detail::effective_oid(type, preferred_oid);
        const oid_t range_type = detail::multirange_range_oid(type);
        if (range_type == 0) {
            return array_codec::encode(value, type, out);
        }
        if (!codec<range<T>>::accepts(range_type)) {
            return detail::make_error(errc::type_mismatch);
        }
        if (value.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
            return detail::make_error(errc::value_out_of_range);
        }
        detail::span_writer w(out);
        if (!w.put<std::int32_t>(static_cast<std::int32_t>(value.size()))) {
            return detail::make_error(errc::invalid_state);
        }
        for (const range<T>& r : value) {
            if (const std::error_code ec = detail::encode_with_length(r, range_type, w)) {
                return ec;
            }
        }
        if (w.room() != 0) {
            return detail::make_error(errc::invalid_state);
        }
        return {};
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, std::vector<range<T>>& out) {
        const oid_t range_type = detail::multirange_range_oid(type);
        if (range_type == 0) {
            return array_codec::decode(type, in, out);
        }
        if (!codec<range<T>>::accepts(range_type)) {
            return detail::make_error(errc::type_mismatch);
        }
        if (in.size() < 4) {
            return detail::make_error(errc::malformed_message);
        }
        const std::int32_t count = detail::load_be<std::int32_t>(in.data());
        in = in.subspan(4);
        // Each range takes at least 5 bytes (its length and flags), which bounds the allocation
        // by the input.
        if (count < 0 || static_cast<std::size_t>(count) > in.size() / 5) {
            return detail::make_error(errc::malformed_message);
        }
        out.clear();
        out.resize(static_cast<std::size_t>(count));
        for (range<T>& r : out) {
            if (const std::error_code ec = detail::decode_with_length(range_type, in, r)) {
                return ec;
            }
            if (r.empty) {
                return detail::make_error(errc::malformed_message);
            }
        }
        if (!in.empty()) {
            return detail::make_error(errc::malformed_message);
        }
        return {};
    }

private:
    using array_codec = detail::vector_array_codec<range<T>>;
    ///@}
};

}  // namespace pgring
