#pragma once

/// @file
/// Server errors and notices written as psql writes them (libpq's default verbosity).

#include <cstddef>
#include <pgring/diagnostics.hpp>
#include <string>
#include <string_view>

namespace pgring::cli {

/// Where the statement that failed came from, for the `LINE n:` context of an error position.
struct statement_origin {
    /// The text the line numbers count in: the whole -c string, or the statement itself.
    std::string_view source;
    /// Byte offset of the statement in `source`.
    std::size_t offset = 0;
};

/// Formats an ErrorResponse or NoticeResponse as libpq does: `SEVERITY:  message`, then for an
/// error position `LINE n: <line>` and a caret under the character, then `DETAIL:  `, `HINT:  `,
/// `QUERY:  ` and (with `show_context`, as psql's default SHOW_CONTEXT=errors does for errors
/// only) `CONTEXT:  ` lines. `prefix` starts the first line (`pgring:file:3: ` for -f).
std::string format_server_message(const diagnostics& d, const statement_origin& origin,
                                  std::string_view prefix, bool show_context = true);

}  // namespace pgring::cli
