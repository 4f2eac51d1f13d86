#pragma once

// Backend (server -> client) messages of protocol 3.0, decoded in place.
//
// Every decode_<message>(body, out) takes the body of one frame (see framing.hpp: no tag, no
// length) and fills a view whose spans and string_views point into `body`; nothing is copied
// and nothing is allocated. Each decoder checks the whole body: lengths past the end, strings
// without their NUL, negative counts, and trailing bytes all give errc::malformed_message, so a
// view that decoded without error can be walked without further checks.
// Names follow the PostgreSQL docs, "Message Formats".

#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>
#include <variant>

namespace pgring::wire::backend {

/// Message type bytes.
namespace tag {
inline constexpr char authentication = 'R';
inline constexpr char backend_key_data = 'K';
inline constexpr char bind_complete = '2';
inline constexpr char close_complete = '3';
inline constexpr char command_complete = 'C';
inline constexpr char copy_data = 'd';
inline constexpr char copy_done = 'c';
inline constexpr char copy_in_response = 'G';
inline constexpr char copy_out_response = 'H';
inline constexpr char copy_both_response = 'W';
inline constexpr char data_row = 'D';
inline constexpr char empty_query_response = 'I';
inline constexpr char error_response = 'E';
inline constexpr char function_call_response = 'V';
inline constexpr char negotiate_protocol_version = 'v';
inline constexpr char no_data = 'n';
inline constexpr char notice_response = 'N';
inline constexpr char notification_response = 'A';
inline constexpr char parameter_description = 't';
inline constexpr char parameter_status = 'S';
inline constexpr char parse_complete = '1';
inline constexpr char portal_suspended = 's';
inline constexpr char ready_for_query = 'Z';
inline constexpr char row_description = 'T';
}  // namespace tag

/// The message's name as in the PostgreSQL docs ("DataRow"), or "unknown" for other tags.
std::string_view message_name(char tag) noexcept;

/// Authentication* ('R'). The first Int32 of the body selects the request.
struct authentication {
    enum class kind : std::int32_t {
        ok = 0,
        kerberos_v5 = 2,
        cleartext_password = 3,
        md5_password = 5,
        scm_credential = 6,  // obsolete, never sent by PostgreSQL 9.1+
        gss = 7,
        gss_continue = 8,
        sspi = 9,
        sasl = 10,
        sasl_continue = 11,
        sasl_final = 12,
    };
    kind request = kind::ok;
    /// md5_password: the 4-byte salt.
    std::span<const std::byte> salt;
    /// sasl: the mechanism list (NUL-terminated names, ending with an empty name), validated.
    /// sasl_continue, sasl_final, gss_continue: the mechanism or GSSAPI data.
    std::span<const std::byte> data;

    /// sasl only: true when the server offers mechanism `name` (e.g. "SCRAM-SHA-256").
    bool offers_mechanism(std::string_view name) const noexcept;
};
/// Errors: malformed_message; unknown request codes give errc::unsupported_authentication.
[[nodiscard]] std::error_code decode_authentication(std::span<const std::byte> body, authentication& out);

/// BackendKeyData ('K').
struct backend_key_data {
    std::int32_t process_id = 0;
    std::int32_t secret_key = 0;
};
[[nodiscard]] std::error_code decode_backend_key_data(std::span<const std::byte> body, backend_key_data& out);

/// CommandComplete ('C'): the command tag, e.g. "INSERT 0 5", "SELECT 3", "CREATE TABLE".
struct command_complete {
    std::string_view command_tag;

    /// The row count at the end of the tag (INSERT oid rows, UPDATE n, SELECT n, COPY n, ...);
    /// returns false when the tag carries none (e.g. "CREATE TABLE").
    bool rows_affected(std::uint64_t& out) const noexcept;
};
[[nodiscard]] std::error_code decode_command_complete(std::span<const std::byte> body, command_complete& out);

/// CopyInResponse ('G'), CopyOutResponse ('H'), CopyBothResponse ('W').
struct copy_response {
    std::int8_t format = 0;  ///< 0 text, 1 binary (validated)
    std::uint16_t column_count = 0;
    std::span<const std::byte> column_formats;  ///< column_count Int16s, each 0 or 1 (validated)

    std::int16_t column_format(std::size_t i) const noexcept;
};
/// Errors: malformed_message, also for an overall format or a column format other than 0/1, a
/// negative column count, or a text overall format with a binary column.
[[nodiscard]] std::error_code decode_copy_response(std::span<const std::byte> body, copy_response& out);

/// CopyData ('d'): the bytes are the body itself.
struct copy_data {
    std::span<const std::byte> data;
};
[[nodiscard]] std::error_code decode_copy_data(std::span<const std::byte> body, copy_data& out);

/// One field of a DataRow.
struct field_view {
    bool is_null = true;
    std::span<const std::byte> value;  ///< empty when is_null
};

/// DataRow ('D'): column_count fields, each Int32 length (-1 = NULL) and bytes.
/// After a successful decode the fields are known to lie inside the body, so iteration does no
/// bounds checks.
struct data_row {
    std::uint16_t column_count = 0;
    std::span<const std::byte> fields;  ///< the body after the Int16 count

    class iterator {
    public:
        using value_type = field_view;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        explicit iterator(const std::byte* p) noexcept : p_(p) {}
        field_view operator*() const noexcept;
        iterator& operator++() noexcept;
        iterator operator++(int) noexcept {
            auto t = *this;
            ++*this;
            return t;
        }
        bool operator==(const iterator& o) const noexcept { return p_ == o.p_; }

