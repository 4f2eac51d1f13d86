// COPY through pgring::connection against a real PostgreSQL: copy_out() streams COPY TO STDOUT
// to a sink (text, CSV, binary), copy_in() streams COPY FROM STDIN from a source with
// back-pressure, from a coroutine generator, a range of chunks or a file (<pgring/copy.hpp>);
// bad data, a throwing source or sink and a COPY in the wrong direction all fail with a clear
// error and leave the connection usable and the table untouched.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ranges>
#include <system_error>
#include <vector>
#include <stdlib.h>
#include <pgring/connection.hpp>
#include <pgring/copy.hpp>
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

TEST_F(CopyTest, ThrowingSinkStopsCopyOut) {
    std::size_t chunks = 0;
    result<command_result> r = lp_.run(conn_.try_copy_out(
        "COPY (SELECT g FROM generate_series(1, 5000) g) TO STDOUT", [&](std::span<const std::byte>) {
            if (++chunks == 5) {
                throw std::runtime_error("sink full");
            }
        }));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::cancelled);
    EXPECT_NE(r.diag().client_message.find("sink full"), std::string::npos) << r.diag().client_message;
    EXPECT_EQ(chunks, 5u) << "no data after the exception";
    still_usable();
}

TEST_F(CopyTest, CopyInFromACoroutineGenerator) {
    // The source waits for another connection's answer before each chunk.
    connection other = lp_.run(connection::connect(lp_, superuser_conninfo()));
    int chunk = 0;
    connection::copy_generator gen = [&](std::span<std::byte> buf) -> task<std::size_t> {
        if (chunk == 10) {
            co_return 0;
        }
        const std::int32_t base = co_await other.query_value<std::int32_t>("SELECT $1::int4 * 100", chunk);
        ++chunk;
        std::string lines;
        for (int i = 1; i <= 100; ++i) {
            lines += std::to_string(base + i) + "\tgen\n";
        }
        std::memcpy(buf.data(), lines.data(), lines.size());
        co_return lines.size();
    };
    const command_result r = lp_.run(conn_.copy_in("COPY copy_t FROM STDIN", std::move(gen)));
    EXPECT_EQ(r.rows_affected, 1000u);
    EXPECT_EQ(lp_.run(conn_.query_value<std::int64_t>("SELECT sum(id) FROM copy_t")), std::int64_t{1000} * 1001 / 2);

    // A generator that throws after awaiting: CopyFail, nothing inserted.
    lp_.run(conn_.execute("TRUNCATE copy_t"));
    int calls = 0;
    connection::copy_generator failing = [&](std::span<std::byte> buf) -> task<std::size_t> {
        co_await other.execute("SELECT 1");
        if (++calls == 2) {
            throw std::runtime_error("upstream went away");
        }
        const std::string_view row = "5\tx\n";
        std::memcpy(buf.data(), row.data(), row.size());
        co_return row.size();
    };
    result<command_result> f = lp_.run(conn_.try_copy_in("COPY copy_t FROM STDIN", std::move(failing)));
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error(), sqlstate::query_canceled) << f.diag().primary();
    EXPECT_NE(f.diag().client_message.find("upstream went away"), std::string::npos) << f.diag().client_message;
    EXPECT_EQ(count(), 0);
    still_usable();
}

TEST_F(CopyTest, CopyInFromRanges) {
    // Chunks that do not end at row boundaries.
    const std::vector<std::string> pieces = {"1\tal", "pha\n2\t", "", "beta\n3\tgamma\n"};
    command_result r = lp_.run(conn_.copy_in("COPY copy_t FROM STDIN", copy_from_range(pieces)));
    EXPECT_EQ(r.rows_affected, 3u);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SELECT string_agg(name, ',' ORDER BY id) FROM copy_t")),
              "alpha,beta,gamma");
    // A lazy view that makes each chunk on the fly (an rvalue, moved into the source): 200,000
    // rows, more than one 64 KiB buffer holds.
    lp_.run(conn_.execute("TRUNCATE copy_t"));
    auto lines = std::views::iota(1, 200001) |
                 std::views::transform([](int i) { return std::to_string(i) + ",r" + std::to_string(i) + "\n"; });
    r = lp_.run(conn_.copy_in("COPY copy_t FROM STDIN (FORMAT csv)", copy_from_range(std::move(lines))));
    EXPECT_EQ(r.rows_affected, 200000u);
    EXPECT_EQ(lp_.run(conn_.query_value<std::int64_t>("SELECT sum(id) FROM copy_t")), std::int64_t{200000} * 200001 / 2);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SELECT name FROM copy_t WHERE id = 123456")), "r123456");
    // Bytes, and an empty range.
    lp_.run(conn_.execute("TRUNCATE copy_t"));
    const std::string row = "9\tbytes\n";
    std::vector<std::vector<std::byte>> blobs(1);
    for (char c : row) {
        blobs[0].push_back(static_cast<std::byte>(c));
    }
    r = lp_.run(conn_.copy_in("COPY copy_t FROM STDIN", copy_from_range(blobs)));
    EXPECT_EQ(r.rows_affected, 1u);
    r = lp_.run(conn_.copy_in("COPY copy_t FROM STDIN", copy_from_range(std::vector<std::string>{})));
    EXPECT_EQ(r.rows_affected, 0u);
    EXPECT_EQ(count(), 1);
}

TEST_F(CopyTest, CopyFromAndToFiles) {
    char dir_template[] = "/tmp/pgring-copy-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template;
    const std::string in = dir + "/in.csv";
    {
        std::ofstream f(in);
        for (int i = 1; i <= 50000; ++i) {
            f << i << ",\"file, row " << i << "\"\n";
        }
    }
    command_result r = lp_.run(conn_.copy_in("COPY copy_t FROM STDIN (FORMAT csv)", copy_from_file(in)));
    EXPECT_EQ(r.rows_affected, 50000u);
    EXPECT_EQ(lp_.run(conn_.query_value<std::string>("SELECT name FROM copy_t WHERE id = 4242")), "file, row 4242");

    const std::string out = dir + "/out.csv";
    r = lp_.run(conn_.copy_out("COPY (SELECT * FROM copy_t ORDER BY id) TO STDOUT (FORMAT csv)", copy_to_file(out)));
    EXPECT_EQ(r.rows_affected, 50000u);
    std::ifstream back(out);
    std::ifstream orig(in);
    const std::string written((std::istreambuf_iterator<char>(back)), std::istreambuf_iterator<char>());
    const std::string expected((std::istreambuf_iterator<char>(orig)), std::istreambuf_iterator<char>());
    EXPECT_EQ(written, expected);

    // A missing file fails before the COPY starts, naming the file.
    try {
        (void)copy_from_file(dir + "/missing.csv");
        ADD_FAILURE() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing.csv"), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)copy_to_file(dir + "/no/such/dir/out.csv"), std::system_error);
    std::filesystem::remove_all(dir);
    still_usable();
}

}  // namespace
}  // namespace pgring::test
