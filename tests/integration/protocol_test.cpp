// The sans-io session against a real PostgreSQL, driven over a blocking socket: simple and
// extended query, pipelines (with errors in them), error and notice fields, ParameterStatus,
// LISTEN/NOTIFY, COPY both ways, empty queries, transaction status and a terminated backend.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>
#include <pgring/sqlstate.hpp>
#include <string>
#include <vector>

#include "pg_cluster.hpp"
#include "socket_driver.hpp"
#include "wire/session.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

std::unique_ptr<socket_driver> connect_superuser(transport via = transport::tcp) {
    const pg_cluster& c = pg_cluster::get();
    const connection_params p = via == transport::tcp ? c.superuser() : c.superuser_unix();
    auto d = std::make_unique<socket_driver>(to_session_options(p));
    d->set_io_timeout(30s);
    const std::error_code ec = d->open(p);
    EXPECT_FALSE(ec) << ec.message() << ": " << d->session().last_error().primary();
    return ec ? nullptr : std::move(d);
}

class ProtocolTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = connect_superuser();
        ASSERT_NE(db_, nullptr);
    }
    void TearDown() override {
        if (db_) {
            db_->close();
        }
    }
    std::unique_ptr<socket_driver> db_;
};

TEST_F(ProtocolTest, SimpleQueryReturnsEveryStatementOfAMultiStatementQuery) {
    const std::string t = unique_name("simple");
    const query_result r = db_->simple_query("CREATE TABLE " + t + " (a int4, b text); INSERT INTO " + t +
                                             " VALUES (1, 'x'), (2, NULL); SELECT a, b FROM " + t +
                                             " ORDER BY a; SELECT 'two' AS word; DROP TABLE " + t);
    ASSERT_TRUE(r.ok()) << r.error.primary();
    EXPECT_EQ(r.transaction_status, 'I');
    ASSERT_EQ(r.statements.size(), 5u);
    EXPECT_EQ(r.statements[0].command_tag, "CREATE TABLE");
    EXPECT_TRUE(r.statements[0].columns.empty());
    EXPECT_EQ(r.statements[1].command_tag, "INSERT 0 2");
    const statement_result& select = r.statements[2];
    EXPECT_EQ(select.command_tag, "SELECT 2");
    EXPECT_EQ(select.columns, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(select.column_types, (std::vector<oid_t>{23, 25}));
    EXPECT_EQ(select.column_formats, (std::vector<std::int16_t>{0, 0}));
    ASSERT_EQ(select.rows.size(), 2u);
    EXPECT_EQ(select.rows[0][0], std::optional<std::string>("1"));
    EXPECT_EQ(select.rows[0][1], std::optional<std::string>("x"));
    EXPECT_EQ(select.rows[1][0], std::optional<std::string>("2"));
    EXPECT_EQ(select.rows[1][1], std::nullopt);
    EXPECT_EQ(r.statements[3].rows.at(0).at(0).value_or(""), "two");
    EXPECT_EQ(r.statements[4].command_tag, "DROP TABLE");
    EXPECT_TRUE(db_->session().idle());
}

TEST_F(ProtocolTest, ExtendedQueryWithBinaryInt4ParametersAndResults) {
    const param params[] = {param::int4(40), param::int4(-2147483647), param::null(23)};
    const query_result r = db_->extended_query(
        "SELECT $1::int4 + 2 AS sum, $2::int4 - 1 AS min, $3::int4 AS nothing", params, 1);
    ASSERT_TRUE(r.ok()) << r.error.primary();
    ASSERT_EQ(r.statements.size(), 1u);
    const statement_result& s = r.statements[0];
    EXPECT_EQ(s.command_tag, "SELECT 1");
    EXPECT_EQ(s.columns, (std::vector<std::string>{"sum", "min", "nothing"}));
    EXPECT_EQ(s.column_types, (std::vector<oid_t>{23, 23, 23}));
    EXPECT_EQ(s.column_formats, (std::vector<std::int16_t>{1, 1, 1}));
    ASSERT_EQ(s.rows.size(), 1u);
    ASSERT_TRUE(s.rows[0][0].has_value());
    ASSERT_EQ(s.rows[0][0]->size(), 4u);
    EXPECT_EQ(decode_int4(*s.rows[0][0]), 42);
    EXPECT_EQ(decode_int4(*s.rows[0][1]), -2147483647 - 1);
    EXPECT_EQ(s.rows[0][2], std::nullopt);
    EXPECT_TRUE(db_->session().idle());
}

TEST_F(ProtocolTest, ExtendedQueryWithTextParametersAndManyRows) {
    const param params[] = {param::text("2500")};
    const query_result r =
        db_->extended_query("SELECT g, 'row ' || g FROM generate_series(1, $1::int4) g", params);
    ASSERT_TRUE(r.ok()) << r.error.primary();
    ASSERT_EQ(r.rows().size(), 2500u);
    EXPECT_EQ(r.statements[0].command_tag, "SELECT 2500");
    for (std::size_t i = 0; i < r.rows().size(); ++i) {
        ASSERT_EQ(r.rows()[i][0].value_or(""), std::to_string(i + 1));
        ASSERT_EQ(r.rows()[i][1].value_or(""), "row " + std::to_string(i + 1));
    }
}

TEST_F(ProtocolTest, DescribeStatementReportsParameterAndColumnTypes) {
    wire::session& s = db_->session();
    ASSERT_FALSE(s.send_parse(db_->out(), "described", "SELECT $1::int8 AS big, $2::text AS t, now() AS ts"));
    ASSERT_FALSE(s.send_describe_statement(db_->out(), "described"));
    ASSERT_FALSE(s.send_close(db_->out(), 'S', "described"));
    ASSERT_FALSE(s.send_sync(db_->out()));
    ASSERT_FALSE(db_->flush());
    const query_result r = db_->collect();
    ASSERT_TRUE(r.ok()) << r.error.primary();
    EXPECT_EQ(r.parameter_types, (std::vector<oid_t>{20, 25}));
    ASSERT_EQ(r.statements.size(), 1u);
    EXPECT_EQ(r.statements[0].columns, (std::vector<std::string>{"big", "t", "ts"}));
    EXPECT_EQ(r.statements[0].column_types, (std::vector<oid_t>{20, 25, 1184}));
    EXPECT_TRUE(s.idle());
}

TEST_F(ProtocolTest, ThousandPipelinedQueriesReturnInOrder) {
    constexpr int n = 1000;
    wire::session& s = db_->session();
    const oid_t int4_type[] = {23};
    ASSERT_FALSE(s.send_parse(db_->out(), "echo", "SELECT $1::int4 * 2", int4_type));
    for (int i = 0; i < n; ++i) {
        const param p[] = {param::int4(i)};
        ASSERT_FALSE(db_->queue_bind_execute_sync("echo", p, 1));
    }
    EXPECT_EQ(s.in_flight(), 1u + 3u * n);
    ASSERT_FALSE(db_->flush());
    for (int i = 0; i < n; ++i) {
        const query_result r = db_->collect();
        ASSERT_TRUE(r.ok()) << "query " << i << ": " << r.error.primary();
        ASSERT_EQ(r.rows().size(), 1u) << "query " << i;
        ASSERT_EQ(decode_int4(r.rows()[0][0].value_or("")), 2 * i);
        ASSERT_EQ(r.statements[0].command_tag, "SELECT 1");
    }
    EXPECT_TRUE(s.idle());
}

TEST_F(ProtocolTest, ErrorInTheMiddleOfAPipelineFailsOnlyThatQuery) {
    wire::session& s = db_->session();
    ASSERT_FALSE(s.send_parse(db_->out(), "div", "SELECT 100 / $1::int4"));
    const int divisors[] = {4, 0, 5, 0, 10};
    for (int v : divisors) {
        const param p[] = {param::text(std::to_string(v))};
        ASSERT_FALSE(db_->queue_bind_execute_sync("div", p, 0));
    }
    // A Parse error in its own batch, then a batch that must still run.
    ASSERT_FALSE(s.send_parse(db_->out(), "", "SELEC 1"));
    ASSERT_FALSE(s.send_bind(db_->out(), "", "", {}, {}, {}));
    ASSERT_FALSE(s.send_execute(db_->out(), ""));
    ASSERT_FALSE(s.send_sync(db_->out()));
    ASSERT_FALSE(s.send_parse(db_->out(), "", "SELECT 'after'"));
    ASSERT_FALSE(s.send_bind(db_->out(), "", "", {}, {}, {}));
    ASSERT_FALSE(s.send_execute(db_->out(), ""));
    ASSERT_FALSE(s.send_sync(db_->out()));
    ASSERT_FALSE(db_->flush());

    for (int v : divisors) {
        const query_result r = db_->collect();
        EXPECT_FALSE(r.fatal);
        EXPECT_EQ(r.transaction_status, 'I');
        if (v == 0) {
            EXPECT_EQ(r.ec, sqlstate::division_by_zero) << r.ec.message();
            EXPECT_EQ(r.error.sqlstate, "22012");
        } else {
            ASSERT_TRUE(r.ok()) << r.error.primary();
            EXPECT_EQ(r.rows().at(0).at(0).value_or(""), std::to_string(100 / v));
        }
    }
    const query_result bad = db_->collect();
    EXPECT_EQ(bad.ec, sqlstate::syntax_error) << bad.ec.message();
    EXPECT_TRUE(bad.rows().empty());
    const query_result after = db_->collect();
    ASSERT_TRUE(after.ok()) << after.error.primary();
    EXPECT_EQ(after.rows().at(0).at(0).value_or(""), "after");
    EXPECT_TRUE(s.idle());
}

TEST_F(ProtocolTest, ServerErrorCarriesCodeMessageAndPosition) {
    const std::string t = unique_name("missing");
    const query_result r = db_->simple_query("SELECT 1 FROM " + t);
    EXPECT_EQ(r.ec, sqlstate::undefined_table) << r.ec.message();
    EXPECT_FALSE(r.fatal);
    EXPECT_FALSE(is_fatal(r.ec));
    EXPECT_EQ(r.error.sqlstate, "42P01");
    EXPECT_EQ(r.error.severity_nonlocalized, "ERROR");
    EXPECT_NE(r.error.message.find(t), std::string::npos) << r.error.message;
    EXPECT_EQ(r.error.position, "15");
    EXPECT_FALSE(r.error.file.empty());
    EXPECT_FALSE(r.error.routine.empty());
    EXPECT_EQ(db_->session().last_error().sqlstate, "42P01");

    const query_result syntax = db_->simple_query("SELECT 1 FROM FROM");
    EXPECT_EQ(syntax.ec, sqlstate::syntax_error);
    EXPECT_EQ(syntax.error.position, "15");

    // The connection stays usable.
    const query_result ok = db_->simple_query("SELECT 1");
    ASSERT_TRUE(ok.ok()) << ok.error.primary();
    EXPECT_EQ(ok.rows().at(0).at(0).value_or(""), "1");
}

TEST_F(ProtocolTest, ErrorStopsTheRestOfASimpleQuery) {
    const query_result r = db_->simple_query("SELECT 1; SELECT 1/0; SELECT 3");
    EXPECT_EQ(r.ec, sqlstate::division_by_zero);
    ASSERT_EQ(r.statements.size(), 2u);
    EXPECT_EQ(r.statements[0].command_tag, "SELECT 1");
    EXPECT_EQ(r.statements[1].ec, sqlstate::division_by_zero);
    EXPECT_EQ(r.transaction_status, 'I');
}

TEST_F(ProtocolTest, NoticesFromRaiseNoticeArriveAsEvents) {
    const query_result r = db_->simple_query(
        "DO $$BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful' USING HINT = 'a hint'; END$$");
    ASSERT_TRUE(r.ok()) << r.error.primary();
    EXPECT_EQ(r.statements.at(0).command_tag, "DO");
    ASSERT_EQ(r.notices.size(), 2u);
    EXPECT_EQ(r.notices[0].message, "hello 42");
    EXPECT_EQ(r.notices[0].severity_nonlocalized, "NOTICE");
    EXPECT_EQ(r.notices[0].sqlstate, "00000");
    EXPECT_EQ(r.notices[1].message, "careful");
    EXPECT_EQ(r.notices[1].severity_nonlocalized, "WARNING");
    EXPECT_EQ(r.notices[1].sqlstate, "01000");
    EXPECT_EQ(r.notices[1].hint, "a hint");
}

TEST_F(ProtocolTest, SetApplicationNameSendsParameterStatus) {
    ASSERT_FALSE(db_->session().send_query(db_->out(), "SET application_name = 'pgring-protocol-test'"));
    ASSERT_FALSE(db_->flush());
    int parameter_status_events = 0;
    std::string seen;
    for (;;) {
        const wire::event ev = db_->next_event();
        ASSERT_NE(ev.kind, wire::event_kind::fatal) << ev.ec.message();
        ASSERT_NE(ev.kind, wire::event_kind::error) << db_->session().last_error().primary();
        if (ev.kind == wire::event_kind::parameter_status) {
            const auto* ps = std::get_if<wire::backend::parameter_status>(&ev.msg);
            ASSERT_NE(ps, nullptr);
            if (ps->name == "application_name") {
                ++parameter_status_events;
                seen = std::string(ps->value);
            }
        }
        if (ev.kind == wire::event_kind::ready_for_query) {
            break;
        }
    }
    EXPECT_EQ(parameter_status_events, 1);
    EXPECT_EQ(seen, "pgring-protocol-test");
    EXPECT_EQ(db_->session().parameter("application_name").value_or(""), "pgring-protocol-test");
}

TEST_F(ProtocolTest, ListenReceivesNotificationsFromAnotherConnection) {
    const std::string channel = unique_name("chan");
    ASSERT_TRUE(db_->simple_query("LISTEN " + channel).ok());

    // From this connection: delivered before the ReadyForQuery of the NOTIFY.
    const query_result own = db_->simple_query("NOTIFY " + channel + ", 'self'");
    ASSERT_TRUE(own.ok()) << own.error.primary();
    ASSERT_EQ(own.notifications.size(), 1u);
    EXPECT_EQ(own.notifications[0].channel, channel);
    EXPECT_EQ(own.notifications[0].payload, "self");
    EXPECT_EQ(own.notifications[0].process_id, db_->session().backend_key().process_id);

    // From another connection: arrives while this one is idle.
    auto other = connect_superuser();
    ASSERT_NE(other, nullptr);
    ASSERT_TRUE(other->simple_query("SELECT pg_notify('" + channel + "', 'from other')").ok());
    db_->set_io_timeout(10s);
    wire::event ev = db_->next_event();
    ASSERT_EQ(ev.kind, wire::event_kind::notification) << wire::event_name(ev.kind) << " " << ev.ec.message();
    const auto* n = std::get_if<wire::backend::notification_response>(&ev.msg);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->channel, channel);
    EXPECT_EQ(n->payload, "from other");
    EXPECT_EQ(n->process_id, other->session().backend_key().process_id);
    EXPECT_TRUE(db_->session().idle());
    other->close();
}

