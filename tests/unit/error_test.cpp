#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/sqlstate.hpp>

#include "error/sqlstate_names.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

namespace {

using pgring::errc;
using pgring::sqlstate;

constexpr errc all_errcs[] = {
    errc::protocol_violation,
    errc::unexpected_message,
    errc::message_too_large,
    errc::malformed_message,
    errc::unknown_message_type,
    errc::connection_closed,
    errc::type_mismatch,
    errc::unexpected_null,
    errc::value_out_of_range,
    errc::embedded_nul,
    errc::too_many_parameters,
    errc::unsupported_authentication,
    errc::password_required,
    errc::scram_protocol_error,
    errc::scram_server_signature_mismatch,
    errc::scram_iteration_count_too_high,
    errc::unsupported_protocol_version,
    errc::invalid_state,
    errc::timeout,
    errc::cancelled,
    errc::invalid_conninfo,
    errc::wrong_parameter_count,
    errc::unexpected_row_count,
    errc::not_supported,
};

// --- packing ---------------------------------------------------------------------------------

TEST(PackSqlstate, MatchesPostgresMakeSqlstate) {
    // MAKE_SQLSTATE: six bits per character, first character in the lowest bits.
    constexpr int expected =
        ('2' - '0') | ('3' - '0') << 6 | ('5' - '0') << 12 | ('0' - '0') << 18 | ('5' - '0') << 24;
    static_assert(pgring::pack_sqlstate("23505") == expected);
    EXPECT_EQ(pgring::pack_sqlstate("23505"), expected);
    EXPECT_EQ(pgring::pack_sqlstate("00000"), 0);
}

TEST(PackSqlstate, RoundTripsEveryCharacter) {
    const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (char a : alphabet) {
        for (char b : alphabet) {
            const std::string code = {a, b, 'P', '0', b};
            const int packed = pgring::pack_sqlstate(code);
            ASSERT_NE(packed, 0) << code;
            EXPECT_EQ(pgring::unpack_sqlstate(packed), code);
        }
    }
    EXPECT_EQ(pgring::unpack_sqlstate(pgring::pack_sqlstate("ZZZZZ")), "ZZZZZ");
    EXPECT_EQ(pgring::unpack_sqlstate(0), "00000");
}

TEST(PackSqlstate, RejectsBadCodes) {
    for (std::string_view bad : {"", "2350", "235050", "2350a", "23 05", "23-05", "2350\x80", "abcde"}) {
        EXPECT_EQ(pgring::pack_sqlstate(bad), 0) << bad;
    }
    std::string with_nul = "23_05";
    with_nul[2] = '\0';
    EXPECT_EQ(pgring::pack_sqlstate(with_nul), 0);
}

TEST(UnpackSqlstate, RejectsValuesPackSqlstateCannotMake) {
    EXPECT_EQ(pgring::unpack_sqlstate(-1), "");
    EXPECT_EQ(pgring::unpack_sqlstate(1 << 30), "");
    // 0x3F in the first character decodes to 'o', which is not [0-9A-Z].
    EXPECT_EQ(pgring::unpack_sqlstate(0x3F), "");
    // ':' is just past '9'.
    EXPECT_EQ(pgring::unpack_sqlstate(':' - '0'), "");
}

TEST(MakeSqlstateError, GivesSqlstateCategory) {
    const std::error_code ec = pgring::make_sqlstate_error("23505");
    EXPECT_EQ(&ec.category(), &pgring::sqlstate_category());
    EXPECT_EQ(ec.value(), pgring::pack_sqlstate("23505"));
    EXPECT_TRUE(ec);
}

TEST(MakeSqlstateError, InvalidCodeIsProtocolViolation) {
    EXPECT_EQ(pgring::make_sqlstate_error("2350"), errc::protocol_violation);
    EXPECT_EQ(pgring::make_sqlstate_error("abcde"), errc::protocol_violation);
    EXPECT_EQ(pgring::make_sqlstate_error(""), errc::protocol_violation);
    // An ErrorResponse claiming success must not become an empty (non-)error.
    EXPECT_EQ(pgring::make_sqlstate_error("00000"), errc::protocol_violation);
}

// --- the sqlstate enum -----------------------------------------------------------------------

TEST(Sqlstate, ComparesWithErrorCodes) {
    EXPECT_EQ(std::error_code(sqlstate::unique_violation), pgring::make_sqlstate_error("23505"));
    EXPECT_TRUE(pgring::make_sqlstate_error("23505") == sqlstate::unique_violation);
    EXPECT_FALSE(pgring::make_sqlstate_error("23503") == sqlstate::unique_violation);
    EXPECT_EQ(pgring::make_sqlstate_error("57014"), sqlstate::query_canceled);
    EXPECT_EQ(pgring::make_sqlstate_error("40001"), sqlstate::serialization_failure);
    EXPECT_EQ(pgring::make_sqlstate_error("42P01"), sqlstate::undefined_table);
    EXPECT_EQ(pgring::make_sqlstate_error("XX000"), sqlstate::internal_error);
}

TEST(Sqlstate, DoesNotEqualClientCodeWithSameValue) {
    const std::error_code server = sqlstate::unique_violation;
    const std::error_code client(server.value(), pgring::client_category());
    EXPECT_NE(server, client);
}

TEST(Sqlstate, CodeOutsideTableComparesByValue) {
    const std::error_code ec = pgring::make_sqlstate_error("P0999");
    EXPECT_EQ(ec, static_cast<sqlstate>(pgring::pack_sqlstate("P0999")));
    EXPECT_NE(ec, sqlstate::raise_exception);
    EXPECT_EQ(ec.message(), "SQLSTATE P0999");
}

TEST(Sqlstate, AliasesShareTheirCode) {
    EXPECT_EQ(sqlstate::undefined_database, sqlstate::invalid_catalog_name);
    EXPECT_EQ(sqlstate::undefined_schema, sqlstate::invalid_schema_name);
    EXPECT_EQ(sqlstate::undefined_cursor, sqlstate::invalid_cursor_name);
    EXPECT_EQ(sqlstate::undefined_pstatement, sqlstate::invalid_sql_statement_name);
    EXPECT_EQ(sqlstate::datetime_value_out_of_range, sqlstate::datetime_field_overflow);
    EXPECT_EQ(sqlstate::array_element_error, sqlstate::array_subscript_error);
}

TEST(Sqlstate, SharedConditionNamesGetDistinctEnumerators) {
    EXPECT_EQ(static_cast<int>(sqlstate::string_data_right_truncation), pgring::pack_sqlstate("22001"));
    EXPECT_EQ(static_cast<int>(sqlstate::warning_string_data_right_truncation),
              pgring::pack_sqlstate("01004"));
    EXPECT_EQ(static_cast<int>(sqlstate::null_value_not_allowed), pgring::pack_sqlstate("22004"));
    EXPECT_EQ(static_cast<int>(sqlstate::erie_null_value_not_allowed), pgring::pack_sqlstate("39004"));
    EXPECT_EQ(static_cast<int>(sqlstate::sre_modifying_sql_data_not_permitted),
              pgring::pack_sqlstate("2F002"));
    EXPECT_EQ(static_cast<int>(sqlstate::ere_modifying_sql_data_not_permitted),
              pgring::pack_sqlstate("38002"));
    // Both report the manual's condition name.
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("2F002")),
              "modifying_sql_data_not_permitted");
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("38002")),
              "modifying_sql_data_not_permitted");
}

