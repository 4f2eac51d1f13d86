// The statement cache of pgring::connection against a real PostgreSQL: one Parse per distinct
// SQL text, LRU eviction that closes statements on the server, max_lifetime, the length limit,
// re-preparing after a table changes under a statement (and the server's error inside a
// transaction), the cache-off path, and concurrent misses of one text from several coroutines.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <pgring/connection.hpp>
#include <pgring/error.hpp>
#include <pgring/loop.hpp>
#include <pgring/sqlstate.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

// A superuser connection with the cache options a test sets (make_connection()); every operation
// is bounded by command_timeout.
class StatementCacheTest : public ::testing::Test {
protected:
    void make_connection(statement_cache_options cache) {
        connection_options o;
        o.statement_cache = cache;
        o.command_timeout = 60s;
        result<connection> r = lp_.run(connection::try_connect(lp_, superuser_conninfo(), std::move(o)));
        ASSERT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
        conn_ = std::move(*r);
        // Lists this session's server-side statements; prepared outside the cache, so looking
        // does not change what it looks at.
        server_statements_ =
            lp_.run(conn_.prepare("SELECT statement FROM pg_prepared_statements ORDER BY statement"));
    }

    template <class T>
    T run(task<T> t) {
        return lp_.run(std::move(t));
    }

    // The SQL texts of this session's prepared statements, except the lister itself.
    std::vector<std::string> prepared_on_server() {
        std::vector<std::string> out;
        for (const row_view r : run(conn_.query(server_statements_))) {
            std::string sql = r.get<std::string>(0);
            if (sql != server_statements_.sql()) {
                out.push_back(std::move(sql));
            }
        }
        return out;
    }
    // How many of this session's prepared statements have the text `sql`.
    std::size_t prepared_on_server(const std::string& sql) {
        std::size_t n = 0;
        for (const std::string& s : prepared_on_server()) {
            n += s == sql ? 1 : 0;
        }
        return n;
    }

    loop lp_;  // declared first: destroyed after the connection
    connection conn_;
    statement server_statements_;
};

TEST_F(StatementCacheTest, RepeatedStatementIsPreparedOnce) {
    make_connection({});
    ASSERT_EQ(conn_.cached_statements(), 0u);
    ASSERT_EQ(conn_.statements_prepared(), 0u);
    const std::string sql = "SELECT $1::int4 * 2, $2::text";
    for (std::int32_t i = 0; i < 100; ++i) {
        const rows rs = run(conn_.query(sql, i, "v" + std::to_string(i)));
        ASSERT_EQ(rs.size(), 1u);
        ASSERT_EQ(rs[0].get<std::int32_t>(0), i * 2);
        ASSERT_EQ(rs[0].get<std::string>(1), "v" + std::to_string(i));
        ASSERT_EQ(conn_.statements_prepared(), 1u) << "call " << i;
    }
    EXPECT_EQ(conn_.cached_statements(), 1u);
    EXPECT_EQ(prepared_on_server(sql), 1u);

    // A server error while running a cached statement does not drop it.
    result<std::int32_t> bad = run(conn_.try_query_value<std::int32_t>("SELECT 10 / $1::int4", 0));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), sqlstate::division_by_zero);
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT 10 / $1::int4", 5)), 2);
    EXPECT_EQ(conn_.statements_prepared(), 2u);
    EXPECT_EQ(conn_.cached_statements(), 2u);

    // Statements that fail to prepare are not cached.
    result<rows> syntax = run(conn_.try_query("SELEC 1"));
    ASSERT_FALSE(syntax);
    EXPECT_EQ(syntax.error(), sqlstate::syntax_error);
    EXPECT_EQ(conn_.cached_statements(), 2u);
    EXPECT_EQ(conn_.statements_prepared(), 2u);
}

