// The script lexer: one pass over the text with a small state (quote kind, comment depth,
// parenthesis depth, BEGIN ATOMIC depth); a statement ends at a semicolon seen in the plain
// state with both depths zero.

#include "statement_splitter.hpp"

#include <cctype>

#include "copy_command.hpp"

namespace pgring::cli {
namespace {

bool is_ident_start(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return std::isalpha(u) != 0 || c == '_' || u >= 0x80;
}

bool is_ident_char(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return is_ident_start(c) || std::isdigit(u) != 0 || c == '$';
}

bool equals_nocase(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// The length of a dollar-quote delimiter ($$ or $tag$) starting at `i`, or 0 when there is none.
std::size_t dollar_tag_length(std::string_view s, std::size_t i) noexcept {
    std::size_t j = i + 1;
    if (j < s.size() && s[j] != '$') {
        if (!is_ident_start(s[j])) {
            return 0;
        }
        while (j < s.size() && s[j] != '$' && is_ident_char(s[j])) {
            ++j;
        }
    }
    return j < s.size() && s[j] == '$' ? j - i + 1 : 0;
}

class splitter {
public:
    explicit splitter(std::string_view sql) : s_(sql) {}

    // The words of the whole text (for statement_words()).
    std::vector<std::string> words() {
        collect_words_ = true;
        run();
        return std::move(words_);
    }

    std::vector<script_item> run() {
        while (i_ < s_.size()) {
            step();
        }
        finish_statement(s_.size());
        return std::move(items_);
    }

private:
    void step() {
        const char c = s_[i_];
        if (c == '\n') {
            ++line_;
            ++i_;
            return;
        }
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            ++i_;
            return;
        }
        if (c == '-' && next_is('-')) {
            while (i_ < s_.size() && s_[i_] != '\n') {
                ++i_;
            }
            return;
        }
        if (c == '/' && next_is('*')) {
            skip_block_comment();
            return;
        }
        if (c == '\\') {
            meta_command();
            return;
        }
        if (c == ';' && parens_ == 0 && atomic_ == 0) {
            ++i_;
            finish_statement(i_);
            return;
        }
        mark_start();
        if (c == '(') {
            ++parens_;
        } else if (c == ')' && parens_ > 0) {
            --parens_;
        }
        if (c == '\'') {
            skip_string();
        } else if (c == '"') {
            skip_quoted('"');
        } else if (c == '$' && (i_ == 0 || !is_ident_char(s_[i_ - 1])) && dollar_tag_length(s_, i_) != 0) {
            skip_dollar_quote();
        } else if (is_ident_start(c)) {
            word();
        } else {
            ++i_;
        }
    }

    bool next_is(char c) const noexcept { return i_ + 1 < s_.size() && s_[i_ + 1] == c; }

    void mark_start() {
        if (!in_statement_) {
            in_statement_ = true;
            start_ = i_;
            start_line_ = line_;
        }
    }

    void advance() {
        if (s_[i_] == '\n') {
            ++line_;
        }
        ++i_;
    }

    // Nested /* */ comments, as PostgreSQL has them.
    void skip_block_comment() {
        int depth = 0;
        while (i_ < s_.size()) {
            if (s_[i_] == '/' && next_is('*')) {
                ++depth;
                i_ += 2;
            } else if (s_[i_] == '*' && next_is('/')) {
                i_ += 2;
                if (--depth == 0) {
                    return;
                }
            } else {
                advance();
            }
        }
    }

    // A string constant; `i_` is at its opening quote. E'...' allows backslash escapes; '' is a
    // quote inside either kind (it reads as two adjacent strings, which is the same for splitting).
    void skip_string() {
        const bool escapes =
            i_ > 0 && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E') && (i_ < 2 || !is_ident_char(s_[i_ - 2]));
        ++i_;
        while (i_ < s_.size()) {
            if (escapes && s_[i_] == '\\' && i_ + 1 < s_.size()) {
                ++i_;
                advance();
            } else if (s_[i_] == '\'') {
                ++i_;
                return;
            } else {
                advance();
            }
        }
    }

    void skip_quoted(char quote) {
        ++i_;
        while (i_ < s_.size()) {
            if (s_[i_] == quote) {
                ++i_;
                return;
            }
            advance();
        }
    }

    void skip_dollar_quote() {
        const std::size_t n = dollar_tag_length(s_, i_);
        const std::string_view tag = s_.substr(i_, n);
        i_ += n;
        while (i_ < s_.size()) {
            if (s_[i_] == '$' && s_.substr(i_, n) == tag) {
                i_ += n;
                return;
            }
            advance();
        }
    }

    // A keyword or identifier: BEGIN ATOMIC opens a body in which CASE ... END nest and the
    // body's own END closes it.
    void word() {
        const std::size_t begin = i_;
        while (i_ < s_.size() && is_ident_char(s_[i_])) {
            ++i_;
        }
        const std::string_view w = s_.substr(begin, i_ - begin);
        if (collect_words_) {
            std::string lower;
            for (const char c : w) {
                lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            words_.push_back(std::move(lower));
        }
        if (atomic_ > 0) {
            if (equals_nocase(w, "case")) {
                ++atomic_;
            } else if (equals_nocase(w, "end")) {
                --atomic_;
            }
        } else if (equals_nocase(w, "atomic") && equals_nocase(previous_word_, "begin")) {
            atomic_ = 1;
        }
        previous_word_ = w;
    }

    void meta_command() {
        if (in_statement_) {
            finish_statement(i_);
        }
        const std::size_t begin = i_;
        const std::size_t begin_line = line_;
        ++i_;
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])) == 0 && s_[i_] != '\\') {
            ++i_;
        }
        const std::size_t name_end = i_;
        while (i_ < s_.size() && s_[i_] != '\n') {
            ++i_;
        }
        script_item item{script_item::kind_t::meta_command, std::string(s_.substr(begin, name_end - begin)),
                         begin, begin_line};
        item.arguments = std::string(s_.substr(name_end, i_ - name_end));
        items_.push_back(std::move(item));
    }

    void finish_statement(std::size_t end) {
        if (in_statement_) {
            std::size_t e = end;
            while (e > start_ && std::isspace(static_cast<unsigned char>(s_[e - 1])) != 0) {
                --e;
            }
            items_.push_back({script_item::kind_t::statement, std::string(s_.substr(start_, e - start_)),
                              start_, start_line_});
        }
        in_statement_ = false;
        parens_ = 0;
        atomic_ = 0;
        previous_word_ = {};
    }

    std::string_view s_;
    std::size_t i_ = 0;
    std::size_t line_ = 1;
    bool in_statement_ = false;
    std::size_t start_ = 0;
    std::size_t start_line_ = 1;
    int parens_ = 0;
    int atomic_ = 0;
    std::string_view previous_word_;
    std::vector<script_item> items_;
    bool collect_words_ = false;
    std::vector<std::string> words_;
};

