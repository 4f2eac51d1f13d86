#pragma once

/// @file
/// Composite values: pgring::record (an anonymous record or a composite type's value, each field
/// kept as its type OID and binary bytes) and std::tuple<Ts...> as a composite, with their binary
/// codecs.

#include <pgring/codec.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include <pgring/detail/byte_order.hpp>
#include <pgring/detail/codec_support.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

namespace pgring {

/// A composite value (`ROW(1, 'x')`, a table's row type, a `CREATE TYPE ... AS (...)` value):
/// its fields, each with its type OID and its binary value or NULL. Decode a field's bytes with
/// that type's codec (`codec<T>::decode(f.type, *f.value, out)`), or decode the whole record
/// into a std::tuple instead (see codec<std::tuple<Ts...>>).
///
/// Thread: a plain value.
struct record {
    /// One field.
    struct field {
        /// The field's type.
        oid_t type = 0;
        /// The field's value in binary format, or std::nullopt for NULL.
        std::optional<std::vector<std::byte>> value;

        /// Member-wise comparison.
        friend auto operator<=>(const field&, const field&) = default;
    };

    /// The fields, in column order (dropped columns are not sent).
    std::vector<field> fields;

    /// Member-wise comparison.
    friend auto operator<=>(const record&, const record&) = default;
};

namespace detail {

/// FirstNormalObjectId: the first OID of objects created after initdb, user types among them.
inline constexpr oid_t first_normal_object_oid = 16384;

/// True for the types the composite codecs take: record (2249), the built-in composite types
/// (pg_type, pg_class and the other catalogs' row types) and any OID from
/// first_normal_object_oid up (a user's composite type, or a table's row type).
bool is_composite_oid(oid_t type) noexcept;

/// Walks record_send's format: int32 field count, then per field a uint32 type OID, an int32
/// length (-1 for NULL) and that many bytes.
struct record_reader {
    std::span<const std::byte> in;

    /// Reads the field count, which must be non-negative and fit the bytes (8 per field at
    /// least). Errors: `errc::malformed_message`.
    std::error_code start(std::size_t& count) noexcept {
        if (in.size() < 4) {
            return make_error(errc::malformed_message);
        }
        const std::int32_t n = load_be<std::int32_t>(in.data());
        in = in.subspan(4);
        if (n < 0 || static_cast<std::size_t>(n) > in.size() / 8) {
            return make_error(errc::malformed_message);
        }
        count = static_cast<std::size_t>(n);
        return {};
    }

    /// Reads the next field: its type, and its bytes (`data` is nullptr for NULL).
    /// Errors: `errc::malformed_message` for a short field or a length below -1.
    std::error_code next(oid_t& type, const std::byte*& data, std::size_t& size) noexcept {
        if (in.size() < 8) {
            return make_error(errc::malformed_message);
        }
        type = load_be<std::uint32_t>(in.data());
        const std::int32_t length = load_be<std::int32_t>(in.data() + 4);
        in = in.subspan(8);
        if (length == -1) {
            data = nullptr;
            size = 0;
            return {};
        }
        if (length < 0 || static_cast<std::size_t>(length) > in.size()) {
            return make_error(errc::malformed_message);
        }
        data = in.data();
        size = static_cast<std::size_t>(length);
        in = in.subspan(size);
        return {};
    }
};

/// Writes one field of record_send's format (`value` std::nullopt for NULL), or fails on a short
/// span.
inline bool put_record_field(span_writer& w, oid_t type,
                             std::optional<std::span<const std::byte>> value) noexcept {
    if (!w.put<std::uint32_t>(type)) {
        return false;
    }
    if (!value) {
        return w.put<std::int32_t>(-1);
    }
    const std::size_t size = value->size();
    if (!w.put<std::int32_t>(static_cast<std::int32_t>(size)) || w.room() < size) {
        return false;
    }
    if (size != 0) {
        std::memcpy(w.pos, value->data(), size);
    }
    w.pos += size;
    return true;
}

}  // namespace detail

/// record and composite types <-> `pgring::record` (record_send's format: int32 field count,
/// then per field a uint32 type OID, an int32 length, -1 for NULL, and the bytes).
///
/// Accepts record (2249), the built-in composite types and every OID from 16384 up (user types:
/// the codec cannot tell a composite from another user type by its OID, so a field decoded this
/// way must be one). `preferred_oid` is 0: the server refuses an anonymous record as a parameter
/// ("input of anonymous composite types is not implemented"), so a record is sent as a named
/// composite type (`$1::my_type`, or a parameter the server infers), whose record_recv checks
/// that the field count and each field's type OID match the type's columns exactly.
///
/// Errors: decoding rejects (`errc::malformed_message`) a negative count or one past what the
/// bytes can hold, a length below -1 or past the end, and trailing bytes. Encoding refuses
/// (`errc::value_out_of_range`) a field longer than INT32_MAX bytes or more than INT32_MAX fields.
template <>
struct codec<record> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = 0;

