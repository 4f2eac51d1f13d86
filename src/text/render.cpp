// render_text: PostgreSQL's text output of a value, from its binary form. Scalars are decoded
// with pgring's codecs and printed as the type's output function prints them; arrays, ranges,
// multiranges and records are walked here, each element rendered recursively and quoted as
// array_out, range_out and record_out quote. Types that are not built in come from the caller's
// type_lookup: a domain renders as its base type, an enum as its label, a composite as a record.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <pgring/codec.hpp>
#include <pgring/error.hpp>
#include <pgring/hstore.hpp>
#include <pgring/oid.hpp>
#include <pgring/snapshot.hpp>
#include <pgring/text.hpp>
#include <pgring/text_search.hpp>
#include <pgring/type_info.hpp>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/builtin_types.hpp"
#include "text/datetime_text.hpp"
#include "text/float_text.hpp"

namespace pgring {

namespace {

using bytes = std::span<const std::byte>;

std::error_code fail(errc e) {
    return make_error_code(e);
}

// Nesting bound for arrays of records of ranges...: deeper input is refused rather than
// recursed into without limit.
constexpr int max_depth = 32;

std::string_view as_text(bytes in) {
    return {reinterpret_cast<const char*>(in.data()), in.size()};
}

// isspace() in the C locale, which array_out, range_out and record_out use.
bool is_c_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool equals_null_ignoring_case(std::string_view s) {
    if (s.size() != 4) {
        return false;
    }
    constexpr std::string_view null = "null";
    for (std::size_t i = 0; i < 4; ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != null[i]) {
            return false;
        }
    }
    return true;
}

// array_out's quoting of one element.
void append_array_element(std::string_view value, char delimiter, std::string& out) {
    bool quote = value.empty() || equals_null_ignoring_case(value);
    for (const char c : value) {
        if (c == '"' || c == '\\' || c == '{' || c == '}' || c == delimiter || is_c_space(c)) {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out += value;
        return;
    }
    out += '"';
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
}

// range_out's and record_out's quoting of one bound or field: the same rules but for the
// brackets each uses (`specials`), with quotes and backslashes doubled.
void append_doubled_quoted(std::string_view value, std::string_view specials, std::string& out) {
    bool quote = value.empty();
    for (const char c : value) {
        if (c == '"' || c == '\\' || specials.find(c) != std::string_view::npos || is_c_space(c)) {
            quote = true;
            break;
        }
    }
    if (quote) {
        out += '"';
    }
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            out += c;
        }
        out += c;
    }
    if (quote) {
        out += '"';
    }
}

template <class I>
void append_integer(I value, std::string& out) {
    out += std::to_string(value);
}

// Reads a big-endian integer of exactly the input's size.
template <class T>
std::error_code read_exact(bytes in, T& out) {
    if (in.size() != sizeof(T)) {
        return fail(errc::malformed_message);
    }
    out = detail::load_be<T>(in.data());
    return {};
}

// Takes an int32 length and that many bytes off the front of `in`; `null` for length -1.
std::error_code take_length_prefixed(bytes& in, bytes& value, bool& null) {
    if (in.size() < 4) {
        return fail(errc::malformed_message);
    }
    const auto length = detail::load_be<std::int32_t>(in.data());
    in = in.subspan(4);
    if (length == -1) {
        null = true;
        value = {};
        return {};
    }
    if (length < 0 || static_cast<std::size_t>(length) > in.size()) {
        return fail(errc::malformed_message);
    }
    null = false;
    value = in.first(static_cast<std::size_t>(length));
    in = in.subspan(static_cast<std::size_t>(length));
    return {};
}

