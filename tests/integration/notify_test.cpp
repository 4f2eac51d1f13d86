// LISTEN/NOTIFY, ParameterStatus and notices against a real PostgreSQL: an idle listener woken by
// another session, notifications queued during a query, payloads and channel names that need
// care, UNLISTEN, the bounded queue (oldest dropped, counted), next() on a closed or lost
// connection, the callbacks, and the command-line client's --listen.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <pgring/connection.hpp>
#include <pgring/error.hpp>
#include <pgring/loop.hpp>
#include <pgring/notification.hpp>
#include <pgring/sqlstate.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pg_cluster.hpp"

extern char** environ;

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

// Bounds every wait of these tests: a notification that never comes fails the test, not hangs it.
constexpr std::chrono::milliseconds safety_timeout = 30s;

connection_options safe_options() {
    connection_options o;
    o.command_timeout = 60s;
    return o;
}

// A listener connection `conn_` and a second connection `other_` that sends the notifications.
class NotifyTest : public ::testing::Test {
protected:
    void SetUp() override {
        conn_ = connect(options());
        other_ = connect(safe_options());
    }
    virtual connection_options options() { return safe_options(); }

    connection connect(connection_options o) {
        result<connection> r = lp_.run(connection::try_connect(lp_, superuser_conninfo(), std::move(o)));
        EXPECT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
        return r ? std::move(*r) : connection();
    }

    template <class T>
    T run(task<T> t) {
        return lp_.run(std::move(t));
    }
    // Sends `sql` on the other connection (its NOTIFYs are delivered when it commits).
    void notify_from_other(std::string_view sql) { run(other_.execute(sql)); }
    // Sends the statements in one transaction of the other connection: delivered in this order.
    void notify_together(const std::vector<std::string>& statements) {
        run(other_.execute("BEGIN"));
        for (const std::string& sql : statements) {
            run(other_.execute(sql));
        }
        run(other_.execute("COMMIT"));
    }
    result<pgring::notification> next(notification_stream& s, std::chrono::milliseconds t = safety_timeout) {
        return run(s.next(t));
    }

    loop lp_;  // declared first: destroyed after the connections
    connection conn_;
    connection other_;
};

// Stores the result of one next() started with lp.spawn().
task<void> wait_into(notification_stream s, std::optional<result<pgring::notification>>& out,
                     std::chrono::milliseconds timeout) {
    result<pgring::notification> r = co_await s.next(timeout);
    out.emplace(std::move(r));
}

TEST_F(NotifyTest, AnIdleListenerIsWokenByANotifyOfAnotherSession) {
    run(conn_.listen("pgring_idle"));
    notification_stream s = conn_.notifications();
    std::optional<result<pgring::notification>> got;
    lp_.spawn(wait_into(s, got, safety_timeout));
    // The waiter runs first and suspends: nothing is queued and no query runs on conn_.
    run(other_.query_value<std::int32_t>("SELECT 1"));
    EXPECT_FALSE(got.has_value()) << "next() returned before any NOTIFY";

    const std::int32_t sender = other_.backend_pid();
    notify_from_other("NOTIFY pgring_idle, 'wake up'");
    lp_.run();  // until the waiter has its answer
    ASSERT_TRUE(got.has_value());
    ASSERT_TRUE(*got) << got->error().message();
    EXPECT_EQ((*got)->channel, "pgring_idle");
    EXPECT_EQ((*got)->payload, "wake up");
    EXPECT_EQ((*got)->process_id, sender);
    EXPECT_EQ(s.size(), 0u);
    EXPECT_EQ(s.dropped(), 0u);
}

TEST_F(NotifyTest, ANotifyWhileNobodyWaitsIsReadFromTheIdleSocketAndQueued) {
    run(conn_.listen("pgring_later"));
    // Another process sends it; conn_ runs nothing until next().
    ASSERT_TRUE(pg_cluster::get().psql("NOTIFY pgring_later, 'from psql'"));
    notification_stream s = conn_.notifications();
    result<pgring::notification> n = next(s);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(n->payload, "from psql");
}

TEST_F(NotifyTest, NotificationsArrivingDuringAQueryAreQueuedInOrder) {
    run(conn_.listen("pgring_during"));
    // The session's own notifications reach it when its statement commits, before the
    // statement's ReadyForQuery: they arrive while the query is still running.
    const rows r =
        run(conn_.query("SELECT pg_notify('pgring_during', g::text) FROM generate_series(1, 3) g"));
    EXPECT_EQ(r.size(), 3u);
    notification_stream s = conn_.notifications();
    EXPECT_EQ(s.size(), 3u);
    for (int i = 1; i <= 3; ++i) {
        result<pgring::notification> n = next(s);
        ASSERT_TRUE(n) << n.error().message();
        EXPECT_EQ(n->payload, std::to_string(i));
        EXPECT_EQ(n->process_id, conn_.backend_pid());
    }
    EXPECT_EQ(s.size(), 0u);
}

