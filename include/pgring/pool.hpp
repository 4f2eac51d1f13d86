#pragma once

/// @file
/// `pgring::pool`: a connection pool on one loop, so a connection never crosses threads; and
/// `pgring::runtime_pool`: one pool per loop of a `pgring::runtime`, with a front that places
/// each task on the loop whose pool is the least loaded.
///
///     pgring::loop lp;
///     lp.run([&]() -> pgring::task<void> {
///         pgring::pool p(lp, {.conninfo = "postgresql://localhost/app", .max_size = 8});
///         {
///             pgring::pooled conn = co_await p.acquire();
///             co_await conn->execute("INSERT INTO t VALUES ($1)", 42);
///         }  // back to the pool (reset first)
///         p.close();
///     }());
///
/// A lease (`pooled`) returns its connection when it is destroyed: the connection is reset (a
/// transaction left open is rolled back, then `pool_options::reset_query` runs, as asyncpg does)
/// and goes back to the idle set, or straight to the first coroutine waiting for one. A broken
/// connection is closed and replaced. After a server restart the pool recovers by itself: dead
/// idle connections are dropped, connects are retried with back-off, and waiting callers get a
/// connection or a clear error (never a hang).

#include <pgring/connection.hpp>
#include <pgring/loop.hpp>
#include <pgring/result.hpp>
#include <pgring/task.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pgring {

namespace detail {
class pool_state;
struct pool_entry;
}  // namespace detail

/// Settings of a pool (defaults as asyncpg's where it has them).
struct pool_options {
    /// The connection string of every connection (see connection::connect()). Give it a
    /// connect_timeout: each connect attempt is bounded by it.
    std::string conninfo;
    /// The options of every connection.
    connection_options connection;
    /// Connections kept open even when idle; refilled in the background.
    std::size_t min_size = 1;
    /// Connections never exceeded (open plus being opened); at least 1.
    std::size_t max_size = 10;
    /// How long acquire() waits for a connection, including connect retries (0: no limit).
    std::chrono::milliseconds acquire_timeout{30000};
    /// Age after which a connection is closed (when idle) and replaced (0: no limit).
    std::chrono::milliseconds max_lifetime{3600 * 1000};
    /// Idle time after which a connection beyond min_size is closed (0: no limit).
    std::chrono::milliseconds max_idle{300 * 1000};
    /// max_lifetime and max_idle vary per connection by up to this fraction, up or down, so that
    /// connections made together do not expire together. 0..1.
    double jitter = 0.1;
    /// An idle connection unused for at least this long is checked with a cheap query by
    /// acquire() before it is handed out; a failed check drops it (0: check every time).
    std::chrono::milliseconds health_check_after{5000};
    /// Run on every connection returned to the pool, statement by statement (split at the
    /// semicolons that are outside quotes); empty: no reset. `UNLISTEN *` also forgets the
    /// connection's channels and queued notifications. A transaction left open is rolled back
    /// first in any case.
    std::string reset_query = "SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;";
    /// Limit of the reset (and of the rollback before it); a connection that does not finish it
    /// in time is closed (0: no limit).
    std::chrono::milliseconds reset_timeout{10000};
    /// First wait after a failed connect; doubled after each failure, up to connect_retry_max.
    std::chrono::milliseconds connect_retry_initial{50};
    /// Longest wait between connect attempts.
    std::chrono::milliseconds connect_retry_max{2000};
    /// How often the background step closes expired and idle-too-long connections and refills
    /// to min_size (0: never; acquire() and release still close them).
    std::chrono::milliseconds maintenance_interval{1000};
};

/// Counters of a pool. Sizes are current values; the others count since the pool was made.
struct pool_stats {
    std::size_t size = 0;                ///< connections open or being opened
    std::size_t idle = 0;                ///< open connections waiting in the pool
    std::size_t in_use = 0;              ///< connections leased out (or being checked for a lease)
    std::size_t waiting = 0;             ///< acquire() calls waiting for a connection
    std::uint64_t acquired = 0;          ///< leases handed out
    std::uint64_t waits = 0;             ///< acquire() calls that waited because the pool was full
    std::uint64_t timeouts = 0;          ///< acquire() calls that failed with errc::timeout
    std::uint64_t created = 0;           ///< connections opened
    std::uint64_t closed = 0;            ///< connections closed (broken, expired, idle, pool closed)
    std::uint64_t connect_failures = 0;  ///< connect attempts that failed
};

/// A connection leased from a pool: use it through `->` and `*`; it goes back to the pool when
/// the lease is destroyed (or release() is called).
///
/// Lifetime: move-only; may outlive its pool object (the connection is then closed on release).
/// Thread: the pool's loop thread.
class pooled {
public:
    /// An empty lease (operator bool is false).
    pooled() noexcept;
    /// Takes over `o`'s connection; `o` becomes empty.
    pooled(pooled&& o) noexcept;
    /// Releases the connection held, then takes over `o`'s.
    pooled& operator=(pooled&& o) noexcept;
    pooled(const pooled&) = delete;
    pooled& operator=(const pooled&) = delete;
    /// release().
    ~pooled();