// cash_out with lc_monetary C: `$1,234.56`, `-$1.00` (PostgreSQL's defaults for the empty
// fields of the C locale: `$`, `,` every three digits, `.` and two fractional digits).
void append_money(std::int64_t cents, std::string& out) {
    const bool negative = cents < 0;
    std::uint64_t magnitude =
        negative ? std::uint64_t{0} - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
    char buf[64];
    char* p = buf + sizeof buf;
    int digits = 0;
    while (magnitude != 0 || digits < 3) {
        if (digits == 2) {
            *--p = '.';
        } else if (digits > 2 && (digits - 2) % 3 == 0) {
            *--p = ',';
        }
        *--p = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
        ++digits;
    }
    if (negative) {
        out += '-';
    }
    out += '$';
    out.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

// byteaout in hex (`\x0102`) or escape form (printable ASCII as is, `\\` for a backslash,
// `\ooo` for every other byte).
void append_bytea(bytes in, const text_settings& settings, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    if (settings.bytea_output == "escape") {
        for (const std::byte b : in) {
            const auto c = std::to_integer<unsigned char>(b);
            if (c == '\\') {
                out += "\\\\";
            } else if (c < 0x20 || c > 0x7e) {
                out += '\\';
                out += static_cast<char>('0' + (c >> 6));
                out += static_cast<char>('0' + ((c >> 3) & 7));
                out += static_cast<char>('0' + (c & 7));
            } else {
                out += static_cast<char>(c);
            }
        }
        return;
    }
    out += "\\x";
    for (const std::byte b : in) {
        const auto c = std::to_integer<unsigned char>(b);
        out += hex[c >> 4];
        out += hex[c & 15];
    }
}

void append_point(const point& p, int efd, std::string& out) {
    out += '(';
    text::render_float8(p.x, efd, out);
    out += ',';
    text::render_float8(p.y, efd, out);
    out += ')';
}

void append_points(const std::vector<point>& points, int efd, std::string& out) {
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (i != 0) {
            out += ',';
        }
        append_point(points[i], efd, out);
    }
}

template <class T>
std::error_code decode_value(oid_t type, bytes in, T& value) {
    return codec<T>::decode(type, in, value);
}

// How a type renders, once domains and the lookup are resolved.
enum class shape : std::uint8_t { scalar, array, vector, range, multirange, record, text, hstore, not_supported };

struct resolved {
    shape kind = shape::scalar;
    oid_t type = 0;     // the (base) type to render
    oid_t element = 0;  // array/vector: the element type; range/multirange: the subtype
};

class renderer {
public:
    renderer(const text_settings& settings, const type_lookup* types) : settings_(settings), types_(types) {}

    std::error_code render(oid_t type, bytes in, std::string& out, int depth) {
        if (depth > max_depth) {
            return fail(errc::malformed_message);
        }
        resolved r;
        if (const std::error_code ec = resolve(type, r, 0)) {
            return ec;
        }
        switch (r.kind) {
            case shape::scalar:
                return render_scalar(r.type, in, out);
            case shape::text:
                out += as_text(in);
                return {};
            case shape::array:
            case shape::vector:
                return render_array(r, in, out, depth);
            case shape::range:
                return render_range(r.element, in, out, depth);
            case shape::multirange:
                return render_multirange(r.element, in, out, depth);
            case shape::record:
                return render_record(in, out, depth);
            case shape::hstore:
                return render_printable<hstore>(r.type, in, out);
            case shape::not_supported:
                break;
        }
        return fail(errc::not_supported);
    }