TEST_F(ProtocolTest, CopyFromStdinAndToStdoutInText) {
    const std::string t = unique_name("copy");
    ASSERT_TRUE(db_->simple_query("CREATE TABLE " + t + " (a int4, b text)").ok());

    std::string data;
    constexpr int rows = 20000;
    for (int i = 1; i <= rows; ++i) {
        data += std::to_string(i) + "\t" +
                (i % 100 == 0 ? std::string("\\N") : "value " + std::to_string(i)) + "\n";
    }
    const query_result in = db_->copy_in("COPY " + t + " FROM STDIN", data, 3000);
    ASSERT_TRUE(in.ok()) << in.error.primary();
    EXPECT_EQ(in.statements.at(0).command_tag, "COPY " + std::to_string(rows));
    EXPECT_TRUE(db_->session().idle());

    const query_result count = db_->simple_query("SELECT count(*), count(b), sum(a) FROM " + t);
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(count.rows().at(0).at(0).value_or(""), std::to_string(rows));
    EXPECT_EQ(count.rows().at(0).at(1).value_or(""), std::to_string(rows - rows / 100));
    EXPECT_EQ(count.rows().at(0).at(2).value_or(""), std::to_string(std::int64_t{rows} * (rows + 1) / 2));

    const query_result out = db_->simple_query("COPY (SELECT a, b FROM " + t + " ORDER BY a) TO STDOUT");
    ASSERT_TRUE(out.ok()) << out.error.primary();
    ASSERT_EQ(out.statements.size(), 1u);
    EXPECT_EQ(out.statements[0].command_tag, "COPY " + std::to_string(rows));
    EXPECT_EQ(out.statements[0].copy_out, data);

    // CopyFail aborts the COPY with an error; the connection stays usable.
    const query_result failed = db_->simple_query("COPY " + t + " FROM STDIN");
    EXPECT_EQ(failed.ec, sqlstate::query_canceled) << failed.ec.message() << " " << failed.error.primary();
    EXPECT_FALSE(failed.fatal);
    EXPECT_TRUE(db_->simple_query("DROP TABLE " + t).ok());
    EXPECT_TRUE(db_->session().idle());
}

