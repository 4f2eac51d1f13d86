// pgring::pool and pgring::runtime_pool: see include/pgring/pool.hpp. Built on the public
// connection API; the only driver piece is driver::timed_wait (waits with a deadline).
//
// A connection's slot moves through these places; `open_` counts every slot but "connecting":
//
//   connecting --ok--> put_back --> first waiter (handed over) --> leased (in_use_)
//       |                 |    \--> idle_ (LIFO) --take_idle--/        |
//       +--fails, retried |                 \--sweep: dead/expired/idle too long--> drop
//          with back-off  +<--- reset task (ROLLBACK, reset_query) <--release--+
//                                                           \--broken/failed--> drop
//
// drop() closes the connection and calls refill(), which starts as many connecting slots as the
// pool needs: up to min_size, plus one per waiter not already covered, never past max_size.
//
// Invariant: a waiter exists only while idle_ is empty or is being swept (put_back serves waiters
// before it fills idle_, and acquire() takes from idle_ only when nobody waits), so waiters are
// served in arrival order.
//
// Thread: everything runs on the pool's loop; only the pool_stats counters are atomics, read
// from any thread (runtime_pool's placement).

#include <pgring/pool.hpp>

#include <pgring/error.hpp>
#include <pgring/notification.hpp>

#include "driver/loop_impl.hpp"
#include "driver/timed_wait.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <random>
#include <string_view>
#include <utility>

namespace pgring {

namespace detail {

using clock = std::chrono::steady_clock;

/// One connection of a pool and its clock readings.
struct pool_entry {
    connection conn;
    clock::time_point created;
    clock::time_point expires = clock::time_point::max();  // created + jittered max_lifetime
    clock::duration idle_limit = clock::duration::max();   // jittered max_idle
    clock::time_point idle_since;
};

namespace {

// A statement of the reset query; `unlisten_all` marks `UNLISTEN *`, run through
// connection::unlisten_all() so the connection forgets its channels too.
struct reset_statement {
    std::string sql;
    bool unlisten_all = false;
};

// Splits `text` at the semicolons outside '...', "..." and $tag$...$tag$ quotes, and drops
// empty statements.
std::vector<reset_statement> split_statements(std::string_view text) {
    std::vector<reset_statement> out;
    std::string cur;
    const auto push = [&out](std::string s) {
        const auto first = s.find_first_not_of(" \t\r\n");
        if (first == std::string::npos) {
            return;
        }
        s = s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
        std::string norm;
        for (const char c : s) {
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                norm.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
            }
        }
        out.push_back({std::move(s), norm == "UNLISTEN*"});
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '\'' || c == '"') {
            const std::size_t end = text.find(c, i + 1);
            const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
            cur.append(text.substr(i, stop - i));
            i = stop;
        } else if (c == '$') {
            const std::size_t close = text.find('$', i + 1);
            std::string_view tag =
                close == std::string_view::npos ? std::string_view{} : text.substr(i, close - i + 1);
            const bool is_tag = !tag.empty() && std::all_of(tag.begin() + 1, tag.end() - 1, [](char t) {
                return std::isalnum(static_cast<unsigned char>(t)) != 0 || t == '_';
            });
            if (is_tag && (tag.size() == 2 || std::isdigit(static_cast<unsigned char>(tag[1])) == 0)) {
                const std::size_t end = text.find(tag, i + tag.size());
                const std::size_t stop = end == std::string_view::npos ? text.size() : end + tag.size();
                cur.append(text.substr(i, stop - i));
                i = stop;
            } else {
                cur.push_back(c);
                ++i;
            }
        } else if (c == ';') {
            push(std::move(cur));
            cur.clear();
            ++i;
        } else {
            cur.push_back(c);
            ++i;
        }
    }
    push(std::move(cur));
    return out;
}

// True for connect errors that may go away by themselves (the server is restarting, the network
// is down, too many connections); false for those retrying cannot cure (authentication, an
// unknown database, a bad connection string).
bool retryable(const std::error_code& ec) noexcept {
    if (ec.category() == client_category()) {
        return ec == errc::connection_closed || ec == errc::timeout;
    }
    if (ec.category() == sqlstate_category()) {
        // The class is the first two characters: the low 12 bits of the packed value.
        const int cls = ec.value() & 0xfff;
        return cls == (pack_sqlstate("08000") & 0xfff) || cls == (pack_sqlstate("57000") & 0xfff) ||
               cls == (pack_sqlstate("53000") & 0xfff);
    }
    return true;  // socket and name-resolution errors
}

std::chrono::nanoseconds or_none(std::chrono::milliseconds d) noexcept {
    return d.count() > 0 ? std::chrono::nanoseconds(d) : std::chrono::nanoseconds(-1);
}

}  // namespace

