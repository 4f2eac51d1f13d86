// pgring::pool and pgring::runtime_pool against a real PostgreSQL: min/max size, FIFO waiters,
// acquire timeout, reset on release, broken and expired connections replaced, statistics, close,
// placement over the loops of a runtime, and recovery from a server crash-restart with no
// acknowledged insert lost (that test restarts this binary's server, so it comes last).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <pgring/blocking.hpp>
#include <pgring/connection.hpp>
#include <pgring/error.hpp>
#include <pgring/loop.hpp>
#include <pgring/pool.hpp>
#include <pgring/sqlstate.hpp>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

pool_options base_options() {
    pool_options o;
    o.conninfo = superuser_conninfo();
    o.min_size = 0;
    o.max_size = 2;
    o.acquire_timeout = 30s;
    o.connection.command_timeout = 30s;
    return o;
}

// Spawns `n` workers `fn(p, i)` on `lp`, closes `p` when the last one ends, and runs the loop
// until everything spawned has finished (the pool's background step ends with close()).
void run_workers(loop& lp, pool& p, int n, std::function<task<void>(pool&, int)> fn) {
    auto left = std::make_shared<int>(n);
    for (int i = 0; i < n; ++i) {
        lp.spawn([](pool& pl, int idx, std::function<task<void>(pool&, int)> f,
                    std::shared_ptr<int> l) -> task<void> {
            co_await f(pl, idx);
            if (--*l == 0) {
                pl.close();
            }
        }(p, i, fn, left));
    }
    lp.run();
}

// Waits on the server (not on the pool's loop: `conn` is a connection outside the pool).
task<void> server_sleep(connection& conn, double seconds) {
    co_await conn.execute("SELECT pg_sleep($1::float8)", seconds);
}

TEST(Pool, OpenFillsMinSizeAndStatsCount) {
    loop lp;
    pool_options o = base_options();
    o.min_size = 2;
    o.max_size = 3;
    pool released;
    lp.run([&]() -> task<void> {
        pool p = co_await pool::open(lp, o);
        pool_stats s = p.stats();
        EXPECT_EQ(s.size, 2u);
        EXPECT_EQ(s.idle, 2u);
        EXPECT_EQ(s.in_use, 0u);
        EXPECT_EQ(s.created, 2u);
        {
            pooled c = co_await p.acquire();
            const auto seven = co_await c->query_value<std::int32_t>("SELECT 7");
            EXPECT_EQ(seven, 7);
            s = p.stats();
            EXPECT_EQ(s.in_use, 1u);
            EXPECT_EQ(s.idle, 1u);
            EXPECT_EQ(s.acquired, 1u);
            EXPECT_EQ(s.waits, 0u);
        }
        p.close();
        EXPECT_FALSE(p.is_open());
        released = std::move(p);
    }());
    lp.run();  // the lease's reset ends, and closes the connection
    EXPECT_EQ(released.stats().size, 0u);
    EXPECT_EQ(released.stats().closed, 2u);
}

TEST(Pool, MaxSizeIsNeverExceeded) {
    loop lp;
    pool_options o = base_options();
    o.min_size = 1;
    o.max_size = 3;
    pool p(lp, o);
    std::set<std::int32_t> pids;
    std::size_t most = 0;
    int done = 0;
    run_workers(lp, p, 12, [&](pool& pl, int) -> task<void> {
        for (int round = 0; round < 3; ++round) {
            pooled c = co_await pl.acquire();
            pids.insert(c->backend_pid());
            most = std::max(most, pl.stats().size);
            co_await c->execute("SELECT pg_sleep(0.01)");
            most = std::max(most, pl.stats().size);
        }
        ++done;
    });
    EXPECT_EQ(done, 12);
    EXPECT_LE(most, 3u);
    EXPECT_LE(pids.size(), 3u);
    EXPECT_GE(p.stats().waits, 1u);
    EXPECT_EQ(p.stats().acquired, 36u);
}

TEST(Pool, WaitersAreServedInOrder) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    pool p(lp, o);
    std::vector<int> order;
    run_workers(lp, p, 4, [&](pool& pl, int i) -> task<void> {
        if (i == 0) {
            pooled c = co_await pl.acquire();
            // Round trips turn the loop, so the other three start and queue up meanwhile.
            for (int n = 0; n < 1000 && pl.stats().waiting < 3; ++n) {
                co_await c->execute("SELECT 1");
            }
            EXPECT_EQ(pl.stats().waiting, 3u);
            order.push_back(0);
            co_return;
        }
        pooled c = co_await pl.acquire();
        order.push_back(i);
        co_await c->execute("SELECT 1");
    });
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(p.stats().waits, 3u);
    EXPECT_EQ(p.stats().created, 1u);
}

