#pragma once

/// @file
/// What the codec templates of codec.hpp need to see: how each OID is laid out on the wire,
/// the built-in array types, and the out-of-line halves of the numeric and array codecs.
/// Not API.

#include <pgring/error.hpp>
#include <pgring/oid.hpp>
#include <pgring/type_info.hpp>

#include <pgring/detail/byte_order.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace pgring::detail {

inline std::error_code make_error(errc e) noexcept {
    return make_error_code(e);
}

/// Types created by initdb's bootstrap (all of pg_catalog's built-in types) have OIDs below
/// 10000; extension, enum, composite, domain and other user-defined types have OIDs from 10000
/// up (FirstGenbkiObjectId), and pgring knows nothing of their binary format.
inline constexpr oid_t first_user_defined_oid = 10000;

/// True when `a` and `b` are equal ignoring ASCII case (keywords and setting names).
constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

/// True for an OID that is not a built-in type (see first_user_defined_oid).
constexpr bool is_user_defined_oid(oid_t oid) noexcept {
    return oid >= first_user_defined_oid;
}

/// The OID a codec encodes for: `oid`, or the codec's preferred OID when `oid` is 0
/// (a parameter whose type the server left to the client).
constexpr oid_t effective_oid(oid_t oid, oid_t preferred) noexcept {
    return oid == 0 ? preferred : oid;
}

// ---- integers --------------------------------------------------------------------------------

/// How an OID that integers accept is laid out on the wire.
enum class integer_wire : std::uint8_t {
    none,
    int2,     // int2send: int16
    int4,     // int4send: int32
    int8,     // int8send: int64
    uint32,   // oidsend, xidsend, cidsend and every reg* type: uint32
    uint64,   // xid8send: uint64
    numeric,  // numeric_send, exact integers only
};

constexpr integer_wire integer_wire_of(oid_t type) noexcept {
    switch (type) {
        case oid::int2:
            return integer_wire::int2;
        case oid::int4:
            return integer_wire::int4;
        case oid::int8:
            return integer_wire::int8;
        case oid::oid:
        case oid::xid:
        case oid::cid:
        case oid::regproc:
        case oid::regprocedure:
        case oid::regoper:
        case oid::regoperator:
        case oid::regclass:
        case oid::regtype:
        case oid::regconfig:
        case oid::regdictionary:
        case oid::regnamespace:
        case oid::regrole:
        case oid::regcollation:
            return integer_wire::uint32;
        case oid::xid8:
            return integer_wire::uint64;
        case oid::numeric:
            return integer_wire::numeric;
        default:
            return integer_wire::none;
    }
}

/// Integer types with a codec: every standard integer type of at least 16 bits. bool and the
/// character types (char, signed/unsigned char, wchar_t, char8/16/32_t) are not numbers here.
template <class T>
concept wire_integer =
    std::is_integral_v<T> && !std::is_const_v<T> && !std::is_volatile_v<T> && sizeof(T) >= 2 &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>;

/// The magnitude and sign of an integer, without overflow for the minimum value.
template <class T>
constexpr std::uint64_t magnitude_of(T v) noexcept {
    if constexpr (std::is_signed_v<T>) {
        return v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(static_cast<std::int64_t>(v))
                     : static_cast<std::uint64_t>(v);
    } else {
        return static_cast<std::uint64_t>(v);
    }
}

/// Stores sign and magnitude into `out` when the value fits T.
template <class T>
inline std::error_code integer_from_magnitude(bool negative, std::uint64_t magnitude, T& out) noexcept {
    if (!negative || magnitude == 0) {
        if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
            return make_error(errc::value_out_of_range);
        }
        out = static_cast<T>(magnitude);
        return {};
    }
    if constexpr (std::is_signed_v<T>) {
        const std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<T>::max()) + 1;
        if (magnitude > limit) {
            return make_error(errc::value_out_of_range);
        }
        out = magnitude == limit ? std::numeric_limits<T>::min() : static_cast<T>(-static_cast<T>(magnitude));
        return {};
    } else {
        return make_error(errc::value_out_of_range);
    }
}

// numeric_send layout: int16 ndigits, int16 weight, uint16 sign, uint16 dscale, then ndigits
// base-10000 digits as int16, most significant first.
inline constexpr std::uint16_t numeric_sign_positive = 0x0000;
inline constexpr std::uint16_t numeric_sign_negative = 0x4000;
inline constexpr std::uint16_t numeric_sign_nan = 0xC000;
inline constexpr std::uint16_t numeric_sign_infinity = 0xD000;
inline constexpr std::uint16_t numeric_sign_minus_infinity = 0xF000;

/// The number of base-10000 digits of `magnitude` once trailing zero digits are stripped, as the
/// server strips them, and the weight of the first.
struct numeric_integer_shape {
    std::size_t ndigits;
    std::int16_t weight;
};