TEST(Sqlstate, SuccessfulCompletionIsNotAnError) {
    const std::error_code ec = sqlstate::successful_completion;
    EXPECT_FALSE(ec);
}

// --- the name table --------------------------------------------------------------------------

TEST(SqlstateName, NamesKnownCodes) {
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("23505")), "unique_violation");
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("57014")), "query_canceled");
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("3D000")), "invalid_catalog_name");
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("22008")), "datetime_field_overflow");
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("01004")), "string_data_right_truncation");
    EXPECT_EQ(pgring::detail::sqlstate_name(0), "successful_completion");
}

TEST(SqlstateName, UnknownCodesAreEmpty) {
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("P0999")), "");
    EXPECT_EQ(pgring::detail::sqlstate_name(pgring::pack_sqlstate("ZZZZZ")), "");
    EXPECT_EQ(pgring::detail::sqlstate_name(-1), "");
    EXPECT_EQ(pgring::detail::sqlstate_name(1), "");
}

TEST(SqlstateName, TableIsSortedUniqueAndComplete) {
    const auto table = pgring::detail::sqlstate_table();
    // errcodes.txt of PostgreSQL 15 has 260 distinct codes.
    EXPECT_EQ(table.size(), 260U);
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (i > 0) {
            EXPECT_LT(table[i - 1].packed, table[i].packed);
        }
        const std::string code = pgring::unpack_sqlstate(table[i].packed);
        ASSERT_EQ(code.size(), 5U);
        EXPECT_EQ(pgring::pack_sqlstate(code), table[i].packed);
        EXPECT_FALSE(table[i].name.empty());
        EXPECT_EQ(pgring::detail::sqlstate_name(table[i].packed), table[i].name);
        names.insert(table[i].name);
    }
    // Five condition names are shared by two codes each.
    EXPECT_EQ(names.size(), table.size() - 5);
}