TEST(Pool, AcquireTimeoutIsCounted) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    o.acquire_timeout = 200ms;
    lp.run([&]() -> task<void> {
        pool p(lp, o);
        {
            pooled held = co_await p.acquire();
            result<pooled> second = co_await p.try_acquire();
            EXPECT_FALSE(second);
            EXPECT_EQ(second.error(), errc::timeout);
            EXPECT_NE(second.diag().client_message.find("200 ms"), std::string::npos)
                << second.diag().client_message;
            const pool_stats s = p.stats();
            EXPECT_EQ(s.timeouts, 1u);
            EXPECT_EQ(s.waits, 1u);
            EXPECT_EQ(s.waiting, 0u);
        }
        pooled again = co_await p.acquire();  // released: available again
        const auto one = co_await again->query_value<std::int32_t>("SELECT 1");
        EXPECT_EQ(one, 1);
    }());
}

TEST(Pool, ReleaseResetsTheSession) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    pool p(lp, o);
    run_workers(lp, p, 1, [&](pool& pl, int) -> task<void> {
        std::int32_t pid = 0;
        {
            pooled c = co_await pl.acquire();
            pid = c->backend_pid();
            co_await c->execute("SET work_mem = '1234kB'");
            co_await c->execute("SELECT pg_advisory_lock(4242)");
            co_await c->listen("pool_reset_channel");
            co_await c->execute("BEGIN");
            co_await c->execute("DECLARE pool_cur CURSOR WITH HOLD FOR SELECT 1");
            EXPECT_EQ(c->transaction_status(), 'T');
        }
        pooled c = co_await pl.acquire();
        EXPECT_EQ(c->backend_pid(), pid);  // the same connection, reset
        EXPECT_EQ(c->transaction_status(), 'I');
        const auto work_mem = co_await c->query_value<std::string>("SHOW work_mem");
        EXPECT_NE(work_mem, "1234kB");
        const auto locks = co_await c->query_value<std::int64_t>(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()");
        EXPECT_EQ(locks, 0);
        const auto channels =
            co_await c->query_value<std::int64_t>("SELECT count(*) FROM pg_listening_channels()");
        EXPECT_EQ(channels, 0);
        EXPECT_TRUE(c->listening().empty());
        const auto cursors =
            co_await c->query_value<std::int64_t>("SELECT count(*) FROM pg_cursors WHERE name = 'pool_cur'");
        EXPECT_EQ(cursors, 0);
    });
}

TEST(Pool, EmptyResetQueryKeepsSettingsButRollsBack) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    o.reset_query.clear();
    pool p(lp, o);
    run_workers(lp, p, 1, [&](pool& pl, int) -> task<void> {
        {
            pooled c = co_await pl.acquire();
            co_await c->execute("SET work_mem = '1234kB'");
            co_await c->execute("BEGIN");
        }
        pooled c = co_await pl.acquire();
        EXPECT_EQ(c->transaction_status(), 'I');
        const auto work_mem = co_await c->query_value<std::string>("SHOW work_mem");
        EXPECT_EQ(work_mem, "1234kB");
    });
}

TEST(Pool, BrokenConnectionIsReplaced) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    o.health_check_after = 0ms;  // every idle connection is checked before it is handed out
    pool p(lp, o);
    run_workers(lp, p, 1, [&](pool& pl, int) -> task<void> {
        connection admin = co_await connection::connect(lp, superuser_conninfo());
        std::int32_t pid = 0;
        {
            // Killed while leased: the caller sees the error, the release closes the connection.
            pooled c = co_await pl.acquire();
            pid = c->backend_pid();
            co_await admin.execute("SELECT pg_terminate_backend($1)", pid);
            result<command_result> r = co_await c->try_execute("SELECT 1");
            EXPECT_FALSE(r);
            EXPECT_TRUE(is_fatal(r.error())) << r.error().message();
        }
        std::int32_t pid2 = 0;
        {
            pooled c = co_await pl.acquire();
            pid2 = c->backend_pid();
            EXPECT_NE(pid2, pid);
            const auto two = co_await c->query_value<std::int32_t>("SELECT 2");
            EXPECT_EQ(two, 2);
        }
        // Killed while idle: acquire() finds out and hands out a new one.
        co_await admin.execute("SELECT pg_terminate_backend($1)", pid2);
        pooled c = co_await pl.acquire();
        EXPECT_NE(c->backend_pid(), pid2);
        const auto three = co_await c->query_value<std::int32_t>("SELECT 3");
        EXPECT_EQ(three, 3);
        EXPECT_GE(pl.stats().closed, 2u);
        EXPECT_EQ(pl.stats().created, 3u);
    });
}

