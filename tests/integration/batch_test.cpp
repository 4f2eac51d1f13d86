// Batches and typed COPY against a real PostgreSQL: execute_many/query_many send one Parse, a
// Bind/Execute per row and one Sync as one stream (atomic: an error in any row undoes them all),
// copy_records encodes a binary COPY with the codecs of the target columns. Bad rows, throwing
// ranges and server errors fail with a clear error, insert nothing and leave the connection
// usable; other calls made meanwhile wait for the stream and pipeline behind it.

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <pgring/batch.hpp>
#include <pgring/connection.hpp>
#include <pgring/datetime.hpp>
#include <pgring/loop.hpp>
#include <pgring/sqlstate.hpp>
#include <pgring/transaction.hpp>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

class BatchTest : public ::testing::Test {
protected:
    void SetUp() override { connect({}); }
    void connect(connection_options o) {
        o.command_timeout = 60s;
        conn_ = lp_.run(connection::connect(lp_, superuser_conninfo(), std::move(o)));
        lp_.run(conn_.execute("DROP TABLE IF EXISTS batch_t"));
        lp_.run(conn_.execute("CREATE TABLE batch_t (id int PRIMARY KEY, name text, score float8, at timestamptz)"));
    }
    std::int64_t count() { return lp_.run(conn_.query_value<std::int64_t>("SELECT count(*) FROM batch_t")); }
    void still_usable() { EXPECT_EQ(lp_.run(conn_.query_value<std::int32_t>("SELECT 41 + 1")), 42); }

    loop lp_;
    connection conn_;
};

std::vector<std::tuple<std::int32_t, std::string>> numbered(int n) {
    std::vector<std::tuple<std::int32_t, std::string>> v;
    for (int i = 1; i <= n; ++i) {
        v.emplace_back(i, "name " + std::to_string(i));
    }
    return v;
}

TEST_F(BatchTest, ExecuteManyInsertsEveryRowInOneStream) {
    const auto rows = numbered(10000);
    const std::uint64_t prepared = conn_.statements_prepared();
    const command_result r = lp_.run(conn_.execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", rows));
    EXPECT_EQ(r.command_tag, "INSERT 0 1");
    EXPECT_EQ(r.rows_affected, 10000u) << "the sum of the rows' counts";
    EXPECT_EQ(conn_.statements_prepared(), prepared + 1) << "one Parse for the whole batch";
    EXPECT_EQ(count(), 10000);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SELECT name FROM batch_t WHERE id = 777")), "name 777");
}

TEST_F(BatchTest, RowsMayBeSingleValuesPairsArraysAndViews) {
    const std::vector<std::int32_t> ids{1, 2, 3};
    EXPECT_EQ(lp_.run(conn_.execute_many("INSERT INTO batch_t (id) VALUES ($1)", ids)).rows_affected, 3u);
    const std::vector<std::pair<std::int32_t, const char*>> pairs{{4, "four"}, {5, "five"}};
    lp_.run(conn_.execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", pairs));
    const std::array<std::array<std::int32_t, 2>, 2> arrays{{{6, 60}, {7, 70}}};
    lp_.run(conn_.execute_many("INSERT INTO batch_t (id, score) VALUES ($1, $2::int4)", arrays));
    // A view yields its rows by value: each is kept until the next is taken.
    auto view = std::views::iota(8, 11) | std::views::transform([](int i) {
                    return std::tuple<std::int32_t, std::optional<std::string>>(
                        i, i == 9 ? std::nullopt : std::optional<std::string>("v" + std::to_string(i)));
                });
    lp_.run(conn_.execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", view));
    EXPECT_EQ(count(), 10);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SELECT string_agg(coalesce(name, '-'), ',' ORDER BY id) "
                                                     "FROM batch_t WHERE id >= 4")),
              "four,five,-,-,v8,-,v10");
    EXPECT_EQ(lp_.run(conn_.query_value<double>("SELECT score FROM batch_t WHERE id = 7")), 70.0);
}