// --- categories and messages -----------------------------------------------------------------

TEST(ErrorCategory, Names) {
    EXPECT_STREQ(pgring::client_category().name(), "pgring");
    EXPECT_STREQ(pgring::sqlstate_category().name(), "pgring.sqlstate");
    EXPECT_NE(&pgring::client_category(), &pgring::sqlstate_category());
}

TEST(ErrorCategory, SqlstateMessageHasConditionNameAndCode) {
    const std::string msg = std::error_code(sqlstate::unique_violation).message();
    EXPECT_EQ(msg, "unique_violation (SQLSTATE 23505)");
    EXPECT_NE(std::error_code(sqlstate::query_canceled).message().find("query_canceled"), std::string::npos);
}

TEST(ErrorCategory, SqlstateMessageOfInvalidValue) {
    const std::error_code ec(-5, pgring::sqlstate_category());
    EXPECT_EQ(ec.message(), "invalid SQLSTATE value -5");
}

TEST(ErrorCategory, EveryErrcHasDistinctMessage) {
    std::set<std::string> seen;
    for (errc e : all_errcs) {
        const std::error_code ec = e;
        EXPECT_TRUE(ec);
        EXPECT_EQ(&ec.category(), &pgring::client_category());
        const std::string msg = ec.message();
        EXPECT_FALSE(msg.empty());
        EXPECT_EQ(msg.find("unknown pgring error"), std::string::npos) << static_cast<int>(e);
        EXPECT_TRUE(seen.insert(msg).second) << msg;
    }
}

TEST(ErrorCategory, UnknownErrcValueHasMessage) {
    const std::error_code ec(9999, pgring::client_category());
    EXPECT_EQ(ec.message(), "unknown pgring error 9999");
}

// --- is_fatal --------------------------------------------------------------------------------