    private:
        const std::byte* p_ = nullptr;
    };
    iterator begin() const noexcept { return iterator(fields.data()); }
    iterator end() const noexcept { return iterator(fields.data() + fields.size()); }
};
/// Errors: malformed_message for a negative count, a length below -1, a field past the end or
/// trailing bytes.
[[nodiscard]] std::error_code decode_data_row(std::span<const std::byte> body, data_row& out);

/// One field of an ErrorResponse or NoticeResponse.
struct notice_field {
    char code = 0;
    std::string_view value;
};

/// ErrorResponse ('E') and NoticeResponse ('N'): a list of (code, string) fields ending in a 0.
struct error_response {
    std::span<const std::byte> fields;  ///< validated field list, including the final 0

    class iterator {
    public:
        using value_type = notice_field;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        explicit iterator(const std::byte* p) noexcept : p_(p) {}
        notice_field operator*() const noexcept;
        iterator& operator++() noexcept;
        bool operator==(const iterator& o) const noexcept { return p_ == o.p_; }

    private:
        const std::byte* p_ = nullptr;
    };
    iterator begin() const noexcept { return iterator(fields.data()); }
    /// end() points at the terminating 0.
    iterator end() const noexcept { return iterator(fields.data() + fields.size() - 1); }

    /// The value of field `code`, or empty.
    std::string_view field(char code) const noexcept;
    /// Copies every field into `out` (cleared first).
    void to_diagnostics(diagnostics& out) const;
};
using notice_response = error_response;
[[nodiscard]] std::error_code decode_error_response(std::span<const std::byte> body, error_response& out);

/// FunctionCallResponse ('V'): Int32 length (-1 = NULL) and the result bytes.
struct function_call_response {
    bool is_null = true;
    std::span<const std::byte> value;
};
[[nodiscard]] std::error_code decode_function_call_response(std::span<const std::byte> body,
                                                            function_call_response& out);

/// NegotiateProtocolVersion ('v').
struct negotiate_protocol_version {
    std::int32_t newest_minor_version = 0;
    std::int32_t option_count = 0;
    std::span<const std::byte> options;  ///< option_count NUL-terminated names (validated)
};
[[nodiscard]] std::error_code decode_negotiate_protocol_version(std::span<const std::byte> body,
                                                                negotiate_protocol_version& out);

/// NotificationResponse ('A').
struct notification_response {
    std::int32_t process_id = 0;
    std::string_view channel;
    std::string_view payload;
};
[[nodiscard]] std::error_code decode_notification_response(std::span<const std::byte> body,
                                                           notification_response& out);

/// ParameterDescription ('t'): the OIDs of the statement's parameters.
struct parameter_description {
    std::uint16_t count = 0;
    std::span<const std::byte> oids;  ///< count UInt32s
    oid_t oid(std::size_t i) const noexcept;
};
[[nodiscard]] std::error_code decode_parameter_description(std::span<const std::byte> body,
                                                           parameter_description& out);

/// ParameterStatus ('S').
struct parameter_status {
    std::string_view name;
    std::string_view value;
};
[[nodiscard]] std::error_code decode_parameter_status(std::span<const std::byte> body, parameter_status& out);

/// ReadyForQuery ('Z'): the transaction status.
struct ready_for_query {
    /// 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block (validated).
    char status = 'I';
};
[[nodiscard]] std::error_code decode_ready_for_query(std::span<const std::byte> body, ready_for_query& out);

/// One column of a RowDescription.
struct field_description {
    std::string_view name;
    oid_t table_oid = 0;
    std::int16_t column_attribute = 0;
    oid_t type_oid = 0;
    std::int16_t type_size = 0;
    std::int32_t type_modifier = 0;
    std::int16_t format = 0;  ///< 0 text, 1 binary (validated)
};

/// RowDescription ('T'). After a successful decode iteration does no checks.
struct row_description {
    std::uint16_t column_count = 0;
    std::span<const std::byte> fields;  ///< the body after the Int16 count

    class iterator {
    public:
        using value_type = field_description;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        explicit iterator(const std::byte* p) noexcept : p_(p) {}
        field_description operator*() const noexcept;
        iterator& operator++() noexcept;
        bool operator==(const iterator& o) const noexcept { return p_ == o.p_; }

    private:
        const std::byte* p_ = nullptr;
    };
    iterator begin() const noexcept { return iterator(fields.data()); }
    iterator end() const noexcept { return iterator(fields.data() + fields.size()); }
};
[[nodiscard]] std::error_code decode_row_description(std::span<const std::byte> body, row_description& out);

/// The messages with an empty body: BindComplete, CloseComplete, CopyDone, EmptyQueryResponse,
/// NoData, ParseComplete, PortalSuspended. Errors: malformed_message if the body is not empty.
[[nodiscard]] std::error_code decode_empty(std::span<const std::byte> body) noexcept;

/// Tag types for the empty messages, so they can sit in `message`.
struct bind_complete {};
struct close_complete {};
struct copy_done {};
struct empty_query_response {};
struct no_data {};
struct parse_complete {};
struct portal_suspended {};

/// Any backend message.
using message = std::variant<authentication, backend_key_data, bind_complete, close_complete, command_complete,
                             copy_response, copy_data, copy_done, data_row, empty_query_response, error_response,
                             function_call_response, negotiate_protocol_version, no_data,
                             notification_response, parameter_description, parameter_status, parse_complete,
                             portal_suspended, ready_for_query, row_description>;

/// Decodes any message by its tag (ErrorResponse and NoticeResponse both give error_response,
/// the three Copy*Response give copy_response).
/// Errors: errc::unknown_message_type for a tag protocol 3.0 does not define, else as the
/// message's decoder.
[[nodiscard]] std::error_code decode(char tag, std::span<const std::byte> body, message& out);

}  // namespace pgring::wire::backend
