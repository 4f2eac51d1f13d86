// COPY through pgring::connection against a real PostgreSQL: copy_out() streams COPY TO STDOUT
// to a sink (text, CSV, binary), copy_in() streams COPY FROM STDIN from a source with
// back-pressure; bad data, a throwing source and a COPY in the wrong direction all fail with a
// clear error and leave the connection usable and the table untouched.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <pgring/connection.hpp>
#include <pgring/loop.hpp>
#include <pgring/sqlstate.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

class CopyTest : public ::testing::Test {
protected:
    void SetUp() override {
        connection_options o;
        o.command_timeout = 60s;
        conn_ = lp_.run(connection::connect(lp_, superuser_conninfo(), std::move(o)));
        lp_.run(conn_.execute("DROP TABLE IF EXISTS copy_t"));
        lp_.run(conn_.execute("CREATE TABLE copy_t (id int, name text)"));
    }
    std::int64_t count() { return lp_.run(conn_.query_value<std::int64_t>("SELECT count(*) FROM copy_t")); }
    void still_usable() { EXPECT_EQ(lp_.run(conn_.query_value<std::int32_t>("SELECT 41 + 1")), 42); }

    loop lp_;
    connection conn_;
};

// Collects what copy_out() hands over.
struct collected {
    std::string bytes;
    std::size_t chunks = 0;
    operations::copy_sink sink() {
        return [this](std::span<const std::byte> d) {
            bytes.append(reinterpret_cast<const char*>(d.data()), d.size());
            ++chunks;
        };
    }
};

TEST_F(CopyTest, CopyOutStreamsTextRows) {
    collected c;
    const command_result r = lp_.run(conn_.copy_out(
        "COPY (SELECT g, 'x' || g, NULL FROM generate_series(1, 1000) g) TO STDOUT", c.sink()));
    EXPECT_EQ(r.command_tag, "COPY 1000");
    EXPECT_EQ(r.rows_affected, 1000u);
    EXPECT_EQ(c.chunks, 1000u) << "one CopyData per row";
    EXPECT_TRUE(c.bytes.starts_with("1\tx1\t\\N\n2\tx2\t\\N\n"));
    EXPECT_TRUE(c.bytes.ends_with("1000\tx1000\t\\N\n"));
    still_usable();
}

TEST_F(CopyTest, CopyOutCsvAndBinary) {
    collected csv;
    lp_.run(conn_.copy_out("COPY (SELECT 1 AS a, 'x,y' AS b) TO STDOUT WITH (FORMAT csv, HEADER)", csv.sink()));
    EXPECT_EQ(csv.bytes, "a,b\n1,\"x,y\"\n");
    collected bin;
    lp_.run(conn_.copy_out("COPY (SELECT 7::int4) TO STDOUT (FORMAT binary)", bin.sink()));
    ASSERT_GE(bin.bytes.size(), 11u);
    EXPECT_EQ(std::memcmp(bin.bytes.data(), "PGCOPY\n\377\r\n\0", 11), 0);
}

TEST_F(CopyTest, CopyInStreamsManyRowsWithBackPressure) {
    // About 9 MB: more than the 4 MiB that may wait unsent, so the source is paused on the way.
    constexpr int rows = 300000;
    int next = 1;
    std::size_t calls = 0;
    const command_result r = lp_.run(conn_.copy_in("COPY copy_t FROM STDIN", [&](std::span<std::byte> buf) {
        ++calls;
        std::size_t n = 0;
        char line[64];
        while (next <= rows) {
            const int len = std::snprintf(line, sizeof line, "%d\tname number %09d\n", next, next);
            if (n + static_cast<std::size_t>(len) > buf.size()) {
                break;
            }
            std::memcpy(buf.data() + n, line, static_cast<std::size_t>(len));
            n += static_cast<std::size_t>(len);
            ++next;
        }
        return n;
    }));
    EXPECT_EQ(r.command_tag, "COPY 300000");
    EXPECT_GT(calls, 100u);
    EXPECT_EQ(count(), rows);
    EXPECT_EQ(lp_.run(conn_.query_value<std::int64_t>("SELECT sum(id) FROM copy_t")),
              std::int64_t{rows} * (rows + 1) / 2);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SELECT name FROM copy_t WHERE id = 77")), "name number 000000077");
}