TEST_F(ProtocolTest, EmptyQueryGivesEmptyQueryResponse) {
    const query_result r = db_->simple_query("");
    ASSERT_TRUE(r.ok()) << r.error.primary();
    ASSERT_EQ(r.statements.size(), 1u);
    EXPECT_TRUE(r.statements[0].empty_query);
    EXPECT_EQ(r.transaction_status, 'I');

    const query_result x = db_->extended_query("");
    ASSERT_TRUE(x.ok()) << x.error.primary();
    ASSERT_EQ(x.statements.size(), 1u);
    EXPECT_TRUE(x.statements[0].empty_query);
}

TEST_F(ProtocolTest, TransactionStatusFollowsBeginErrorAndRollback) {
    EXPECT_EQ(db_->session().transaction_status(), 'I');
    const query_result begin = db_->simple_query("BEGIN");
    ASSERT_TRUE(begin.ok());
    EXPECT_EQ(begin.transaction_status, 'T');
    EXPECT_EQ(db_->session().transaction_status(), 'T');

    const query_result failing = db_->simple_query("SELECT 1/0");
    EXPECT_EQ(failing.ec, sqlstate::division_by_zero);
    EXPECT_EQ(failing.transaction_status, 'E');
    EXPECT_EQ(db_->session().transaction_status(), 'E');

    const query_result refused = db_->simple_query("SELECT 1");
    EXPECT_EQ(refused.ec, sqlstate::in_failed_sql_transaction);
    EXPECT_EQ(refused.transaction_status, 'E');

    const query_result rollback = db_->simple_query("ROLLBACK");
    ASSERT_TRUE(rollback.ok());
    EXPECT_EQ(rollback.transaction_status, 'I');
    EXPECT_EQ(db_->session().transaction_status(), 'I');
}

