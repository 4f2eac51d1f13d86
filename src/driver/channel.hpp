#pragma once

// driver::channel: one PostgreSQL connection on a loop. It binds a wire::session to a socket
// and performs what the session asks: bytes in from the loop's receive buffers, bytes out from
// the session's write_buffer.
//
//   caller coroutine                       channel                             kernel
//   ----------------                       -------                             ------
//   session().send_*(out())   -- writes -> write_buffer (sealed chunks)
//   submit(req); co_await     -- queues -> requests_ (FIFO, one per Sync)
//                                          flush() once per turn ------------> sendmsg(iovec/chunk)
//                                          on_data(lease) <------------------- multishot recv
//                                          session.consume() -> events -> requests_.front()
//   resumed by the loop turn  <- schedule -- front's last ReadyForQuery: done
//
// Requests (driver::request) live in the awaiting coroutine frames and are answered in order,
// so any number of coroutines can pipeline on one channel. A request ends at its `syncs`-th
// ReadyForQuery (the startup request at the session's `ready` event); an ErrorResponse on the
// way is kept in it and the session drains to ReadyForQuery, leaving the channel usable.
//
// Receive buffers: events point into the buffer being consumed. A result that wants to keep a
// DataRow without copying takes a reference on that buffer (current_block()); the buffer goes
// back to the pool when the channel and every such result are done with it. When the pool runs
// low, borrowing stops (may_borrow()) and results copy, so results can never starve the recv.
//
// Deadlines: each request may carry one. The channel keeps one timer armed at the earliest
// deadline. When the front request's deadline passes, a CancelRequest goes to the server on a
// side connection and the request keeps draining to its ReadyForQuery (it then fails with
// errc::timeout); if the server does not answer within a grace period, or the request is the
// startup, the channel is broken and every request fails with errc::timeout.
//
// Teardown: destroy() shuts the socket down and frees the channel once the kernel has let go of
// its ops; requests still queued fail with errc::connection_closed.
//
// Thread: the loop thread only.

#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>

#include <pgring/detail/shared_block.hpp>

#include "driver/loop_impl.hpp"
#include "ring/buffer_pool.hpp"
#include "ring/socket_ops.hpp"
#include "ring/timeout.hpp"
#include "wire/session.hpp"
#include "wire/write_buffer.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace pgring::driver {

class channel;

/// A ring op record that knows its channel (the ring hands callbacks the op's address).
template <class Op>
struct owned : Op {
    channel* owner = nullptr;
};

using clock = std::chrono::steady_clock;

/// One exchange with the server, from its first message to its last ReadyForQuery.
/// Lifetime: in the awaiting coroutine's frame; must stay until `done`.
struct request {
    /// Called for each event of this request except errors and ReadyForQuery, which the channel
    /// handles (null: ignore them).
    using event_fn = void (*)(request& r, const wire::event& ev, channel& c);
    event_fn on_event = nullptr;
    /// Called for each DataRow taken by the session's fast path (session::next_data_row), in
    /// place of on_event with a data_row event; null: every DataRow goes through on_event.
    using row_fn = void (*)(request& r, const wire::backend::data_row& row, channel& c);
    row_fn on_row = nullptr;
    void* context = nullptr;  ///< for on_event
    /// ReadyForQuery events that end the request; 0 for the startup request (ends at `ready`).
    std::uint32_t syncs = 1;
    /// When to cancel; clock::time_point::max() for never.
    clock::time_point deadline = clock::time_point::max();

    // Outcome.
    bool done = false;
    std::error_code ec;  ///< first error (server error, timeout, connection loss)
    diagnostics diag;    ///< its fields

    // Channel bookkeeping.
    std::coroutine_handle<> waiter;
    request* next = nullptr;
    bool cancel_sent = false;
    clock::time_point grace_deadline = clock::time_point::max();