class pool_state : public std::enable_shared_from_this<pool_state> {
public:
    pool_state(loop& lp, pool_options options)
        : loop_(lp),
          impl_(lp.impl()),
          opts_(std::move(options)),
          reset_(split_statements(opts_.reset_query)),
          rng_(std::random_device{}()) {
        opts_.max_size = std::max<std::size_t>(opts_.max_size, 1);
        opts_.min_size = std::min(opts_.min_size, opts_.max_size);
        opts_.jitter = std::clamp(opts_.jitter, 0.0, 1.0);
    }
    pool_state(const pool_state&) = delete;
    pool_state& operator=(const pool_state&) = delete;
    ~pool_state() { close(); }

    // Starts the background step and the first min_size connects.
    void start() {
        loop_.spawn(maintain(shared_from_this()));
        refill();
    }

    static task<result<pooled>> acquire(std::shared_ptr<pool_state> self);
    static task<result<void>> fill(std::shared_ptr<pool_state> self);

    // A lease ends: `discard` closes the connection, else it is reset (when needed) and put back.
    void release(std::unique_ptr<pool_entry> e, bool discard) {
        sub(in_use_);
        if (discard || closed_ || !e->conn.is_open()) {
            drop(std::move(e));
            return;
        }
        if (reset_.empty() && e->conn.transaction_status() == 'I') {
            put_back(std::move(e));
            return;
        }
        loop_.spawn(reset_and_return(shared_from_this(), std::move(e)));
    }

    void close() noexcept {
        if (closed_) {
            return;
        }
        closed_ = true;
        fail_waiters(failure{make_error_code(errc::connection_closed),
                             diagnostics{.client_message = "the pool is closed"}});
        while (!idle_.empty()) {
            std::unique_ptr<pool_entry> e = std::move(idle_.back());
            idle_.pop_back();
            sub(idle_count_);
            drop(std::move(e));
        }
        for (driver::timed_wait* w : sleepers_) {
            w->wake();
        }
    }

    bool closed() const noexcept { return closed_; }
    const pool_options& options() const noexcept { return opts_; }
    loop& get_loop() const noexcept { return loop_; }

    pool_stats stats() const noexcept {
        pool_stats s;
        s.size = size_.load(std::memory_order_relaxed);
        s.idle = idle_count_.load(std::memory_order_relaxed);
        s.in_use = in_use_.load(std::memory_order_relaxed);
        s.waiting = waiting_.load(std::memory_order_relaxed);
        s.acquired = acquired_.load(std::memory_order_relaxed);
        s.waits = waits_.load(std::memory_order_relaxed);
        s.timeouts = timeouts_.load(std::memory_order_relaxed);
        s.created = created_.load(std::memory_order_relaxed);
        s.closed = closed_count_.load(std::memory_order_relaxed);
        s.connect_failures = connect_failures_.load(std::memory_order_relaxed);
        return s;
    }

private:
    // One acquire() waiting for a connection, in its coroutine frame.
    struct waiter {
        explicit waiter(pool_state& s) : state(&s), wake(s.impl_) {}
        waiter(const waiter&) = delete;
        waiter& operator=(const waiter&) = delete;
        // Also when the frame is destroyed while waiting: a connection handed over goes back.
        ~waiter() {
            state->unlink(*this);
            if (got) {
                state->put_back(std::move(got));
            }
        }
        pool_state* state;
        driver::timed_wait wake;
        std::unique_ptr<pool_entry> got;  // handed over by put_back()
        failure fail;                     // set instead when the wait failed (pool closed, ...)
        waiter* prev = nullptr;
        waiter* next = nullptr;
        bool linked = false;
    };