TEST_F(NotifyTest, NotificationsOfAnotherSessionDuringAQueryOfTheListener) {
    run(conn_.listen("pgring_busy"));
    // conn_ waits on a lock that other_ holds; other_ notifies and commits, which frees conn_.
    const std::string t = unique_name("notify_lock");
    run(other_.execute("CREATE TABLE " + t + " (x int)"));
    run(other_.execute("BEGIN"));
    run(other_.execute("LOCK TABLE " + t));
    run(other_.execute("NOTIFY pgring_busy, 'while you waited'"));
    std::optional<result<rows>> blocked;
    auto query = [](connection& c, std::string sql, std::optional<result<rows>>& out) -> task<void> {
        result<rows> r = co_await c.try_query(sql);
        out.emplace(std::move(r));
    };
    lp_.spawn(query(conn_, "SELECT count(*) FROM " + t, blocked));
    // Wait until the server shows conn_ waiting for the lock, so the NOTIFY arrives mid-query.
    for (int i = 0; i < 3000; ++i) {
        const bool waiting = run(other_.query_value<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock')",
            conn_.backend_pid()));
        if (waiting) {
            break;
        }
        run(other_.query_value<std::int32_t>("SELECT 1 FROM pg_sleep(0.01)"));
    }
    run(other_.execute("COMMIT"));
    lp_.run();
    ASSERT_TRUE(blocked.has_value());
    ASSERT_TRUE(*blocked) << blocked->error().message();
    notification_stream s = conn_.notifications();
    result<pgring::notification> n = next(s);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(n->payload, "while you waited");
    run(other_.execute("DROP TABLE " + t));
}

TEST_F(NotifyTest, PayloadsKeepQuotesUnicodeAndEmptiness) {
    run(conn_.listen("pgring_payload"));
    const std::vector<std::string> payloads = {"it's \"quoted\" \\ back", "ünïcödé € 𝄞", "", "line\nbreak"};
    for (const std::string& p : payloads) {
        run(other_.query("SELECT pg_notify($1, $2)", std::string("pgring_payload"), p));
    }
    notification_stream s = conn_.notifications();
    for (const std::string& p : payloads) {
        result<pgring::notification> n = next(s);
        ASSERT_TRUE(n) << n.error().message();
        EXPECT_EQ(n->payload, p);
        EXPECT_EQ(n->channel, "pgring_payload");
    }
}

TEST_F(NotifyTest, ChannelNamesAreQuotedAndTakenAsWritten) {
    const std::vector<std::string> names = {"Mixed Case", "we\"ird", "semi;colon", "ünï", "select"};
    for (const std::string& name : names) {
        run(conn_.listen(name));
    }
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(conn_.listening(), sorted);
    // The server reports them as listened to, byte for byte.
    const rows r = run(conn_.query("SELECT pg_listening_channels() ORDER BY 1"));
    ASSERT_EQ(r.size(), names.size());
    notification_stream s = conn_.notifications();
    for (const std::string& name : names) {
        run(other_.query("SELECT pg_notify($1, 'x')", name));
        result<pgring::notification> n = next(s);
        ASSERT_TRUE(n) << n.error().message();
        EXPECT_EQ(n->channel, name);
    }
    // The unquoted, folded name is another channel.
    run(conn_.listen("sentinel"));
    notify_together({"NOTIFY mixed", "NOTIFY sentinel"});
    result<pgring::notification> n = next(s);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->channel, "sentinel");
}

TEST_F(NotifyTest, BadChannelNamesFailClearly) {
    result<void> nul = run(conn_.try_listen(std::string_view("a\0b", 3)));
    ASSERT_FALSE(nul);
    EXPECT_EQ(nul.error(), errc::embedded_nul);
    result<void> empty = run(conn_.try_listen(""));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error(), sqlstate::syntax_error) << empty.diag().message;
    EXPECT_TRUE(conn_.listening().empty());
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT 1")), 1) << "the connection stays usable";
    EXPECT_THROW(run(conn_.unlisten("")), pgring::error);
}