TEST(Pool, DiscardClosesTheConnection) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    pool p(lp, o);
    run_workers(lp, p, 1, [&](pool& pl, int) -> task<void> {
        pooled c = co_await pl.acquire();
        const std::int32_t pid = c->backend_pid();
        c.discard();
        EXPECT_FALSE(c);
        pooled d = co_await pl.acquire();
        EXPECT_NE(d->backend_pid(), pid);
        EXPECT_EQ(pl.stats().closed, 1u);
    });
}

TEST(Pool, MaxLifetimeIsHonoured) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    o.min_size = 1;
    o.max_lifetime = 300ms;
    o.jitter = 0;
    pool p(lp, o);
    run_workers(lp, p, 1, [&](pool& pl, int) -> task<void> {
        connection other = co_await connection::connect(lp, superuser_conninfo());
        std::int32_t pid = 0;
        {
            pooled c = co_await pl.acquire();
            pid = c->backend_pid();
        }
        co_await server_sleep(other, 0.6);
        pooled c = co_await pl.acquire();
        EXPECT_NE(c->backend_pid(), pid);
        EXPECT_GE(pl.stats().closed, 1u);
    });
}

TEST(Pool, IdleConnectionsBeyondMinSizeAreClosed) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 3;
    o.min_size = 1;
    o.max_idle = 200ms;
    o.jitter = 0;
    o.maintenance_interval = 100ms;
    pool p(lp, o);
    run_workers(lp, p, 1, [&](pool& pl, int) -> task<void> {
        connection other = co_await connection::connect(lp, superuser_conninfo());
        {
            pooled a = co_await pl.acquire();
            pooled b = co_await pl.acquire();
            pooled c = co_await pl.acquire();
            EXPECT_EQ(pl.stats().size, 3u);
        }
        for (int i = 0; i < 100 && pl.stats().size > 1; ++i) {
            co_await server_sleep(other, 0.1);
        }
        EXPECT_EQ(pl.stats().size, 1u);  // min_size stays
        EXPECT_EQ(pl.stats().closed, 2u);
    });
}

TEST(Pool, CloseFailsWaiters) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    pool p(lp, o);
    std::error_code waiter_error;
    run_workers(lp, p, 2, [&](pool& pl, int i) -> task<void> {
        if (i == 0) {
            pooled c = co_await pl.acquire();
            for (int n = 0; n < 1000 && pl.stats().waiting < 1; ++n) {
                co_await c->execute("SELECT 1");
            }
            pl.close();
            co_return;
        }
        result<pooled> r = co_await pl.try_acquire();
        waiter_error = r.error();
    });
    EXPECT_EQ(waiter_error, errc::connection_closed);
    lp.run([&]() -> task<void> {
        result<pooled> r = co_await p.try_acquire();
        EXPECT_EQ(r.error(), errc::connection_closed);
    }());
}

TEST(Pool, ConnectErrorThatRetryingCannotCureFailsAtOnce) {
    loop lp;
    pool_options o = base_options();
    connection_params params = pg_cluster::get().superuser();
    params.database = unique_name("no_such_db_");
    o.conninfo = conninfo_of(params);
    o.acquire_timeout = 0ms;  // no limit: only the error itself may end the wait
    pool p(lp, o);
    run_workers(lp, p, 1, [&](pool& pl, int) -> task<void> {
        result<pooled> r = co_await pl.try_acquire();
        EXPECT_EQ(r.error(), sqlstate::invalid_catalog_name) << r.error().message();
        EXPECT_GE(pl.stats().connect_failures, 1u);
    });
    lp.run([&]() -> task<void> {
        result<pool> r = co_await pool::try_open(lp, [&] {
            pool_options q = o;
            q.min_size = 1;
            return q;
        }());
        EXPECT_EQ(r.error(), sqlstate::invalid_catalog_name);
    }());
}