    template <class T>
    static void add(std::atomic<T>& a, T n = 1) noexcept {
        a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    static void sub(std::atomic<std::size_t>& a) noexcept {
        a.store(a.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    }
    void update_size() noexcept { size_.store(open_ + connecting_, std::memory_order_relaxed); }

    void link(waiter& w) noexcept {
        w.prev = last_;
        w.next = nullptr;
        (last_ != nullptr ? last_->next : first_) = &w;
        last_ = &w;
        w.linked = true;
        ++waiting_n_;
        add(waiting_, std::size_t{1});
    }
    void unlink(waiter& w) noexcept {
        if (!w.linked) {
            return;
        }
        (w.prev != nullptr ? w.prev->next : first_) = w.next;
        (w.next != nullptr ? w.next->prev : last_) = w.prev;
        w.prev = w.next = nullptr;
        w.linked = false;
        --waiting_n_;
        sub(waiting_);
    }

    void fail_waiters(const failure& f) {
        while (first_ != nullptr) {
            waiter& w = *first_;
            unlink(w);
            w.fail = f;
            w.wake.wake();
        }
    }

    clock::duration jittered(std::chrono::milliseconds d) {
        if (d.count() <= 0) {
            return clock::duration::max();
        }
        std::uniform_real_distribution<double> u(-opts_.jitter, opts_.jitter);
        return std::chrono::duration_cast<clock::duration>(d * (1.0 + u(rng_)));
    }

    bool idle_too_long(const pool_entry& e, clock::time_point now) const noexcept {
        return e.idle_limit != clock::duration::max() && now - e.idle_since >= e.idle_limit &&
               open_ > opts_.min_size;
    }

    // Closes a connection whose slot is not idle (it was taken out of idle_ first).
    void drop(std::unique_ptr<pool_entry> e) {
        e->conn.close();
        e.reset();
        --open_;
        update_size();
        add(closed_count_, std::uint64_t{1});
        refill();
    }

    // A connection is free again: to the first waiter, or to idle_.
    void put_back(std::unique_ptr<pool_entry> e) {
        const auto now = clock::now();
        if (closed_ || !e->conn.is_open() || now >= e->expires) {
            drop(std::move(e));
            return;
        }
        e->idle_since = now;
        if (first_ != nullptr) {
            waiter& w = *first_;
            unlink(w);
            w.got = std::move(e);
            w.wake.wake();
            return;
        }
        idle_.push_back(std::move(e));
        add(idle_count_, std::size_t{1});
    }

    // The most recently used idle connection that is still good, or null.
    std::unique_ptr<pool_entry> take_idle() {
        const auto now = clock::now();
        while (!idle_.empty()) {
            std::unique_ptr<pool_entry> e = std::move(idle_.back());
            idle_.pop_back();
            sub(idle_count_);
            if (!e->conn.is_open() || now >= e->expires || idle_too_long(*e, now)) {
                drop(std::move(e));
                continue;
            }
            return e;
        }
        return nullptr;
    }

    // Closes the idle connections that are broken, expired, or idle too long beyond min_size.
    void sweep() {
        const auto now = clock::now();
        std::vector<std::unique_ptr<pool_entry>> keep;
        std::vector<std::unique_ptr<pool_entry>> gone;
        std::size_t remaining = open_;  // so that idle connections are not closed below min_size
        for (auto& e : idle_) {
            const bool idle_limit = e->idle_limit != clock::duration::max() &&
                                    now - e->idle_since >= e->idle_limit && remaining > opts_.min_size;
            if (!e->conn.is_open() || now >= e->expires || idle_limit) {
                gone.push_back(std::move(e));
                --remaining;
            } else {
                keep.push_back(std::move(e));
            }
        }
        idle_ = std::move(keep);
        idle_count_.store(idle_.size(), std::memory_order_relaxed);
        for (auto& e : gone) {
            drop(std::move(e));
        }
        refill();
    }

    // Whether one more connection is wanted, not counting `mine` connects already running.
    bool wanted(std::size_t mine) const noexcept {
        const std::size_t others = connecting_ - mine;
        return !closed_ && open_ + others < opts_.max_size &&
               (open_ + others < opts_.min_size || waiting_n_ > others);
    }

    void refill() {
        while (wanted(0)) {
            ++connecting_;
            update_size();
            loop_.spawn(open_one(shared_from_this()));
        }
    }

    std::unique_ptr<pool_entry> make_entry(connection conn) {
        auto e = std::make_unique<pool_entry>();
        e->conn = std::move(conn);
        e->created = clock::now();
        const clock::duration life = jittered(opts_.max_lifetime);
        if (life != clock::duration::max()) {
            e->expires = e->created + life;
        }
        e->idle_limit = jittered(opts_.max_idle);
        e->idle_since = e->created;
        return e;
    }

    failure timed_out() {
        add(timeouts_, std::uint64_t{1});
        std::string msg = "no connection became available within " +
                          std::to_string(opts_.acquire_timeout.count()) + " ms (pool size " +
                          std::to_string(open_ + connecting_) + " of " + std::to_string(opts_.max_size) + ")";
        if (last_error_.code) {
            const std::string& why =
                last_error_.diag.message.empty() ? last_error_.diag.client_message : last_error_.diag.message;
            msg += "; the last connect failed: " + (why.empty() ? last_error_.code.message() : why);
        }
        return failure{make_error_code(errc::timeout), diagnostics{.client_message = std::move(msg)}};
    }

    static task<void> open_one(std::shared_ptr<pool_state> self);
    static task<void> reset_and_return(std::shared_ptr<pool_state> self, std::unique_ptr<pool_entry> e);
    static task<void> maintain(std::shared_ptr<pool_state> self);

    loop& loop_;
    detail::loop_impl& impl_;
    pool_options opts_;
    std::vector<reset_statement> reset_;
    std::mt19937_64 rng_;

    std::vector<std::unique_ptr<pool_entry>> idle_;  // back: the most recently released
    waiter* first_ = nullptr;                        // FIFO of acquire() calls waiting
    waiter* last_ = nullptr;
    std::vector<driver::timed_wait*> sleepers_;  // back-off and maintenance waits; close() wakes them
    std::size_t open_ = 0;                       // connections that exist (idle, leased, resetting)
    std::size_t connecting_ = 0;                 // connects running or waiting to retry
    std::size_t waiting_n_ = 0;
    failure last_error_;  // of the last failed connect
    bool closed_ = false;

    std::atomic<std::size_t> size_{0};
    std::atomic<std::size_t> idle_count_{0};
    std::atomic<std::size_t> in_use_{0};
    std::atomic<std::size_t> waiting_{0};
    std::atomic<std::uint64_t> acquired_{0};
    std::atomic<std::uint64_t> waits_{0};
    std::atomic<std::uint64_t> timeouts_{0};
    std::atomic<std::uint64_t> created_{0};
    std::atomic<std::uint64_t> closed_count_{0};
    std::atomic<std::uint64_t> connect_failures_{0};
};

task<result<pooled>> pool_state::acquire(std::shared_ptr<pool_state> self) {
    pool_state& s = *self;
    const bool limited = s.opts_.acquire_timeout.count() > 0;
    const auto deadline = limited ? clock::now() + s.opts_.acquire_timeout : clock::time_point::max();
    bool waited = false;
    for (;;) {
        if (s.closed_) {
            co_return failure{make_error_code(errc::connection_closed),
                              diagnostics{.client_message = "the pool is closed"}};
        }
        std::unique_ptr<pool_entry> e;
        if (s.first_ == nullptr) {
            e = s.take_idle();
        }
        if (!e) {
            const auto now = clock::now();
            if (limited && now >= deadline) {
                co_return s.timed_out();
            }
            // A wait for a connection being opened for this call is not counted; one because
            // the pool is full is.
            if (!waited && s.open_ + s.connecting_ >= s.opts_.max_size) {
                waited = true;
                add(s.waits_, std::uint64_t{1});
            }
            waiter w(s);
            s.link(w);
            s.refill();
            const std::chrono::nanoseconds left =
                limited ? std::chrono::nanoseconds(deadline - now) : std::chrono::nanoseconds(-1);
            co_await w.wake.wait(left);
            if (w.got) {
                e = std::move(w.got);
            } else if (w.fail.code) {
                co_return std::move(w.fail);
            } else {
                co_return s.timed_out();
            }
        }
        const auto now = clock::now();
        if (now - e->idle_since >= s.opts_.health_check_after) {
            // Counted as in use while checked: it is no longer idle and belongs to this caller.
            add(s.in_use_, std::size_t{1});
            call_options co;
            co.timeout = limited
                             ? std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                                        std::chrono::milliseconds(1))
                             : std::chrono::milliseconds(0);
            operations ops = e->conn.with(co);
            result<command_result> r = co_await ops.try_execute("SELECT 1");
            sub(s.in_use_);
            if (!r || !e->conn.is_open() || e->conn.transaction_status() != 'I') {
                s.drop(std::move(e));
                continue;
            }
        }
        add(s.in_use_, std::size_t{1});
        add(s.acquired_, std::uint64_t{1});
        co_return pooled(std::move(self), std::move(e));
    }
}

task<result<void>> pool_state::fill(std::shared_ptr<pool_state> self) {
    pool_state& s = *self;
    while (!s.closed_ && s.open_ + s.connecting_ < s.opts_.min_size) {
        ++s.connecting_;
        s.update_size();
        result<connection> r =
            co_await connection::try_connect(s.loop_, s.opts_.conninfo, s.opts_.connection);
        --s.connecting_;
        s.update_size();
        if (!r) {
            add(s.connect_failures_, std::uint64_t{1});
            co_return failure{r.error(), r.diag()};
        }
        ++s.open_;
        s.update_size();
        add(s.created_, std::uint64_t{1});
        s.put_back(s.make_entry(std::move(*r)));
    }
    if (s.closed_) {
        co_return failure{make_error_code(errc::connection_closed),
                          diagnostics{.client_message = "the pool is closed"}};
    }
    co_return result<void>{};
}

task<void> pool_state::open_one(std::shared_ptr<pool_state> self) {
    pool_state& s = *self;
    std::chrono::milliseconds backoff = std::max(s.opts_.connect_retry_initial, std::chrono::milliseconds(1));
    for (;;) {
        result<connection> r =
            co_await connection::try_connect(s.loop_, s.opts_.conninfo, s.opts_.connection);
        if (r) {
            --s.connecting_;
            ++s.open_;
            s.update_size();
            add(s.created_, std::uint64_t{1});
            s.put_back(s.make_entry(std::move(*r)));
            co_return;
        }
        add(s.connect_failures_, std::uint64_t{1});
        s.last_error_ = failure{r.error(), r.diag()};
        if (!retryable(r.error())) {
            s.fail_waiters(s.last_error_);
        }
        if (!s.wanted(1)) {
            --s.connecting_;
            s.update_size();
            co_return;
        }
        driver::timed_wait pause(s.impl_);
        s.sleepers_.push_back(&pause);
        std::uniform_real_distribution<double> u(0.5, 1.0);
        const auto delay = std::chrono::duration_cast<std::chrono::nanoseconds>(backoff * u(s.rng_));
        co_await pause.wait(std::max(delay, std::chrono::nanoseconds(1)));
        s.sleepers_.erase(std::find(s.sleepers_.begin(), s.sleepers_.end(), &pause));
        backoff = std::min(backoff * 2, std::max(s.opts_.connect_retry_max, backoff));
        if (!s.wanted(1)) {
            --s.connecting_;
            s.update_size();
            co_return;
        }
    }
}

task<void> pool_state::reset_and_return(std::shared_ptr<pool_state> self, std::unique_ptr<pool_entry> e) {
    pool_state& s = *self;
    call_options co;
    co.timeout = s.opts_.reset_timeout;
    operations ops = e->conn.with(co);
    bool ok = true;
    if (e->conn.transaction_status() != 'I') {
        result<command_result> r = co_await ops.try_execute("ROLLBACK");
        ok = r.has_value();
    }
    for (const reset_statement& st : s.reset_) {
        if (!ok || s.closed_) {
            break;
        }
        if (st.unlisten_all) {
            result<void> r = co_await e->conn.try_unlisten_all();
            ok = r.has_value();
            notification_stream queued = e->conn.notifications();
            while (ok && queued.size() > 0) {
                result<notification> n = co_await queued.next(std::chrono::milliseconds(0));
                if (!n) {
                    break;
                }
            }
        } else {
            result<command_result> r = co_await ops.try_execute(st.sql);
            ok = r.has_value();
        }
    }
    if (!ok || !e->conn.is_open() || e->conn.transaction_status() != 'I') {
        s.drop(std::move(e));
    } else {
        s.put_back(std::move(e));
    }
}

task<void> pool_state::maintain(std::shared_ptr<pool_state> self) {
    // Holds the state until close() (which the pool object's destructor calls) wakes it.
    pool_state& s = *self;
    driver::timed_wait tick(s.impl_);
    s.sleepers_.push_back(&tick);
    while (!s.closed_) {
        tick.reset();
        co_await tick.wait(or_none(s.opts_.maintenance_interval));
        if (s.closed_) {
            break;
        }
        s.sweep();
    }
    s.sleepers_.erase(std::find(s.sleepers_.begin(), s.sleepers_.end(), &tick));
}

}  // namespace detail