    // The delimiter between elements of an array of `element` (pg_type.typdelim).
    char delimiter_of(oid_t element) const {
        if (const catalog::builtin_type* b = catalog::find_builtin_type(element)) {
            return b->oid == oid::box ? ';' : ',';
        }
        if (types_ != nullptr) {
            if (const type_info* t = types_->find(element)) {
                return t->delimiter;
            }
        }
        return ',';
    }

private:
    std::error_code resolve(oid_t type, resolved& r, int hops) const {
        if (hops > max_depth) {
            return fail(errc::type_mismatch);
        }
        if (const catalog::builtin_type* b = catalog::find_builtin_type(type)) {
            r.type = type;
            if (type == oid::int2vector || type == oid::oidvector) {
                r.kind = shape::vector;
                r.element = b->element_oid;
            } else if (b->element_oid != 0) {
                r.kind = shape::array;
                r.element = b->element_oid;
            } else if (b->kind == 'r') {
                r.kind = shape::range;
                r.element = b->range_subtype;
            } else if (b->kind == 'm') {
                r.kind = shape::multirange;
                r.element = b->range_subtype;
            } else if (b->kind == 'c' || type == oid::record) {
                r.kind = shape::record;
            } else {
                r.kind = shape::scalar;
            }
            return {};
        }
        const type_info* t = types_ != nullptr ? types_->find(type) : nullptr;
        if (t == nullptr) {
            return fail(errc::type_mismatch);
        }
        r.type = type;
        switch (t->kind) {
            case 'd':
                return resolve(t->base, r, hops + 1);
            case 'e':
                r.kind = shape::text;
                return {};
            case 'c':
                r.kind = shape::record;
                return {};
            case 'r':
                r.kind = shape::range;
                r.element = t->range_subtype;
                return {};
            case 'm':
                r.kind = shape::multirange;
                r.element = t->range_subtype;
                return {};
            default:
                break;
        }
        // An array type: category 'A' (or, for a lookup that leaves the category out, a
        // variable-length type named like one, "_mood"); typelem alone also marks the
        // subscriptable fixed-size types.
        if (t->element != 0 && (t->category == 'A' || (t->length == -1 && t->name.starts_with('_')))) {
            r.kind = shape::array;
            r.element = t->element;
            return {};
        }
        if (t->name == "citext") {
            r.kind = shape::text;
        } else if (t->name == "hstore") {
            r.kind = shape::hstore;
        } else {
            r.kind = shape::not_supported;
        }
        return {};
    }

    // A value type whose to_string() is the server's output form.
    template <class T>
    static std::error_code render_printable(oid_t type, bytes in, std::string& out) {
        T v;
        if (const std::error_code ec = decode_value(type, in, v)) {
            return ec;
        }
        out += v.to_string();
        return {};
    }