TEST_F(StatementCacheTest, EvictionPastMaxSizeClosesTheStatementOnTheServer) {
    make_connection({.max_size = 3});
    std::vector<std::string> sql;
    for (int i = 1; i <= 5; ++i) {
        sql.push_back("SELECT " + std::to_string(i) + " AS n, $1::int4 AS p");
    }
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const row r = run(conn_.query_one(sql[i], static_cast<std::int32_t>(i)));
        EXPECT_EQ(r.get<std::int32_t>("n"), static_cast<std::int32_t>(i + 1));
        EXPECT_EQ(r.get<std::int32_t>("p"), static_cast<std::int32_t>(i));
    }
    EXPECT_EQ(conn_.cached_statements(), 3u);
    EXPECT_EQ(conn_.statements_prepared(), 5u);
    // The two least recently used were closed on the server.
    EXPECT_EQ(prepared_on_server(), (std::vector<std::string>{sql[2], sql[3], sql[4]}));

    // The first again: prepared again, evicting the third (now the least recently used).
    EXPECT_EQ(run(conn_.query_one(sql[0], 7)).get<std::int32_t>("p"), 7);
    EXPECT_EQ(conn_.statements_prepared(), 6u);
    EXPECT_EQ(conn_.cached_statements(), 3u);
    EXPECT_EQ(prepared_on_server(), (std::vector<std::string>{sql[0], sql[3], sql[4]}));

    // A hit makes an entry most recently used: touch the fourth, then a new one evicts the fifth.
    EXPECT_EQ(run(conn_.query_one(sql[3], 1)).get<std::int32_t>("n"), 4);
    EXPECT_EQ(conn_.statements_prepared(), 6u);
    EXPECT_EQ(run(conn_.query_one(sql[1], 1)).get<std::int32_t>("n"), 2);
    EXPECT_EQ(conn_.statements_prepared(), 7u);
    EXPECT_EQ(prepared_on_server(), (std::vector<std::string>{sql[0], sql[1], sql[3]}));
    EXPECT_EQ(conn_.transaction_status(), 'I');
}

TEST_F(StatementCacheTest, StatementOlderThanMaxLifetimeIsPreparedAgain) {
    make_connection({.max_lifetime = 1s});
    const std::string sql = "SELECT $1::int8 + 1";
    EXPECT_EQ(run(conn_.query_value<std::int64_t>(sql, std::int64_t{1})), 2);
    EXPECT_EQ(run(conn_.query_value<std::int64_t>(sql, std::int64_t{2})), 3);
    EXPECT_EQ(conn_.statements_prepared(), 1u);
    std::this_thread::sleep_for(1100ms);
    EXPECT_EQ(run(conn_.query_value<std::int64_t>(sql, std::int64_t{3})), 4);
    EXPECT_EQ(conn_.statements_prepared(), 2u);
    EXPECT_EQ(conn_.cached_statements(), 1u);
    // The expired statement was closed: one statement with this text on the server.
    EXPECT_EQ(prepared_on_server(sql), 1u);
    EXPECT_EQ(run(conn_.query_value<std::int64_t>(sql, std::int64_t{4})), 5);
    EXPECT_EQ(conn_.statements_prepared(), 2u);
}

TEST_F(StatementCacheTest, StatementLongerThanMaxStatementLengthIsNotCached) {
    make_connection({.max_statement_length = 40});
    const std::string long_sql = "SELECT $1::int4 + $2::int4 AS sum_of_the_two_parameters";
    const std::string short_sql = "SELECT $1::int4 - $2::int4";
    ASSERT_GT(long_sql.size(), 40u);
    ASSERT_LE(short_sql.size(), 40u);
    for (std::int32_t i = 0; i < 5; ++i) {
        const rows rs = run(conn_.query(long_sql, i, 10));
        ASSERT_EQ(rs.size(), 1u);
        EXPECT_EQ(rs.columns()[0].name, "sum_of_the_two_parameters");
        EXPECT_EQ(rs[0].get<std::int32_t>(0), i + 10);
    }
    EXPECT_EQ(conn_.cached_statements(), 0u);
    EXPECT_EQ(conn_.statements_prepared(), 0u);
    EXPECT_EQ(prepared_on_server(long_sql), 0u);
    // String parameters work on the uncached path too.
    EXPECT_EQ(run(conn_.query_value<std::int32_t>(long_sql, std::string("1"), std::string("2"))), 3);
    EXPECT_EQ(run(conn_.query_value<std::int32_t>(short_sql, 5, 3)), 2);
    EXPECT_EQ(conn_.cached_statements(), 1u);
    EXPECT_EQ(conn_.statements_prepared(), 1u);
}

