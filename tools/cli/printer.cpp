#include "printer.hpp"

#include <locale.h>

#include <algorithm>
#include <cstdio>
#include <cwchar>

namespace pgring::cli {
namespace {

// Decodes one UTF-8 sequence at `i`; an invalid byte reads as itself (Latin-1) so nothing is
// lost. Advances `i`.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    char32_t cp = 0;
    if (b0 < 0x80) {
        ++i;
        return b0;
    } else if ((b0 & 0xE0) == 0xC0) {
        n = 1;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        n = 2;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        n = 3;
        cp = b0 & 0x07;
    } else {
        ++i;
        return b0;
    }
    if (i + n >= s.size()) {
        ++i;
        return b0;
    }
    for (std::size_t k = 1; k <= n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return b0;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    i += n + 1;
    return cp;
}

// Terminal width of one printable code point, by the C library's UTF-8 tables (a private
// locale object, so the process locale is left alone).
int code_point_width(char32_t cp) noexcept {
    if (cp < 0x80) {
        return 1;
    }
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    if (utf8 == static_cast<locale_t>(nullptr)) {
        return 1;
    }
    const locale_t old = uselocale(utf8);
    const int w = ::wcwidth(static_cast<wchar_t>(cp));
    uselocale(old);
    return w < 0 ? 1 : w;
}

bool is_control(char32_t cp) noexcept {
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

// A value or header split at newlines, each line escaped for display, with its width.
struct cell_lines {
    std::vector<std::string> lines;
    std::vector<std::size_t> widths;
};

cell_lines split_cell(std::string_view value) {
    cell_lines c;
    std::size_t start = 0;
    while (true) {
        const std::size_t nl = value.find('\n', start);
        const std::string_view line =
            value.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        c.lines.push_back(escape_for_display(line));
        c.widths.push_back(display_width(c.lines.back()));
        if (nl == std::string_view::npos) {
            break;
        }
        start = nl + 1;
    }
    return c;
}

void pad(std::string& out, std::size_t n) {
    out.append(n, ' ');
}

std::string row_count_footer(std::size_t n) {
    return n == 1 ? "(1 row)" : "(" + std::to_string(n) + " rows)";
}

void print_aligned(const result_table& t, const print_options& o, std::string& out) {
    const std::size_t ncols = t.columns.size();
    std::vector<cell_lines> headers;
    std::vector<std::size_t> width(ncols, 0);
    std::vector<bool> right(ncols, false);
    for (std::size_t j = 0; j < ncols; ++j) {
        headers.push_back(split_cell(t.columns[j].name));
        for (const std::size_t w : headers.back().widths) {
            width[j] = std::max(width[j], w);
        }
        right[j] = is_right_aligned(t.columns[j].type);
    }
    std::vector<std::vector<cell_lines>> cells;
    cells.reserve(t.rows.size());
    for (const auto& r : t.rows) {
        std::vector<cell_lines> row;
        for (std::size_t j = 0; j < ncols; ++j) {
            row.push_back(split_cell(j < r.size() && r[j] ? std::string_view(*r[j]) : std::string_view()));
            for (const std::size_t w : row.back().widths) {
                width[j] = std::max(width[j], w);
            }
        }
        cells.push_back(std::move(row));
    }

    if (ncols == 0) {
        // A row of no columns prints nothing; psql shows a bare rule and the count.
        out += o.tuples_only ? "" : "--\n" + row_count_footer(t.rows.size()) + "\n";
        out += '\n';
        return;
    }
    if (!o.tuples_only) {
        std::size_t height = 0;
        for (const cell_lines& h : headers) {
            height = std::max(height, h.lines.size());
        }
        for (std::size_t k = 0; k < height; ++k) {
            for (std::size_t j = 0; j < ncols; ++j) {
                out += j == 0 ? " " : "| ";
                const cell_lines& h = headers[j];
                const std::size_t w = k < h.lines.size() ? h.widths[k] : 0;
                pad(out, (width[j] - w) / 2);
                if (k < h.lines.size()) {
                    out += h.lines[k];
                }
                pad(out, (width[j] - w + 1) / 2);
                out += k + 1 < h.lines.size() ? '+' : ' ';
            }
            out += '\n';
        }
        for (std::size_t j = 0; j < ncols; ++j) {
            if (j > 0) {
                out += '+';
            }
            out.append(width[j] + 2, '-');
        }
        out += '\n';
    }

    for (const auto& row : cells) {
        std::size_t height = 0;
        for (const cell_lines& c : row) {
            height = std::max(height, c.lines.size());
        }
        for (std::size_t k = 0; k < height; ++k) {
            for (std::size_t j = 0; j < ncols; ++j) {
                const bool last = j + 1 == ncols;
                out += j == 0 ? " " : "| ";
                const cell_lines& c = row[j];
                const bool has_line = k < c.lines.size();
                const bool more = k + 1 < c.lines.size();
                const std::size_t w = has_line ? c.widths[k] : 0;
                if (right[j]) {
                    // Below the last line of a cell, a right-aligned last column stays empty.
                    if (has_line || !last) {
                        pad(out, width[j] - w);
                    }
                    if (has_line) {
                        out += c.lines[k];
                    }
                } else {
                    if (has_line) {
                        out += c.lines[k];
                    }
                    if (!last || more) {
                        pad(out, width[j] - w);
                    }
                }
                if (more) {
                    out += '+';
                } else if (!last) {
                    out += ' ';
                }
            }
            out += '\n';
        }
    }
    if (!o.tuples_only) {
        out += row_count_footer(t.rows.size()) + "\n";
    }
    out += '\n';
}

void print_unaligned(const result_table& t, const print_options& o, std::string& out) {
    bool first = true;
    auto record = [&]() {
        if (!first) {
            out += o.record_separator;
        }
        first = false;
    };
    if (!o.tuples_only) {
        record();
        for (std::size_t j = 0; j < t.columns.size(); ++j) {
            if (j > 0) {
                out += o.field_separator;
            }
            out += t.columns[j].name;
        }
    }
    for (const auto& r : t.rows) {
        if (t.columns.empty()) {
            break;  // rows of no columns print nothing, not even a separator
        }
        record();
        for (std::size_t j = 0; j < r.size(); ++j) {
            if (j > 0) {
                out += o.field_separator;
            }
            if (r[j]) {
                out += *r[j];
            }
        }
    }
    if (!o.tuples_only) {
        record();
        out += row_count_footer(t.rows.size());
    }
    if (!first) {
        out += '\n';
    }
}

// psql's CSV quoting: quote a field holding the separator, a double quote, CR or LF, or that is
// exactly `\.`, and every field when the separator is `\` or `.` (so that no line reads as
// COPY's end-of-data marker).
void append_csv_field(std::string_view v, char separator, std::string& out) {
    const bool quote = v.find_first_of(std::string{'"', '\r', '\n', separator}) != std::string_view::npos ||
                       v == "\\." || separator == '\\' || separator == '.';
    if (!quote) {
        out += v;
        return;
    }
    out += '"';
    for (const char c : v) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

void print_csv(const result_table& t, const print_options& o, std::string& out) {
    const char sep = ',';
    if (!o.tuples_only) {
        for (std::size_t j = 0; j < t.columns.size(); ++j) {
            if (j > 0) {
                out += sep;
            }
            append_csv_field(t.columns[j].name, sep, out);
        }
        out += '\n';
    }
    for (const auto& r : t.rows) {
        if (t.columns.empty()) {
            break;
        }
        for (std::size_t j = 0; j < r.size(); ++j) {
            if (j > 0) {
                out += sep;
            }
            if (r[j]) {
                append_csv_field(*r[j], sep, out);
            }
        }
        out += '\n';
    }
}

// The text of a finite number is valid JSON as it stands (int, float and numeric output have no
// leading '+', no leading '.', and exponents as `e+NN`); NaN and infinities are not numbers.
bool is_json_number(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') {
        ++i;
    }
    const std::size_t digits_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        ++i;
    }
    if (i == digits_start || (s[digits_start] == '0' && i - digits_start > 1)) {
        return false;
    }
    if (i < s.size() && s[i] == '.') {
        const std::size_t f = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            ++i;
        }
        if (i == f) {
            return false;
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            ++i;
        }
        const std::size_t e = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            ++i;
        }
        if (i == e) {
            return false;
        }
    }
    return i == s.size();
}