TEST_F(BatchTest, AnErrorInOneRowUndoesTheWholeBatch) {
    auto rows = numbered(5000);
    std::get<0>(rows[3000]) = 17;  // a duplicate key
    const auto r = lp_.run(conn_.try_execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", rows));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::unique_violation) << r.diag().primary();
    EXPECT_EQ(count(), 0) << "atomic";
    still_usable();
    // The statement is still cached and usable.
    EXPECT_EQ(lp_.run(conn_.execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", numbered(3))).rows_affected,
              3u);
}

TEST_F(BatchTest, AValueThatCannotBeEncodedMidStreamUndoesTheRowsBeforeIt) {
    std::vector<std::tuple<std::int64_t>> rows;
    for (std::int64_t i = 1; i <= 2000; ++i) {
        rows.emplace_back(i == 1500 ? std::int64_t{1} << 40 : i);  // does not fit int4
    }
    const auto r = lp_.run(conn_.try_execute_many("INSERT INTO batch_t (id) VALUES ($1)", rows));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::value_out_of_range) << r.diag().client_message;
    EXPECT_NE(r.diag().client_message.find("$1"), std::string::npos) << r.diag().client_message;
    EXPECT_EQ(count(), 0) << "the 1,499 rows sent before it were rolled back";
    EXPECT_EQ(conn_.transaction_status(), 'I');
    still_usable();
}

TEST_F(BatchTest, ARangeThatThrowsCancelsTheBatch) {
    auto rows = std::views::iota(1, 1001) | std::views::transform([](int i) {
                    if (i == 600) {
                        throw std::runtime_error("no row 600");
                    }
                    return std::tuple<std::int32_t>(i);
                });
    const auto r = lp_.run(conn_.try_execute_many("INSERT INTO batch_t (id) VALUES ($1)", rows));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::cancelled);
    EXPECT_NE(r.diag().client_message.find("no row 600"), std::string::npos) << r.diag().client_message;
    EXPECT_EQ(count(), 0);
    still_usable();
}