TEST(Pool, CustomResetQueryIsSplitOutsideQuotes) {
    loop lp;
    pool_options o = base_options();
    o.max_size = 1;
    o.reset_query = "RESET work_mem ; SET application_name = 'pool;reset' ;; ";
    pool p(lp, o);
    run_workers(lp, p, 1, [&](pool& pl, int) -> task<void> {
        {
            pooled c = co_await pl.acquire();
            co_await c->execute("SET work_mem = '1234kB'");
        }
        pooled c = co_await pl.acquire();
        const auto work_mem = co_await c->query_value<std::string>("SHOW work_mem");
        EXPECT_NE(work_mem, "1234kB");
        const auto name = co_await c->query_value<std::string>("SHOW application_name");
        EXPECT_EQ(name, "pool;reset");
    });
}

TEST(Pool, UnreachableServerEndsInTimeoutNamingTheConnectError) {
    // A port nobody listens on: every connect is refused, and retried until acquire_timeout.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    ::close(fd);
    connection_params params = pg_cluster::get().superuser();
    params.host = "127.0.0.1";
    params.port = ntohs(addr.sin_port);

    loop lp;
    pool_options o = base_options();
    o.conninfo = conninfo_of(params);
    o.acquire_timeout = 300ms;
    o.connect_retry_initial = 10ms;
    o.connect_retry_max = 50ms;
    pool p(lp, o);
    run_workers(lp, p, 3, [&](pool& pl, int) -> task<void> {
        result<pooled> r = co_await pl.try_acquire();
        EXPECT_EQ(r.error(), errc::timeout);
        EXPECT_NE(r.diag().client_message.find("the last connect failed"), std::string::npos)
            << r.diag().client_message;
    });
    const pool_stats s = p.stats();
    EXPECT_EQ(s.timeouts, 3u);
    EXPECT_GE(s.connect_failures, 2u);
    EXPECT_EQ(s.created, 0u);
    EXPECT_EQ(s.waiting, 0u);
}

TEST(RuntimePool, SpreadsWorkOverTheLoops) {
    runtime rt(2);
    std::mutex m;
    std::vector<std::thread::id> loop_thread(2);
    {
        pool_options o = base_options();
        o.max_size = 4;
        runtime_pool rp(rt, o);
        ASSERT_EQ(rp.size(), 2u);
        for (std::size_t i = 0; i < 2; ++i) {
            rp.spawn(i, [&, i](pool&) -> task<void> {
                const std::lock_guard<std::mutex> g(m);
                loop_thread[i] = std::this_thread::get_id();
                co_return;
            });
        }
        rt.wait();

        // Three leases on loop 0 wait for an advisory lock this thread holds.
        blocking::connection holder(superuser_conninfo());
        holder.execute("SELECT pg_advisory_lock(5151)");
        for (int k = 0; k < 3; ++k) {
            rp.spawn(0, [](pool& p) -> task<void> {
                pooled c = co_await p.acquire();
                co_await c->execute("SELECT pg_advisory_lock_shared(5151)");
            });
        }
        for (int n = 0; n < 30000 && rp.stats(0).in_use < 3; ++n) {
            std::this_thread::sleep_for(1ms);
        }
        ASSERT_EQ(rp.stats(0).in_use, 3u);

        // New work goes to the less loaded loop 1.
        std::vector<std::thread::id> ran;
        for (int k = 0; k < 2; ++k) {
            rp.spawn([&](pool& p) -> task<void> {
                pooled c = co_await p.acquire();
                co_await c->execute("SELECT 1");
                const std::lock_guard<std::mutex> g(m);
                ran.push_back(std::this_thread::get_id());
            });
        }
        holder.execute("SELECT pg_advisory_unlock(5151)");
        rt.wait();
        ASSERT_EQ(ran.size(), 2u);
        EXPECT_EQ(ran[0], loop_thread[1]);
        EXPECT_EQ(ran[1], loop_thread[1]);
        EXPECT_EQ(rp.stats(0).acquired, 3u);
        EXPECT_EQ(rp.stats().acquired, 5u);

        // With nothing in use, ties alternate: both loops get work.
        std::set<std::thread::id> threads;
        for (int k = 0; k < 4; ++k) {
            rp.spawn([&](pool&) -> task<void> {
                const std::lock_guard<std::mutex> g(m);
                threads.insert(std::this_thread::get_id());
                co_return;
            });
        }
        rt.wait();
        EXPECT_EQ(threads.size(), 2u);
        rp.close();
        // Leases given back just before are still being reset: closed when that ends.
        for (int n = 0; n < 30000 && rp.stats().size > 0; ++n) {
            std::this_thread::sleep_for(1ms);
        }
        EXPECT_EQ(rp.stats().size, 0u);
    }
}