    std::error_code render_scalar(oid_t type, bytes in, std::string& out) {
        const int efd = settings_.extra_float_digits;
        switch (type) {
            case oid::bool_: {
                bool v = false;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                out += v ? 't' : 'f';
                return {};
            }
            case oid::int2: {
                std::int16_t v = 0;
                if (const std::error_code ec = read_exact(in, v)) {
                    return ec;
                }
                append_integer(v, out);
                return {};
            }
            case oid::int4: {
                std::int32_t v = 0;
                if (const std::error_code ec = read_exact(in, v)) {
                    return ec;
                }
                append_integer(v, out);
                return {};
            }
            case oid::int8: {
                std::int64_t v = 0;
                if (const std::error_code ec = read_exact(in, v)) {
                    return ec;
                }
                append_integer(v, out);
                return {};
            }
            case oid::oid:
            case oid::xid:
            case oid::cid: {
                std::uint32_t v = 0;
                if (const std::error_code ec = read_exact(in, v)) {
                    return ec;
                }
                append_integer(v, out);
                return {};
            }
            case oid::xid8: {
                std::uint64_t v = 0;
                if (const std::error_code ec = read_exact(in, v)) {
                    return ec;
                }
                append_integer(v, out);
                return {};
            }
            case oid::tid: {
                if (in.size() != 6) {
                    return fail(errc::malformed_message);
                }
                out += '(';
                append_integer(detail::load_be<std::uint32_t>(in.data()), out);
                out += ',';
                append_integer(detail::load_be<std::uint16_t>(in.data() + 4), out);
                out += ')';
                return {};
            }
            case oid::float4: {
                float v = 0;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                text::render_float4(v, efd, out);
                return {};
            }
            case oid::float8: {
                double v = 0;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                text::render_float8(v, efd, out);
                return {};
            }
            case oid::numeric:
                return render_printable<numeric>(type, in, out);
            case oid::money: {
                money v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                append_money(v.cents, out);
                return {};
            }
            case oid::text:
            case oid::varchar:
            case oid::bpchar:
            case oid::name:
            case oid::json:
            case oid::xml:
            case oid::unknown:
            case oid::refcursor:
            case oid::pg_node_tree:
            case oid::jsonb:
            case oid::jsonpath: {
                std::string_view v;
                if (const std::error_code ec = detail::text_view_of(type, in, v)) {
                    return ec;
                }
                out += v;
                return {};
            }
            case oid::char_: {
                // charsend: one byte. charout: the byte itself, nothing for NUL, and \ooo for
                // a byte with the high bit set.
                if (in.size() != 1) {
                    return fail(errc::malformed_message);
                }
                const auto c = std::to_integer<unsigned char>(in[0]);
                if (c >= 0x80) {
                    out += '\\';
                    out += static_cast<char>('0' + (c >> 6));
                    out += static_cast<char>('0' + ((c >> 3) & 7));
                    out += static_cast<char>('0' + (c & 7));
                } else if (c != 0) {
                    out += static_cast<char>(c);
                }
                return {};
            }
            case oid::bytea:
                append_bytea(in, settings_, out);
                return {};
            case oid::uuid:
                return render_printable<uuid>(type, in, out);
            case oid::inet:
                return render_printable<inet>(type, in, out);
            case oid::cidr:
                return render_printable<cidr>(type, in, out);
            case oid::macaddr:
                return render_printable<macaddr>(type, in, out);
            case oid::macaddr8:
                return render_printable<macaddr8>(type, in, out);
            case oid::bit:
            case oid::varbit:
                return render_printable<bit_string>(type, in, out);
            case oid::pg_lsn:
                return render_printable<pg_lsn>(type, in, out);
            case oid::point: {
                point v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                append_point(v, efd, out);
                return {};
            }
            case oid::line: {
                line v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                out += '{';
                text::render_float8(v.a, efd, out);
                out += ',';
                text::render_float8(v.b, efd, out);
                out += ',';
                text::render_float8(v.c, efd, out);
                out += '}';
                return {};
            }
            case oid::lseg: {
                lseg v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                out += '[';
                append_point(v.start, efd, out);
                out += ',';
                append_point(v.end, efd, out);
                out += ']';
                return {};
            }
            case oid::box: {
                box v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                append_point(v.high, efd, out);
                out += ',';
                append_point(v.low, efd, out);
                return {};
            }
            case oid::path: {
                path v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                out += v.closed ? '(' : '[';
                append_points(v.points, efd, out);
                out += v.closed ? ')' : ']';
                return {};
            }
            case oid::polygon: {
                polygon v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                out += '(';
                append_points(v.points, efd, out);
                out += ')';
                return {};
            }
            case oid::circle: {
                circle v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                out += '<';
                append_point(v.center, efd, out);
                out += ',';
                text::render_float8(v.radius, efd, out);
                out += '>';
                return {};
            }
            case oid::date: {
                date v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                text::render_date(v, settings_, out);
                return {};
            }
            case oid::time: {
                pgring::time v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                text::render_time(v, out);
                return {};
            }
            case oid::timetz: {
                timetz v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                text::render_timetz(v, settings_, out);
                return {};
            }
            case oid::timestamp: {
                timestamp v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                text::render_timestamp(v, settings_, out);
                return {};
            }
            case oid::timestamptz: {
                timestamptz v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                text::render_timestamptz(v, settings_, out);
                return {};
            }
            case oid::interval: {
                interval v;
                if (const std::error_code ec = decode_value(type, in, v)) {
                    return ec;
                }
                text::render_interval(v, settings_, out);
                return {};
            }
            case oid::tsvector:
                return render_printable<tsvector>(type, in, out);
            case oid::tsquery:
                return render_printable<tsquery>(type, in, out);
            case oid::pg_snapshot:
            case oid::txid_snapshot:
                return render_printable<pg_snapshot>(type, in, out);
            case oid::void_:
                if (!in.empty()) {
                    return fail(errc::malformed_message);
                }
                return {};
            default:
                // reg* (regclass, regtype, ...: their text is a catalog lookup), aclitem and
                // the internal types.
                return fail(errc::not_supported);
        }
    }