TEST_F(CopyTest, CopyInFromMemoryCsv) {
    result<command_result> r =
        lp_.run(conn_.try_copy_in("COPY copy_t FROM STDIN WITH (FORMAT csv)", "1,\"a, b\"\n2,\n3,\"\"\"q\"\"\"\n"));
    ASSERT_TRUE(r) << r.diag().primary();
    EXPECT_EQ(r->rows_affected, 3u);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SELECT string_agg(coalesce(name, '<null>'), '|' ORDER BY id) FROM copy_t")),
              "a, b|<null>|\"q\"");
    r = lp_.run(conn_.try_copy_in("COPY copy_t FROM STDIN", std::string_view()));
    ASSERT_TRUE(r) << r.diag().primary();
    EXPECT_EQ(r->command_tag, "COPY 0");
}

TEST_F(CopyTest, BadDataFailsTheCopyAndInsertsNothing) {
    result<command_result> r = lp_.run(conn_.try_copy_in("COPY copy_t FROM STDIN", "1\ta\nnot a number\tb\n3\tc\n"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::invalid_text_representation) << r.diag().primary();
    EXPECT_EQ(count(), 0);
    still_usable();
}

TEST_F(CopyTest, ThrowingSourceSendsCopyFail) {
    int calls = 0;
    result<command_result> r = lp_.run(conn_.try_copy_in("COPY copy_t FROM STDIN", [&](std::span<std::byte> buf) -> std::size_t {
        if (++calls == 3) {
            throw std::runtime_error("disk on fire");
        }
        const char row[] = "1\tx\n";
        std::memcpy(buf.data(), row, sizeof row - 1);
        return sizeof row - 1;
    }));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::query_canceled) << r.diag().primary();
    EXPECT_NE(r.diag().message.find("disk on fire"), std::string::npos) << r.diag().message;
    EXPECT_NE(r.diag().client_message.find("disk on fire"), std::string::npos);
    EXPECT_EQ(count(), 0);
    still_usable();
}

TEST_F(CopyTest, WrongDirectionOrNotACopyIsNotSupported) {
    result<command_result> r = lp_.run(conn_.try_copy_out("COPY copy_t FROM STDIN", collected{}.sink()));
    ASSERT_FALSE(r);
    r = lp_.run(conn_.try_copy_in("COPY (SELECT 1) TO STDOUT", "x"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_supported);
    r = lp_.run(conn_.try_copy_in("SELECT 1", "x"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_supported);
    r = lp_.run(conn_.try_copy_out("SELECT 1", collected{}.sink()));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::not_supported);
    r = lp_.run(conn_.try_copy_out("COPY nonexistent_table TO STDOUT", collected{}.sink()));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::undefined_table);
    still_usable();
}

TEST_F(CopyTest, CopyInsideATransactionRollsBack) {
    lp_.run(conn_.execute("BEGIN"));
    ASSERT_TRUE(lp_.run(conn_.try_copy_in("COPY copy_t FROM STDIN", "1\ta\n2\tb\n")));
    EXPECT_EQ(count(), 2);
    lp_.run(conn_.execute("ROLLBACK"));
    EXPECT_EQ(count(), 0);
}

TEST_F(CopyTest, CopyPipelinesWithOtherCalls) {
    // A query queued behind a COPY gets its own answer after it.
    collected c;
    std::int32_t after = 0;
    lp_.run([&]() -> task<void> {
        auto first = conn_.copy_out("COPY (SELECT generate_series(1, 100)) TO STDOUT", c.sink());
        auto second = conn_.query_value<std::int32_t>("SELECT 5");
        co_await std::move(first);
        after = co_await std::move(second);
    }());
    EXPECT_EQ(after, 5);
    EXPECT_TRUE(c.bytes.ends_with("100\n"));
}

}  // namespace
}  // namespace pgring::test
