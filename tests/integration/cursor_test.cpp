// pgring::row_stream and pgring::cursor against a real PostgreSQL: a million rows streamed in
// bounded batches inside and outside a transaction block, early ends and server errors mid-stream
// (the connection stays usable), statements pipelined between batches, and scrollable cursors
// (FETCH/MOVE forward, backward, absolute, relative; refused outside a transaction block; closed
// when destroyed).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <pgring/connection.hpp>
#include <pgring/cursor.hpp>
#include <pgring/loop.hpp>
#include <pgring/sqlstate.hpp>
#include <pgring/transaction.hpp>
#include <string>
#include <utility>
#include <vector>

#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

// What a stream delivered.
struct drained {
    std::uint64_t rows = 0;
    std::int64_t sum = 0;
    std::size_t batches = 0;
    std::size_t largest_batch = 0;
    std::string tag;
    std::vector<char> status_seen;  // the connection's transaction status after each batch
};

// Reads every batch of `s`, summing the first column (int4).
task<result<drained>> drain(connection& conn, row_stream& s) {
    drained d;
    for (;;) {
        result<std::optional<rows>> batch = co_await s.try_next();
        if (!batch) {
            co_return failure{batch.error(), batch.diag()};
        }
        if (!batch->has_value()) {
            break;
        }
        const rows& b = **batch;
        ++d.batches;
        d.largest_batch = std::max(d.largest_batch, b.size());
        for (const row_view r : b) {
            d.sum += r.get<std::int32_t>(0);
            ++d.rows;
        }
        d.status_seen.push_back(conn.transaction_status());
    }
    d.tag = s.command_tag();
    co_return d;
}

task<drained> stream_all(connection& conn, std::string sql, std::size_t fetch_size,
                         stream_mode mode = stream_mode::portal) {
    row_stream s = co_await conn.stream({.fetch_size = fetch_size, .mode = mode}, sql);
    result<drained> d = co_await drain(conn, s);
    co_return std::move(d).value();
}

class CursorTest : public ::testing::Test {
protected:
    void SetUp() override {
        connection_options o;
        o.command_timeout = 120s;
        conn_ = lp_.run(connection::connect(lp_, superuser_conninfo(), std::move(o)));
    }
    std::int32_t value(const std::string& sql) { return lp_.run(conn_.query_value<std::int32_t>(sql)); }
    static std::vector<std::int32_t> ints(const rows& r) {
        std::vector<std::int32_t> out;
        for (const row_view v : r) {
            out.push_back(v.get<std::int32_t>(0));
        }
        return out;
    }

    loop lp_;
    connection conn_;
};

constexpr std::int64_t million = 1'000'000;
constexpr std::int64_t million_sum = million * (million + 1) / 2;