TEST_F(ProtocolTest, PortalWithRowLimitIsSuspendedThenResumed) {
    ASSERT_TRUE(db_->simple_query("BEGIN").ok());
    wire::session& s = db_->session();
    ASSERT_FALSE(s.send_parse(db_->out(), "", "SELECT g FROM generate_series(1, 5) g"));
    ASSERT_FALSE(s.send_bind(db_->out(), "p", "", {}, {}, {}));
    ASSERT_FALSE(s.send_describe_portal(db_->out(), "p"));
    ASSERT_FALSE(s.send_execute(db_->out(), "p", 2));
    ASSERT_FALSE(s.send_execute(db_->out(), "p", 0));
    ASSERT_FALSE(s.send_sync(db_->out()));
    ASSERT_FALSE(db_->flush());
    const query_result r = db_->collect();
    ASSERT_TRUE(r.ok()) << r.error.primary();
    ASSERT_EQ(r.statements.size(), 2u);
    EXPECT_TRUE(r.statements[0].suspended);
    EXPECT_EQ(r.statements[0].rows.size(), 2u);
    EXPECT_EQ(r.statements[1].rows.size(), 3u);
    EXPECT_EQ(r.statements[1].command_tag, "SELECT 3");
    EXPECT_EQ(r.transaction_status, 'T');
    ASSERT_TRUE(db_->simple_query("COMMIT").ok());
}