TEST_F(StatementCacheTest, TableChangeUnderAStatementPreparesItAgain) {
    make_connection({});
    const std::string t = unique_name("cache_alter");
    run(conn_.execute("CREATE TABLE " + t + " (a int4)"));
    run(conn_.execute("INSERT INTO " + t + " VALUES (1)"));
    const std::string select = "SELECT * FROM " + t;
    const rows before = run(conn_.query(select));
    ASSERT_EQ(before.columns().size(), 1u);
    run(conn_.execute("ALTER TABLE " + t + " ADD COLUMN b text DEFAULT 'new'"));

    const std::uint64_t prepared = conn_.statements_prepared();
    const std::size_t cached = conn_.cached_statements();
    const rows after = run(conn_.query(select));
    ASSERT_EQ(after.columns().size(), 2u);
    EXPECT_EQ(after.columns()[1].name, "b");
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].get<std::int32_t>("a"), 1);
    EXPECT_EQ(after[0].get<std::string>("b"), "new");
    EXPECT_EQ(conn_.statements_prepared(), prepared + 1);
    EXPECT_EQ(conn_.cached_statements(), cached);
    EXPECT_EQ(prepared_on_server(select), 1u) << "the stale statement was closed";
    // The old result keeps its own column description.
    EXPECT_EQ(before.columns().size(), 1u);
    EXPECT_EQ(before[0].get<std::int32_t>(0), 1);

    // A changed column type, through execute().
    run(conn_.execute("ALTER TABLE " + t + " ALTER COLUMN a TYPE int8"));
    EXPECT_EQ(run(conn_.query_one(select)).get<std::int64_t>("a"), 1);
    EXPECT_EQ(run(conn_.execute(select)).rows_affected, 1u);
    run(conn_.execute("DROP TABLE " + t));
}

TEST_F(StatementCacheTest, TableChangeInsideATransactionReturnsTheErrorAndDropsTheStatement) {
    make_connection({});
    const std::string t = unique_name("cache_alter_tx");
    run(conn_.execute("CREATE TABLE " + t + " (a int4)"));
    run(conn_.execute("INSERT INTO " + t + " VALUES (1)"));
    const std::string select = "SELECT * FROM " + t;
    ASSERT_EQ(run(conn_.query(select)).columns().size(), 1u);

    run(conn_.execute("BEGIN"));
    run(conn_.execute("ALTER TABLE " + t + " ADD COLUMN b text"));
    const std::uint64_t prepared = conn_.statements_prepared();
    const std::size_t cached = conn_.cached_statements();
    result<rows> r = run(conn_.try_query(select));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::feature_not_supported) << r.diag().primary();
    EXPECT_EQ(r.diag().sqlstate, "0A000");
    EXPECT_NE(r.diag().message.find("cached plan must not change result type"), std::string::npos)
        << r.diag().message;
    EXPECT_EQ(conn_.transaction_status(), 'E');
    EXPECT_EQ(conn_.statements_prepared(), prepared) << "no retry inside a transaction";
    EXPECT_EQ(conn_.cached_statements(), cached - 1) << "the stale statement left the cache";

    EXPECT_EQ(run(conn_.execute("ROLLBACK")).command_tag, "ROLLBACK");
    EXPECT_EQ(conn_.transaction_status(), 'I');
    const rows again = run(conn_.query(select));
    EXPECT_EQ(again.columns().size(), 1u) << "the ALTER was rolled back";
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].get<std::int32_t>(0), 1);
    EXPECT_GT(conn_.statements_prepared(), prepared) << "prepared afresh";
    EXPECT_EQ(prepared_on_server(select), 1u);
    run(conn_.execute("DROP TABLE " + t));
}