TEST_F(CursorTest, StreamsAMillionRowsOutsideATransactionInBoundedBatches) {
    const drained d = lp_.run(stream_all(conn_, "SELECT g FROM generate_series(1, 1000000) g", 10'000));
    EXPECT_EQ(d.rows, static_cast<std::uint64_t>(million));
    EXPECT_EQ(d.sum, million_sum);
    EXPECT_LE(d.largest_batch, 10'000u);
    EXPECT_GE(d.batches, 100u);
    // The stream runs in the transaction it opened, committed after the last batch.
    ASSERT_FALSE(d.status_seen.empty());
    EXPECT_EQ(d.status_seen.front(), 'T');
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(d.tag.rfind("SELECT", 0), 0u) << d.tag;
    EXPECT_EQ(value("SELECT 7"), 7);
}

TEST_F(CursorTest, StreamsAMillionRowsInsideATransaction) {
    transaction tx = lp_.run(transaction::begin(conn_));
    const drained d = lp_.run(stream_all(conn_, "SELECT g FROM generate_series(1, 1000000) g", 4096));
    EXPECT_EQ(d.rows, static_cast<std::uint64_t>(million));
    EXPECT_EQ(d.sum, million_sum);
    EXPECT_LE(d.largest_batch, 4096u);
    EXPECT_EQ(conn_.transaction_status(), 'T');  // the caller's transaction stays open
    EXPECT_EQ(value("SELECT 8"), 8);
    lp_.run(tx.commit());
    EXPECT_EQ(conn_.transaction_status(), 'I');
}

TEST_F(CursorTest, BatchesHaveExactlyFetchSizeRowsUntilTheLast) {
    task<std::vector<std::size_t>> (*sizes)(connection&) =
        [](connection& conn) -> task<std::vector<std::size_t>> {
        row_stream s = co_await conn.stream({.fetch_size = 3, .mode = stream_mode::portal}, "SELECT g FROM generate_series(1, $1) g", 10);
        std::vector<std::size_t> out;
        for (;;) {
            std::optional<rows> b = co_await s.next();
            if (!b) {
                break;
            }
            out.push_back(b->size());
        }
        EXPECT_EQ(s.rows_returned(), 10u);
        EXPECT_EQ(s.command_tag(), "SELECT 1");  // the server counts the last Execute's rows only
        EXPECT_FALSE(s.is_open());
        std::optional<rows> again = co_await s.next();  // stays exhausted
        EXPECT_FALSE(again.has_value());
        co_return out;
    };
    EXPECT_EQ(lp_.run(sizes(conn_)), (std::vector<std::size_t>{3, 3, 3, 1}));
}

TEST_F(CursorTest, ExactMultipleOfFetchSizeEndsWithoutAnEmptyBatch) {
    const drained d = lp_.run(stream_all(conn_, "SELECT g FROM generate_series(1, 20) g", 5));
    EXPECT_EQ(d.batches, 4u);
    EXPECT_EQ(d.sum, 210);
}

TEST_F(CursorTest, EmptyResultEndsAtOnce) {
    const drained d = lp_.run(stream_all(conn_, "SELECT g FROM generate_series(1, 0) g", 5));
    EXPECT_EQ(d.batches, 0u);
    EXPECT_EQ(d.tag, "SELECT 0");
    EXPECT_EQ(conn_.transaction_status(), 'I');
}

TEST_F(CursorTest, EarlyDestructionOutsideATransactionRollsBackAndLeavesTheConnectionUsable) {
    task<std::size_t> (*first_only)(connection&) = [](connection& conn) -> task<std::size_t> {
        row_stream s =
            co_await conn.stream({.fetch_size = 100, .mode = stream_mode::portal}, "SELECT g FROM generate_series(1, 1000000) g");
        std::optional<rows> b = co_await s.next();
        std::optional<rows> b2 = co_await s.next();
        co_return b->size() + b2->size();
    };
    EXPECT_EQ(lp_.run(first_only(conn_)), 200u);
    EXPECT_EQ(value("SELECT 9"), 9);
    EXPECT_EQ(conn_.transaction_status(), 'I');
}

TEST_F(CursorTest, EarlyDestructionInsideATransactionClosesThePortal) {
    transaction tx = lp_.run(transaction::begin(conn_));
    task<std::size_t> (*first_only)(connection&) = [](connection& conn) -> task<std::size_t> {
        row_stream s = co_await conn.stream({.fetch_size = 50, .mode = stream_mode::portal}, "SELECT g FROM generate_series(1, 100000) g");
        std::optional<rows> b = co_await s.next();
        co_return b->size();
    };
    EXPECT_EQ(lp_.run(first_only(conn_)), 50u);
    EXPECT_EQ(value("SELECT count(*)::int FROM pg_cursors WHERE name <> ''"), 0);
    EXPECT_EQ(conn_.transaction_status(), 'T');
    lp_.run(tx.commit());
}

TEST_F(CursorTest, CloseEndsTheStream) {
    task<char> (*closed)(connection&) = [](connection& conn) -> task<char> {
        row_stream s = co_await conn.stream({.fetch_size = 10, .mode = stream_mode::portal}, "SELECT g FROM generate_series(1, 1000) g");
        std::optional<rows> b = co_await s.next();
        EXPECT_TRUE(s.is_open());
        co_await s.close();
        EXPECT_FALSE(s.is_open());
        std::optional<rows> after = co_await s.next();
        EXPECT_FALSE(after.has_value());
        co_return conn.transaction_status();
    };
    EXPECT_EQ(lp_.run(closed(conn_)), 'I');
    EXPECT_EQ(value("SELECT 10"), 10);
}

TEST_F(CursorTest, ServerErrorMidStreamIsReportedAndTheConnectionStaysUsable) {
    task<result<drained>> (*failing)(connection&) = [](connection& conn) -> task<result<drained>> {
        row_stream s = co_await conn.stream({.fetch_size = 1000, .mode = stream_mode::portal},
                                            "SELECT 1 / (500000 - g) FROM generate_series(1, 1000000) g");
        result<drained> d = co_await drain(conn, s);
        if (d) {
            co_return d;
        }
        // After the error the stream refuses to go on.
        result<std::optional<rows>> again = co_await s.try_next();
        EXPECT_EQ(again.error(), make_error_code(errc::invalid_state));
        co_return d;
    };
    const result<drained> d = lp_.run(failing(conn_));
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), sqlstate::division_by_zero);
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(value("SELECT 11"), 11);
}

TEST_F(CursorTest, ErrorAtBindIsReportedOutsideATransaction) {
    const result<row_stream> s =
        lp_.run(conn_.try_stream("SELECT no_such_column FROM generate_series(1, 3) g"));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), sqlstate::undefined_column);
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(value("SELECT 12"), 12);
}