TEST_F(NotifyTest, UnlistenStopsOneChannelAndUnlistenAllEveryChannel) {
    run(conn_.listen("pgring_a"));
    run(conn_.listen("pgring_b"));
    run(conn_.unlisten("pgring_a"));
    EXPECT_EQ(conn_.listening(), (std::vector<std::string>{"pgring_b"}));
    // In one transaction: a is sent before b, so had a been delivered it would come first.
    notify_together({"NOTIFY pgring_a, '1'", "NOTIFY pgring_b, '2'"});
    notification_stream s = conn_.notifications();
    result<pgring::notification> n = next(s);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->channel, "pgring_b");

    run(conn_.unlisten_all());
    EXPECT_TRUE(conn_.listening().empty());
    run(conn_.listen("pgring_sentinel"));
    notify_together({"NOTIFY pgring_b, '3'", "NOTIFY pgring_sentinel, '4'"});
    n = next(s);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->channel, "pgring_sentinel");
    result<pgring::notification> none = next(s, 0ms);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), errc::timeout);
}

TEST_F(NotifyTest, NextWithATimeoutFailsWithTimeoutAndLosesNothing) {
    run(conn_.listen("pgring_timeout"));
    notification_stream s = conn_.notifications();
    result<pgring::notification> r = next(s, 20ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::timeout);
    EXPECT_TRUE(conn_.is_open());
    notify_from_other("NOTIFY pgring_timeout, 'late'");
    r = next(s);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->payload, "late");
}

TEST_F(NotifyTest, WaitersAreServedInTheOrderTheyStarted) {
    run(conn_.listen("pgring_fifo"));
    notification_stream s = conn_.notifications();
    std::optional<result<pgring::notification>> first;
    std::optional<result<pgring::notification>> second;
    lp_.spawn(wait_into(s, first, safety_timeout));
    lp_.spawn(wait_into(s, second, safety_timeout));
    notify_together({"NOTIFY pgring_fifo, '1'", "NOTIFY pgring_fifo, '2'"});
    lp_.run();
    ASSERT_TRUE(first && *first);
    ASSERT_TRUE(second && *second);
    EXPECT_EQ((*first)->payload, "1");
    EXPECT_EQ((*second)->payload, "2");
}

TEST_F(NotifyTest, NextFailsOnceTheConnectionIsClosed) {
    run(conn_.listen("pgring_close"));
    notification_stream s = conn_.notifications();
    std::optional<result<pgring::notification>> timed;
    std::optional<result<pgring::notification>> untimed;
    lp_.spawn(wait_into(s, timed, 10min));
    lp_.spawn(wait_into(s, untimed, safety_timeout));
    run(other_.query_value<std::int32_t>("SELECT 1"));  // the waiters are suspended now
    EXPECT_TRUE(s.is_open());
    conn_.close();
    lp_.run();
    ASSERT_TRUE(timed && untimed);
    ASSERT_FALSE(*timed);
    EXPECT_EQ(timed->error(), errc::connection_closed);
    ASSERT_FALSE(*untimed);
    EXPECT_EQ(untimed->error(), errc::connection_closed);
    EXPECT_FALSE(s.is_open());
    result<pgring::notification> after = next(s);
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error(), errc::connection_closed);

    // A stream of no connection, and of a destroyed one.
    notification_stream none = connection().notifications();
    EXPECT_EQ(next(none).error(), errc::connection_closed);
    notification_stream orphan = other_.notifications();
    other_ = connection();
    EXPECT_EQ(next(orphan).error(), errc::connection_closed);
}

TEST_F(NotifyTest, QueuedNotificationsOutliveTheCloseThenNextFails) {
    run(conn_.listen("pgring_drain"));
    run(conn_.query("SELECT pg_notify('pgring_drain', g::text) FROM generate_series(1, 2) g"));
    notification_stream s = conn_.notifications();
    conn_ = connection();
    EXPECT_FALSE(s.is_open());
    EXPECT_EQ(next(s).value().payload, "1");
    EXPECT_EQ(next(s).value().payload, "2");
    EXPECT_EQ(next(s).error(), errc::connection_closed);
}

TEST_F(NotifyTest, NextFailsWhenTheServerEndsTheConnection) {
    run(conn_.listen("pgring_lost"));
    notification_stream s = conn_.notifications();
    std::optional<result<pgring::notification>> got;
    lp_.spawn(wait_into(s, got, safety_timeout));
    EXPECT_TRUE(run(other_.query_value<bool>("SELECT pg_terminate_backend($1)", conn_.backend_pid())));
    lp_.run();
    ASSERT_TRUE(got.has_value());
    ASSERT_FALSE(*got);
    EXPECT_EQ(got->error(), errc::connection_closed) << got->error().message();
    EXPECT_EQ(got->diag().sqlstate, "57P01") << "the server's FATAL says why: " << got->diag().primary();
    EXPECT_FALSE(conn_.is_open());
}

