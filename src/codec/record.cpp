// The record codec (anonymous records and composite types).

#include <pgring/codec.hpp>
#include <pgring/record.hpp>

#include "codec/builtin_types.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

namespace pgring {

namespace detail {

bool is_composite_oid(oid_t type) noexcept {
    if (type == oid::record || type >= first_normal_object_oid) {
        return true;
    }
    const catalog::builtin_type* t = catalog::find_builtin_type(type);
    return t != nullptr && t->kind == 'c';
}

}  // namespace detail

std::size_t codec<record>::encoded_size(const record& value, oid_t) noexcept {
    std::size_t size = 4;
    for (const record::field& f : value.fields) {
        size += 8 + (f.value ? f.value->size() : 0);
    }
    return size;
}

std::error_code codec<record>::encode(const record& value, oid_t type, std::span<std::byte> out) noexcept {
    if (type != 0 && !accepts(type)) {
        return detail::make_error(errc::type_mismatch);
    }
    if (value.fields.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        return detail::make_error(errc::value_out_of_range);
    }
    for (const record::field& f : value.fields) {
        if (f.value && f.value->size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
            return detail::make_error(errc::value_out_of_range);
        }
    }
    if (out.size() != encoded_size(value, type)) {
        return detail::make_error(errc::invalid_state);
    }
    detail::span_writer w(out);
    w.put<std::int32_t>(static_cast<std::int32_t>(value.fields.size()));
    for (const record::field& f : value.fields) {
        std::optional<std::span<const std::byte>> bytes;
        if (f.value) {
            bytes.emplace(*f.value);
        }
        if (!detail::put_record_field(w, f.type, bytes)) {
            return detail::make_error(errc::invalid_state);
        }
    }
    return {};
}

std::error_code codec<record>::decode(oid_t type, std::span<const std::byte> in, record& out) {
    if (!accepts(type)) {
        return detail::make_error(errc::type_mismatch);
    }
    detail::record_reader r{in};
    std::size_t count = 0;
    if (const std::error_code ec = r.start(count)) {
        return ec;
    }
    out.fields.clear();
    out.fields.resize(count);
    for (record::field& f : out.fields) {
        const std::byte* data = nullptr;
        std::size_t size = 0;
        if (const std::error_code ec = r.next(f.type, data, size)) {
            return ec;
        }
        if (data == nullptr) {
            f.value.reset();
        } else {
            f.value.emplace(data, data + size);
        }
    }
    if (!r.in.empty()) {
        return detail::make_error(errc::malformed_message);
    }
    return {};
}

}  // namespace pgring