    // array_out (and int2vectorout/oidvectorout for the catalog's vectors).
    std::error_code render_array(const resolved& r, bytes in, std::string& out, int depth) {
        // The header is read as that of a user-defined array (whose element type the header
        // names); a built-in array's element type is then checked against the catalog's. Not
        // every built-in array is one the codecs know (record[], aclitem[], ...).
        constexpr oid_t any_user_array = 0xFFFFFFFF;
        detail::array_header h;
        if (const std::error_code ec = detail::load_array_header(any_user_array, in, h)) {
            return ec;
        }
        if (h.element_oid != r.element && catalog::find_builtin_type(r.type) != nullptr) {
            return fail(errc::malformed_message);
        }
        const oid_t element = h.element_oid;
        bytes body = h.body;
        if (r.kind == shape::vector) {
            if (h.ndim > 1 || h.has_nulls) {
                return fail(errc::malformed_message);
            }
            for (std::size_t i = 0; i < h.count; ++i) {
                bytes value;
                bool null = false;
                if (const std::error_code ec = take_length_prefixed(body, value, null)) {
                    return ec;
                }
                if (null) {
                    return fail(errc::malformed_message);
                }
                if (i != 0) {
                    out += ' ';
                }
                if (const std::error_code ec = render(element, value, out, depth + 1)) {
                    return ec;
                }
            }
            return body.empty() ? std::error_code() : fail(errc::malformed_message);
        }
        if (h.count == 0) {
            if (!body.empty()) {
                return fail(errc::malformed_message);
            }
            out += "{}";
            return {};
        }
        const char delimiter = delimiter_of(element);
        bool need_dims = false;
        for (int i = 0; i < h.ndim; ++i) {
            need_dims = need_dims || h.lower_bounds[i] != 1;
        }
        if (need_dims) {
            for (int i = 0; i < h.ndim; ++i) {
                out += '[';
                append_integer(h.lower_bounds[i], out);
                out += ':';
                append_integer(std::int64_t{h.lower_bounds[i]} + h.dims[i] - 1, out);
                out += ']';
            }
            out += '=';
        }
        // Walk the elements in row-major order, opening and closing braces as the subscripts roll.
        std::int32_t index[detail::max_array_dims] = {};
        for (int i = 0; i < h.ndim; ++i) {
            out += '{';
        }
        std::string element_text;
        for (std::size_t n = 0; n < h.count; ++n) {
            bytes value;
            bool null = false;
            if (const std::error_code ec = take_length_prefixed(body, value, null)) {
                return ec;
            }
            if (null) {
                out += "NULL";
            } else {
                element_text.clear();
                if (const std::error_code ec = render(element, value, element_text, depth + 1)) {
                    return ec;
                }
                append_array_element(element_text, delimiter, out);
            }
            // Advance the subscripts: close the braces of every dimension that wrapped.
            int d = h.ndim - 1;
            while (d >= 0) {
                if (++index[d] < h.dims[d]) {
                    break;
                }
                index[d] = 0;
                out += '}';
                --d;
            }
            if (d >= 0) {
                out += delimiter;
                for (int i = d + 1; i < h.ndim; ++i) {
                    out += '{';
                }
            }
        }
        return body.empty() ? std::error_code() : fail(errc::malformed_message);
    }

