// The full-text search codecs (tsvector, tsquery) and their text forms.

#include <pgring/codec.hpp>
#include <pgring/text_search.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pgring {

namespace {

using detail::make_error;

// tsvectorsend packs a position's weight into the top two bits of a uint16 (WEP_SETWEIGHT).
constexpr std::uint16_t position_mask = 0x3FFF;

constexpr std::uint8_t item_operand = 1;   // QI_VAL
constexpr std::uint8_t item_operator = 2;  // QI_OPR

// Reads a NUL-terminated string of at most `max` bytes from the front of `in`, advancing `in`
// past its terminator.
bool take_cstring(std::span<const std::byte>& in, std::size_t max, std::string& out) {
    const void* nul = std::memchr(in.data(), 0, in.size());
    if (nul == nullptr) {
        return false;
    }
    const auto n = static_cast<std::size_t>(static_cast<const std::byte*>(nul) - in.data());
    if (n > max) {
        return false;
    }
    out.assign(reinterpret_cast<const char*>(in.data()), n);
    in = in.subspan(n + 1);
    return true;
}

bool valid_lexeme(std::string_view s) noexcept {
    return s.size() <= tsvector::max_lexeme_size && s.find('\0') == std::string_view::npos;
}

void put_cstring(detail::span_writer& w, std::string_view s) noexcept {
    std::memcpy(w.pos, s.data(), s.size());
    w.pos += s.size();
    *w.pos++ = std::byte{0};
}

// tsvectorout and tsqueryout quote a lexeme alike: in single quotes, `'` and `\` doubled.
void append_quoted(std::string& out, std::string_view s) {
    out += '\'';
    for (const char c : s) {
        if (c == '\'' || c == '\\') {
            out += c;
        }
        out += c;
    }
    out += '\'';
}

// tsquery operator priorities, as the server's output uses them to place parentheses.
int priority_of(tsquery::op o) noexcept {
    switch (o) {
        case tsquery::op::or_:
            return 1;
        case tsquery::op::and_:
            return 2;
        case tsquery::op::phrase:
            return 3;
        case tsquery::op::not_:
            return 4;
    }
    return 0;
}

bool known_op(std::uint8_t o) noexcept {
    return o >= static_cast<std::uint8_t>(tsquery::op::not_) &&
           o <= static_cast<std::uint8_t>(tsquery::op::phrase);
}

// Checks that items[i...] start a complete subtree and returns the index past it, or
// items.size() + 1 when they do not. Iterative, so that a deep query cannot overflow the stack:
// `needed` counts the operands still owed.
std::size_t end_of_tree(const std::vector<tsquery::item>& items, std::size_t i) noexcept {
    std::size_t needed = 1;
    while (needed > 0) {
        if (i >= items.size()) {
            return items.size() + 1;
        }
        const tsquery::item& it = items[i++];
        --needed;
        if (!it.is_operand) {
            needed += it.oper == tsquery::op::not_ ? 1 : 2;
        }
    }
    return i;
}

void append_operand(std::string& out, const tsquery::item& it) {
    append_quoted(out, it.lexeme);
    if (it.weights == 0 && !it.prefix) {
        return;
    }
    out += ':';
    if (it.prefix) {
        out += '*';
    }
    if ((it.weights & tsquery::weight_a) != 0) {
        out += 'A';
    }
    if ((it.weights & tsquery::weight_b) != 0) {
        out += 'B';
    }
    if ((it.weights & tsquery::weight_c) != 0) {
        out += 'C';
    }
    if ((it.weights & tsquery::weight_d) != 0) {
        out += 'D';
    }
}

void append_operator(std::string& out, const tsquery::item& it) {
    switch (it.oper) {
        case tsquery::op::or_:
            out += " | ";
            break;
        case tsquery::op::and_:
            out += " & ";
            break;
        default:
            if (it.distance == 1) {
                out += " <-> ";
            } else {
                out += " <";
                out += std::to_string(it.distance);
                out += "> ";
            }
            break;
    }
}

// Writes a valid, non-empty query in the server's infix form. The server sends a tree of any
// depth (tsquerysend does not recurse), so this walks it with explicit stacks, not recursion.
void write_infix(const std::vector<tsquery::item>& items, std::string& out) {
    // left[i]: where the left operand of the binary operator at i starts (its right operand
    // starts at i + 1). Scanning backwards, each finished subtree is pushed; at an operator the
    // top is its right operand and the one below its left.
    std::vector<std::size_t> left(items.size(), 0);
    std::vector<std::size_t> starts;
    for (std::size_t i = items.size(); i-- > 0;) {
        const tsquery::item& it = items[i];
        if (!it.is_operand) {
            starts.pop_back();
            if (it.oper != tsquery::op::not_) {
                left[i] = starts.back();
                starts.pop_back();
            }
        }
        starts.push_back(i);
    }

    // Pending output, last first: a subtree with its context, an operator, or " )".
    enum class kind : std::uint8_t { node, oper, close };
    struct task {
        kind k;
        std::size_t index;
        int parent_priority;
        bool right_of_phrase;
    };
    std::vector<task> todo;
    todo.push_back({kind::node, 0, -1, false});
    while (!todo.empty()) {
        const task t = todo.back();
        todo.pop_back();
        const tsquery::item& it = items[t.index];
        if (t.k == kind::close) {
            out += " )";
            continue;
        }
        if (t.k == kind::oper) {
            append_operator(out, it);
            continue;
        }
        if (it.is_operand) {
            append_operand(out, it);
            continue;
        }
        const int priority = priority_of(it.oper);
        if (it.oper == tsquery::op::not_) {
            const bool parens = priority < t.parent_priority;
            out += parens ? "( !" : "!";
            if (parens) {
                todo.push_back({kind::close, t.index, 0, false});
            }
            todo.push_back({kind::node, t.index + 1, priority, false});
            continue;
        }
        const bool phrase = it.oper == tsquery::op::phrase;
        const bool parens = priority < t.parent_priority || (phrase && t.right_of_phrase);
        if (parens) {
            out += "( ";
            todo.push_back({kind::close, t.index, 0, false});
        }
        todo.push_back({kind::node, t.index + 1, priority, phrase});
        todo.push_back({kind::oper, t.index, 0, false});
        todo.push_back({kind::node, left[t.index], priority, false});
    }
}

}  // namespace