TEST_F(BatchTest, WrongWidthAndEmptyBatches) {
    const std::vector<std::tuple<std::int32_t>> one{{1}};
    const auto r = lp_.run(conn_.try_execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", one));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::wrong_parameter_count);
    const std::vector<std::tuple<std::int32_t, std::string>> none;
    const command_result empty = lp_.run(conn_.execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", none));
    EXPECT_EQ(empty.rows_affected, 0u);
    EXPECT_EQ(count(), 0);
    still_usable();
}

TEST_F(BatchTest, QueryManyReturnsTheRowsOfEveryExecutionInOrder) {
    const rows returned =
        lp_.run(conn_.query_many("INSERT INTO batch_t (id, name) VALUES ($1, $2) RETURNING id * 10, name", numbered(500)));
    ASSERT_EQ(returned.size(), 500u);
    EXPECT_EQ(returned.rows_affected(), 500u);
    for (std::size_t i = 0; i < returned.size(); ++i) {
        const auto [id10, name] = returned[i].as<std::int32_t, std::string>();
        ASSERT_EQ(id10, static_cast<std::int32_t>((i + 1) * 10));
        ASSERT_EQ(name, "name " + std::to_string(i + 1));
    }
}

TEST_F(BatchTest, QueryManyPipelinesTenThousandSelects) {
    const statement st = lp_.run(conn_.prepare("SELECT $1::int4 * 2"));
    auto values = std::views::iota(1, 10001) | std::views::transform([](int i) { return std::tuple<std::int32_t>(i); });
    const rows r = lp_.run(conn_.query_many(st, values));
    ASSERT_EQ(r.size(), 10000u);
    std::int64_t sum = 0;
    for (const row_view row : r) {
        sum += std::get<0>(row.as<std::int32_t>());
    }
    EXPECT_EQ(sum, std::int64_t{10000} * 10001);
}

TEST_F(BatchTest, CacheOffBatchesUseTheUnnamedStatement) {
    connection_options o;
    o.statement_cache.max_size = 0;
    connect(std::move(o));
    EXPECT_EQ(lp_.run(conn_.execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", numbered(300))).rows_affected,
              300u);
    EXPECT_EQ(conn_.statements_prepared(), 0u);
    const rows r = lp_.run(conn_.query_many("SELECT id, name FROM batch_t WHERE id = $1", std::vector<std::int32_t>{5, 7}));
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ((r[1].as<std::int32_t, std::string>()), std::make_tuple(7, std::string("name 7")));
    still_usable();
}

// Counts batch_t's rows from another coroutine: started while a stream is being written, its
// query must wait for the stream and run after it.
task<void> count_from_the_side(connection& c, std::optional<std::int64_t>& out) {
    auto v = co_await c.try_query_value<std::int64_t>("SELECT count(*) FROM batch_t");
    if (v) {
        out = *v;
    }
}

TEST_F(BatchTest, CallsMadeDuringALongBatchWaitAndPipelineBehindIt) {
    // About 20 MB of Binds: more than may wait unsent, so the batch pauses for the socket after
    // the other coroutine's query was issued; that query must not land inside the batch.
    std::optional<std::int64_t> side;
    auto rows = std::views::iota(1, 100001) | std::views::transform([this, &side](int i) {
                    if (i == 1000) {
                        lp_.spawn(count_from_the_side(conn_, side));
                    }
                    return std::tuple<std::int32_t, std::string>(i, std::string(200, static_cast<char>('a' + i % 26)));
                });
    const command_result r = lp_.run(conn_.execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", rows));
    EXPECT_EQ(r.rows_affected, 100000u);
    still_usable();
    ASSERT_TRUE(side.has_value());
    EXPECT_EQ(*side, 100000) << "the side query ran after the batch";
}

TEST_F(BatchTest, InsideATransactionAFailedBatchFailsTheTransaction) {
    lp_.run([](connection& c) -> task<void> {
        transaction tx = co_await transaction::begin(c);
        auto rows = numbered(10);
        std::get<0>(rows[9]) = 1;
        auto r = co_await c.try_execute_many("INSERT INTO batch_t (id, name) VALUES ($1, $2)", rows);
        EXPECT_FALSE(r);
        EXPECT_EQ(c.transaction_status(), 'E');
        co_await tx.rollback();
    }(conn_));
    EXPECT_EQ(count(), 0);
    still_usable();
}

// ---- copy_records ------------------------------------------------------------------------------

TEST_F(BatchTest, CopyRecordsEncodesTypedRowsInBinary) {
    constexpr int n = 100000;
    const auto base = std::chrono::sys_days{std::chrono::year{2024} / 1 / 1};
    auto rows = std::views::iota(1, n + 1) | std::views::transform([base](int i) {
                    return std::tuple<std::int32_t, std::optional<std::string>, double, std::chrono::sys_seconds>(
                        i, i % 10 == 0 ? std::nullopt : std::optional<std::string>("row" + std::to_string(i)),
                        i * 0.5, base + std::chrono::seconds(i));
                });
    const command_result r = lp_.run(conn_.copy_records("batch_t", {"id", "name", "score", "at"}, rows));
    EXPECT_EQ(r.command_tag, "COPY 100000");
    EXPECT_EQ(r.rows_affected, static_cast<std::uint64_t>(n));
    const auto [cnt, names, score, last] =
        lp_.run(conn_.query_one("SELECT count(*), count(name), sum(score), max(at) = '2024-01-01'::timestamptz + "
                                "interval '100000 seconds' FROM batch_t"))
            .as<std::int64_t, std::int64_t, double, bool>();
    EXPECT_EQ(cnt, n);
    EXPECT_EQ(names, n - n / 10);
    EXPECT_DOUBLE_EQ(score, 0.5 * n * (n + 1) / 2);
    EXPECT_TRUE(last);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SELECT name FROM batch_t WHERE id = 12345")), "row12345");
}

TEST_F(BatchTest, CopyRecordsIntoEveryColumnOfAQuotedSchemaQualifiedTable) {
    lp_.run(conn_.execute("CREATE SCHEMA IF NOT EXISTS \"Odd schema\""));
    lp_.run(conn_.execute("DROP TABLE IF EXISTS \"Odd schema\".\"Ta\"\"ble\""));
    lp_.run(conn_.execute("CREATE TABLE \"Odd schema\".\"Ta\"\"ble\" (\"A b\" int8, c int4[])"));
    const std::vector<std::tuple<std::int64_t, std::vector<std::int32_t>>> rows{{1, {1, 2}}, {2, {}}};
    const command_result r = lp_.run(conn_.copy_records("Odd schema.Ta\"ble", {}, rows));
    EXPECT_EQ(r.rows_affected, 2u);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>(
                  "SELECT string_agg(\"A b\" || ':' || c::text, ' ' ORDER BY 1) FROM \"Odd schema\".\"Ta\"\"ble\"")),
              "1:{1,2} 2:{}");
}

TEST_F(BatchTest, CopyRecordsRefusesValuesTheColumnCannotTake) {
    const std::vector<std::tuple<std::int32_t, std::string>> bad_type{{1, "a"}};
    const auto r = lp_.run(conn_.try_copy_records("batch_t", {"name", "id"}, bad_type));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::type_mismatch) << r.diag().client_message;
    EXPECT_NE(r.diag().client_message.find("row 1"), std::string::npos) << r.diag().client_message;
    const std::vector<std::tuple<std::int32_t>> narrow{{1}};
    const auto w = lp_.run(conn_.try_copy_records("batch_t", {"id", "name"}, narrow));
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error(), errc::type_mismatch);
    const auto missing = lp_.run(conn_.try_copy_records("no_such_table", {"id"}, narrow));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), sqlstate::undefined_table);
    EXPECT_EQ(count(), 0);
    still_usable();
}