constexpr numeric_integer_shape numeric_integer_shape_of(std::uint64_t magnitude) noexcept {
    if (magnitude == 0) {
        return {0, 0};
    }
    std::int16_t trailing = 0;
    while (magnitude % 10000 == 0) {
        magnitude /= 10000;
        ++trailing;
    }
    std::size_t n = 0;
    for (std::uint64_t m = magnitude; m != 0; m /= 10000) {
        ++n;
    }
    return {n, static_cast<std::int16_t>(static_cast<std::int16_t>(n) + trailing - 1)};
}

/// The size of an integer encoded as numeric.
constexpr std::size_t numeric_integer_size(std::uint64_t magnitude) noexcept {
    return 8 + 2 * numeric_integer_shape_of(magnitude).ndigits;
}

/// Writes an integer as numeric (dscale 0) into `out`, which holds numeric_integer_size() bytes.
inline void store_numeric_integer(bool negative, std::uint64_t magnitude, std::byte* out) noexcept {
    const numeric_integer_shape shape = numeric_integer_shape_of(magnitude);
    store_be<std::int16_t>(out, static_cast<std::int16_t>(shape.ndigits));
    store_be<std::int16_t>(out + 2, shape.weight);
    store_be<std::uint16_t>(out + 4,
                            negative && magnitude != 0 ? numeric_sign_negative : numeric_sign_positive);
    store_be<std::uint16_t>(out + 6, 0);
    std::uint64_t rest = magnitude;
    while (rest != 0 && rest % 10000 == 0) {
        rest /= 10000;
    }
    for (std::size_t i = shape.ndigits; i > 0; --i) {
        store_be<std::int16_t>(out + 8 + 2 * (i - 1), static_cast<std::int16_t>(rest % 10000));
        rest /= 10000;
    }
}

/// Reads a numeric_send value that must be an integer: its sign and magnitude.
///
/// Errors: `errc::malformed_message` for bytes that are not a valid numeric;
/// `errc::value_out_of_range` for NaN, the infinities, a nonzero fraction, or a magnitude above
/// 2^64 - 1.
std::error_code load_numeric_integer(std::span<const std::byte> in, bool& negative,
                                     std::uint64_t& magnitude) noexcept;

// ---- text --------------------------------------------------------------------------------

/// How an OID that strings accept is laid out on the wire.
enum class text_wire : std::uint8_t {
    none,
    text,       // textsend and alike: the UTF-8 bytes, no terminator
    name,       // namesend: as text, at most 63 bytes
    char_,      // charsend ("char"): exactly one byte; the NUL byte is the empty string
    versioned,  // jsonb_send, jsonpath_send: a version byte (1), then the text
    raw,        // a user-defined type: its send function's bytes, uninterpreted
};

constexpr text_wire text_wire_of(oid_t type) noexcept {
    switch (type) {
        case oid::text:
        case oid::varchar:
        case oid::bpchar:
        case oid::unknown:
        case oid::json:
        case oid::xml:
        case oid::refcursor:
        case oid::pg_node_tree:
            return text_wire::text;
        case oid::name:
            return text_wire::name;
        case oid::char_:
            return text_wire::char_;
        case oid::jsonb:
        case oid::jsonpath:
            return text_wire::versioned;
        default:
            return is_user_defined_oid(type) ? text_wire::raw : text_wire::none;
    }
}

/// The longest `name` (NAMEDATALEN - 1 bytes).
inline constexpr std::size_t max_name_length = 63;
/// The version byte of jsonb and jsonpath's binary format.
inline constexpr std::byte json_binary_version{1};

// ---- arrays --------------------------------------------------------------------------------

/// The element type of an array type: a built-in one (int4 for int4[], int2 for int2vector), or
/// one of the current thread's type_lookup (see scoped_type_lookup); 0 when it is not known.
oid_t array_element_oid(oid_t array_type) noexcept;

/// Makes `types` the current thread's type_lookup for array_element_oid() while it lives: the
/// connection sets it around the encoding of a Bind, so that an array of an enum, composite or
/// domain gets its element type's OID in its header (the codec interface carries only the
/// array type). Nests; restores the previous lookup on destruction.
class scoped_type_lookup {
public:
    explicit scoped_type_lookup(const type_lookup* types) noexcept;
    ~scoped_type_lookup();
    scoped_type_lookup(const scoped_type_lookup&) = delete;
    scoped_type_lookup& operator=(const scoped_type_lookup&) = delete;

private:
    const type_lookup* previous_;
};