void append_json_value(oid_t type, const std::optional<std::string>& v, std::string& out) {
    if (!v) {
        out += "null";
        return;
    }
    switch (type) {
        case oid::int2:
        case oid::int4:
        case oid::int8:
        case oid::float4:
        case oid::float8:
        case oid::numeric:
            if (is_json_number(*v)) {
                out += *v;
                return;
            }
            break;
        case oid::bool_:
            if (*v == "t" || *v == "f") {
                out += *v == "t" ? "true" : "false";
                return;
            }
            break;
        case oid::json:
        case oid::jsonb:
            out += *v;
            return;
        default:
            break;
    }
    append_json_string(*v, out);
}

void print_json(const result_table& t, std::string& out) {
    for (const auto& r : t.rows) {
        out += '{';
        for (std::size_t j = 0; j < t.columns.size() && j < r.size(); ++j) {
            if (j > 0) {
                out += ',';
            }
            append_json_string(t.columns[j].name, out);
            out += ':';
            append_json_value(t.columns[j].type, r[j], out);
        }
        out += "}\n";
    }
}

}  // namespace

bool is_right_aligned(oid_t type) noexcept {
    switch (type) {
        case oid::int2:
        case oid::int4:
        case oid::int8:
        case oid::float4:
        case oid::float8:
        case oid::numeric:
        case oid::oid:
        case oid::xid:
        case oid::xid8:
        case oid::cid:
        case oid::money:
            return true;
        default:
            return false;
    }
}

std::string escape_for_display(std::string_view line) {
    std::string out;
    std::size_t column = 0;
    std::size_t i = 0;
    while (i < line.size()) {
        const std::size_t start = i;
        const char32_t cp = next_code_point(line, i);
        if (cp == '\t') {
            const std::size_t spaces = 8 - column % 8;
            out.append(spaces, ' ');
            column += spaces;
        } else if (cp == '\r') {
            out += "\\r";
            column += 2;
        } else if (is_control(cp)) {
            char buf[16];
            const int n = cp < 0x80 ? std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(cp))
                                    : std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(cp));
            out.append(buf, static_cast<std::size_t>(n));
            column += static_cast<std::size_t>(n);
        } else {
            out.append(line.substr(start, i - start));
            column += static_cast<std::size_t>(code_point_width(cp));
        }
    }
    return out;
}

std::size_t display_width(std::string_view text) {
    std::size_t w = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        w += static_cast<std::size_t>(code_point_width(next_code_point(text, i)));
    }
    return w;
}

void append_json_string(std::string_view text, std::string& out) {
    out += '"';
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (u < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void print_table(const result_table& table, const print_options& options, std::string& out) {
    switch (options.format) {
        case output_format::aligned:
            print_aligned(table, options, out);
            break;
        case output_format::unaligned:
            print_unaligned(table, options, out);
            break;
        case output_format::csv:
            print_csv(table, options, out);
            break;
        case output_format::json:
            print_json(table, out);
            break;
    }
}

}  // namespace pgring::cli