TEST_F(StatementCacheTest, DiscardAllEmptiesTheCache) {
    make_connection({});
    const std::string sql = "SELECT $1::int4 + 1";
    ASSERT_EQ(run(conn_.query_value<std::int32_t>(sql, 1)), 2);
    ASSERT_EQ(conn_.statements_prepared(), 1u);
    for (const char* drop : {"DISCARD ALL", "DEALLOCATE ALL"}) {
        SCOPED_TRACE(drop);
        const std::uint64_t before = conn_.statements_prepared();
        run(conn_.execute(drop));
        EXPECT_EQ(conn_.cached_statements(), 0u) << "the DISCARD/DEALLOCATE itself is gone too";
        EXPECT_EQ(run(conn_.query_value<std::int32_t>(sql, 2)), 3);
        EXPECT_EQ(conn_.statements_prepared(), before + 2) << "the statement was prepared again";
    }
}

TEST_F(StatementCacheTest, StatementDeallocatedBehindTheCacheIsPreparedAgain) {
    make_connection({});
    const std::string sql = "SELECT $1::int4 * 3";
    ASSERT_EQ(run(conn_.query_value<std::int32_t>(sql, 1)), 3);
    // DEALLOCATE inside a function: the tag is not DEALLOCATE ALL, the cache cannot know. (It
    // drops the fixture's lister too: count with a cached statement, which recovers the same way.)
    const auto on_server = [&] {
        return run(conn_.query_value<std::int64_t>("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
                                                   sql));
    };
    run(conn_.execute("DO $$ BEGIN EXECUTE 'DEALLOCATE ALL'; END $$"));
    EXPECT_EQ(on_server(), 0);
    EXPECT_EQ(run(conn_.query_value<std::int32_t>(sql, 2)), 6) << "retried with a fresh prepare";
    EXPECT_EQ(on_server(), 1);
    // Inside a transaction the error is the caller's (the server aborted the transaction).
    run(conn_.execute("BEGIN"));
    run(conn_.execute("DO $$ BEGIN EXECUTE 'DEALLOCATE ALL'; END $$ /* a new text: the first is gone too */"));
    result<std::int32_t> r = run(conn_.try_query_value<std::int32_t>(sql, 3));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::invalid_sql_statement_name);
    run(conn_.execute("ROLLBACK"));
    EXPECT_EQ(run(conn_.query_value<std::int32_t>(sql, 4)), 12);
}