// ---- tsvector ----------------------------------------------------------------------------------

bool tsvector::is_valid() const noexcept {
    if (lexemes.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        return false;
    }
    for (const lexeme& l : lexemes) {
        if (!valid_lexeme(l.text) || l.positions.size() > max_positions) {
            return false;
        }
        for (std::size_t i = 0; i < l.positions.size(); ++i) {
            const position& p = l.positions[i];
            if (p.pos > max_position || static_cast<std::uint8_t>(p.weight) > 3 ||
                (i > 0 && p.pos <= l.positions[i - 1].pos)) {
                return false;
            }
        }
    }
    return true;
}

std::string tsvector::to_string() const {
    static constexpr char weight_letters[] = {'D', 'C', 'B', 'A'};
    std::string out;
    for (const lexeme& l : lexemes) {
        if (&l != &lexemes.front()) {
            out += ' ';
        }
        append_quoted(out, l.text);
        for (std::size_t i = 0; i < l.positions.size(); ++i) {
            out += i == 0 ? ':' : ',';
            out += std::to_string(l.positions[i].pos);
            if (l.positions[i].weight != ts_weight::d) {
                out += weight_letters[static_cast<std::uint8_t>(l.positions[i].weight) & 3];
            }
        }
    }
    return out;
}

namespace {

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// Reads one lexeme at text[pos] (not whitespace) into `out`, advancing `pos`.
bool take_lexeme(std::string_view text, std::size_t& pos, std::string& out) {
    out.clear();
    if (text[pos] == '\'') {
        ++pos;
        while (true) {
            if (pos == text.size()) {
                return false;
            }
            char c = text[pos++];
            if (c == '\'') {
                if (pos < text.size() && text[pos] == '\'') {
                    ++pos;
                } else {
                    return !out.empty();
                }
            } else if (c == '\\') {
                if (pos == text.size()) {
                    return false;
                }
                c = text[pos++];
            }
            out += c;
        }
    }
    // A bare lexeme takes its first character as it is (even `:`), then runs to whitespace or `:`.
    bool first = true;
    while (pos < text.size() && !is_space(text[pos]) && (first || text[pos] != ':')) {
        char c = text[pos++];
        if (c == '\\') {
            if (pos == text.size()) {
                return false;
            }
            c = text[pos++];
        }
        out += c;
        first = false;
    }
    return true;
}

// Reads `:` and the position list after a lexeme, when there is one, advancing `pos`.
bool take_positions(std::string_view text, std::size_t& pos, std::vector<tsvector::position>& out) {
    if (pos == text.size() || text[pos] != ':') {
        return true;
    }
    ++pos;
    while (true) {
        if (pos == text.size() || !is_digit(text[pos])) {
            return false;
        }
        std::uint32_t value = 0;
        while (pos < text.size() && is_digit(text[pos])) {
            value = std::min<std::uint32_t>(value * 10 + static_cast<std::uint32_t>(text[pos] - '0'), 100000);
            ++pos;
        }
        if (value == 0) {
            return false;
        }
        tsvector::position p{
            static_cast<std::uint16_t>(std::min<std::uint32_t>(value, tsvector::max_position)), ts_weight::d};
        if (pos < text.size()) {
            switch (text[pos]) {
                case 'A':
                case 'a':
                case '*':
                    p.weight = ts_weight::a;
                    ++pos;
                    break;
                case 'B':
                case 'b':
                    p.weight = ts_weight::b;
                    ++pos;
                    break;
                case 'C':
                case 'c':
                    p.weight = ts_weight::c;
                    ++pos;
                    break;
                case 'D':
                case 'd':
                    ++pos;
                    break;
                default:
                    break;
            }
        }
        out.push_back(p);
        if (pos < text.size() && text[pos] == ',') {
            ++pos;
            continue;
        }
        return true;
    }
}

}  // namespace

