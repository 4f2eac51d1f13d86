// The \copy parser. psql splits the line with a tokenizer whose separators change from call to
// call (what separates a table name is not what separates a file name), and it rebuilds the
// part before FROM/TO from those tokens joined by single spaces; the server's error positions
// count in that rebuilt text, so this parser keeps the same tokens and joins.

#include "copy_command.hpp"

#include <pgring/detail/codec_support.hpp>

#include <pwd.h>

#include <optional>

namespace pgring::cli {
namespace {

constexpr std::string_view whitespace = " \t\n\r";


bool in(std::string_view set, char c) noexcept {
    return set.find(c) != std::string_view::npos;
}

// One pass over the line; each call says which characters separate its token. A token is a
// single delimiter character, a quoted string (through its closing quote, or to the end when
// unterminated; a doubled quote or an escaped character stays inside), or a run of other
// characters. One whitespace character right after a token belongs to it, which shows only in
// rest(): the options start after the single blank that ends the target.
class tokenizer {
public:
    explicit tokenizer(std::string_view s) : s_(s) {}

    std::optional<std::string_view> next(std::string_view blanks, std::string_view delims,
                                         std::string_view quotes, char escape = 0, bool e_strings = false) {
        while (pos_ < s_.size() && in(blanks, s_[pos_])) {
            ++pos_;
        }
        if (pos_ == s_.size()) {
            return std::nullopt;
        }
        const std::size_t start = pos_;
        const char c = s_[pos_];
        if (in(delims, c)) {
            ++pos_;
        } else if (e_strings && (c == 'E' || c == 'e') && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\'') {
            skip_quoted(pos_ + 1, '\\');
        } else if (in(quotes, c)) {
            skip_quoted(pos_, escape);
        } else {
            while (pos_ < s_.size() && !in(blanks, s_[pos_]) && !in(delims, s_[pos_]) &&
                   !in(quotes, s_[pos_])) {
                ++pos_;
            }
        }
        const std::string_view token = s_.substr(start, pos_ - start);
        if (pos_ < s_.size() && in(blanks, s_[pos_])) {
            ++pos_;
        }
        return token;
    }

    // Everything not yet read, verbatim; nullopt when nothing is left.
    std::optional<std::string_view> rest() {
        if (pos_ == s_.size()) {
            return std::nullopt;
        }
        const std::string_view r = s_.substr(pos_);
        pos_ = s_.size();
        return r;
    }

private:
    // `open` is at the opening quote; leaves pos_ after the closing one.
    void skip_quoted(std::size_t open, char escape) {
        const char quote = s_[open];
        std::size_t p = open + 1;
        while (p < s_.size()) {
            if (escape != 0 && s_[p] == escape && p + 1 < s_.size()) {
                p += 2;
            } else if (s_[p] == quote && p + 1 < s_.size() && s_[p + 1] == quote) {
                p += 2;
            } else if (s_[p] == quote) {
                ++p;
                break;
            } else {
                ++p;
            }
        }
        pos_ = p;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

// A quoted file name or command without its quotes: a doubled quote is one quote.
std::string strip_quotes(std::string_view token) {
    std::string out;
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] != '\'') {
            out += token[i];
        } else if (i + 1 < token.size() && token[i + 1] == '\'') {
            out += '\'';
            ++i;
        }
    }
    return out;
}

bool parse_error(std::optional<std::string_view> token, std::string& error) {
    error = token ? "\\copy: parse error at \"" + std::string(*token) + "\""
                  : "\\copy: parse error at end of line";
    return false;
}

}  // namespace

std::string copy_command::sql() const {
    return "COPY " + before_tofrom + (from ? " FROM STDIN " : " TO STDOUT ") + after_tofrom;
}