TEST_F(ProtocolTest, RowLargerThanTheReceiveBufferIsReassembled) {
    const param p[] = {param::int4(300000)};
    const query_result r = db_->extended_query("SELECT repeat('x', $1::int4), 'tail'", p);
    ASSERT_TRUE(r.ok()) << r.error.primary();
    ASSERT_EQ(r.rows().size(), 1u);
    EXPECT_EQ(r.rows()[0][0].value_or(""), std::string(300000, 'x'));
    EXPECT_EQ(r.rows()[0][1].value_or(""), "tail");
    EXPECT_GT(db_->session().copied_bytes(), 0u);
}

TEST_F(ProtocolTest, WorksOverTheUnixSocket) {
    if (pg_cluster::get().socket_dir().empty()) {
        GTEST_SKIP() << "PGRING_TEST_SOCKET_DIR is not set";
    }
    auto d = connect_superuser(transport::unix_socket);
    ASSERT_NE(d, nullptr);
    const param p[] = {param::int4(7)};
    const query_result r = d->extended_query("SELECT $1::int4 * 6", p, 1);
    ASSERT_TRUE(r.ok()) << r.error.primary();
    EXPECT_EQ(decode_int4(r.rows().at(0).at(0).value_or("")), 42);
    d->close();
}

TEST_F(ProtocolTest, TerminatedBackendGivesFatalAdminShutdownWithoutHanging) {
    auto victim = connect_superuser();
    ASSERT_NE(victim, nullptr);
    victim->set_io_timeout(10s);
    const std::int32_t pid = victim->session().backend_key().process_id;
    ASSERT_NE(pid, 0);

    const query_result kill =
        db_->simple_query("SELECT pg_terminate_backend(" + std::to_string(pid) + ", 5000)");
    ASSERT_TRUE(kill.ok()) << kill.error.primary();
    EXPECT_EQ(kill.rows().at(0).at(0).value_or(""), "t");

    const wire::event ev = victim->next_event();
    EXPECT_EQ(ev.kind, wire::event_kind::fatal) << wire::event_name(ev.kind);
    EXPECT_EQ(ev.ec, sqlstate::admin_shutdown) << ev.ec.message();
    EXPECT_EQ(victim->session().last_error().sqlstate, "57P01");
    EXPECT_EQ(victim->session().state(), wire::session_state::failed);

    // Everything after that fails at once.
    const wire::event again = victim->next_event();
    EXPECT_EQ(again.kind, wire::event_kind::fatal);
    const query_result after = victim->simple_query("SELECT 1");
    EXPECT_TRUE(after.fatal);
    EXPECT_NE(after.ec, errc::timeout);
    EXPECT_TRUE(is_fatal(after.ec)) << after.ec.message();
}

TEST_F(ProtocolTest, ServerClosingMidQueryGivesConnectionClosed) {
    auto victim = connect_superuser();
    ASSERT_NE(victim, nullptr);
    victim->set_io_timeout(10s);
    // The backend terminates itself while the query runs: FATAL 57P01 then EOF, mid-query.
    const query_result r =
        victim->simple_query("SELECT 1; SELECT pg_terminate_backend(pg_backend_pid()); SELECT 2");
    EXPECT_TRUE(r.fatal);
    EXPECT_TRUE(r.ec == sqlstate::admin_shutdown || r.ec == errc::connection_closed) << r.ec.message();
    EXPECT_EQ(victim->session().state(), wire::session_state::failed);
}

}  // namespace
}  // namespace pgring::test