TEST_F(CursorTest, RefusedInAFailedTransaction) {
    transaction tx = lp_.run(transaction::begin(conn_));
    EXPECT_FALSE(lp_.run(conn_.try_execute("SELECT 1/0")));
    const result<row_stream> s = lp_.run(conn_.try_stream("SELECT 1"));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error(), make_error_code(errc::invalid_state));
    lp_.run(tx.rollback());
}

TEST_F(CursorTest, StatementsPipelineBetweenBatches) {
    task<std::int64_t> (*interleaved)(connection&) = [](connection& conn) -> task<std::int64_t> {
        row_stream s = co_await conn.stream({.fetch_size = 100, .mode = stream_mode::portal}, "SELECT g FROM generate_series(1, 1000) g");
        std::int64_t sum = 0;
        for (;;) {
            std::optional<rows> b = co_await s.next();
            if (!b) {
                break;
            }
            for (const row_view r : *b) {
                sum += r.get<std::int32_t>(0);
            }
            const std::int32_t n = co_await conn.query_value<std::int32_t>("SELECT $1::int4 + 1", 41);
            EXPECT_EQ(n, 42);
        }
        co_return sum;
    };
    EXPECT_EQ(lp_.run(interleaved(conn_)), 500500);
}

TEST_F(CursorTest, PortalSurvivesUnnamedStatementsBetweenBatches) {
    // With the statement cache off every query re-Parses the unnamed statement the stream's
    // portal was bound from: the portal must not depend on it.
    connection_options o;
    o.command_timeout = 120s;
    o.statement_cache.max_size = 0;
    connection uncached = lp_.run(connection::connect(lp_, superuser_conninfo(), std::move(o)));
    task<std::int64_t> (*interleaved)(connection&) = [](connection& conn) -> task<std::int64_t> {
        row_stream s = co_await conn.stream({.fetch_size = 64, .mode = stream_mode::portal}, "SELECT g FROM generate_series(1, 1000) g");
        std::int64_t sum = 0;
        for (;;) {
            std::optional<rows> b = co_await s.next();
            if (!b) {
                break;
            }
            for (const row_view r : *b) {
                sum += r.get<std::int32_t>(0);
            }
            const std::string t = co_await conn.query_value<std::string>("SELECT 'x' || $1::int4", 1);
            EXPECT_EQ(t, "x1");
        }
        co_return sum;
    };
    EXPECT_EQ(lp_.run(interleaved(uncached)), 500500);
    EXPECT_EQ(uncached.transaction_status(), 'I');
}

