#pragma once

/// @file
/// Splitting SQL text into statements as psql's lexer does: at semicolons outside quotes,
/// comments, parentheses and BEGIN ATOMIC ... END bodies; backslash meta-commands apart.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgring::cli {

/// One piece of a script: an SQL statement or a backslash meta-command.
struct script_item {
    /// What the piece is.
    enum class kind_t { statement, meta_command };
    kind_t kind = kind_t::statement;
    /// For a statement: its text from its first non-blank character to its terminating
    /// semicolon (included, as psql sends it), comments kept. For a meta-command: its name with the backslash
    /// (`\copy`).
    std::string text;
    /// Byte offset of `text` in the input.
    std::size_t offset = 0;
    /// 1-based line of the input on which `text` starts.
    std::size_t line = 1;
    /// For a COPY ... FROM STDIN, or a `\copy ... from stdin`, of a script file
    /// (split_script_with_copy_data): the data lines that follow it in the file, up to the line
    /// `\.` (not included).
    std::optional<std::string> copy_data;
    /// For a meta-command: the rest of its line after the name, verbatim (the arguments).
    std::string arguments;
};

/// Splits `sql` into statements and meta-commands, in order. Statements holding only blanks
/// and comments are left out. The lexer knows '...' (with ''), E'...' (backslash escapes),
/// $tag$...$tag$, "identifiers", -- and nested /* */ comments, parentheses and BEGIN ATOMIC
/// bodies. A meta-command starts at a backslash outside quotes and comments and takes the rest
/// of its line. Text left unterminated at the end (an open quote) is one last statement; the
/// server reports its error.
std::vector<script_item> split_script(std::string_view sql);

/// split_script() for a script file, where a COPY ... FROM STDIN or a `\copy ... from stdin`
/// takes its data from the lines that follow it, up to a line `\.` (or the end), as psql does:
/// those lines go to the item's copy_data, and splitting resumes after them.
std::vector<script_item> split_script_with_copy_data(std::string_view sql);

/// Splits a -c string as psql reads it: one meta-command when it starts with a backslash (its
/// name up to the first blank or backslash, its arguments all the rest of the string, newlines
/// included), else split_script().
std::vector<script_item> split_command_string(std::string_view command);

/// True for a COPY ... FROM STDIN statement.
bool is_copy_from_stdin(std::string_view statement);

/// The words (keywords and unquoted identifiers) of one statement, lowercased, in order, outside
/// string constants, quoted identifiers, dollar quotes and comments.
std::vector<std::string> statement_words(std::string_view statement);

}  // namespace pgring::cli