TEST_F(BatchTest, CopyRecordsAbortsOnAThrowOrABadValueMidStream) {
    auto throwing = std::views::iota(1, 200001) | std::views::transform([](int i) {
                        if (i == 150000) {
                            throw std::runtime_error("source broke");
                        }
                        return std::tuple<std::int32_t>(i);
                    });
    const auto r = lp_.run(conn_.try_copy_records("batch_t", {"id"}, throwing));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::cancelled);
    EXPECT_NE(r.diag().client_message.find("source broke"), std::string::npos) << r.diag().client_message;
    std::vector<std::tuple<std::int64_t>> too_big{{1}, {2}, {std::int64_t{1} << 40}};
    const auto b = lp_.run(conn_.try_copy_records("batch_t", {"id"}, too_big));
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error(), errc::value_out_of_range) << b.diag().client_message;
    EXPECT_EQ(count(), 0);
    still_usable();
    // A server error (duplicate key) after the data is out.
    const std::vector<std::tuple<std::int32_t>> dup{{1}, {1}};
    const auto d = lp_.run(conn_.try_copy_records("batch_t", {"id"}, dup));
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error(), sqlstate::unique_violation);
    EXPECT_EQ(count(), 0);
    still_usable();
}

TEST_F(BatchTest, AQueryIssuedDuringCopyInWaitsForTheCopy) {
    // Before write turns, a query issued while a COPY FROM STDIN streamed was written inside the
    // COPY data and broke it. 200 chunks of ~60 KB: the COPY pauses for the socket on the way.
    int chunks = 0;
    std::optional<std::int64_t> side;
    const command_result r =
        lp_.run(conn_.copy_in("COPY batch_t (id, name) FROM STDIN", [&](std::span<std::byte> buf) {
            if (chunks == 200) {
                return std::size_t{0};
            }
            if (chunks == 10) {
                lp_.spawn(count_from_the_side(conn_, side));
            }
            std::string text;
            for (int i = 0; i < 500; ++i) {
                text += std::to_string(chunks * 500 + i + 1) + "\t" + std::string(110, 'x') + "\n";
            }
            ++chunks;
            std::memcpy(buf.data(), text.data(), text.size());
            return text.size();
        }));
    EXPECT_EQ(r.rows_affected, 100000u);
    still_usable();
    ASSERT_TRUE(side.has_value());
    EXPECT_EQ(*side, 100000);
}