std::error_code tsvector::parse(std::string_view text, tsvector& out) {
    const std::error_code bad = std::make_error_code(std::errc::invalid_argument);
    if (text.find('\0') != std::string_view::npos) {
        return bad;
    }
    std::vector<lexeme> parsed;
    std::size_t pos = 0;
    while (true) {
        while (pos < text.size() && is_space(text[pos])) {
            ++pos;
        }
        if (pos == text.size()) {
            break;
        }
        const bool quoted = text[pos] == '\'';
        lexeme& l = parsed.emplace_back();
        if (!take_lexeme(text, pos, l.text) || l.text.size() > max_lexeme_size ||
            !take_positions(text, pos, l.positions)) {
            return bad;
        }
        // After positions, or a bare lexeme, comes whitespace or the end; a quoted lexeme
        // without positions may be followed by the next lexeme directly (`'a'b`).
        if (pos < text.size() && !is_space(text[pos]) && !(quoted && l.positions.empty())) {
            return bad;
        }
    }
    std::sort(parsed.begin(), parsed.end(), [](const lexeme& a, const lexeme& b) { return a.text < b.text; });
    tsvector v;
    for (lexeme& l : parsed) {
        if (!v.lexemes.empty() && v.lexemes.back().text == l.text) {
            auto& into = v.lexemes.back().positions;
            into.insert(into.end(), l.positions.begin(), l.positions.end());
        } else {
            v.lexemes.push_back(std::move(l));
        }
    }
    for (lexeme& l : v.lexemes) {
        std::sort(l.positions.begin(), l.positions.end());
        std::vector<position> unique;
        for (const position& p : l.positions) {
            // Sorted by (pos, weight), so the last of equal positions has the highest weight.
            if (!unique.empty() && unique.back().pos == p.pos) {
                unique.back() = p;
            } else {
                unique.push_back(p);
            }
        }
        if (unique.size() > max_positions) {
            unique.resize(max_positions);
        }
        l.positions = std::move(unique);
    }
    out = std::move(v);
    return {};
}

std::size_t codec<tsvector>::encoded_size(const tsvector& value, oid_t) noexcept {
    std::size_t size = 4;
    for (const tsvector::lexeme& l : value.lexemes) {
        size += l.text.size() + 1 + 2 + 2 * l.positions.size();
    }
    return size;
}