TEST_F(StatementCacheTest, CacheOffWorksWithoutNamedStatements) {
    make_connection({.max_size = 0});
    const std::string t = unique_name("cache_off");
    run(conn_.execute("CREATE TABLE " + t + " (int_col int4, ts timestamptz, label text)"));
    run(conn_.execute("INSERT INTO " + t + " VALUES ($1, $2, $3)", std::string("42"),
                      std::string("2020-01-01 00:00:00+00"), "forty-two"));
    run(conn_.execute("INSERT INTO " + t + " VALUES ($1, $2, $3)", 43, timestamptz{0},
                      std::optional<std::string>()));

    // Strings into non-text parameter types are sent as text for the server to parse.
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT label FROM " + t + " WHERE int_col = $1",
                                                 std::string("42"))),
              "forty-two");
    EXPECT_EQ(
        run(conn_.query_value<timestamptz>("SELECT $1::timestamptz", "2020-01-01 00:00:00+00")).microseconds,
        7305LL * 86400000000LL);
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT int_col FROM " + t + " WHERE ts = $1",
                                                  std::string("2020-01-01 00:00:00+00"))),
              42);
    // Typed parameters declare their type: int8 compared with an int4 column, no cast needed.
    EXPECT_EQ(run(conn_.query_value<std::optional<std::string>>(
                  "SELECT label FROM " + t + " WHERE int_col = $1", std::int64_t{43})),
              std::nullopt);
    EXPECT_EQ(run(conn_.query_value<std::int64_t>("SELECT $1 + $2", std::int64_t{1} << 40, std::int64_t{1})),
              (std::int64_t{1} << 40) + 1);
    EXPECT_EQ(run(conn_.query_value<bool>("SELECT $1::int4 IS NULL", std::optional<std::int32_t>())), true);

    for (std::int32_t i = 0; i < 1000; ++i) {
        const rows rs = run(conn_.query("SELECT $1::int4 * 3, $2::text || '!', int_col FROM " + t +
                                            " WHERE int_col = $3 ORDER BY int_col",
                                        i, std::to_string(i), 42 + i % 2));
        ASSERT_EQ(rs.size(), 1u) << i;
        ASSERT_EQ(rs[0].get<std::int32_t>(0), i * 3);
        ASSERT_EQ(rs[0].get<std::string>(1), std::to_string(i) + "!");
        ASSERT_EQ(rs[0].get<std::int32_t>(2), 42 + i % 2);
    }
    // Errors on this path leave the connection usable.
    result<rows> bad = run(conn_.try_query("SELECT 1 / $1::int4", 0));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), sqlstate::division_by_zero);
    // Without a described statement the client declares int8 for an int64_t: the server's cast
    // to int4 is what fails.
    result<rows> range = run(conn_.try_query("SELECT $1::int4", std::int64_t{1} << 40));
    ASSERT_FALSE(range);
    EXPECT_EQ(range.error(), sqlstate::numeric_value_out_of_range) << range.diag().primary();
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT $1::int4", 5)), 5);

    EXPECT_EQ(conn_.cached_statements(), 0u);
    EXPECT_EQ(conn_.statements_prepared(), 0u);
    EXPECT_TRUE(prepared_on_server().empty());
    run(conn_.execute("DROP TABLE " + t));
}

struct concurrent_outcome {
    int finished = 0;
    std::vector<std::string> failures;
};

// One of several coroutines that run `sql` at the same time on one connection.
task<void> run_same_sql(connection& conn, std::string sql, std::int32_t id, bool expect_error,
                        concurrent_outcome& out) {
    result<rows> r = co_await conn.try_query(sql, id);
    if (expect_error) {
        if (r || r.error() != sqlstate::syntax_error) {
            out.failures.push_back(std::to_string(id) + ": no syntax error");
        }
    } else if (!r) {
        out.failures.push_back(std::to_string(id) + ": " + r.diag().primary());
    } else if (r->size() != 1 || (*r)[0].get<std::int32_t>(0) != id * 10) {
        out.failures.push_back(std::to_string(id) + ": wrong answer");
    }
    ++out.finished;
}

TEST_F(StatementCacheTest, ConcurrentMissesOfOneStatementPrepareItOnce) {
    make_connection({});
    concurrent_outcome out;
    constexpr int coroutines = 12;
    for (std::int32_t i = 0; i < coroutines; ++i) {
        lp_.spawn(run_same_sql(conn_, "SELECT $1::int4 * 10", i, false, out));
    }
    lp_.run();
    EXPECT_EQ(out.finished, coroutines);
    EXPECT_TRUE(out.failures.empty()) << out.failures.front();
    EXPECT_EQ(conn_.statements_prepared(), 1u);
    EXPECT_EQ(conn_.cached_statements(), 1u);
    EXPECT_EQ(prepared_on_server("SELECT $1::int4 * 10"), 1u);
}