/// The array type of the built-in element types that codecs prefer, or 0.
constexpr oid_t array_oid_for(oid_t element) noexcept {
    switch (element) {
        case oid::bool_:
            return oid::bool_array;
        case oid::bytea:
            return oid::bytea_array;
        case oid::char_:
            return oid::char_array;
        case oid::name:
            return oid::name_array;
        case oid::int8:
            return oid::int8_array;
        case oid::int2:
            return oid::int2_array;
        case oid::int4:
            return oid::int4_array;
        case oid::text:
            return oid::text_array;
        case oid::oid:
            return oid::oid_array;
        case oid::xid:
            return oid::xid_array;
        case oid::cid:
            return oid::cid_array;
        case oid::xid8:
            return oid::xid8_array;
        case oid::json:
            return oid::json_array;
        case oid::xml:
            return oid::xml_array;
        case oid::float4:
            return oid::float4_array;
        case oid::float8:
            return oid::float8_array;
        case oid::bpchar:
            return oid::bpchar_array;
        case oid::varchar:
            return oid::varchar_array;
        case oid::date:
            return oid::date_array;
        case oid::time:
            return oid::time_array;
        case oid::timetz:
            return oid::timetz_array;
        case oid::timestamp:
            return oid::timestamp_array;
        case oid::timestamptz:
            return oid::timestamptz_array;
        case oid::interval:
            return oid::interval_array;
        case oid::numeric:
            return oid::numeric_array;
        case oid::uuid:
            return oid::uuid_array;
        case oid::jsonb:
            return oid::jsonb_array;
        case oid::jsonpath:
            return oid::jsonpath_array;
        case oid::regclass:
            return oid::regclass_array;
        case oid::regtype:
            return oid::regtype_array;
        case oid::tsvector:
            return oid::tsvector_array;
        case oid::tsquery:
            return oid::tsquery_array;
        case oid::pg_snapshot:
            return oid::pg_snapshot_array;
        case oid::tid:
            return oid::tid_array;
        default:
            return 0;
    }
}

/// True for int2vector and oidvector, the catalog's vectors: one-dimensional arrays with lower
/// bound 0 that always keep their dimension, even when empty.
constexpr bool is_catalog_vector(oid_t array_type) noexcept {
    return array_type == oid::int2vector || array_type == oid::oidvector;
}

/// The lower bound a one-dimensional array of this type has: 0 for int2vector and oidvector
/// (the catalog's vectors), 1 for every other array.
constexpr std::int32_t natural_lower_bound(oid_t array_type) noexcept {
    return is_catalog_vector(array_type) ? 0 : 1;
}

/// PostgreSQL's MAXDIM.
inline constexpr int max_array_dims = 6;

/// The header of array_send's format:
///
///     int32 ndim | int32 flags (1: has NULLs) | uint32 element OID
///     ndim x (int32 size, int32 lower bound)
///     elements: int32 length (-1 for NULL), then that many bytes
struct array_header {
    int ndim = 0;
    bool has_nulls = false;
    oid_t element_oid = 0;
    std::int32_t dims[max_array_dims] = {};
    std::int32_t lower_bounds[max_array_dims] = {};
    /// The number of elements: the product of the sizes (0 when ndim is 0).
    std::size_t count = 0;
    /// The element part, after the header.
    std::span<const std::byte> body;
};

/// Reads and checks an array header for a value of type `array_type`.
///
/// Errors: `errc::malformed_message` for a short header, ndim outside [0, 6], flags other than
/// 0 or 1, a negative size, a lower bound plus size past int32_t, more elements than the body has room
/// for (each takes at least 4 bytes), or an element OID that differs from the built-in element
/// type of `array_type`; `errc::type_mismatch` when `array_type` is built-in but not an array.
/// For a user-defined `array_type` the element OID is taken from the header, unchecked.
std::error_code load_array_header(oid_t array_type, std::span<const std::byte> in,
                                  array_header& out) noexcept;

/// Checks the shape of an array to be sent: ndim <= 6, sizes >= 0 whose product is `count`,
/// lower bound plus size within int32_t.
///
/// Errors: `errc::value_out_of_range` otherwise.
std::error_code check_array_shape(std::span<const std::int32_t> dims,
                                  std::span<const std::int32_t> lower_bounds, std::size_t count) noexcept;

/// Appends bytes to a fixed span, failing instead of overrunning it.
struct span_writer {
    std::byte* pos;
    std::byte* end;

    explicit span_writer(std::span<std::byte> out) noexcept : pos(out.data()), end(out.data() + out.size()) {}

    std::size_t room() const noexcept { return static_cast<std::size_t>(end - pos); }

    template <class T>
    bool put(T v) noexcept {
        if (room() < sizeof(T)) {
            return false;
        }
        store_be<T>(pos, v);
        pos += sizeof(T);
        return true;
    }
};

}  // namespace pgring::detail