TEST(IsFatal, ClientCodes) {
    struct row {
        errc code;
        bool fatal;
    };
    const row rows[] = {
        {errc::protocol_violation, true},
        {errc::unexpected_message, true},
        {errc::message_too_large, true},
        {errc::malformed_message, true},
        {errc::unknown_message_type, true},
        {errc::connection_closed, true},
        {errc::unsupported_authentication, true},
        {errc::password_required, true},
        {errc::scram_protocol_error, true},
        {errc::scram_server_signature_mismatch, true},
        {errc::scram_iteration_count_too_high, true},
        {errc::unsupported_protocol_version, true},
        {errc::type_mismatch, false},
        {errc::unexpected_null, false},
        {errc::value_out_of_range, false},
        {errc::embedded_nul, false},
        {errc::too_many_parameters, false},
        {errc::invalid_state, false},
        {errc::timeout, false},
        {errc::cancelled, false},
        {errc::invalid_conninfo, false},
        {errc::wrong_parameter_count, false},
        {errc::unexpected_row_count, false},
        {errc::not_supported, false},
    };
    EXPECT_EQ(std::size(rows), std::size(all_errcs));
    for (const row& r : rows) {
        EXPECT_EQ(pgring::is_fatal(r.code), r.fatal) << std::error_code(r.code).message();
    }
}

TEST(IsFatal, ServerCodes) {
    struct row {
        const char* code;
        bool fatal;
    };
    const row rows[] = {
        {"08000", true},   // connection_exception
        {"08006", true},   // connection_failure
        {"08P01", true},   // protocol_violation
        {"28000", true},   // invalid_authorization_specification
        {"28P01", true},   // invalid_password
        {"57P01", true},   // admin_shutdown
        {"57P02", true},   // crash_shutdown
        {"57P03", true},   // cannot_connect_now
        {"57P04", true},   // database_dropped
        {"57P05", true},   // idle_session_timeout
        {"25P03", true},   // idle_in_transaction_session_timeout
        {"XX000", true},   // internal_error
        {"XX001", true},   // data_corrupted
        {"23505", false},  // unique_violation
        {"23503", false},  // foreign_key_violation
        {"42601", false},  // syntax_error
        {"42P01", false},  // undefined_table
        {"22012", false},  // division_by_zero
        {"40001", false},  // serialization_failure
        {"40P01", false},  // deadlock_detected
        {"57014", false},  // query_canceled
        {"25P02", false},  // in_failed_sql_transaction
        {"25P01", false},  // no_active_sql_transaction
        {"P0001", false},  // raise_exception
        {"3D000", false},  // invalid_catalog_name (DROP DATABASE of a missing one)
        {"53100", false},  // disk_full
        {"P0999", false},  // not in errcodes.txt
    };
    for (const row& r : rows) {
        EXPECT_EQ(pgring::is_fatal(pgring::make_sqlstate_error(r.code)), r.fatal) << r.code;
    }
}

TEST(IsFatal, NoErrorIsNotFatal) {
    EXPECT_FALSE(pgring::is_fatal(std::error_code()));
    EXPECT_FALSE(pgring::is_fatal(sqlstate::successful_completion));
}

TEST(IsFatal, SystemErrorsAreFatal) {
    EXPECT_TRUE(pgring::is_fatal(std::make_error_code(std::errc::connection_reset)));
    EXPECT_TRUE(pgring::is_fatal(std::make_error_code(std::errc::broken_pipe)));
}

// --- diagnostics -----------------------------------------------------------------------------

TEST(Diagnostics, SetFieldFillsEveryProtocolField) {
    struct row {
        char code;
        std::string pgring::diagnostics::*field;
    };
    const row rows[] = {
        {'S', &pgring::diagnostics::severity},
        {'V', &pgring::diagnostics::severity_nonlocalized},
        {'C', &pgring::diagnostics::sqlstate},
        {'M', &pgring::diagnostics::message},
        {'D', &pgring::diagnostics::detail},
        {'H', &pgring::diagnostics::hint},
        {'P', &pgring::diagnostics::position},
        {'p', &pgring::diagnostics::internal_position},
        {'q', &pgring::diagnostics::internal_query},
        {'W', &pgring::diagnostics::where},
        {'s', &pgring::diagnostics::schema_name},
        {'t', &pgring::diagnostics::table_name},
        {'c', &pgring::diagnostics::column_name},
        {'d', &pgring::diagnostics::data_type_name},
        {'n', &pgring::diagnostics::constraint_name},
        {'F', &pgring::diagnostics::file},
        {'L', &pgring::diagnostics::line},
        {'R', &pgring::diagnostics::routine},
    };
    for (const row& r : rows) {
        pgring::diagnostics d;
        const std::string value = std::string("value of ") + r.code;
        EXPECT_TRUE(d.set_field(r.code, value)) << r.code;
        EXPECT_EQ(d.*r.field, value) << r.code;
        // Exactly one field changed.
        int non_empty = 0;
        for (const row& other : rows) {
            non_empty += (d.*other.field).empty() ? 0 : 1;
        }
        EXPECT_EQ(non_empty, 1) << r.code;
        EXPECT_TRUE(d.client_message.empty());
    }
}