TEST_F(CursorTest, StreamsAPreparedStatement) {
    const statement stmt = lp_.run(conn_.prepare("SELECT g, g::text FROM generate_series(1, $1) g"));
    task<std::vector<std::string>> (*texts)(connection&, const statement&) =
        [](connection& conn, const statement& st) -> task<std::vector<std::string>> {
        row_stream s = co_await conn.stream({.fetch_size = 4, .mode = stream_mode::portal}, st, std::int32_t{10});
        std::vector<std::string> out;
        for (;;) {
            std::optional<rows> b = co_await s.next();
            if (!b) {
                break;
            }
            EXPECT_LE(b->size(), 4u);
            for (const row_view r : *b) {
                EXPECT_EQ(std::to_string(r.get<std::int32_t>(0)), r.get<std::string>(1));
                out.push_back(r.get<std::string>(1));
            }
        }
        co_return out;
    };
    const std::vector<std::string> got = lp_.run(texts(conn_, stmt));
    ASSERT_EQ(got.size(), 10u);
    EXPECT_EQ(got.back(), "10");
    EXPECT_EQ(conn_.transaction_status(), 'I');
    // A wrong parameter count fails before anything runs; the transaction it opened is gone.
    const result<row_stream> bad = lp_.run(conn_.try_stream(stream_options{}, stmt));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), make_error_code(errc::wrong_parameter_count));
    EXPECT_EQ(conn_.transaction_status(), 'I');
}

TEST_F(CursorTest, StreamsTextParametersAndColumns) {
    task<std::vector<std::string>> (*texts)(connection&) =
        [](connection& conn) -> task<std::vector<std::string>> {
        row_stream s = co_await conn.stream({.fetch_size = 2, .mode = stream_mode::portal}, "SELECT $1 || g FROM generate_series(1, 3) g",
                                            std::string("n"));
        std::vector<std::string> out;
        for (;;) {
            std::optional<rows> b = co_await s.next();
            if (!b) {
                break;
            }
            for (const row_view r : *b) {
                out.push_back(r.get<std::string>(0));
            }
        }
        co_return out;
    };
    EXPECT_EQ(lp_.run(texts(conn_)), (std::vector<std::string>{"n1", "n2", "n3"}));
}

// ---- cursor ---------------------------------------------------------------------------------------

TEST_F(CursorTest, ScrollCursorFetchAndMove) {
    transaction tx = lp_.run(transaction::begin(conn_));
    cursor c = lp_.run(cursor::open(conn_, "SELECT g FROM generate_series(1, $1) g", std::int32_t{10}));
    EXPECT_TRUE(c.is_open());
    EXPECT_EQ(ints(lp_.run(c.fetch(3))), (std::vector<std::int32_t>{1, 2, 3}));
    EXPECT_EQ(ints(lp_.run(c.fetch_prior())), (std::vector<std::int32_t>{2}));
    EXPECT_EQ(ints(lp_.run(c.fetch_absolute(-1))), (std::vector<std::int32_t>{10}));
    EXPECT_EQ(ints(lp_.run(c.fetch_relative(-2))), (std::vector<std::int32_t>{8}));
    EXPECT_EQ(ints(lp_.run(c.fetch(cursor_direction::backward(3)))), (std::vector<std::int32_t>{7, 6, 5}));
    EXPECT_EQ(ints(lp_.run(c.fetch(-2))), (std::vector<std::int32_t>{4, 3}));
    EXPECT_EQ(lp_.run(c.move(cursor_direction::first())), 1u);
    EXPECT_EQ(ints(lp_.run(c.fetch(2))), (std::vector<std::int32_t>{2, 3}));
    EXPECT_EQ(lp_.run(c.move(cursor_direction::forward(4))), 4u);
    EXPECT_EQ(ints(lp_.run(c.fetch())), (std::vector<std::int32_t>{8}));
    EXPECT_EQ(lp_.run(c.move(cursor_direction::all())), 2u);
    EXPECT_TRUE(lp_.run(c.fetch(5)).empty());  // past the end
    EXPECT_EQ(ints(lp_.run(c.fetch(cursor_direction::last()))), (std::vector<std::int32_t>{10}));
    EXPECT_TRUE(lp_.run(c.fetch_absolute(100)).empty());
    EXPECT_EQ(ints(lp_.run(c.fetch(cursor_direction::backward_all()))).size(), 10u);
    EXPECT_EQ(ints(lp_.run(c.fetch(cursor_direction::first()))), (std::vector<std::int32_t>{1}));
    const rows r = lp_.run(c.fetch(cursor_direction::relative(0)));
    ASSERT_EQ(r.columns().size(), 1u);
    EXPECT_EQ(ints(r), (std::vector<std::int32_t>{1}));
    lp_.run(c.close());
    EXPECT_FALSE(c.is_open());
    EXPECT_EQ(lp_.run(c.try_fetch(cursor_direction::forward(1))).error(),
              make_error_code(errc::invalid_state));
    EXPECT_EQ(value("SELECT count(*)::int FROM pg_cursors WHERE name <> ''"), 0);
    lp_.run(tx.commit());
}