// ---- explicit batches ---------------------------------------------------------------------------

TEST_F(BatchTest, RunBatchSendsDifferentStatementsAtomicallyAndReturnsEachOnesRows) {
    batch b;
    b.add("INSERT INTO batch_t (id, name) VALUES ($1, $2)", std::int32_t{1}, "one")
        .add("INSERT INTO batch_t (id, name) VALUES ($1, $2)", std::int32_t{2}, std::string("two"))
        .add("UPDATE batch_t SET score = $1 WHERE id <= $2", 0.5, std::int32_t{2})
        .add("SELECT id, name FROM batch_t ORDER BY id");
    const std::vector<rows> r = lp_.run(conn_.run_batch(b));
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[0].command_tag(), "INSERT 0 1");
    EXPECT_EQ(r[2].command_tag(), "UPDATE 2");
    EXPECT_EQ(r[2].rows_affected(), 2u);
    ASSERT_EQ(r[3].size(), 2u);
    EXPECT_EQ((r[3][1].as<std::int32_t, std::string>()), std::make_tuple(2, std::string("two")));
    // A batch may run again.
    lp_.run(conn_.execute("DELETE FROM batch_t"));
    EXPECT_EQ(lp_.run(conn_.run_batch(b))[3].size(), 2u);
}

TEST_F(BatchTest, AnErrorInAnAtomicBatchUndoesEveryStatementAndNamesTheOneThatFailed) {
    batch b;
    b.add("INSERT INTO batch_t (id) VALUES ($1)", std::int32_t{1})
        .add("INSERT INTO batch_t (id) VALUES ($1)", std::int32_t{1})
        .add("INSERT INTO batch_t (id) VALUES ($1)", std::int32_t{3});
    const auto r = lp_.run(conn_.try_run_batch(b));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::unique_violation);
    EXPECT_NE(r.diag().client_message.find("statement 2 of 3"), std::string::npos) << r.diag().client_message;
    EXPECT_EQ(count(), 0);
    still_usable();
    // A value that cannot be encoded: nothing is sent at all.
    batch bad;
    bad.add("INSERT INTO batch_t (id) VALUES ($1)", std::int32_t{1})
        .add("INSERT INTO batch_t (id) VALUES ($1)", std::int64_t{1} << 40);
    const auto e = lp_.run(conn_.try_run_batch(bad));
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error(), errc::value_out_of_range);
    EXPECT_NE(e.diag().client_message.find("statement 2 of 2"), std::string::npos) << e.diag().client_message;
    // A statement that does not parse fails before anything runs.
    batch syntax;
    syntax.add("INSERT INTO batch_t (id) VALUES (1)").add("SELEKT 1");
    const auto p = lp_.run(conn_.try_run_batch(syntax));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error(), sqlstate::syntax_error);
    EXPECT_EQ(count(), 0);
    still_usable();
}

TEST_F(BatchTest, RunPipelineLetsEachStatementSucceedOrFailAlone) {
    batch b;
    b.add("INSERT INTO batch_t (id) VALUES ($1)", std::int32_t{1})
        .add("INSERT INTO batch_t (id) VALUES ($1)", std::int32_t{1})
        .add("SELEKT 1")
        .add("SELECT count(*) FROM batch_t");
    std::vector<result<rows>> r = lp_.run(conn_.run_pipeline(b));
    ASSERT_EQ(r.size(), 4u);
    EXPECT_TRUE(r[0]);
    ASSERT_FALSE(r[1]);
    EXPECT_EQ(r[1].error(), sqlstate::unique_violation);
    ASSERT_FALSE(r[2]);
    EXPECT_EQ(r[2].error(), sqlstate::syntax_error);
    ASSERT_TRUE(r[3]);
    EXPECT_EQ(std::get<0>((*r[3])[0].as<std::int64_t>()), 1);
    still_usable();
}

