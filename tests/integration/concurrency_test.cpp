// Concurrency of the coroutine connection: ten thousand coroutines pipelined over fifty
// connections of one loop, each checking that the answer it gets is its own (or its own error),
// and a two-thread runtime whose loops each run their own connections.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <pgring/connection.hpp>
#include <pgring/error.hpp>
#include <pgring/loop.hpp>
#include <pgring/result.hpp>
#include <pgring/sqlstate.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "client/connection_impl.hpp"
#include "driver/loop_impl.hpp"
#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

constexpr std::size_t coroutine_count = 10'000;
constexpr std::size_t connection_count = 50;

std::string server_conninfo() {
    const pg_cluster& c = pg_cluster::get();
    const connection_params su = c.superuser();
    std::string s = "host=" + conninfo_quote(c.host()) + " port=" + std::to_string(c.port()) +
                    " user=" + conninfo_quote(su.user) + " dbname=" + conninfo_quote(su.database) +
                    " sslmode=disable connect_timeout=10";
    if (!su.password.empty()) {
        s += " password=" + conninfo_quote(su.password);
    }
    return s;
}

// Every operation is bounded: a lost request fails its coroutine with errc::timeout instead of
// hanging the test.
connection_options bounded() {
    connection_options o;
    o.command_timeout = 60s;
    return o;
}

// What the coroutines of one test saw. Only touched on the loop thread that runs them.
struct tally {
    std::size_t finished = 0;
    std::size_t correct = 0;
    std::vector<std::string> wrong;  // the first few mismatches, for the failure message

    void note_wrong(std::string what) {
        if (wrong.size() < 10) {
            wrong.push_back(std::move(what));
        }
    }
};

std::string error_text(const std::error_code& ec, const diagnostics& d) {
    return ec.message() + ": " + d.primary();
}

// One slot of a connection set, filled by a connect coroutine.
struct connect_slot {
    std::optional<connection> conn;
    std::error_code ec;
    std::string message;
};

task<void> connect_into(loop& lp, std::string info, connect_slot& slot) {
    result<connection> c = co_await connection::try_connect(lp, info, bounded());
    if (c) {
        slot.conn.emplace(std::move(*c));
    } else {
        slot.ec = c.error();
        slot.message = c.diag().client_message;
    }
}

// Connects `n` connections at once (every connect in flight together) on `lp`.
std::vector<connection> connect_all(loop& lp, std::size_t n) {
    std::vector<connect_slot> slots(n);
    for (connect_slot& s : slots) {
        lp.spawn(connect_into(lp, server_conninfo(), s));
    }
    lp.run();
    std::vector<connection> out;
    for (connect_slot& s : slots) {
        EXPECT_FALSE(s.ec) << s.ec.message() << ": " << s.message;
        if (s.conn) {
            out.push_back(std::move(*s.conn));
        }
    }
    return out;
}

// ---- one loop, many connections ----

task<void> doubler(std::vector<connection>& conns, std::int32_t i, tally& t) {
    connection& c = conns[static_cast<std::size_t>(i) % conns.size()];
    result<std::int32_t> r = co_await c.try_query_value<std::int32_t>("SELECT $1::int4 * 2", i);
    ++t.finished;
    if (r && *r == 2 * i) {
        ++t.correct;
    } else if (r) {
        t.note_wrong(std::to_string(i) + ": got " + std::to_string(*r));
    } else {
        t.note_wrong(std::to_string(i) + ": " + error_text(r.error(), r.diag()));
    }
}

TEST(OneLoopConcurrency, TenThousandCoroutinesOverFiftyConnectionsEachGetTheirOwnAnswer) {
    loop lp;
    std::vector<connection> conns = connect_all(lp, connection_count);
    ASSERT_EQ(conns.size(), connection_count);
    tally t;
    for (std::size_t i = 0; i < coroutine_count; ++i) {
        lp.spawn(doubler(conns, static_cast<std::int32_t>(i), t));
    }
    lp.run();
    EXPECT_EQ(t.finished, coroutine_count);
    EXPECT_EQ(t.correct, coroutine_count);
    EXPECT_TRUE(t.wrong.empty()) << t.wrong.front();
    for (const connection& c : conns) {
        EXPECT_TRUE(c.is_open());
        EXPECT_EQ(c.transaction_status(), 'I');
        // One prepare per connection: the other coroutines waited for it or hit the cache.
        EXPECT_EQ(c.statements_prepared(), 1u);
    }
}

// The statements of the mixed test, chosen by i % 5.
enum class kind : std::uint8_t { doubled, division, text, series, missing_table };

kind kind_of(std::int32_t i) {
    return static_cast<kind>(i % 5);
}