TEST_F(CursorTest, NoScrollCursorRefusesBackwardFetch) {
    transaction tx = lp_.run(transaction::begin(conn_));
    cursor c = lp_.run(cursor::open(conn_, {.scroll = false}, "SELECT g FROM generate_series(1, 5) g"));
    EXPECT_EQ(ints(lp_.run(c.fetch(2))), (std::vector<std::int32_t>{1, 2}));
    const result<rows> back = lp_.run(c.try_fetch(cursor_direction::prior()));
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error(), sqlstate::object_not_in_prerequisite_state);
    lp_.run(tx.rollback());
    EXPECT_EQ(value("SELECT 13"), 13);
}

TEST_F(CursorTest, CursorOutsideATransactionIsRefused) {
    const result<cursor> c = lp_.run(cursor::try_open(conn_, "SELECT 1"));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), make_error_code(errc::invalid_state));
    EXPECT_NE(c.diag().client_message.find("transaction block"), std::string::npos);
    EXPECT_EQ(conn_.transaction_status(), 'I');
}

TEST_F(CursorTest, CursorDestroyedOpenLeavesTheConnectionUsable) {
    transaction tx = lp_.run(transaction::begin(conn_));
    {
        cursor c = lp_.run(cursor::open(conn_, "SELECT g FROM generate_series(1, 100) g"));
        EXPECT_EQ(ints(lp_.run(c.fetch(1))), (std::vector<std::int32_t>{1}));
        EXPECT_EQ(value("SELECT count(*)::int FROM pg_cursors WHERE name <> ''"), 1);
    }
    EXPECT_EQ(value("SELECT count(*)::int FROM pg_cursors WHERE name <> ''"), 0);
    EXPECT_EQ(conn_.transaction_status(), 'T');
    // One that outlives its transaction: its Close is harmless, even inside the next transaction.
    cursor late = lp_.run(cursor::open(conn_, "SELECT 1"));
    lp_.run(tx.commit());
    transaction tx2 = lp_.run(transaction::begin(conn_));
    late = cursor();
    EXPECT_EQ(value("SELECT 14"), 14);
    EXPECT_EQ(conn_.transaction_status(), 'T');
    lp_.run(tx2.commit());
}

TEST_F(CursorTest, CursorDeclareErrorIsTheServers) {
    transaction tx = lp_.run(transaction::begin(conn_));
    const result<cursor> c = lp_.run(cursor::try_open(conn_, "SELECT * FROM no_such_table_for_cursor"));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), sqlstate::undefined_table);
    lp_.run(tx.rollback());
    EXPECT_EQ(value("SELECT 15"), 15);
}