TEST_F(StatementCacheTest, ConcurrentMissesOfABadStatementAllFailAndCacheNothing) {
    make_connection({});
    concurrent_outcome out;
    constexpr int coroutines = 6;
    for (std::int32_t i = 0; i < coroutines; ++i) {
        lp_.spawn(run_same_sql(conn_, "SELEC $1::int4 * 10", i, true, out));
    }
    lp_.run();
    EXPECT_EQ(out.finished, coroutines);
    EXPECT_TRUE(out.failures.empty()) << out.failures.front();
    EXPECT_EQ(conn_.cached_statements(), 0u);
    EXPECT_EQ(conn_.statements_prepared(), 0u);
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT $1::int4 * 10", 4)), 40);
}

TEST_F(StatementCacheTest, EvictionWhileConcurrentCallsRunKeepsEveryAnswerRight) {
    // A cache of 2 and 8 distinct statements in flight at once: entries are evicted (and closed)
    // while other coroutines still wait for them.
    make_connection({.max_size = 2});
    concurrent_outcome out;
    constexpr int coroutines = 8;
    for (std::int32_t i = 0; i < coroutines; ++i) {
        lp_.spawn(
            run_same_sql(conn_, "SELECT $1::int4 * 10 /* " + std::to_string(i % 4) + " */", i, false, out));
    }
    lp_.run();
    EXPECT_EQ(out.finished, coroutines);
    EXPECT_TRUE(out.failures.empty()) << out.failures.front();
    // Statements still being prepared are not evicted, so the cache may be over its size now;
    // every statement on the server is a cached one.
    EXPECT_EQ(prepared_on_server().size(), conn_.cached_statements());
    EXPECT_LE(conn_.cached_statements(), 4u);
    // The next insert, with every entry ready, evicts down to the size.
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT $1::int4 * 10 /* new */", 9)), 90);
    EXPECT_EQ(conn_.cached_statements(), 2u);
    EXPECT_EQ(prepared_on_server().size(), 2u);
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT $1::int4 * 10 /* 0 */", 9)), 90);
}

// Runs an explicitly prepared statement (one request, outside the cache), then, as soon as it is
// answered, a statement new to the cache: its insert evicts whatever is least recently used.
task<void> prepared_then_new_sql(connection& conn, const statement& stmt, std::string sql,
                                 concurrent_outcome& out) {
    result<rows> first = co_await conn.try_query(stmt);
    if (!first) {
        out.failures.push_back("prepared: " + first.diag().primary());
    }
    result<rows> second = co_await conn.try_query(sql, 7);
    if (!second || second->size() != 1 || (*second)[0].get<std::int32_t>(0) != 70) {
        out.failures.push_back("new sql: " +
                               (second ? std::string("wrong answer") : second.diag().primary()));
    }
    ++out.finished;
}

TEST_F(StatementCacheTest, WaiterOfAStatementEvictedBeforeItResumesStillGetsItsAnswer) {
    // Cache of 1. A prepares X; B waits for X; C's explicit statement is answered together with
    // X's Describe, and C at once runs a new SQL whose insert evicts X (ready by then) and closes
    // it, all before B resumes. B must not Bind the closed X.
    make_connection({.max_size = 1});
    const statement stmt = run(conn_.prepare("SELECT 1"));
    for (int round = 0; round < 20; ++round) {
        concurrent_outcome out;
        const std::string x = "SELECT $1::int4 * 10 /* x" + std::to_string(round) + " */";
        const std::string z = "SELECT $1::int4 * 10 /* z" + std::to_string(round) + " */";
        lp_.spawn(run_same_sql(conn_, x, 1, false, out));
        lp_.spawn(run_same_sql(conn_, x, 2, false, out));
        lp_.spawn(prepared_then_new_sql(conn_, stmt, z, out));
        lp_.run();
        ASSERT_EQ(out.finished, 3);
        ASSERT_TRUE(out.failures.empty()) << "round " << round << ": " << out.failures.front();
    }
    EXPECT_EQ(prepared_on_server().size(), conn_.cached_statements() + 1) << "the cached statements and stmt";
}

}  // namespace
}  // namespace pgring::test