    request() = default;
    request(const request&) = delete;
    request& operator=(const request&) = delete;
    /// A request destroyed while queued (its coroutine was destroyed) leaves a stand-in that
    /// swallows the server's answer, so the answers of later requests still line up.
    ~request();

    channel* queued_on = nullptr;  ///< set while in a channel's queue
    bool orphan = false;           ///< a heap stand-in owned by the channel

    /// Awaits the request: resumes when done (at once if it already is).
    auto operator co_await() noexcept {
        struct awaiter {
            request& r;
            bool await_ready() const noexcept { return r.done; }
            void await_suspend(std::coroutine_handle<> h) noexcept { r.waiter = h; }
            void await_resume() const noexcept {}
        };
        return awaiter{*this};
    }
};

/// A receive buffer shared by the channel and the results that borrow rows from it.
struct shared_lease : detail::shared_block {
    ring::buffer_lease lease;
};

/// What a channel needs besides the session options.
struct channel_options {
    /// How long to wait for the server after a CancelRequest before giving the connection up.
    std::chrono::milliseconds cancel_grace{5000};
    /// Called for every NoticeResponse (may be empty).
    std::function<void(const diagnostics&)> on_notice;
    /// Called for every NotificationResponse (may be empty).
    std::function<void(std::int32_t pid, std::string_view channel, std::string_view payload)> on_notification;
    /// Called for every ParameterStatus after the startup (may be empty).
    std::function<void(std::string_view name, std::string_view value)> on_parameter_status;
    /// Called once, when the channel breaks or is closed, with why (may be empty). Like the
    /// others it runs inside a completion: it may schedule coroutines, not resume them.
    std::function<void(const diagnostics& why)> on_closed;
};

class channel {
public:
    channel(detail::loop_impl& lp, wire::session_options session_options, channel_options options);
    channel(const channel&) = delete;
    channel& operator=(const channel&) = delete;

    /// Tears the channel down (see the file comment); the object is freed once the kernel is done
    /// with its ops, which may be now.
    static void destroy(channel* c) noexcept;

    /// Connects to `addr` and runs the startup (authentication, parameters) as request `r`
    /// (syncs 0), with `timeout` for the whole of it (zero: none).
    void start(const sockaddr* addr, socklen_t addr_size, request& r, std::chrono::milliseconds timeout);

    wire::session& session() noexcept { return session_; }
    wire::write_buffer& out() noexcept { return out_; }
    detail::loop_impl& loop() noexcept { return loop_; }

    /// connection_closed (with diagnostics in `diag`) once the channel is broken or closed.
    std::error_code usable(diagnostics* diag = nullptr) const;
    /// True once the channel is broken or closed.
    bool broken() const noexcept { return broken_; }

    /// Queues `r`, whose messages are already in out(), and schedules the flush.
    void submit(request& r);

    /// Writes messages nobody awaits, from a destructor (a transaction's ROLLBACK, a portal's
    /// Close): `write` appends them to out() (ending in `syncs` Syncs or one simple Query) and
    /// returns false if it could not; their answer is swallowed in turn. While another request
    /// holds the write side (an exclusive turn: a COPY FROM STDIN, a streamed batch), the write
    /// waits until that turn ends, so it never lands inside the other request's messages; it
    /// goes before the writers waiting for their turn. Dropped once the channel is broken.
    using detached_write = std::function<bool(wire::session&, wire::write_buffer&)>;
    void write_detached(detached_write write, std::uint32_t syncs);

    /// Replaces queued request `r` (being destroyed) by a stand-in; see request::~request.
    void abandon(request& r) noexcept;

    /// Sends a CancelRequest for whatever the server is running now, on a side connection.
    void send_cancel();

    /// Sends Terminate and closes the socket once it is out. Requests still queued fail.
    void terminate();

    /// Writes out() with one sendmsg if nothing is being sent; called by the loop turn.
    void flush();
    /// Has out() written at the end of this loop turn (for messages an event handler adds).
    void request_flush() { schedule_flush(); }

