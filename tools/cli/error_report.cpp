#include "error_report.hpp"

#include <charconv>
#include <vector>

#include "printer.hpp"

namespace pgring::cli {
namespace {

// The byte offset of the 1-based character `position` of `text` (UTF-8), or npos past its end.
std::size_t byte_offset_of_character(std::string_view text, std::size_t position) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (++chars == position) {
                return i;
            }
        }
    }
    return std::string_view::npos;
}

// `LINE n: <line>` and a caret line under the error's character, as libpq draws them: tabs read
// as single spaces, and a line wider than 60 columns is cut (marked `...`) to a 60-column window
// that keeps the caret at least 10 columns from the right end when it can.
void append_position(std::string_view source, std::size_t error_offset, std::string& out) {
    constexpr std::size_t display_size = 60;
    constexpr std::size_t min_right_cut = 10;
    if (error_offset > source.size()) {
        return;
    }
    std::size_t line_no = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < error_offset; ++i) {
        if (source[i] == '\n') {
            ++line_no;
            line_start = i + 1;
        }
    }
    std::size_t line_end = source.find('\n', line_start);
    if (line_end == std::string_view::npos) {
        line_end = source.size();
    }
    if (line_end > line_start && source[line_end - 1] == '\r') {
        --line_end;
    }
    // Characters of the line: byte offsets (plus the end) and cumulative display columns.
    std::vector<std::size_t> bytes;
    std::vector<std::size_t> columns;
    std::size_t loc = 0;
    std::size_t col = 0;
    for (std::size_t i = line_start; i < line_end;) {
        if (i <= error_offset) {
            loc = bytes.size();
        }
        std::size_t next = i + 1;
        while (next < line_end && (static_cast<unsigned char>(source[next]) & 0xC0) == 0x80) {
            ++next;
        }
        bytes.push_back(i);
        columns.push_back(col);
        col += source[i] == '\t' ? 1 : display_width(source.substr(i, next - i));
        i = next;
    }
    if (error_offset >= line_end) {
        loc = bytes.size();
    }
    bytes.push_back(line_end);
    columns.push_back(col);

    std::size_t ibeg = 0;
    std::size_t iend = bytes.size() - 1;
    bool cut_left = false;
    bool cut_right = false;
    if (columns[iend] - columns[ibeg] > display_size) {
        if (columns[ibeg] + display_size >= columns[loc] + min_right_cut) {
            while (columns[iend] - columns[ibeg] > display_size) {
                --iend;
            }
            cut_right = true;
        } else {
            while (columns[loc] + min_right_cut < columns[iend]) {
                --iend;
                cut_right = true;
            }
            while (columns[iend] - columns[ibeg] > display_size) {
                ++ibeg;
                cut_left = true;
            }
        }
    }
    std::string line(source.substr(bytes[ibeg], bytes[iend] - bytes[ibeg]));
    for (char& c : line) {
        if (c == '\t') {
            c = ' ';
        }
    }
    const std::string label = "LINE " + std::to_string(line_no) + ": ";
    out += label + (cut_left ? "..." : "") + line + (cut_right ? "..." : "") + "\n";
    out.append(label.size() + (cut_left ? 3 : 0) + columns[loc] - columns[ibeg], ' ');
    out += "^\n";
}

void append_field(std::string_view label, const std::string& value, std::string& out) {
    if (!value.empty()) {
        out += std::string(label) + ":  " + value + "\n";
    }
}

}  // namespace

std::string format_server_message(const diagnostics& d, const statement_origin& origin,
                                  std::string_view prefix, bool show_context) {
    std::string out(prefix);
    out += (d.severity.empty() ? std::string("ERROR") : d.severity) + ":  " + d.message + "\n";
    std::size_t position = 0;
    if (!d.position.empty()) {
        (void)std::from_chars(d.position.data(), d.position.data() + d.position.size(), position);
    }
    if (position > 0) {
        const std::string_view statement =
            origin.source.substr(std::min(origin.offset, origin.source.size()));
        const std::size_t at = byte_offset_of_character(statement, position);
        append_position(origin.source,
                        at == std::string_view::npos ? origin.source.size() : origin.offset + at, out);
    }
    append_field("DETAIL", d.detail, out);
    append_field("HINT", d.hint, out);
    append_field("QUERY", d.internal_query, out);
    if (show_context) {
        append_field("CONTEXT", d.where, out);
    }
    return out;
}

}  // namespace pgring::cli
