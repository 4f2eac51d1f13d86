#pragma once

/// @file
/// psql's `\copy` meta-command: parsing its line into the `COPY ... FROM STDIN` / `TO STDOUT`
/// statement sent to the server and the file, program or standard stream on the client's side.

#include <string>
#include <string_view>

namespace pgring::cli {

/// Where the client's side of a `\copy` reads or writes its data.
enum class copy_endpoint {
    file,          ///< 'filename'
    program,       ///< PROGRAM 'command' (popen)
    script,        ///< stdin / stdout: the script's own input (a -f file's lines), or stdout
    process_stdio  ///< pstdin / pstdout: this process's stdin or stdout
};

/// One parsed `\copy` line.
struct copy_command {
    bool from = false;  ///< FROM: data goes to the server; else TO
    copy_endpoint endpoint = copy_endpoint::script;
    /// The file name (quotes removed; `~` not yet expanded) or the program's command; empty for
    /// the standard streams.
    std::string target;
    /// What comes between COPY and FROM/TO, re-joined from its tokens as psql does
    /// (` t ( a , b )`, ` ( select 1 )`), which the server's error positions count in.
    std::string before_tofrom;
    /// The rest of the line after the target: the options, verbatim.
    std::string after_tofrom;

    /// The statement sent to the server: `COPY <before> FROM STDIN <after>` or `... TO STDOUT ...`.
    std::string sql() const;
};

/// Parses the arguments of `\copy` (everything after the command name): `{ table [ ( columns ) ]
/// | ( query ) } { from | to } { 'file' | program 'command' | stdin | stdout | pstdin | pstdout }
/// [ options ]`, tokenised as psql does (the old `binary` prefix and the old-style options pass
/// through to the server, which still accepts them). `standard_strings` is the server's
/// standard_conforming_strings: when off, a backslash escapes a quote inside the query form.
/// Returns false with psql's message (`\copy: arguments required`, `\copy: parse error at "x"`,
/// `\copy: parse error at end of line`).
bool parse_copy_command(std::string_view args, bool standard_strings, copy_command& out, std::string& error);

/// The path a `\copy` file name names, as psql opens it: a leading `~` or `~user` expanded (with
/// `home` for `~`; an unknown user is left as written), repeated slashes collapsed, and trailing
/// slashes and `/.` components removed.
std::string resolve_copy_path(std::string_view file, std::string_view home);

}  // namespace pgring::cli
