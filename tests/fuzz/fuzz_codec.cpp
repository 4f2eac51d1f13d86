// libFuzzer target for the binary codecs and render_text: every decoder family that reads values
// a server sends.
//
// Input: [family:1][value...]. The family byte picks a C++ type and a type OID; the rest is the
// value's binary form. Families past the codecs render: [family][type index:2][value...] renders
// the value as the built-in type of that index (arrays, ranges, records included) under one of a
// few session settings, and must leave the output untouched when it fails. A value that decodes must also render (to_string() where the type has
// one) and re-encode, and the re-encoded bytes must decode again and re-encode to the same bytes
// (the encoder's output is canonical after one trip). Decoders must reject what they cannot
// read with an error: any crash, out-of-bounds read (ASan), UB (UBSan) or trap is a finding.

#include <pgring/array.hpp>
#include <pgring/bit_string.hpp>
#include <pgring/codec.hpp>
#include <pgring/datetime.hpp>
#include <pgring/geometry.hpp>
#include <pgring/hstore.hpp>
#include <pgring/money.hpp>
#include <pgring/network.hpp>
#include <pgring/numeric.hpp>
#include <pgring/oid.hpp>
#include <pgring/pg_lsn.hpp>
#include <pgring/range.hpp>
#include <pgring/record.hpp>
#include <pgring/snapshot.hpp>
#include <pgring/text.hpp>
#include <pgring/text_search.hpp>
#include <pgring/tid.hpp>
#include <pgring/uuid.hpp>

#include "codec/builtin_types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace pgring;

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

template <class T>
concept printable = requires(const T& v) {
    { v.to_string() } -> std::convertible_to<std::string>;
};

template <class T>
std::optional<std::vector<std::byte>> encode(const T& v, oid_t type) {
    std::vector<std::byte> out(codec<T>::encoded_size(v, type));
    if (codec<T>::encode(v, type, out)) {
        return std::nullopt;
    }
    return out;
}

template <class T>
void one(oid_t type, std::span<const std::byte> in) {
    T v{};
    if (codec<T>::decode(type, in, v)) {
        return;
    }
    if constexpr (printable<T>) {
        (void)v.to_string();
    }
    // Some decodable values are not encodable (an encoder may refuse, say, a denormal it cannot
    // express in its type); those are fine as long as nothing crashes.
    const auto first = encode(v, type);
    if (!first) {
        return;
    }
    T w{};
    check(!codec<T>::decode(type, *first, w));
    const auto second = encode(w, type);
    check(second.has_value() && *second == *first);
}

void render(const std::uint8_t* data, std::size_t size) {
    if (size < 3) {
        return;
    }
    const auto types = catalog::builtin_types();
    const oid_t type = types[(data[1] | (data[2] << 8)) % types.size()].oid;
    static const text_settings settings[] = {
        {},
        {.date_style = "SQL, DMY", .interval_style = "iso_8601", .time_zone = "America/New_York", .extra_float_digits = 0,
         .bytea_output = "escape"},
        {.date_style = "German", .interval_style = "sql_standard", .time_zone = "<+05:30>-05:30",
         .extra_float_digits = -15},
        {.date_style = "Postgres, YMD", .interval_style = "postgres_verbose", .time_zone = "Australia/Lord_Howe",
         .extra_float_digits = 3},
    };
    const text_settings& ts = settings[data[0] % 4];
    std::string out = "prefix";
    const std::span<const std::byte> value(reinterpret_cast<const std::byte*>(data) + 3, size - 3);
    if (render_text(type, binary_format_code, value, ts, nullptr, out)) {
        check(out == "prefix");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
    if (data[0] >= 200) {
        render(data, size);
        return 0;
    }
    switch (data[0] % 47) {
        case 0: one<bool>(oid::bool_, in); break;
        case 1: one<std::int16_t>(oid::int2, in); break;
        case 2: one<std::int64_t>(oid::int8, in); break;
        case 3: one<double>(oid::float8, in); break;
        case 4: one<float>(oid::float4, in); break;
        case 5: one<numeric>(oid::numeric, in); break;
        case 6: one<std::string>(oid::text, in); break;
        case 7: one<std::string>(oid::jsonb, in); break;
        case 8: one<std::string>(oid::jsonpath, in); break;
        case 9: one<std::vector<std::byte>>(oid::bytea, in); break;
        case 10: one<uuid>(oid::uuid, in); break;
        case 11: one<inet>(oid::inet, in); break;
        case 12: one<cidr>(oid::cidr, in); break;
        case 13: one<macaddr>(oid::macaddr, in); break;
        case 14: one<macaddr8>(oid::macaddr8, in); break;
        case 15: one<point>(oid::point, in); break;
        case 16: one<line>(oid::line, in); break;
        case 17: one<lseg>(oid::lseg, in); break;
        case 18: one<box>(oid::box, in); break;
        case 19: one<path>(oid::path, in); break;
        case 20: one<polygon>(oid::polygon, in); break;
        case 21: one<circle>(oid::circle, in); break;
        case 22: one<bit_string>(oid::varbit, in); break;
        case 23: one<money>(oid::money, in); break;
        case 24: one<pg_lsn>(oid::pg_lsn, in); break;
        case 25: one<date>(oid::date, in); break;
        case 26: one<pgring::time>(oid::time, in); break;
        case 27: one<timetz>(oid::timetz, in); break;
        case 28: one<timestamp>(oid::timestamp, in); break;
        case 29: one<timestamptz>(oid::timestamptz, in); break;
        case 30: one<interval>(oid::interval, in); break;
        case 31: one<array<std::optional<std::int32_t>>>(oid::int4_array, in); break;
        case 32: one<array<std::optional<std::string>>>(oid::text_array, in); break;
        case 33: one<std::vector<numeric>>(oid::numeric_array, in); break;
        case 34: one<range<std::int32_t>>(oid::int4range, in); break;
        case 35: one<range<numeric>>(oid::numrange, in); break;
        case 36: one<range<timestamptz>>(oid::tstzrange, in); break;
        case 37: one<std::vector<range<std::int64_t>>>(oid::int8multirange, in); break;
        case 38: one<std::chrono::sys_days>(oid::date, in); break;
        case 39: one<tsvector>(oid::tsvector, in); break;
        case 40: one<tsquery>(oid::tsquery, in); break;
        case 41: one<pg_snapshot>(oid::pg_snapshot, in); break;
        case 42: one<hstore>(20000, in); break;
        case 43: one<record>(oid::record, in); break;
        case 44: one<std::tuple<std::int32_t, std::optional<std::string>>>(oid::record, in); break;
        case 45: one<tid>(oid::tid, in); break;
        default: one<std::optional<std::int32_t>>(oid::int4, in); break;
    }
    return 0;
}