// One coroutine of the mixed test: runs its statement and checks that the answer (or error) is
// the one its own input calls for.
task<void> mixed(std::vector<connection>& conns, std::int32_t i, std::string missing_table, tally& t) {
    connection& c = conns[static_cast<std::size_t>(i) % conns.size()];
    std::string wrong;
    switch (kind_of(i)) {
        case kind::doubled: {
            result<std::int32_t> r = co_await c.try_query_value<std::int32_t>("SELECT $1::int4 * 2", i);
            if (!r) {
                wrong = error_text(r.error(), r.diag());
            } else if (*r != 2 * i) {
                wrong = "doubled: got " + std::to_string(*r);
            }
            break;
        }
        case kind::division: {
            // Fails with division_by_zero for every multiple of 7.
            result<std::int32_t> r =
                co_await c.try_query_value<std::int32_t>("SELECT 1000 / ($1::int4 % 7)", i);
            if (i % 7 == 0) {
                if (r) {
                    wrong = "division: no error, got " + std::to_string(*r);
                } else if (r.error() != sqlstate::division_by_zero) {
                    wrong = "division: " + error_text(r.error(), r.diag());
                }
            } else if (!r) {
                wrong = "division: " + error_text(r.error(), r.diag());
            } else if (*r != 1000 / (i % 7)) {
                wrong = "division: got " + std::to_string(*r);
            }
            break;
        }
        case kind::text: {
            const std::string in = std::to_string(i);
            result<std::string> r = co_await c.try_query_value<std::string>("SELECT $1::text || '-x'", in);
            if (!r) {
                wrong = "text: " + error_text(r.error(), r.diag());
            } else if (*r != in + "-x") {
                wrong = "text: got " + *r;
            }
            break;
        }
        case kind::series: {
            result<rows> r = co_await c.try_query("SELECT n FROM generate_series(1, $1::int4 % 10) AS n", i);
            if (!r) {
                wrong = "series: " + error_text(r.error(), r.diag());
                break;
            }
            if (r->size() != static_cast<std::size_t>(i % 10)) {
                wrong = "series: " + std::to_string(r->size()) + " rows";
                break;
            }
            for (std::size_t k = 0; k < r->size(); ++k) {
                if ((*r)[k].get<std::int32_t>(0) != static_cast<std::int32_t>(k) + 1) {
                    wrong = "series: row " + std::to_string(k) + " is wrong";
                    break;
                }
            }
            break;
        }
        case kind::missing_table: {
            // The prepare fails on every call: the coroutines waiting for it prepare again.
            result<rows> r =
                co_await c.try_query("SELECT * FROM " + missing_table + " WHERE $1::int4 > 0", i);
            if (r) {
                wrong = "missing table: no error";
            } else if (r.error() != sqlstate::undefined_table) {
                wrong = "missing table: " + error_text(r.error(), r.diag());
            }
            break;
        }
    }
    ++t.finished;
    if (wrong.empty()) {
        ++t.correct;
    } else {
        t.note_wrong(std::to_string(i) + ": " + wrong);
    }
}

TEST(OneLoopConcurrency, MixedStatementsAndErrorsEachReachTheirOwnCoroutine) {
    loop lp;
    std::vector<connection> conns = connect_all(lp, connection_count);
    ASSERT_EQ(conns.size(), connection_count);
    const std::string missing_table = unique_name("no_such_table_");
    tally t;
    for (std::size_t i = 0; i < coroutine_count; ++i) {
        lp.spawn(mixed(conns, static_cast<std::int32_t>(i), missing_table, t));
    }
    lp.run();
    EXPECT_EQ(t.finished, coroutine_count);
    EXPECT_EQ(t.correct, coroutine_count);
    EXPECT_TRUE(t.wrong.empty()) << t.wrong.front();
    for (const connection& c : conns) {
        EXPECT_TRUE(c.is_open());
        EXPECT_EQ(c.transaction_status(), 'I');
    }
}

TEST(OneLoopConcurrency, CoroutinesOnOneConnectionAreAnsweredInOrder) {
    loop lp;
    std::vector<connection> conns = connect_all(lp, 1);
    ASSERT_EQ(conns.size(), 1u);
    // Each coroutine appends its number when its answer arrives: pipelined on one connection,
    // the answers come back in the order the calls were made.
    const auto numbered = [](connection& c, std::int32_t i, std::vector<std::int32_t>& order) -> task<void> {
        result<std::int32_t> r = co_await c.try_query_value<std::int32_t>("SELECT $1::int4", i);
        order.push_back(r ? *r : -1);
    };
    std::vector<std::int32_t> order;
    constexpr std::int32_t n = 1000;
    for (std::int32_t i = 0; i < n; ++i) {
        lp.spawn(numbered(conns[0], i, order));
    }
    lp.run();
    ASSERT_EQ(order.size(), static_cast<std::size_t>(n));
    for (std::int32_t i = 0; i < n; ++i) {
        ASSERT_EQ(order[static_cast<std::size_t>(i)], i);
    }
}