    /// Awaits until at most `low` bytes of out() are unsent, or the channel breaks: the
    /// back-pressure of a caller that streams (COPY FROM STDIN). One waiter at a time.
    auto drained(std::size_t low) noexcept {
        struct awaiter {
            channel& c;
            std::size_t low;
            bool await_ready() const noexcept { return c.broken_ || c.out_.pending_bytes() <= low; }
            void await_suspend(std::coroutine_handle<> h) noexcept {
                c.drain_waiter_ = h;
                c.drain_low_ = low;
                c.schedule_flush();
            }
            void await_resume() const noexcept {}
        };
        return awaiter{*this, low};
    }

    /// Writers take turns at out(). A request that writes its messages over several loop turns
    /// (COPY FROM STDIN, a batch streamed with back-pressure) holds the write side from its first
    /// message to its last, so no other request's messages land inside it; other writers wait
    /// in FIFO order. A writer let through writes its messages and submits its request before it
    /// next suspends. `exclusive`: the caller holds the write side once let through, until
    /// release_writes(). Free (the common case) costs one test. A broken channel lets every
    /// waiter through (it then finds the channel unusable).
    class write_turn_awaiter {
    public:
        write_turn_awaiter(channel& c, bool exclusive) noexcept : c_(c), exclusive_(exclusive) {}
        write_turn_awaiter(const write_turn_awaiter&) = delete;
        write_turn_awaiter& operator=(const write_turn_awaiter&) = delete;
        /// A coroutine destroyed while it waits leaves the queue (and passes on a turn granted to it).
        ~write_turn_awaiter();
        bool await_ready() noexcept;
        void await_suspend(std::coroutine_handle<> h) noexcept;
        void await_resume() noexcept {
            resumed_ = true;
            if (counted_) {
                counted_ = false;
                --c_.woken_;
            }
        }

    private:
        friend class channel;
        channel& c_;
        bool exclusive_;
        bool queued_ = false;
        bool granted_ = false;  // an exclusive turn was handed to this waiter
        bool resumed_ = false;
        bool counted_ = false;  // let through and counted in woken_ until it runs
        std::coroutine_handle<> handle_;
        write_turn_awaiter* next_ = nullptr;
    };
    /// Awaits this caller's turn to write (see write_turn_awaiter).
    write_turn_awaiter write_turn(bool exclusive = false) noexcept { return {*this, exclusive}; }
    /// True when a writer may write now without waiting: nobody holds the write side or waits,
    /// and the pipeline is below its depth limit.
    bool writes_free() const noexcept {
        return !writes_held_ && turn_head_ == nullptr && (depth_limit_ == 0 || in_flight_ + woken_ < depth_limit_);
    }
    /// The most requests in flight at once (0: no limit): a writer beyond it waits for its turn
    /// until an answer completes one (back-pressure on automatic pipelining).
    void set_depth_limit(std::size_t n) noexcept { depth_limit_ = n; }
    /// Requests queued and not yet answered.
    std::size_t in_flight() const noexcept { return in_flight_; }
    /// Ends an exclusive turn and lets the waiting writers through.
    void release_writes() noexcept;

    /// Stops reading the socket (back-pressure of a result streamed in one pass: the server
    /// blocks once the socket buffers fill). Data already received is still dispatched. Lifted
    /// by resume_receive(), and by any request queued behind the front one (its answer comes
    /// after the rest of the result, so holding the socket would wait forever).
    void pause_receive() noexcept;
    /// Reads the socket again after pause_receive().
    void resume_receive() noexcept;
    /// True while the socket is not read (pause_receive()).
    bool receive_paused() const noexcept { return recv_paused_; }
    /// The request at the front of the queue (answered now), or null.
    const request* front() const noexcept { return head_; }