// ---- typed COPY TO -----------------------------------------------------------------------------

TEST_F(BatchTest, CopyOutRowsDecodesBinaryCopyWithTheQuerysColumns) {
    std::int64_t sum = 0;
    std::size_t names = 0;
    std::size_t nulls = 0;
    const command_result r = lp_.run(conn_.copy_out_rows(
        "SELECT g::int8, CASE WHEN g % 10 = 0 THEN NULL ELSE 'n' || g END, (g * 0.5)::float8 "
        "FROM generate_series(1, 100000) g",
        [&](row_view row) {
            const auto [g, name, half] = row.as<std::int64_t, std::optional<std::string_view>, double>();
            sum += g;
            if (name) {
                ++names;
                EXPECT_EQ(*name, "n" + std::to_string(g));
            } else {
                ++nulls;
            }
            EXPECT_EQ(half, 0.5 * static_cast<double>(g));
        }));
    EXPECT_EQ(r.rows_affected, 100000u);
    EXPECT_EQ(sum, std::int64_t{100000} * 100001 / 2);
    EXPECT_EQ(names, 90000u);
    EXPECT_EQ(nulls, 10000u);
    still_usable();
}

TEST_F(BatchTest, CopyOutRowsStopsOnAThrowingSinkAndRefusesParameters) {
    std::size_t seen = 0;
    const auto r = lp_.run(conn_.try_copy_out_rows("SELECT g FROM generate_series(1, 50000) g", [&](row_view) {
        if (++seen == 100) {
            throw std::runtime_error("enough");
        }
    }));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::cancelled);
    EXPECT_NE(r.diag().client_message.find("enough"), std::string::npos) << r.diag().client_message;
    EXPECT_EQ(seen, 100u) << "no row after the throw";
    still_usable();
    const auto p = lp_.run(conn_.try_copy_out_rows("SELECT $1::int4", [](row_view) {}));
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error(), errc::wrong_parameter_count);
    const auto bad = lp_.run(conn_.try_copy_out_rows("SELECT * FROM no_such_table", [](row_view) {}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), sqlstate::undefined_table);
    still_usable();
}

TEST_F(BatchTest, RunBatchAndPipelineWorkWithTheCacheOff) {
    // Statements prepared for the batch alone: closed after their Binds, not before.
    connection_options o;
    o.statement_cache.max_size = 0;
    connect(std::move(o));
    batch b;
    b.add("INSERT INTO batch_t (id, name) VALUES ($1, $2)", std::int32_t{1}, "one")
        .add("INSERT INTO batch_t (id, name) VALUES ($1, $2)", std::int32_t{2}, "two")
        .add("SELECT id, name FROM batch_t ORDER BY id");
    const std::vector<rows> r = lp_.run(conn_.run_batch(b));
    ASSERT_EQ(r.size(), 3u);
    ASSERT_EQ(r[2].size(), 2u);
    EXPECT_EQ((r[2][1].as<std::int32_t, std::string>()), std::make_tuple(2, std::string("two")));
    const auto each = lp_.run(conn_.run_pipeline(b));
    ASSERT_EQ(each.size(), 3u);
    EXPECT_FALSE(each[0]) << "duplicate key";
    ASSERT_TRUE(each[2]) << each[2].diag().primary();
    EXPECT_EQ(each[2]->size(), 2u);
    // Nothing of them is left prepared on the server.
    EXPECT_EQ(lp_.run(conn_.query_value<std::int64_t>("SELECT count(*) FROM pg_prepared_statements")), 0);
    still_usable();
}

}  // namespace
}  // namespace pgring::test