TEST_F(NotifyTest, AWaitAbandonedMidwayLeavesTheQueueWorking) {
    run(conn_.listen("pgring_abandon"));
    notification_stream s = conn_.notifications();
    std::optional<result<pgring::notification>> never;
    {
        // Started by hand and destroyed while it waits, with its timer armed.
        task<void> t = wait_into(s, never, 10min);
        t.handle().resume();
        run(other_.query_value<std::int32_t>("SELECT 1"));
        EXPECT_FALSE(never.has_value());
    }
    notify_from_other("NOTIFY pgring_abandon, 'queued'");
    const result<pgring::notification> n = next(s);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(n->payload, "queued");
    EXPECT_FALSE(never.has_value());
}

// A small queue, and a callback that sees every notification.
class SmallQueueTest : public NotifyTest {
protected:
    connection_options options() override {
        connection_options o = safe_options();
        o.notification_queue_size = 3;
        o.on_notification = [this](const pgring::notification& n) { seen_.push_back(n.payload); };
        return o;
    }
    std::vector<std::string> seen_;
};

TEST_F(SmallQueueTest, OverflowDropsTheOldestAndCountsThem) {
    run(conn_.listen("pgring_overflow"));
    run(conn_.query("SELECT pg_notify('pgring_overflow', g::text) FROM generate_series(1, 10) g"));
    ASSERT_EQ(seen_.size(), 10u) << "the callback sees every notification";
    EXPECT_EQ(seen_.front(), "1");
    notification_stream s = conn_.notifications();
    EXPECT_EQ(s.size(), 3u);
    EXPECT_EQ(s.dropped(), 7u);
    for (const char* want : {"8", "9", "10"}) {
        result<pgring::notification> n = next(s);
        ASSERT_TRUE(n) << n.error().message();
        EXPECT_EQ(n->payload, want);
    }
    EXPECT_EQ(next(s, 0ms).error(), errc::timeout);
    // The queue works on after an overflow.
    notify_from_other("NOTIFY pgring_overflow, 'after'");
    EXPECT_EQ(next(s).value().payload, "after");
    EXPECT_EQ(s.dropped(), 7u);
}

// No queue: only a waiting next() and the callback see notifications.
class NoQueueTest : public NotifyTest {
protected:
    connection_options options() override {
        connection_options o = safe_options();
        o.notification_queue_size = 0;
        return o;
    }
};

TEST_F(NoQueueTest, NotificationsNobodyAwaitsAreDropped) {
    run(conn_.listen("pgring_noqueue"));
    run(conn_.query("SELECT pg_notify('pgring_noqueue', 'lost')"));
    notification_stream s = conn_.notifications();
    EXPECT_EQ(s.size(), 0u);
    EXPECT_EQ(s.dropped(), 1u);
    std::optional<result<pgring::notification>> got;
    lp_.spawn(wait_into(s, got, safety_timeout));
    run(other_.query_value<std::int32_t>("SELECT 1"));
    notify_from_other("NOTIFY pgring_noqueue, 'kept'");
    lp_.run();
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->payload, "kept");
}

// ParameterStatus and notice callbacks.
class AsyncCallbackTest : public NotifyTest {
protected:
    connection_options options() override {
        connection_options o = safe_options();
        o.on_parameter_status = [this](std::string_view name, std::string_view value) {
            parameters_.emplace_back(std::string(name), std::string(value));
        };
        o.on_notice = [this](const diagnostics& d) { notices_.push_back(d.message); };
        return o;
    }
    std::vector<std::pair<std::string, std::string>> parameters_;
    std::vector<std::string> notices_;
};

TEST_F(AsyncCallbackTest, ParameterStatusCallbackFiresOnSetAfterTheStartup) {
    EXPECT_TRUE(parameters_.empty()) << "the startup's values are not changes";
    run(conn_.execute("SET application_name = 'pgring_ps_test'"));
    ASSERT_EQ(parameters_.size(), 1u);
    EXPECT_EQ(parameters_[0].first, "application_name");
    EXPECT_EQ(parameters_[0].second, "pgring_ps_test");
    EXPECT_EQ(conn_.parameter("application_name"), "pgring_ps_test");
    run(conn_.execute("SET TimeZone = 'Asia/Tokyo'"));
    ASSERT_EQ(parameters_.size(), 2u);
    EXPECT_EQ(parameters_[1].first, "TimeZone");
    EXPECT_EQ(parameters_[1].second, "Asia/Tokyo");
}