    static bool accepts(oid_t type) noexcept { return detail::is_composite_oid(type); }
    static std::size_t encoded_size(const record& value, oid_t type) noexcept;
    static std::error_code encode(const record& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, record& out);
    ///@}
};

/// record and composite types <-> `std::tuple<Ts...>`, field by field with each element's codec:
/// decoding checks that the record has exactly sizeof...(Ts) fields and that each element's codec
/// accepts its field's type; NULL reaches only a std::optional element. Encoding writes each
/// element with its codec's `preferred_oid` as the field type, which must then be the composite
/// type's column type exactly (record_recv checks it): std::tuple<std::int32_t, std::string>
/// matches `(a int4, b text)`.
///
/// Errors: decoding answers `errc::type_mismatch` for another field count or a field type an
/// element's codec refuses, `errc::unexpected_null` for NULL into an element that is not a
/// std::optional, the record's errors (see codec<record>) and the elements' codecs' errors.
/// Encoding answers `errc::type_mismatch` for an element whose codec has no preferred type
/// (preferred_oid 0), `errc::value_out_of_range` for a field longer than INT32_MAX bytes, and
/// the elements' codecs' errors.
template <has_codec... Ts>
struct codec<std::tuple<Ts...>> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = 0;

    static bool accepts(oid_t type) noexcept { return detail::is_composite_oid(type); }

    static std::size_t encoded_size(const std::tuple<Ts...>& value, oid_t) noexcept {
        return std::apply(
            [](const Ts&... v) {
                return std::size_t{4} +
                       ((8 + (is_null(v) ? 0 : codec<Ts>::encoded_size(v, codec<Ts>::preferred_oid))) + ... +
                        std::size_t{0});
            },
            value);
    }

    static std::error_code encode(const std::tuple<Ts...>& value, oid_t type, std::span<std::byte> out) {
        if (type != 0 && !accepts(type)) {
            return detail::make_error(errc::type_mismatch);
        }
        if (out.size() != encoded_size(value, type)) {
            return detail::make_error(errc::invalid_state);
        }
        detail::span_writer w(out);
        if (!w.put<std::int32_t>(static_cast<std::int32_t>(sizeof...(Ts)))) {
            return detail::make_error(errc::invalid_state);
        }
        std::error_code ec;
        std::apply([&](const Ts&... v) { ((ec = ec ? ec : encode_field(v, w)), ...); }, value);
        return ec;
    }

    static std::error_code decode(oid_t type, std::span<const std::byte> in, std::tuple<Ts...>& out) {
        if (!accepts(type)) {
            return detail::make_error(errc::type_mismatch);
        }
        detail::record_reader r{in};
        std::size_t count = 0;
        if (const std::error_code ec = r.start(count)) {
            return ec;
        }
        if (count != sizeof...(Ts)) {
            return detail::make_error(errc::type_mismatch);
        }
        std::error_code ec;
        std::apply([&](Ts&... v) { ((ec = ec ? ec : decode_field(r, v)), ...); }, out);
        if (ec) {
            return ec;
        }
        if (!r.in.empty()) {
            return detail::make_error(errc::malformed_message);
        }
        return {};
    }
    ///@}

private:
    template <class T>
    static std::error_code encode_field(const T& v, detail::span_writer& w) {
        const oid_t field_type = codec<T>::preferred_oid;
        if (field_type == 0) {
            return detail::make_error(errc::type_mismatch);
        }
        if (is_null(v)) {
            return detail::put_record_field(w, field_type, std::nullopt)
                       ? std::error_code{}
                       : detail::make_error(errc::invalid_state);
        }
        const std::size_t size = codec<T>::encoded_size(v, field_type);
        if (size > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
            return detail::make_error(errc::value_out_of_range);
        }
        if (!w.put<std::uint32_t>(field_type) || !w.put<std::int32_t>(static_cast<std::int32_t>(size)) ||
            w.room() < size) {
            return detail::make_error(errc::invalid_state);
        }
        if (const std::error_code ec = codec<T>::encode(v, field_type, std::span<std::byte>(w.pos, size))) {
            return ec;
        }
        w.pos += size;
        return {};
    }

    template <class T>
    static std::error_code decode_field(detail::record_reader& r, T& v) {
        oid_t field_type = 0;
        const std::byte* data = nullptr;
        std::size_t size = 0;
        if (const std::error_code ec = r.next(field_type, data, size)) {
            return ec;
        }
        if (!codec<T>::accepts(field_type)) {
            return detail::make_error(errc::type_mismatch);
        }
        // decode_nullable takes a non-null pointer for an empty non-NULL value.
        static constexpr std::byte empty{};
        return decode_nullable(field_type, data != nullptr && size == 0 ? &empty : data, size, v);
    }
};

}  // namespace pgring