    /// The connection.
    connection* operator->() const noexcept;
    /// The connection.
    connection& operator*() const noexcept;
    /// True while the lease holds a connection.
    explicit operator bool() const noexcept { return entry_ != nullptr; }

    /// Gives the connection back now: it is reset in the background, then becomes idle (or goes
    /// to the first waiter); a connection that is broken, or that the reset fails on, is closed
    /// and replaced. The lease is empty afterwards.
    void release() noexcept;
    /// Closes the connection instead of giving it back (its slot is refilled as needed).
    void discard() noexcept;

private:
    friend class detail::pool_state;
    pooled(std::shared_ptr<detail::pool_state> state, std::unique_ptr<detail::pool_entry> entry) noexcept;
    std::shared_ptr<detail::pool_state> state_;
    std::unique_ptr<detail::pool_entry> entry_;
};

/// A pool of connections to one server, on one loop.
///
/// Connections are opened on demand up to max_size, min_size of them kept open by a background
/// step (which keeps the loop's run() going until close()). Callers that find no idle
/// connection wait in FIFO order; a released connection goes to the first of them.
///
/// Lifetime: move-only; destroying it closes it. Leases may outlive it; neither may outlive the
/// loop.
/// Thread: the loop thread it was made on, except stats().
class pool {
public:
    /// An empty pool object; only assignment and destruction are allowed.
    pool() noexcept;
    /// Makes a pool on `lp` and starts opening min_size connections in the background.
    /// Thread: `lp`'s thread.
    pool(loop& lp, pool_options options);
    /// Takes over `o`'s pool; `o` becomes empty.
    pool(pool&& o) noexcept;
    /// close(), then takes over `o`.
    pool& operator=(pool&& o) noexcept;
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;
    /// close().
    ~pool();

    /// Makes a pool and waits until its min_size connections are open.
    /// Errors: throws `pgring::error`: the first failed connect's error.
    static task<pool> open(loop& lp, pool_options options);
    /// open() without exceptions.
    static task<result<pool>> try_open(loop& lp, pool_options options);

    /// Leases a connection: an idle one (checked first when it has been idle for
    /// health_check_after), a new one when fewer than max_size exist, or the first one released
    /// while this call waits.
    /// Errors: throws `pgring::error`: as try_acquire().
    task<pooled> acquire();
    /// acquire() without exceptions.
    /// Errors: errc::timeout when no connection came within acquire_timeout (counted in
    /// pool_stats::timeouts; the message names the last connect error, if any);
    /// errc::connection_closed when the pool is closed (also while waiting); a connect error that
    /// retrying cannot cure (a wrong password, an unknown database), as the server sent it.
    task<result<pooled>> try_acquire();

    /// Closes the pool: waiting acquire() calls fail with errc::connection_closed, idle
    /// connections are closed, the background step ends; leased connections are closed when
    /// released. Idempotent.
    void close() noexcept;
    /// True until close().
    bool is_open() const noexcept;

    /// The counters. Thread: any.
    pool_stats stats() const noexcept;
    /// The options the pool was made with (sizes clamped). Only on a non-empty pool object.
    const pool_options& options() const noexcept;
    /// The loop the pool lives on. Only on a non-empty pool object.
    loop& get_loop() const noexcept;

private:
    friend class runtime_pool;
    std::shared_ptr<detail::pool_state> state_;
};

/// One pool per loop of a runtime, and a front that runs each task on the loop whose pool has
/// the fewest connections in use plus callers waiting (plus tasks placed there that have not
/// started yet), so work spreads over the cores and every connection stays on its loop.
///
/// Lifetime: the runtime must outlive it, and it must outlive the tasks given its pools (call
/// runtime::wait() first). Destroying it closes the pools.
/// Thread: any thread that is not one of the runtime's loop threads (the constructor, close()
/// and the destructor wait for the loops).
class runtime_pool {
public:
    /// Makes a pool with `options` on every loop of `rt` and waits until they exist (their
    /// min_size connections open in the background).
    runtime_pool(runtime& rt, pool_options options);
    /// close().
    ~runtime_pool();
    runtime_pool(const runtime_pool&) = delete;
    runtime_pool& operator=(const runtime_pool&) = delete;

    /// Number of pools (the runtime's loops).
    std::size_t size() const noexcept { return slots_.size(); }

    /// Runs `make(p)` on the loop of the least loaded pool `p` (ties go round-robin) and spawns
    /// the task it returns there. Thread: any.
    void spawn(std::function<task<void>(pool&)> make);
    /// Runs `make(p)` with the pool of loop `index % size()`. Thread: any.
    void spawn(std::size_t index, std::function<task<void>(pool&)> make);

    /// The counters of pool `index`. Thread: any.
    pool_stats stats(std::size_t index) const noexcept;
    /// The counters of all pools, summed. Thread: any.
    pool_stats stats() const noexcept;

    /// Closes every pool on its loop and waits until that is done. Idempotent.
    void close();

private:
    struct slot;
    runtime& rt_;
    std::vector<std::unique_ptr<slot>> slots_;
    std::atomic<std::size_t> next_{0};
};

}  // namespace pgring