// ---- pooled ---------------------------------------------------------------------------------

pooled::pooled() noexcept = default;
pooled::pooled(std::shared_ptr<detail::pool_state> state, std::unique_ptr<detail::pool_entry> entry) noexcept
    : state_(std::move(state)), entry_(std::move(entry)) {}
pooled::pooled(pooled&& o) noexcept = default;
pooled& pooled::operator=(pooled&& o) noexcept {
    if (this != &o) {
        release();
        state_ = std::move(o.state_);
        entry_ = std::move(o.entry_);
    }
    return *this;
}
pooled::~pooled() {
    release();
}

connection* pooled::operator->() const noexcept {
    return &entry_->conn;
}
connection& pooled::operator*() const noexcept {
    return entry_->conn;
}

void pooled::release() noexcept {
    if (entry_) {
        std::shared_ptr<detail::pool_state> s = std::move(state_);
        s->release(std::move(entry_), false);
    }
}

void pooled::discard() noexcept {
    if (entry_) {
        std::shared_ptr<detail::pool_state> s = std::move(state_);
        s->release(std::move(entry_), true);
    }
}

// ---- pool -----------------------------------------------------------------------------------

pool::pool() noexcept = default;

pool::pool(loop& lp, pool_options options)
    : state_(std::make_shared<detail::pool_state>(lp, std::move(options))) {
    state_->start();
}