TEST_F(CursorTest, NextRowWalksTheStreamRowByRow) {
    struct walked {
        std::int64_t rows = 0;
        std::int64_t sum = 0;
        bool in_order = true;
        bool open_before_end = true;
        bool open_after_end = true;
        std::optional<row_view> after_end;
    };
    const walked w = lp_.run([](connection& conn) -> task<walked> {
        walked out;
        row_stream s = co_await conn.stream({.fetch_size = 333}, "SELECT g, 'r' || g FROM generate_series(1, 10000) g");
        for (;;) {
            std::optional<row_view> r = co_await s.next_row();
            if (!r) {
                break;
            }
            auto [g, name] = r->as<std::int32_t, std::string>();
            ++out.rows;
            out.in_order = out.in_order && g == out.rows && name == "r" + std::to_string(g);
            out.sum += g;
            out.open_before_end = out.open_before_end && (g == 10000 || s.is_open());
        }
        out.open_after_end = s.is_open();
        out.after_end = co_await s.next_row();
        co_return out;
    }(conn_));
    EXPECT_EQ(w.rows, 10000);
    EXPECT_EQ(w.sum, std::int64_t{10000} * 10001 / 2);
    EXPECT_TRUE(w.in_order);
    EXPECT_TRUE(w.open_before_end);
    EXPECT_FALSE(w.open_after_end);
    EXPECT_FALSE(w.after_end.has_value());
    EXPECT_EQ(conn_.transaction_status(), 'I');

    // An error mid-stream comes out of next_row().
    result<std::int64_t> failed = lp_.run([](connection& conn) -> task<result<std::int64_t>> {
        row_stream s = co_await conn.stream({.fetch_size = 10, .mode = stream_mode::portal}, "SELECT 10 / (50 - g) FROM generate_series(1, 100) g");
        std::int64_t seen = 0;
        for (;;) {
            result<std::optional<row_view>> r = co_await s.try_next_row();
            if (!r) {
                co_return failure{r.error(), r.diag()};
            }
            if (!*r) {
                co_return seen;
            }
            ++seen;
        }
    }(conn_));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error(), sqlstate::division_by_zero) << failed.diag().primary();
    EXPECT_EQ(value("SELECT 9"), 9);
}

// ---- single pass ----------------------------------------------------------------------------