// A COPY ... FROM STDIN, or a \copy from stdin (the script's input), of a script file.
bool takes_copy_data(const script_item& item) {
    if (item.kind == script_item::kind_t::statement) {
        return is_copy_from_stdin(item.text);
    }
    copy_command copy;
    std::string error;
    return item.text == "\\copy" && parse_copy_command(item.arguments, true, copy, error) && copy.from &&
           copy.endpoint == copy_endpoint::script;
}

}  // namespace

std::vector<script_item> split_script(std::string_view sql) {
    return splitter(sql).run();
}

std::vector<script_item> split_command_string(std::string_view command) {
    if (command.empty() || command[0] != '\\') {
        return split_script(command);
    }
    std::size_t name_end = 1;
    while (name_end < command.size() && std::isspace(static_cast<unsigned char>(command[name_end])) == 0 &&
           command[name_end] != '\\') {
        ++name_end;
    }
    script_item item{script_item::kind_t::meta_command, std::string(command.substr(0, name_end)), 0, 1};
    item.arguments = std::string(command.substr(name_end));
    return {std::move(item)};
}

std::vector<std::string> statement_words(std::string_view statement) {
    return splitter(statement).words();
}

bool is_copy_from_stdin(std::string_view statement) {
    const std::vector<std::string> words = statement_words(statement);
    bool from = false;
    bool stdin_word = false;
    for (const std::string& w : words) {
        from = from || w == "from";
        stdin_word = stdin_word || w == "stdin";
    }
    return !words.empty() && words[0] == "copy" && from && stdin_word;
}

std::vector<script_item> split_script_with_copy_data(std::string_view sql) {
    std::vector<script_item> out;
    std::size_t base = 0;       // where the text still to split starts
    std::size_t base_line = 1;  // its line number
    for (;;) {
        std::vector<script_item> items = split_script(sql.substr(base));
        bool resumed = false;
        for (script_item& item : items) {
            item.offset += base;
            item.line += base_line - 1;
            if (!takes_copy_data(item)) {
                out.push_back(std::move(item));
                continue;
            }
            // The data starts on the line after the statement and ends before a line "\.".
            const std::size_t statement_end = item.offset + item.text.size();
            const std::size_t newline = sql.find('\n', statement_end);
            const std::size_t data_start = newline == std::string_view::npos ? sql.size() : newline + 1;
            std::size_t data_end = sql.size();
            std::size_t next = sql.size();
            for (std::size_t p = data_start; p < sql.size();) {
                const std::size_t e = sql.find('\n', p);
                const std::string_view line = sql.substr(p, e == std::string_view::npos ? std::string_view::npos : e - p);
                if (line == "\\." || line == "\\.\r") {
                    data_end = p;
                    next = e == std::string_view::npos ? sql.size() : e + 1;
                    break;
                }
                if (e == std::string_view::npos) {
                    break;
                }
                p = e + 1;
            }
            item.copy_data = std::string(sql.substr(data_start, data_end - data_start));
            out.push_back(std::move(item));
            for (std::size_t i = base; i < next; ++i) {
                base_line += sql[i] == '\n' ? 1 : 0;
            }
            base = next;
            resumed = true;
            break;
        }
        if (!resumed) {
            return out;
        }
    }
}

}  // namespace pgring::cli