std::error_code codec<tsvector>::encode(const tsvector& value, oid_t type,
                                        std::span<std::byte> out) noexcept {
    if (detail::effective_oid(type, preferred_oid) != oid::tsvector) {
        return make_error(errc::type_mismatch);
    }
    if (!value.is_valid()) {
        return make_error(errc::value_out_of_range);
    }
    if (out.size() != encoded_size(value, type)) {
        return make_error(errc::invalid_state);
    }
    detail::span_writer w(out);
    w.put<std::int32_t>(static_cast<std::int32_t>(value.lexemes.size()));
    for (const tsvector::lexeme& l : value.lexemes) {
        put_cstring(w, l.text);
        w.put<std::uint16_t>(static_cast<std::uint16_t>(l.positions.size()));
        for (const tsvector::position& p : l.positions) {
            w.put<std::uint16_t>(static_cast<std::uint16_t>((static_cast<unsigned>(p.weight) << 14) | p.pos));
        }
    }
    return {};
}

std::error_code codec<tsvector>::decode(oid_t type, std::span<const std::byte> in, tsvector& out) {
    if (type != oid::tsvector) {
        return make_error(errc::type_mismatch);
    }
    if (in.size() < 4) {
        return make_error(errc::malformed_message);
    }
    const std::int32_t count = detail::load_be<std::int32_t>(in.data());
    in = in.subspan(4);
    // A lexeme takes at least 3 bytes (terminator and position count), which bounds the
    // allocation by the input.
    if (count < 0 || static_cast<std::size_t>(count) > in.size() / 3) {
        return make_error(errc::malformed_message);
    }
    out.lexemes.clear();
    out.lexemes.resize(static_cast<std::size_t>(count));
    for (tsvector::lexeme& l : out.lexemes) {
        if (!take_cstring(in, tsvector::max_lexeme_size, l.text) || in.size() < 2) {
            return make_error(errc::malformed_message);
        }
        const std::uint16_t npos = detail::load_be<std::uint16_t>(in.data());
        in = in.subspan(2);
        if (npos > tsvector::max_positions || in.size() / 2 < npos) {
            return make_error(errc::malformed_message);
        }
        l.positions.resize(npos);
        for (std::size_t i = 0; i < npos; ++i) {
            const std::uint16_t v = detail::load_be<std::uint16_t>(in.data() + 2 * i);
            l.positions[i].pos = static_cast<std::uint16_t>(v & position_mask);
            l.positions[i].weight = static_cast<ts_weight>(v >> 14);
            if (i > 0 && l.positions[i].pos <= l.positions[i - 1].pos) {
                return make_error(errc::malformed_message);
            }
        }
        in = in.subspan(2 * std::size_t{npos});
    }
    if (!in.empty()) {
        return make_error(errc::malformed_message);
    }
    return {};
}

// ---- tsquery -----------------------------------------------------------------------------------

tsquery tsquery::operand(std::string lexeme, std::uint8_t weights, bool prefix) {
    tsquery q;
    item& it = q.items.emplace_back();
    it.is_operand = true;
    it.lexeme = std::move(lexeme);
    it.weights = weights;
    it.prefix = prefix;
    return q;
}

namespace {

tsquery make_operator(tsquery::op o, std::int16_t distance, tsquery* left, tsquery& right) {
    tsquery q;
    q.items.reserve(1 + right.items.size() + (left != nullptr ? left->items.size() : 0));
    tsquery::item& it = q.items.emplace_back();
    it.is_operand = false;
    it.oper = o;
    it.distance = o == tsquery::op::phrase ? distance : 1;
    for (tsquery::item& x : right.items) {
        q.items.push_back(std::move(x));
    }
    if (left != nullptr) {
        for (tsquery::item& x : left->items) {
            q.items.push_back(std::move(x));
        }
    }
    return q;
}

}  // namespace

tsquery tsquery::not_(tsquery q) {
    return make_operator(op::not_, 1, nullptr, q);
}

tsquery tsquery::and_(tsquery left, tsquery right) {
    return make_operator(op::and_, 1, &left, right);
}

tsquery tsquery::or_(tsquery left, tsquery right) {
    return make_operator(op::or_, 1, &left, right);
}

tsquery tsquery::phrase(tsquery left, tsquery right, std::int16_t distance) {
    return make_operator(op::phrase, distance, &left, right);
}

bool tsquery::is_valid() const noexcept {
    if (items.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        return false;
    }
    for (const item& it : items) {
        if (it.is_operand) {
            if (!valid_lexeme(it.lexeme) || it.weights > 0xF) {
                return false;
            }
        } else if (!known_op(static_cast<std::uint8_t>(it.oper)) ||
                   (it.oper == op::phrase && (it.distance < 0 || it.distance > max_distance))) {
            return false;
        }
    }
    return items.empty() || end_of_tree(items, 0) == items.size();
}