TEST_F(CursorTest, SinglePassStreamsOutsideATransactionWithoutOpeningOne) {
    const drained d = lp_.run([](connection& conn) -> task<drained> {
        row_stream s = co_await conn.stream({.fetch_size = 10'000}, "SELECT g FROM generate_series(1, 1000000) g");
        result<drained> r = co_await drain(conn, s);
        co_return std::move(r).value();
    }(conn_));
    EXPECT_EQ(d.rows, static_cast<std::uint64_t>(million));
    EXPECT_EQ(d.sum, million_sum);
    EXPECT_GE(d.batches, 2u);
    for (const char c : d.status_seen) {
        EXPECT_EQ(c, 'I') << "no transaction block was opened";
    }
    EXPECT_EQ(d.tag, "SELECT 1000000");
    EXPECT_EQ(value("SELECT 7"), 7);
}

// Reads the first batch, waits `pause` (a query on another connection) while the loop runs, then
// reads the rest; returns the sizes of the batches.
task<std::vector<std::size_t>> slow_consumer(connection& conn, connection& other, std::string sql, double pause) {
    std::vector<std::size_t> sizes;
    row_stream s = co_await conn.stream({.fetch_size = 1000, .mode = stream_mode::single_pass}, sql);
    for (;;) {
        std::optional<rows> batch = co_await s.next();
        if (!batch) {
            break;
        }
        sizes.push_back(batch->size());
        if (sizes.size() == 1) {
            co_await other.execute("SELECT pg_sleep($1)", pause);
        }
    }
    co_return sizes;
}

TEST_F(CursorTest, SinglePassStopsReadingWhileTheConsumerIsSlow) {
    // 400,000 rows of about 220 bytes (88 MB). While the consumer waits one second after its
    // first batch, the connection reads only what it had in flight (at most the loop's receive
    // buffers, 16 MiB by default: about 76,000 rows), then leaves the rest in the socket.
    connection other = lp_.run(connection::connect(lp_, superuser_conninfo()));
    const std::vector<std::size_t> sizes = lp_.run(
        slow_consumer(conn_, other, "SELECT g, repeat('x', 200) FROM generate_series(1, 400000) g", 1.0));
    std::size_t total = 0;
    std::size_t largest = 0;
    for (const std::size_t n : sizes) {
        total += n;
        largest = std::max(largest, n);
    }
    EXPECT_EQ(total, 400'000u);
    EXPECT_LE(largest, 120'000u) << "the socket was not paused: " << sizes.size() << " batches";
    EXPECT_EQ(value("SELECT 8"), 8);
}

TEST_F(CursorTest, SinglePassLeftEarlyOrClosedLeavesTheConnectionUsable) {
    // Destroyed after its first batch: the rest of the result is read and dropped.
    const std::size_t first = lp_.run([](connection& conn) -> task<std::size_t> {
        row_stream s = co_await conn.stream({.fetch_size = 100}, "SELECT g FROM generate_series(1, 1000000) g");
        std::optional<rows> batch = co_await s.next();
        co_return batch ? batch->size() : 0;
    }(conn_));
    EXPECT_GE(first, 1u);
    EXPECT_EQ(value("SELECT 9"), 9);
    EXPECT_EQ(conn_.transaction_status(), 'I');
    // close() waits for the end of the result.
    const bool closed = lp_.run([](connection& conn) -> task<bool> {
        row_stream s = co_await conn.stream({.fetch_size = 100}, "SELECT g FROM generate_series(1, 300000) g");
        (void)co_await s.next();
        co_await s.close();
        const std::optional<rows> after = co_await s.next();
        co_return !s.is_open() && !after;
    }(conn_));
    EXPECT_TRUE(closed);
    EXPECT_EQ(value("SELECT 10"), 10);
}

TEST_F(CursorTest, SinglePassServerErrorEndsTheStream) {
    // The error comes from stream() or from a next(), depending on how far the rows got.
    const result<std::uint64_t> r = lp_.run([](connection& conn) -> task<result<std::uint64_t>> {
        result<row_stream> s =
            co_await conn.try_stream({.fetch_size = 100}, "SELECT 10 / (300000 - g) FROM generate_series(1, 400000) g");
        if (!s) {
            co_return failure{s.error(), s.diag()};
        }
        std::uint64_t seen = 0;
        for (;;) {
            result<std::optional<rows>> batch = co_await s->try_next();
            if (!batch) {
                co_return failure{batch.error(), batch.diag()};
            }
            if (!*batch) {
                co_return seen;
            }
            seen += (*batch)->size();
        }
    }(conn_));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::division_by_zero) << r.diag().primary();
    EXPECT_EQ(value("SELECT 11"), 11);
}

TEST_F(CursorTest, SinglePassWithACallQueuedBehindItDoesNotHang) {
    // The consumer queries the same connection mid-stream: that query waits for the rest of the
    // result, so the connection reads on (the rows are buffered) instead of waiting for itself.
    const std::pair<std::int64_t, std::int32_t> got = lp_.run([](connection& conn) -> task<std::pair<std::int64_t, std::int32_t>> {
        row_stream s = co_await conn.stream({.fetch_size = 100}, "SELECT g FROM generate_series(1, 200000) g");
        std::int64_t sum = 0;
        std::int32_t side = 0;
        for (;;) {
            std::optional<rows> batch = co_await s.next();
            if (!batch) {
                break;
            }
            for (const row_view r : *batch) {
                sum += r.get<std::int32_t>(0);
            }
            if (side == 0) {
                side = co_await conn.query_value<std::int32_t>("SELECT 42");
            }
        }
        co_return std::make_pair(sum, side);
    }(conn_));
    EXPECT_EQ(got.first, std::int64_t{200000} * 200001 / 2);
    EXPECT_EQ(got.second, 42);
}

TEST_F(CursorTest, SinglePassStreamsAPreparedStatementAndTheCacheOff) {
    statement st = lp_.run(conn_.prepare("SELECT g, $1::text FROM generate_series(1, 5000) g"));
    const std::int64_t n = lp_.run([](connection& conn, const statement& st) -> task<std::int64_t> {
        row_stream s = co_await conn.stream({.fetch_size = 10}, st, std::string("p"));
        std::int64_t count = 0;
        for (;;) {
            std::optional<row_view> r = co_await s.next_row();
            if (!r) {
                break;
            }
            if (r->get<std::string>(1) == "p") {
                ++count;
            }
        }
        co_return count;
    }(conn_, st));
    EXPECT_EQ(n, 5000);
    // With the statement cache off the SQL is prepared for the stream alone and closed after.
    connection_options o;
    o.statement_cache.max_size = 0;
    conn_ = lp_.run(connection::connect(lp_, superuser_conninfo(), std::move(o)));
    const drained d = lp_.run(stream_all(conn_, "SELECT g FROM generate_series(1, 3000) g", 0, stream_mode::single_pass));
    EXPECT_EQ(d.rows, 3000u);
    EXPECT_EQ(lp_.run(conn_.query_value<std::int64_t>("SELECT count(*) FROM pg_prepared_statements")), 0);
}

}  // namespace
}  // namespace pgring::test