pool::pool(pool&& o) noexcept = default;

pool& pool::operator=(pool&& o) noexcept {
    if (this != &o) {
        close();
        state_ = std::move(o.state_);
    }
    return *this;
}

pool::~pool() {
    close();
}

task<pool> pool::open(loop& lp, pool_options options) {
    result<pool> r = co_await try_open(lp, std::move(options));
    co_return std::move(r).value();
}

task<result<pool>> pool::try_open(loop& lp, pool_options options) {
    pool p;
    p.state_ = std::make_shared<detail::pool_state>(lp, std::move(options));
    result<void> r = co_await detail::pool_state::fill(p.state_);
    if (!r) {
        p.close();
        co_return failure{r.error(), r.diag()};
    }
    p.state_->start();
    co_return std::move(p);
}

task<pooled> pool::acquire() {
    result<pooled> r = co_await try_acquire();
    co_return std::move(r).value();
}

task<result<pooled>> pool::try_acquire() {
    if (!state_) {
        return []() -> task<result<pooled>> {
            co_return failure{make_error_code(errc::connection_closed),
                              diagnostics{.client_message = "the pool object is empty"}};
        }();
    }
    return detail::pool_state::acquire(state_);
}

void pool::close() noexcept {
    if (state_) {
        state_->close();
    }
}