// Last: restarts the server of this test binary.
TEST(PoolRecovery, ServerCrashRestartLosesNoAcknowledgedInsert) {
    const pg_cluster& cluster = pg_cluster::get();
    if (!cluster.owned()) {
        GTEST_SKIP() << "PGRING_TEST_DSN names an existing server: it cannot be restarted";
    }
    const std::string table = unique_name("pool_restart_");
    ASSERT_TRUE(cluster.psql("CREATE TABLE " + table + " (id bigint PRIMARY KEY)"));

    pool_options o = base_options();
    // The test cluster runs with synchronous_commit=off, which may lose the last commits in a
    // crash: these connections ask for durable commits (RESET ALL keeps startup options).
    o.conninfo += " options=" + conninfo_quote("-c synchronous_commit=on");
    o.min_size = 2;
    o.max_size = 4;
    o.acquire_timeout = 20s;
    o.connection.command_timeout = 10s;
    o.connect_retry_max = 200ms;

    constexpr int workers = 8;
    constexpr int wanted_before = 200;
    constexpr int wanted_after = 200;
    std::atomic<int> acked_total{0};
    std::atomic<bool> restarted{false};
    std::atomic<bool> stop_restarter{false};
    int acked_after = 0;
    std::vector<std::int64_t> acked;
    std::int64_t next_id = 1;
    int failures = 0;
    bool hit_deadline = false;
    std::set<std::string> failure_kinds;
    psql_result restart_result;

    std::thread restarter([&] {
        for (int n = 0; n < 60000 && acked_total.load() < wanted_before && !stop_restarter.load(); ++n) {
            std::this_thread::sleep_for(1ms);
        }
        if (stop_restarter.load()) {
            return;
        }
        restart_result = cluster.restart_immediate();
        restarted.store(true);
    });

    loop lp;
    pool p(lp, o);
    const auto hard_deadline = std::chrono::steady_clock::now() + 120s;
    run_workers(lp, p, workers, [&](pool& pl, int) -> task<void> {
        while (!(restarted.load() && acked_after >= wanted_after)) {
            if (std::chrono::steady_clock::now() > hard_deadline) {
                hit_deadline = true;
                co_return;
            }
            const std::int64_t id = next_id++;
            const bool after = restarted.load();
            result<pooled> c = co_await pl.try_acquire();
            if (!c) {
                ++failures;
                failure_kinds.insert("acquire: " + c.error().message());
                continue;
            }
            result<command_result> r =
                co_await (*c)->try_execute("INSERT INTO " + table + " VALUES ($1)", id);
            if (!r) {
                ++failures;
                failure_kinds.insert("insert: " + r.error().message());
                continue;
            }
            acked.push_back(id);
            acked_total.fetch_add(1);
            if (after) {
                ++acked_after;
            }
        }
    });
    stop_restarter.store(true);
    restarter.join();

    EXPECT_FALSE(hit_deadline) << "the workload did not recover within the hard limit";
    ASSERT_TRUE(restarted.load());
    ASSERT_EQ(restart_result.status, 0) << restart_result.output;
    EXPECT_GE(acked_after, wanted_after);
    std::string kinds;
    for (const auto& k : failure_kinds) {
        kinds += "\n  " + k;
    }
    std::printf("acknowledged %zu inserts (%d after the restart), %d failed:%s\n", acked.size(), acked_after,
                failures, kinds.c_str());
    const pool_stats s = p.stats();
    std::printf("pool: created %llu, closed %llu, connect failures %llu, timeouts %llu\n",
                static_cast<unsigned long long>(s.created), static_cast<unsigned long long>(s.closed),
                static_cast<unsigned long long>(s.connect_failures),
                static_cast<unsigned long long>(s.timeouts));

    lp.run([&]() -> task<void> {
        connection check = co_await connection::connect(lp, superuser_conninfo());
        const auto count = co_await check.query_value<std::int64_t>("SELECT count(*) FROM " + table);
        EXPECT_GE(count, static_cast<std::int64_t>(acked.size()));
        rows all = co_await check.query("SELECT id FROM " + table);
        std::set<std::int64_t> present;
        for (std::size_t i = 0; i < all.size(); ++i) {
            present.insert(all[i][0].as<std::int64_t>());
        }
        std::size_t missing = 0;
        for (const std::int64_t id : acked) {
            missing += present.count(id) == 0 ? 1 : 0;
        }
        EXPECT_EQ(missing, 0u) << "acknowledged inserts lost in the crash";
    }());
}

}  // namespace
}  // namespace pgring::test
