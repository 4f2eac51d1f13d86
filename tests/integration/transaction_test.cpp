// pgring::transaction against a real PostgreSQL: commit and rollback, isolation and access
// modes, savepoints (nested), a failed transaction's COMMIT, and the rollback a transaction
// destroyed while open sends (a coroutine left by an exception), after which the connection is
// idle and usable.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <pgring/connection.hpp>
#include <pgring/loop.hpp>
#include <pgring/sqlstate.hpp>
#include <pgring/transaction.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

class TransactionTest : public ::testing::Test {
protected:
    void SetUp() override {
        connection_options o;
        o.command_timeout = 60s;
        conn_ = lp_.run(connection::connect(lp_, superuser_conninfo(), std::move(o)));
        exec("DROP TABLE IF EXISTS tx_t");
        exec("CREATE TABLE tx_t (v int)");
    }
    void exec(const std::string& sql) { lp_.run(conn_.execute(sql)); }
    std::string values() {
        return lp_.run(conn_.query_value<std::optional<std::string>>("SELECT string_agg(v::text, ',' ORDER BY v) FROM tx_t"))
            .value_or("");
    }

    loop lp_;
    connection conn_;
};

TEST(BeginStatement, SpellsTheOptions) {
    EXPECT_EQ(begin_statement({}), "BEGIN");
    EXPECT_EQ(begin_statement({.isolation = isolation_level::serializable, .read_only = true, .deferrable = true}),
              "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE");
    EXPECT_EQ(begin_statement({.isolation = isolation_level::repeatable_read}), "BEGIN ISOLATION LEVEL REPEATABLE READ");
    EXPECT_EQ(begin_statement({.isolation = isolation_level::read_committed}), "BEGIN ISOLATION LEVEL READ COMMITTED");
}

TEST_F(TransactionTest, CommitKeepsAndRollbackDiscards) {
    transaction tx = lp_.run(transaction::begin(conn_));
    EXPECT_TRUE(tx.is_open());
    EXPECT_EQ(conn_.transaction_status(), 'T');
    exec("INSERT INTO tx_t VALUES (1)");
    lp_.run(tx.commit());
    EXPECT_FALSE(tx.is_open());
    EXPECT_EQ(conn_.transaction_status(), 'I');
    tx = lp_.run(transaction::begin(conn_));
    exec("INSERT INTO tx_t VALUES (2)");
    lp_.run(tx.rollback());
    EXPECT_EQ(values(), "1");
    EXPECT_EQ(lp_.run(tx.try_commit()).error(), errc::invalid_state) << "a closed transaction";
}

TEST_F(TransactionTest, IsolationAndReadOnly) {
    transaction tx = lp_.run(transaction::begin(conn_, {.isolation = isolation_level::serializable, .read_only = true}));
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SHOW transaction_isolation")), "serializable");
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SHOW transaction_read_only")), "on");
    result<command_result> r = lp_.run(conn_.try_execute("INSERT INTO tx_t VALUES (1)"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::read_only_sql_transaction);
    lp_.run(tx.rollback());
}

TEST_F(TransactionTest, SecondBeginIsRefused) {
    transaction tx = lp_.run(transaction::begin(conn_));
    result<transaction> again = lp_.run(transaction::try_begin(conn_));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), errc::invalid_state);
    lp_.run(tx.commit());
}

TEST_F(TransactionTest, SavepointsNest) {
    transaction tx = lp_.run(transaction::begin(conn_));
    exec("INSERT INTO tx_t VALUES (1)");
    transaction sp = lp_.run(tx.savepoint());
    EXPECT_FALSE(sp.savepoint_name().empty());
    exec("INSERT INTO tx_t VALUES (2)");
    transaction inner = lp_.run(sp.savepoint());
    EXPECT_NE(inner.savepoint_name(), sp.savepoint_name());
    exec("INSERT INTO tx_t VALUES (3)");
    lp_.run(inner.rollback());  // undoes 3 only
    lp_.run(sp.commit());       // keeps 2
    transaction sp2 = lp_.run(tx.savepoint());
    exec("INSERT INTO tx_t VALUES (4)");
    lp_.run(sp2.rollback());
    lp_.run(tx.commit());
    EXPECT_EQ(values(), "1,2");
}