bool parse_copy_command(std::string_view args, bool standard_strings, copy_command& out, std::string& error) {
    out = copy_command{};
    if (args.find_first_not_of(whitespace) == std::string_view::npos) {
        error = "\\copy: arguments required";
        return false;
    }
    const char query_escape = standard_strings ? 0 : '\\';
    tokenizer t(args);
    const auto name_token = [&t] { return t.next(whitespace, ".,()", "\""); };
    std::optional<std::string_view> token = name_token();
    if (!token) {
        return parse_error(token, error);
    }
    if (pgring::detail::ascii_iequals(*token, "binary")) {
        // The pre-7.4 `\copy binary t ...`, passed on (the server still reads it).
        out.before_tofrom += *token;
        token = name_token();
        if (!token) {
            return parse_error(token, error);
        }
    }
    if ((*token)[0] == '(') {
        // ( query ): tokens up to the matching parenthesis; quotes keep theirs.
        int parens = 1;
        while (parens > 0) {
            out.before_tofrom += ' ';
            out.before_tofrom += *token;
            token = t.next(whitespace, "()", "\"'", query_escape, true);
            if (!token) {
                return parse_error(token, error);
            }
            if ((*token)[0] == '(') {
                ++parens;
            } else if ((*token)[0] == ')') {
                --parens;
            }
        }
    }
    out.before_tofrom += ' ';
    out.before_tofrom += *token;
    token = name_token();
    if (!token) {
        return parse_error(token, error);
    }
    if ((*token)[0] == '.') {
        // schema . table
        out.before_tofrom += *token;
        token = name_token();
        if (!token) {
            return parse_error(token, error);
        }
        out.before_tofrom += *token;
        token = name_token();
        if (!token) {
            return parse_error(token, error);
        }
    }
    if ((*token)[0] == '(') {
        // ( column, ... ): commas stay inside tokens here, as in psql.
        for (;;) {
            out.before_tofrom += ' ';
            out.before_tofrom += *token;
            token = t.next(whitespace, "()", "\"");
            if (!token) {
                return parse_error(token, error);
            }
            if ((*token)[0] == ')') {
                break;
            }
        }
        out.before_tofrom += ' ';
        out.before_tofrom += *token;
        token = name_token();
        if (!token) {
            return parse_error(token, error);
        }
    }
    if (pgring::detail::ascii_iequals(*token, "from")) {
        out.from = true;
    } else if (!pgring::detail::ascii_iequals(*token, "to")) {
        return parse_error(token, error);
    }
    token = t.next(whitespace, ";", "'");
    if (!token) {
        return parse_error(token, error);
    }
    if (pgring::detail::ascii_iequals(*token, "program")) {
        token = t.next(whitespace, ";", "'");
        if (!token || token->size() < 2 || token->front() != '\'' || token->back() != '\'') {
            return parse_error(token, error);
        }
        out.endpoint = copy_endpoint::program;
        out.target = strip_quotes(*token);
    } else if (pgring::detail::ascii_iequals(*token, "stdin") || pgring::detail::ascii_iequals(*token, "stdout")) {
        out.endpoint = copy_endpoint::script;
    } else if (pgring::detail::ascii_iequals(*token, "pstdin") || pgring::detail::ascii_iequals(*token, "pstdout")) {
        out.endpoint = copy_endpoint::process_stdio;
    } else {
        out.endpoint = copy_endpoint::file;
        out.target = strip_quotes(*token);
    }
    if (const std::optional<std::string_view> options = t.rest()) {
        out.after_tofrom = *options;
    }
    return true;
}

std::string resolve_copy_path(std::string_view file, std::string_view home) {
    std::string path(file);
    if (!path.empty() && path[0] == '~') {
        const std::size_t slash = path.find('/');
        const std::string user = path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
        std::optional<std::string> dir;
        if (user.empty()) {
            if (!home.empty()) {
                dir = std::string(home);
            }
        } else if (const passwd* pw = ::getpwnam(user.c_str()); pw != nullptr && pw->pw_dir != nullptr) {
            dir = std::string(pw->pw_dir);
        }
        if (dir) {
            path = *dir + (slash == std::string::npos ? std::string() : path.substr(slash));
        }
    }
    std::string out;
    for (const char c : path) {
        if (c == '/' && !out.empty() && out.back() == '/') {
            continue;
        }
        out += c;
    }
    for (;;) {
        if (out.size() > 1 && out.back() == '/') {
            out.pop_back();
        } else if (out.size() > 2 && out.ends_with("/.")) {
            out.resize(out.size() - 2);
        } else {
            break;
        }
    }
    return out;
}

}  // namespace pgring::cli
