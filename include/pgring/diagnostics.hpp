#pragma once

/// @file
/// `pgring::diagnostics`: every field of an ErrorResponse or NoticeResponse, as owned strings.

#include <string>
#include <string_view>

namespace pgring {

/// Every field an ErrorResponse or NoticeResponse can carry (PostgreSQL docs, "Error and Notice
/// Message Fields"), as owned strings; a field the server did not send is empty. For errors
/// that pgring detects itself, only `client_message` is set.
///
/// Lifetime: owns its strings; safe to keep after the connection is gone.
struct diagnostics {
    std::string severity;             ///< 'S': ERROR, FATAL, PANIC, WARNING, NOTICE, ... (localized)
    std::string severity_nonlocalized;  ///< 'V': the same, never localized (PostgreSQL 9.6+)
    std::string sqlstate;             ///< 'C': the five-character SQLSTATE
    std::string message;              ///< 'M': the primary message
    std::string detail;               ///< 'D'
    std::string hint;                 ///< 'H'
    std::string position;             ///< 'P': 1-based character index into the query
    std::string internal_position;    ///< 'p'
    std::string internal_query;       ///< 'q'
    std::string where;                ///< 'W': context (call stack)
    std::string schema_name;          ///< 's'
    std::string table_name;           ///< 't'
    std::string column_name;          ///< 'c'
    std::string data_type_name;       ///< 'd'
    std::string constraint_name;      ///< 'n'
    std::string file;                 ///< 'F': server source file
    std::string line;                 ///< 'L': server source line
    std::string routine;              ///< 'R': server source routine
    std::string client_message;       ///< set by pgring for errors it detects itself

    /// Empties every field.
    void clear() { *this = diagnostics{}; }

    /// Sets the field with protocol code `code` (one of the letters above); unknown codes are
    /// ignored, as the protocol asks. Returns false for an unknown code.
    bool set_field(char code, std::string_view value);

    /// The server's message if there is one, else pgring's own.
    const std::string& primary() const noexcept { return message.empty() ? client_message : message; }
};

}  // namespace pgring