TEST_F(TransactionTest, SavepointRecoversFromAnError) {
    transaction tx = lp_.run(transaction::begin(conn_));
    exec("INSERT INTO tx_t VALUES (1)");
    transaction sp = lp_.run(tx.savepoint());
    EXPECT_FALSE(lp_.run(conn_.try_execute("INSERT INTO tx_t VALUES (1/0)")));
    EXPECT_EQ(conn_.transaction_status(), 'E');
    lp_.run(sp.rollback());
    EXPECT_EQ(conn_.transaction_status(), 'T') << "the savepoint's rollback recovers the transaction";
    exec("INSERT INTO tx_t VALUES (2)");
    lp_.run(tx.commit());
    EXPECT_EQ(values(), "1,2");
}

TEST_F(TransactionTest, CommitOfAFailedTransactionReportsTheRollback) {
    transaction tx = lp_.run(transaction::begin(conn_));
    exec("INSERT INTO tx_t VALUES (1)");
    EXPECT_FALSE(lp_.run(conn_.try_execute("SELECT 1/0")));
    result<void> r = lp_.run(tx.try_commit());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::transaction_rollback);
    EXPECT_FALSE(tx.is_open());
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(values(), "");
}

TEST_F(TransactionTest, DestroyedOpenTransactionRollsBack) {
    // A coroutine that throws after its insert: the transaction in its frame rolls back.
    bool thrown = false;
    lp_.run([&]() -> task<void> {
        try {
            co_await [&]() -> task<void> {
                transaction tx = co_await transaction::begin(conn_);
                co_await conn_.execute("INSERT INTO tx_t VALUES (1)");
                throw std::runtime_error("business rule broken");
            }();
        } catch (const std::runtime_error&) {
            thrown = true;
        }
    }());
    EXPECT_TRUE(thrown);
    EXPECT_EQ(values(), "") << "the ROLLBACK went out before this query";
    EXPECT_EQ(conn_.transaction_status(), 'I');
    // A savepoint destroyed open undoes its part only.
    transaction tx = lp_.run(transaction::begin(conn_));
    exec("INSERT INTO tx_t VALUES (1)");
    {
        transaction sp = lp_.run(tx.savepoint());
        exec("INSERT INTO tx_t VALUES (2)");
    }
    exec("INSERT INTO tx_t VALUES (3)");
    lp_.run(tx.commit());
    EXPECT_EQ(values(), "1,3");
}

TEST_F(TransactionTest, DestroyedDuringAnotherCopyRollsBackAfterIt) {
    // The transaction is destroyed while a COPY FROM STDIN holds the write side (from inside its
    // source): the ROLLBACK must wait for the CopyDone, not land inside the COPY data.
    std::optional<transaction> tx = lp_.run(transaction::begin(conn_));
    exec("INSERT INTO tx_t VALUES (1)");
    int calls = 0;
    const command_result copied = lp_.run(conn_.copy_in("COPY tx_t (v) FROM STDIN", [&](std::span<std::byte> buffer) {
        ++calls;
        if (calls == 1) {
            tx.reset();  // sends its ROLLBACK without waiting
            const std::string_view line = "2\n";
            std::memcpy(buffer.data(), line.data(), line.size());
            return line.size();
        }
        if (calls == 2) {
            const std::string_view line = "3\n";
            std::memcpy(buffer.data(), line.data(), line.size());
            return line.size();
        }
        return std::size_t{0};
    }));
    EXPECT_EQ(copied.rows_affected, 2u);
    EXPECT_EQ(values(), "") << "the COPY ran inside the transaction, which was then rolled back";
    EXPECT_EQ(conn_.transaction_status(), 'I');
    exec("INSERT INTO tx_t VALUES (4)");
    EXPECT_EQ(values(), "4");
}

}  // namespace
}  // namespace pgring::test