TEST(Diagnostics, SetFieldIgnoresUnknownCode) {
    pgring::diagnostics d;
    for (char code : {'X', 'z', '\0', '0', 'A'}) {
        EXPECT_FALSE(d.set_field(code, "ignored")) << static_cast<int>(code);
    }
    EXPECT_TRUE(d.message.empty());
    EXPECT_TRUE(d.severity.empty());
    EXPECT_TRUE(d.client_message.empty());
}

TEST(Diagnostics, SetFieldReplacesPreviousValue) {
    pgring::diagnostics d;
    EXPECT_TRUE(d.set_field('M', "first"));
    EXPECT_TRUE(d.set_field('M', "second"));
    EXPECT_EQ(d.message, "second");
    EXPECT_TRUE(d.set_field('M', ""));
    EXPECT_EQ(d.message, "");
}

TEST(Diagnostics, PrimaryPrefersServerMessage) {
    pgring::diagnostics d;
    EXPECT_EQ(d.primary(), "");
    d.client_message = "client side";
    EXPECT_EQ(d.primary(), "client side");
    d.message = "server side";
    EXPECT_EQ(d.primary(), "server side");
    d.clear();
    EXPECT_EQ(d.primary(), "");
    EXPECT_TRUE(d.client_message.empty());
}

// --- pgring::error ---------------------------------------------------------------------------

TEST(Error, WhatStartsWithServerMessageAndNamesCondition) {
    pgring::diagnostics d;
    d.set_field('S', "ERROR");
    d.set_field('C', "23505");
    d.set_field('M', "duplicate key value violates unique constraint \"t_pkey\"");
    d.set_field('n', "t_pkey");
    const pgring::error e(pgring::make_sqlstate_error(d.sqlstate), d);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(d.message, 0), 0U) << what;
    EXPECT_NE(what.find("unique_violation"), std::string::npos) << what;
    EXPECT_EQ(e.code(), sqlstate::unique_violation);
    EXPECT_EQ(e.diag().constraint_name, "t_pkey");
    EXPECT_EQ(e.diag().sqlstate, "23505");
}

TEST(Error, WhatUsesClientMessage) {
    pgring::diagnostics d;
    d.client_message = "column 2 is NULL";
    const pgring::error e(errc::unexpected_null, d);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("column 2 is NULL", 0), 0U) << what;
    EXPECT_EQ(e.code(), errc::unexpected_null);
    EXPECT_EQ(e.diag().client_message, "column 2 is NULL");
}

TEST(Error, WhatWithoutDiagnosticsIsCodeMessageOnce) {
    const pgring::error plain(errc::connection_closed);
    EXPECT_EQ(std::string(plain.what()), std::error_code(errc::connection_closed).message());
    EXPECT_TRUE(plain.diag().primary().empty());

    const pgring::error empty_diag(sqlstate::query_canceled, pgring::diagnostics{});
    EXPECT_EQ(std::string(empty_diag.what()), "query_canceled (SQLSTATE 57014)");
}

TEST(Error, IsASystemError) {
    try {
        throw pgring::error(errc::timeout);
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), errc::timeout);
        return;
    }
    FAIL() << "not caught as std::system_error";
}

}  // namespace