TEST_F(AsyncCallbackTest, NoticesReachTheCallback) {
    run(conn_.execute("DO $$ BEGIN RAISE NOTICE 'pgring notify-test notice'; END $$"));
    ASSERT_EQ(notices_.size(), 1u);
    EXPECT_EQ(notices_[0], "pgring notify-test notice");
    // UNLISTEN of a channel nobody listens to is silent; LISTEN twice is too.
    run(conn_.listen("pgring_twice"));
    run(conn_.listen("pgring_twice"));
    EXPECT_EQ(notices_.size(), 1u);
}

// ---- the command-line client ---------------------------------------------------------------------

#ifdef PGRING_CLI_PATH

// The pgring program running with its stdout on a pipe.
class cli_process {
public:
    explicit cli_process(const std::vector<std::string>& args) {
        int fds[2];
        if (::pipe(fds) != 0) {
            return;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        posix_spawn_file_actions_addclose(&actions, fds[1]);
        std::vector<char*> argv;
        for (const std::string& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
            pid_ = -1;
        }
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_ = fds[0];
    }
    cli_process(const cli_process&) = delete;
    cli_process& operator=(const cli_process&) = delete;
    ~cli_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            (void)wait();
        }
        if (out_ >= 0) {
            ::close(out_);
        }
    }
    bool started() const noexcept { return pid_ > 0; }

    // The next line of its stdout (without the newline); nullopt at EOF or after `limit`.
    std::optional<std::string> line(std::chrono::milliseconds limit = safety_timeout) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            const std::size_t nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                std::string l = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return l;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                return std::nullopt;
            }
            pollfd p{out_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
                continue;
            }
            char chunk[4096];
            const ssize_t n = ::read(out_, chunk, sizeof chunk);
            if (n <= 0) {
                return std::nullopt;
            }
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }
    void signal(int sig) { ::kill(pid_, sig); }
    // Its exit status; -1 when it was killed by a signal or cannot be waited for.
    int wait() {
        int status = 0;
        const pid_t p = std::exchange(pid_, -1);
        if (p <= 0 || ::waitpid(p, &status, 0) != p) {
            return -1;
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::string buffer_;
};

class CliListenTest : public ::testing::Test {
protected:
    void SetUp() override {
        result<connection> r = lp_.run(connection::try_connect(lp_, superuser_conninfo(), safe_options()));
        ASSERT_TRUE(r) << r.diag().primary();
        conn_ = std::move(*r);
    }
    // `pgring -X -At -d DSN --listen CH -c 'SELECT pg_backend_pid()'`: the first line says it listens.
    std::vector<std::string> args(const std::string& channel) {
        return {PGRING_CLI_PATH, "-X", "-At", "-d", superuser_conninfo(), "--listen", channel,
                "-c",            "SELECT pg_backend_pid()"};
    }
    loop lp_;
    connection conn_;
};

TEST_F(CliListenTest, PrintsNotificationsLikePsqlAndExitsZeroOnCtrlC) {
    cli_process cli(args("Cli Chan"));
    ASSERT_TRUE(cli.started());
    const std::optional<std::string> pid = cli.line();
    ASSERT_TRUE(pid) << "the client did not start listening";
    EXPECT_FALSE(pid->empty());
    lp_.run(conn_.query("SELECT pg_notify('Cli Chan', 'hello \"there\"')"));
    lp_.run(conn_.query("SELECT pg_notify('Cli Chan', '')"));
    const std::string me = std::to_string(conn_.backend_pid());
    EXPECT_EQ(cli.line(), "Asynchronous notification \"Cli Chan\" with payload \"hello \"there\"\" received from "
                          "server process with PID " + me + ".");
    EXPECT_EQ(cli.line(), "Asynchronous notification \"Cli Chan\" received from server process with PID " + me +
                              ".");
    cli.signal(SIGINT);
    EXPECT_EQ(cli.wait(), 0);
}

TEST_F(CliListenTest, ExitsTwoWhenTheConnectionIsLost) {
    cli_process cli(args("cli_lost"));
    ASSERT_TRUE(cli.started());
    const std::optional<std::string> pid = cli.line();
    ASSERT_TRUE(pid) << "the client did not start listening";
    EXPECT_TRUE(lp_.run(conn_.query_value<bool>("SELECT pg_terminate_backend($1::int)", *pid)));
    EXPECT_EQ(cli.line(), std::nullopt) << "no output after the loss";
    EXPECT_EQ(cli.wait(), 2);
}

#endif

}  // namespace
}  // namespace pgring::test