bool pool::is_open() const noexcept {
    return state_ && !state_->closed();
}

pool_stats pool::stats() const noexcept {
    return state_ ? state_->stats() : pool_stats{};
}

const pool_options& pool::options() const noexcept {
    return state_->options();
}

loop& pool::get_loop() const noexcept {
    return state_->get_loop();
}

// ---- runtime_pool ---------------------------------------------------------------------------

// One loop's pool. `p` is made and destroyed on the loop's thread; `starting` counts tasks
// placed on the loop that have not called make() yet.
struct runtime_pool::slot {
    std::unique_ptr<pool> p;
    std::shared_ptr<detail::pool_state> state;  // for stats() from any thread, also after close()
    std::atomic<std::size_t> starting{0};
    bool closed = false;
};

namespace {

// Runs `fn(lp)` on loop `index` of `rt` and waits until it has run.
void run_on(runtime& rt, std::size_t index, std::function<void(loop&)> fn) {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    rt.spawn(index, [&](loop& lp) -> task<void> {
        fn(lp);
        const std::lock_guard<std::mutex> lock(m);  // notify under the lock: the waiter owns `cv`
        done = true;
        cv.notify_one();
        return []() -> task<void> { co_return; }();
    });
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return done; });
}

// Runs the task `make` returns while `make` itself stays alive in this frame: a coroutine lambda
// keeps its captures in the lambda object, not in the coroutine's frame.
task<void> run_made(std::function<task<void>(pool&)> make, pool& p) {
    co_await make(p);
}

}  // namespace