std::string tsquery::to_string() const {
    std::string out;
    // write_infix needs one tree; anything else (an invalid value) writes nothing.
    if (!items.empty() && end_of_tree(items, 0) == items.size()) {
        write_infix(items, out);
    }
    return out;
}

std::size_t codec<tsquery>::encoded_size(const tsquery& value, oid_t) noexcept {
    std::size_t size = 4;
    for (const tsquery::item& it : value.items) {
        if (it.is_operand) {
            size += 3 + it.lexeme.size() + 1;
        } else {
            size += it.oper == tsquery::op::phrase ? 4 : 2;
        }
    }
    return size;
}

std::error_code codec<tsquery>::encode(const tsquery& value, oid_t type, std::span<std::byte> out) noexcept {
    if (detail::effective_oid(type, preferred_oid) != oid::tsquery) {
        return make_error(errc::type_mismatch);
    }
    if (!value.is_valid()) {
        return make_error(errc::value_out_of_range);
    }
    if (out.size() != encoded_size(value, type)) {
        return make_error(errc::invalid_state);
    }
    detail::span_writer w(out);
    w.put<std::int32_t>(static_cast<std::int32_t>(value.items.size()));
    for (const tsquery::item& it : value.items) {
        if (it.is_operand) {
            w.put<std::uint8_t>(item_operand);
            w.put<std::uint8_t>(it.weights);
            w.put<std::uint8_t>(it.prefix ? 1 : 0);
            put_cstring(w, it.lexeme);
        } else {
            w.put<std::uint8_t>(item_operator);
            w.put<std::uint8_t>(static_cast<std::uint8_t>(it.oper));
            if (it.oper == tsquery::op::phrase) {
                w.put<std::int16_t>(it.distance);
            }
        }
    }
    return {};
}

std::error_code codec<tsquery>::decode(oid_t type, std::span<const std::byte> in, tsquery& out) {
    if (type != oid::tsquery) {
        return make_error(errc::type_mismatch);
    }
    if (in.size() < 4) {
        return make_error(errc::malformed_message);
    }
    const std::int32_t count = detail::load_be<std::int32_t>(in.data());
    in = in.subspan(4);
    // An item takes at least 2 bytes (an operator), which bounds the allocation by the input.
    if (count < 0 || static_cast<std::size_t>(count) > in.size() / 2) {
        return make_error(errc::malformed_message);
    }
    out.items.clear();
    out.items.resize(static_cast<std::size_t>(count));
    for (tsquery::item& it : out.items) {
        if (in.size() < 2) {
            return make_error(errc::malformed_message);
        }
        const auto kind = std::to_integer<std::uint8_t>(in[0]);
        if (kind == item_operand) {
            if (in.size() < 3) {
                return make_error(errc::malformed_message);
            }
            it.is_operand = true;
            it.weights = std::to_integer<std::uint8_t>(in[1]);
            const auto prefix = std::to_integer<std::uint8_t>(in[2]);
            in = in.subspan(3);
            if (it.weights > 0xF || prefix > 1 || !take_cstring(in, tsvector::max_lexeme_size, it.lexeme)) {
                return make_error(errc::malformed_message);
            }
            it.prefix = prefix == 1;
        } else if (kind == item_operator) {
            const auto o = std::to_integer<std::uint8_t>(in[1]);
            in = in.subspan(2);
            if (!known_op(o)) {
                return make_error(errc::malformed_message);
            }
            it.is_operand = false;
            it.oper = static_cast<tsquery::op>(o);
            it.distance = 1;
            if (it.oper == tsquery::op::phrase) {
                if (in.size() < 2) {
                    return make_error(errc::malformed_message);
                }
                it.distance = detail::load_be<std::int16_t>(in.data());
                in = in.subspan(2);
                if (it.distance < 0 || it.distance > tsquery::max_distance) {
                    return make_error(errc::malformed_message);
                }
            }
        } else {
            return make_error(errc::malformed_message);
        }
    }
    if (!in.empty() || (!out.items.empty() && end_of_tree(out.items, 0) != out.items.size())) {
        return make_error(errc::malformed_message);
    }
    return {};
}

}  // namespace pgring