TEST(OneLoopConcurrency, ThePipelineDepthLimitHoldsBackTheCallsBeyondIt) {
    loop lp;
    connection_options o;
    o.max_pipeline_depth = 8;
    connection conn = lp.run(connection::connect(lp, server_conninfo(), std::move(o)));
    lp.run(conn.query_value<std::int32_t>("SELECT $1::int4", std::int32_t{0}));  // prepared once
    const auto numbered = [](connection& c, std::int32_t i, std::vector<std::int32_t>& order) -> task<void> {
        result<std::int32_t> r = co_await c.try_query_value<std::int32_t>("SELECT $1::int4", i);
        order.push_back(r ? *r : -1);
    };
    std::vector<std::int32_t> order;
    constexpr std::int32_t n = 1000;
    for (std::int32_t i = 0; i < n; ++i) {
        lp.spawn(numbered(conn, i, order));
    }
    lp.impl().turn(false);  // every coroutine starts: 8 write, the others wait for their turn
    EXPECT_EQ(conn.impl()->channel().in_flight(), 8u);
    std::size_t most = 0;
    while (order.size() < static_cast<std::size_t>(n)) {
        lp.impl().turn(true);
        most = std::max(most, conn.impl()->channel().in_flight());
    }
    EXPECT_LE(most, 8u);
    for (std::int32_t i = 0; i < n; ++i) {
        ASSERT_EQ(order[static_cast<std::size_t>(i)], i) << "answered in the order of the calls";
    }
    // The limit holds streaming requests back too, and a batch counts as one request.
    const std::vector<std::int32_t> values{1, 2, 3};
    EXPECT_EQ(lp.run(conn.query_many("SELECT $1::int4", values)).size(), 3u);
    lp.run();
}

// ---- a runtime of two loops ----

// The connections of one runtime thread, made, used and destroyed on that thread.
struct thread_state {
    std::vector<connect_slot> slots;
    std::thread::id thread;
    tally t;
    std::size_t off_thread = 0;  // calls that ran on another thread than the connections' own
};

task<void> connect_on(loop& lp, std::string info, thread_state& st) {
    st.thread = std::this_thread::get_id();
    for (connect_slot& s : st.slots) {
        co_await connect_into(lp, info, s);
    }
}

task<void> query_on(thread_state& st, std::int32_t i) {
    if (std::this_thread::get_id() != st.thread) {
        ++st.off_thread;
    }
    connection* c = nullptr;
    const std::size_t index = static_cast<std::size_t>(i) % st.slots.size();
    if (st.slots[index].conn) {
        c = &*st.slots[index].conn;
    }
    if (c == nullptr) {
        ++st.t.finished;
        st.t.note_wrong("no connection");
        co_return;
    }
    result<std::int32_t> r = co_await c->try_query_value<std::int32_t>("SELECT $1::int4 * 2", i);
    ++st.t.finished;
    if (r && *r == 2 * i) {
        ++st.t.correct;
    } else {
        st.t.note_wrong(std::to_string(i) +
                        (r ? ": got " + std::to_string(*r) : ": " + error_text(r.error(), r.diag())));
    }
}

task<void> disconnect_on(thread_state& st) {
    for (connect_slot& s : st.slots) {
        s.conn.reset();
    }
    co_return;
}

TEST(RuntimeConcurrency, TwoThreadsEachRunTheirOwnConnectionsAndAThousandQueries) {
    constexpr std::size_t threads = 2;
    constexpr std::int32_t queries = 1000;
    std::array<thread_state, threads> state;
    {
        runtime rt(threads);
        ASSERT_EQ(rt.size(), threads);
        const std::string info = server_conninfo();
        for (std::size_t t = 0; t < threads; ++t) {
            state[t].slots.resize(4);
            rt.spawn(t, [&state, t, info](loop& lp) { return connect_on(lp, info, state[t]); });
        }
        rt.wait();
        // No ASSERT until the connections are gone: they must be destroyed on their own threads.
        for (thread_state& st : state) {
            for (const connect_slot& s : st.slots) {
                EXPECT_FALSE(s.ec) << s.ec.message() << ": " << s.message;
            }
        }
        EXPECT_NE(state[0].thread, state[1].thread);

        for (std::int32_t i = 0; i < queries; ++i) {
            for (std::size_t t = 0; t < threads; ++t) {
                rt.spawn(t, [&state, t, i] { return query_on(state[t], i); });
            }
        }
        rt.wait();
        for (std::size_t t = 0; t < threads; ++t) {
            rt.spawn(t, [&state, t] { return disconnect_on(state[t]); });
        }
        rt.wait();
        rt.stop();
    }
    for (std::size_t t = 0; t < threads; ++t) {
        SCOPED_TRACE(t);
        EXPECT_EQ(state[t].t.finished, static_cast<std::size_t>(queries));
        EXPECT_EQ(state[t].t.correct, static_cast<std::size_t>(queries));
        EXPECT_TRUE(state[t].t.wrong.empty()) << state[t].t.wrong.front();
        EXPECT_EQ(state[t].off_thread, 0u);
    }
}

}  // namespace
}  // namespace pgring::test