runtime_pool::runtime_pool(runtime& rt, pool_options options) : rt_(rt) {
    for (std::size_t i = 0; i < rt.size(); ++i) {
        auto s = std::make_unique<slot>();
        slot* sp = s.get();
        run_on(rt, i, [sp, &options](loop& lp) {
            sp->p = std::make_unique<pool>(lp, options);
            sp->state = sp->p->state_;
        });
        slots_.push_back(std::move(s));
    }
}

runtime_pool::~runtime_pool() {
    close();
}

void runtime_pool::spawn(std::function<task<void>(pool&)> make) {
    const std::size_t n = slots_.size();
    const std::size_t first = next_.fetch_add(1, std::memory_order_relaxed);
    std::size_t best = first % n;
    std::size_t best_load = std::numeric_limits<std::size_t>::max();
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (first + k) % n;
        const pool_stats st = slots_[i]->state->stats();
        const std::size_t load = st.in_use + st.waiting + slots_[i]->starting.load(std::memory_order_relaxed);
        if (load < best_load) {
            best = i;
            best_load = load;
        }
    }
    spawn(best, std::move(make));
}

void runtime_pool::spawn(std::size_t index, std::function<task<void>(pool&)> make) {
    slot* s = slots_[index % slots_.size()].get();
    s->starting.fetch_add(1, std::memory_order_relaxed);
    rt_.spawn(index % slots_.size(), [s, make = std::move(make)](loop&) mutable -> task<void> {
        s->starting.fetch_sub(1, std::memory_order_relaxed);
        return run_made(std::move(make), *s->p);
    });
}

pool_stats runtime_pool::stats(std::size_t index) const noexcept {
    return slots_[index % slots_.size()]->state->stats();
}

pool_stats runtime_pool::stats() const noexcept {
    pool_stats sum;
    for (const auto& s : slots_) {
        const pool_stats st = s->state->stats();
        sum.size += st.size;
        sum.idle += st.idle;
        sum.in_use += st.in_use;
        sum.waiting += st.waiting;
        sum.acquired += st.acquired;
        sum.waits += st.waits;
        sum.timeouts += st.timeouts;
        sum.created += st.created;
        sum.closed += st.closed;
        sum.connect_failures += st.connect_failures;
    }
    return sum;
}

void runtime_pool::close() {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        slot* s = slots_[i].get();
        if (s->closed) {
            continue;
        }
        s->closed = true;
        run_on(rt_, i, [s](loop&) { s->p->close(); });
    }
}

}  // namespace pgring