    /// The receive buffer being consumed, shared, when `p` lies in it; the caller takes a
    /// reference if it keeps it (the channel's own lasts until the buffer is consumed). Null
    /// when `p` does not lie in it (a reassembled message) or borrowing is off (may_borrow()).
    detail::shared_block* borrow(const std::byte* p, std::size_t n);

    /// Bytes of input copied to reassemble split messages.
    std::uint64_t copied_bytes() const noexcept { return session_.copied_bytes(); }

private:
    ~channel();

    static void on_connected(ring::connect_op& op, int res);
    static void on_data(ring::recv_op& op, int res, ring::buffer_lease lease);
    static void on_sent(ring::op_base* op, int res, unsigned flags);
    static void on_timer(ring::op_base* op, int res, unsigned flags);
    static void on_ignored(ring::op_base* op, int res, unsigned flags);
    static void on_starve_timer(ring::op_base* op, int res, unsigned flags);

    void enqueue(request& r);
    void schedule_flush();
    void arm_recv();
    void feed(ring::buffer_lease lease);
    void dispatch(const wire::event& ev);
    void finish_front();
    void complete(request& r);
    void fail_all(std::error_code ec, const diagnostics& diag, bool shutdown = true);
    void fail_all(std::error_code ec, std::string message);
    void shutdown_socket() noexcept;
    void arm_timer();
    void check_deadlines();
    bool may_borrow() const noexcept;
    bool kernel_idle() const noexcept;
    void maybe_free() noexcept;

    detail::loop_impl& loop_;
    wire::session session_;
    channel_options options_;
    wire::write_buffer out_;
    std::coroutine_handle<> drain_waiter_;  // see drained()
    bool writes_held_ = false;                     // see write_turn()
    std::size_t depth_limit_ = 0;                  // see set_depth_limit()
    std::size_t in_flight_ = 0;                    // requests queued, not yet answered
    std::size_t woken_ = 0;                        // writers let through that have not run yet
    write_turn_awaiter* turn_head_ = nullptr;      // writers waiting for their turn (FIFO)
    write_turn_awaiter* turn_tail_ = nullptr;
    std::vector<std::pair<detached_write, std::uint32_t>> deferred_;  // see write_detached()
    void wake_writers() noexcept;
    void submit_detached(std::uint32_t syncs);
    void run_deferred() noexcept;
    std::size_t drain_low_ = 0;
    int fd_ = -1;
    sockaddr_storage peer_{};
    socklen_t peer_size_ = 0;

    request* head_ = nullptr;  // requests_ FIFO (intrusive)
    request* tail_ = nullptr;

    owned<ring::connect_op> connect_;
    owned<ring::linked_timeout> connect_deadline_;
    owned<ring::recv_op> recv_;
    owned<ring::send_op> send_;
    static constexpr std::size_t max_iov = 64;
    // Sends up to this size complete at once on any socket buffer (see flush()).
    static constexpr std::size_t quiet_send_limit = 16 * 1024;
    std::array<iovec, max_iov> iov_{};
    bool sending_ = false;
    bool flush_queued_ = false;
    bool starved_ = false;  // the pool ran dry: re-arm the recv at the next flush
    bool recv_paused_ = false;  // see pause_receive()
    bool recv_pause_cancel_ = false;  // pause_receive() cancelled the recv; its completion is due

    owned<ring::timeout_op> timer_;
    owned<ring::timeout_op> starve_timer_;
    clock::time_point timer_at_ = clock::time_point::max();

    // The receive buffer being consumed by feed().
    ring::buffer_lease current_;
    shared_lease* current_shared_ = nullptr;
    const std::byte* current_begin_ = nullptr;
    const std::byte* current_end_ = nullptr;

    bool broken_ = false;
    bool terminating_ = false;
    bool destroyed_ = false;  // destroy() was called: free once the kernel is idle
    bool in_feed_ = false;
    std::error_code broken_ec_;
    diagnostics broken_diag_;
};

}  // namespace pgring::driver