    // range_out: `empty`, or the bounds with their brackets, each bound quoted as needed.
    std::error_code render_range(oid_t subtype, bytes in, std::string& out, int depth) {
        if (in.empty()) {
            return fail(errc::malformed_message);
        }
        constexpr unsigned empty = 0x01;
        constexpr unsigned lb_inc = 0x02;
        constexpr unsigned ub_inc = 0x04;
        constexpr unsigned lb_inf = 0x08;
        constexpr unsigned ub_inf = 0x10;
        const auto flags = std::to_integer<unsigned>(in[0]);
        in = in.subspan(1);
        if ((flags & ~0x1Fu) != 0 || ((flags & empty) != 0 && flags != empty)) {
            return fail(errc::malformed_message);
        }
        if ((flags & empty) != 0) {
            if (!in.empty()) {
                return fail(errc::malformed_message);
            }
            out += "empty";
            return {};
        }
        out += (flags & lb_inc) != 0 ? '[' : '(';
        std::string bound;
        for (const bool lower : {true, false}) {
            if (!lower) {
                out += ',';
            }
            if ((flags & (lower ? lb_inf : ub_inf)) != 0) {
                continue;
            }
            bytes value;
            bool null = false;
            if (const std::error_code ec = take_length_prefixed(in, value, null)) {
                return ec;
            }
            if (null) {
                return fail(errc::malformed_message);
            }
            bound.clear();
            if (const std::error_code ec = render(subtype, value, bound, depth + 1)) {
                return ec;
            }
            append_doubled_quoted(bound, "()[],", out);
        }
        out += (flags & ub_inc) != 0 ? ']' : ')';
        return in.empty() ? std::error_code() : fail(errc::malformed_message);
    }

    // multirange_out: `{range,range}`.
    std::error_code render_multirange(oid_t subtype, bytes in, std::string& out, int depth) {
        if (in.size() < 4) {
            return fail(errc::malformed_message);
        }
        const auto count = detail::load_be<std::int32_t>(in.data());
        in = in.subspan(4);
        if (count < 0 || static_cast<std::size_t>(count) > in.size() / 5) {
            return fail(errc::malformed_message);
        }
        out += '{';
        for (std::int32_t i = 0; i < count; ++i) {
            bytes value;
            bool null = false;
            if (const std::error_code ec = take_length_prefixed(in, value, null)) {
                return ec;
            }
            if (null) {
                return fail(errc::malformed_message);
            }
            if (i != 0) {
                out += ',';
            }
            if (const std::error_code ec = render_range(subtype, value, out, depth + 1)) {
                return ec;
            }
        }
        out += '}';
        return in.empty() ? std::error_code() : fail(errc::malformed_message);
    }

    // record_out: `(1,"a b",)`; record_send gives each field's type, so anonymous records and
    // composites render alike.
    std::error_code render_record(bytes in, std::string& out, int depth) {
        if (in.size() < 4) {
            return fail(errc::malformed_message);
        }
        const auto count = detail::load_be<std::int32_t>(in.data());
        in = in.subspan(4);
        // Each field takes at least 8 bytes (its type and length).
        if (count < 0 || static_cast<std::size_t>(count) > in.size() / 8) {
            return fail(errc::malformed_message);
        }
        out += '(';
        std::string field;
        for (std::int32_t i = 0; i < count; ++i) {
            // The count check above allowed 8 bytes a field, but earlier values may have used
            // the bytes a later field needs.
            if (in.size() < 4) {
                return fail(errc::malformed_message);
            }
            const oid_t type = detail::load_be<std::uint32_t>(in.data());
            in = in.subspan(4);
            bytes value;
            bool null = false;
            if (const std::error_code ec = take_length_prefixed(in, value, null)) {
                return ec;
            }
            if (i != 0) {
                out += ',';
            }
            if (null) {
                continue;
            }
            field.clear();
            if (const std::error_code ec = render(type, value, field, depth + 1)) {
                return ec;
            }
            append_doubled_quoted(field, "(),", out);
        }
        out += ')';
        return in.empty() ? std::error_code() : fail(errc::malformed_message);
    }

    const text_settings& settings_;
    const type_lookup* types_;
};

}  // namespace

std::error_code render_text(oid_t type, std::int16_t format, std::span<const std::byte> value,
                            const text_settings& settings, const type_lookup* types, std::string& out) {
    if (format == text_format_code) {
        out += as_text(value);
        return {};
    }
    if (format != binary_format_code) {
        return make_error_code(errc::invalid_state);
    }
    const std::size_t size = out.size();
    renderer r(settings, types);
    const std::error_code ec = r.render(type, value, out, 0);
    if (ec) {
        out.resize(size);
    }
    return ec;
}

}  // namespace pgring
