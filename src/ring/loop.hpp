#pragma once

// ring::loop: one io_uring per thread and everything that runs on it.
//
// Who owns what
//
//   loop ──owns──> io_uring (SQ, CQ), the wake-up eventfd and its read op, the default buffer_pool
//        └─knows─> every other buffer_pool made for it (each must be destroyed before the loop)
//   caller ─owns─> every op_base (embedded in its objects or frames), every socket fd, every lease
//
// One turn (run_once)
//
//   1. dispatch completions parked in the backlog by get_sqe() (see below), oldest first
//   2. publish the buffers returned to each pool (one buf-ring tail store per pool)
//   3. io_uring_submit_and_wait[_timeout]: one syscall submits every queued SQE and waits for a CQE
//   4. copy up to batch_size CQEs out of the CQ, one io_uring_cq_advance, then dispatch each:
//      user_data -> op_base -> complete(op, res, flags); repeat while the CQ had a full batch
//
// Completion functions may start new ops: they are queued for the next turn. get_sqe() never
// fails: when the SQ is full it submits on the spot, and if the kernel refuses (CQ overflow) it
// copies the waiting CQEs into the backlog (step 1), so no completion function runs inside
// get_sqe() and the completions of one op stay in order.
//
// Op lifecycle (see op_base.hpp): queued by get_sqe() + attach() -> in flight -> final CQE
// (no IORING_CQE_F_MORE) clears `in_flight` and runs `complete`. pending() counts queued and in
// flight ops whose final CQE has not been dispatched; run() returns when it is zero and nothing
// else keeps the loop alive.
//
// Cross-thread work: post(fn) appends fn to a mutex-protected queue and writes the eventfd (only
// the first post after a wake-up writes). The loop keeps one IORING_OP_READ armed on the eventfd;
// its completion re-arms it and runs the queued functions on the loop thread. Only this path locks.
//
// Setup: SINGLE_ISSUER | DEFER_TASKRUN | COOP_TASKRUN | SUBMIT_ALL when the kernel takes them
// (retrying with fewer flags on EINVAL); opcodes, provided buffer rings and multishot recv are
// probed once at creation and exposed in features(). Missing optional features mean fallbacks.
//
// Thread: a loop belongs to the thread that created it (it is the ring's single issuer).
// Everything here, and every loop-owned object (pools, leases, ops), is for that thread only,
// except post(). Debug builds check it with PGRING_ASSERT_LOOP_THREAD.

#include "ring/op_base.hpp"

#include <liburing.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace pgring::ring {

class buffer_pool;
struct linked_timeout;

/// What the kernel granted at loop creation. Plain data, filled once; readable from any thread.
struct features {
    unsigned setup_flags = 0;    ///< IORING_SETUP_* flags the ring was created with
    unsigned ring_features = 0;  ///< IORING_FEAT_* flags reported by io_uring_setup
    unsigned sq_entries = 0;     ///< SQ size the kernel made
    unsigned cq_entries = 0;     ///< CQ size the kernel made
    bool single_issuer = false;  ///< IORING_SETUP_SINGLE_ISSUER granted
    bool defer_taskrun = false;  ///< IORING_SETUP_DEFER_TASKRUN granted (completions run in run_once)
    bool coop_taskrun = false;   ///< IORING_SETUP_COOP_TASKRUN granted
    bool submit_all = false;     ///< IORING_SETUP_SUBMIT_ALL granted
    bool ext_arg = false;        ///< waits with a timeout need no timeout SQE
    bool nodrop = false;         ///< the kernel keeps overflowing CQEs instead of dropping them

    bool probed = false;  ///< io_uring_get_probe_ring() worked; the op_* fields are meaningful
    // op_*: the opcode is supported (IORING_OP_READ, IORING_OP_RECV, ...).
    bool op_read = false;
    bool op_recv = false;
    bool op_sendmsg = false;
    bool op_connect = false;
    bool op_close = false;
    bool op_timeout = false;
    bool op_link_timeout = false;
    bool op_async_cancel = false;
    bool op_poll_add = false;
    bool op_nop = false;
    bool op_socket = false;
    bool op_send_zc = false;
    bool op_sendmsg_zc = false;

    bool buf_ring = false;        ///< io_uring_register_buf_ring works (provided buffer rings)
    bool recv_multishot = false;  ///< IORING_RECV_MULTISHOT is accepted (needs buf_ring)
};

/// Creation parameters of a loop.
struct loop_options {
    /// SQ size (rounded up to a power of two by the kernel), 2..32768.
    unsigned sq_entries = 256;
    /// CQ size, sq_entries..65536; 0 means 8 x sq_entries (at most 65536). Multishot recv posts
    /// many CQEs per SQE.
    unsigned cq_entries = 0;
    /// Ask for SINGLE_ISSUER | DEFER_TASKRUN | COOP_TASKRUN | SUBMIT_ALL. False gives a plain ring
    /// (tests use it to exercise the fallback paths).
    bool request_setup_flags = true;
    /// Use provided buffer rings when the kernel has them. False behaves as if it did not: every
    /// pool falls back to plain recv into pool buffers and multishot recv is off.
    bool use_buffer_rings = true;
    /// Buffers in the default pool; 0 means no default pool.
    std::uint32_t pool_buffers = 64;
    /// Size of each default-pool buffer in bytes.
    std::uint32_t pool_buffer_size = 64 * 1024;
};

/// One io_uring and its completion dispatch; see the file comment.
/// Thread: the creating thread only, except post().
class loop {
public:
    using options = loop_options;

    /// Pass to run_once() to wait until at least one completion arrives.
    static constexpr std::chrono::nanoseconds wait_forever{-1};
    /// CQEs copied out of the CQ per advance.
    static constexpr std::size_t batch_size = 256;

    /// Creates a loop owned by the calling thread.
    /// Errors: `ec` = the io_uring_setup/mmap errno (ENOSYS, EPERM under seccomp, ENOMEM, ...),
    /// `std::errc::invalid_argument` for bad options, `std::errc::function_not_supported` when
    /// the kernel lacks an op the ring layer cannot do without (READ, RECV, SENDMSG, CONNECT,
    /// CLOSE, TIMEOUT, LINK_TIMEOUT, ASYNC_CANCEL, POLL_ADD, NOP: all present since Linux 5.6).
    /// Returns null on error.
    [[nodiscard]] static std::unique_ptr<loop> create(const options& opts, std::error_code& ec);

    /// Cancels every op still in flight, waits (bounded) for the kernel to let go of them without
    /// running their completion functions, destroys the default pool, closes the ring.
    /// Lifetime: every other buffer_pool and every lease of the default pool must be gone.
    ~loop();

    loop(const loop&) = delete;
    loop& operator=(const loop&) = delete;

    /// What the kernel granted; filled at creation.
    const ring::features& features() const noexcept { return features_; }

    /// True on the thread that owns the loop. Thread: any.
    bool is_current() const noexcept { return std::this_thread::get_id() == owner_; }

    /// The pool made from options::pool_buffers, or null when that was 0.
    buffer_pool* default_pool() noexcept { return default_pool_.get(); }

    /// Returns a zeroed SQE after making sure `reserve` SQ slots are free, so that many SQEs can be
    /// taken in a row without a submit in between (2 for an op and its linked deadline). Never
    /// fails: a full SQ is submitted on the spot (see the file comment). Fill it, then attach().
    /// Thread: loop thread.
    io_uring_sqe* get_sqe(unsigned reserve = 1);

    /// Makes `op` the SQE's user_data, marks it in flight and counts it as pending. `op` may be
    /// null for fire-and-forget SQEs: their CQEs are counted and dropped.
    /// Thread: loop thread.
    void attach(io_uring_sqe* sqe, op_base* op) noexcept;

    /// Links `deadline` to the SQE just taken and attached (which must have come from
    /// get_sqe(2)): sets IOSQE_IO_LINK on it and queues an IORING_OP_LINK_TIMEOUT after it.
    /// Thread: loop thread.
    void attach_deadline(io_uring_sqe* linked_sqe, linked_timeout& deadline);

    /// Asks the kernel to cancel `target` (IORING_OP_ASYNC_CANCEL on its user_data). `target`
    /// then completes with -ECANCELED unless it finished first. `notify`, if given, receives the
    /// cancel's own result: 0 found, -ENOENT not found, -EALREADY already running.
    /// Thread: loop thread.
    void cancel(op_base& target, op_base* notify = nullptr);

    /// Submits, waits up to `max_wait` for one completion (wait_forever: no limit; zero: do not
    /// wait) and dispatches every completion that is ready. Returns the number dispatched.
    /// Under valgrind (-Dvalgrind=true builds) waits last at most 10 ms (see ring/valgrind.hpp).
    /// Must not be called from a completion function.
    /// Thread: loop thread.
    std::size_t run_once(std::chrono::nanoseconds max_wait = wait_forever);

    /// Tells the loop that the op just queued completes on its own, soon (a small send), and
    /// that its completion alone makes nothing ready: the next blocking run_once() then waits
    /// for one completion more, so that one io_uring_enter submits a request's send and also
    /// waits for its answer. A safety timeout (quiet_wait_limit) bounds the extra wait.
    /// Thread: loop thread.
    void expect_quiet_completion() noexcept { ++quiet_; }
    /// How long a blocking run_once() waits for the completions of expect_quiet_completion()
    /// before it returns with fewer.
    static constexpr std::chrono::milliseconds quiet_wait_limit{2};

    /// Runs turns until stop() is called, or until no op is pending, no work_guard exists and no
    /// posted function is waiting. Clears the stop request on return.
    /// Thread: loop thread.
    void run();

    /// Makes run() return after the current turn. From another thread: post([&]{ lp.stop(); }).
    /// Thread: loop thread.
    void stop() noexcept { stopped_ = true; }

    /// Ops queued or in flight whose final completion has not been dispatched (the loop's own
    /// wake-up read excluded). Thread: loop thread.
    std::size_t pending() const noexcept { return pending_ - (wake_.in_flight ? 1 : 0); }

    /// Times get_sqe() found the SQ full and submitted on its own. Thread: loop thread.
    std::uint64_t forced_submits() const noexcept { return forced_submits_; }
    /// CQEs get_sqe() had to park in the backlog to make the kernel take more SQEs.
    /// Thread: loop thread.
    std::uint64_t parked_completions() const noexcept { return parked_completions_; }

    /// Queues `fn` to run on the loop thread during a later turn and wakes the loop.
    /// Errors: only std::bad_alloc. Lifetime: the loop must outlive the call.
    /// Thread: any.
    void post(std::function<void()> fn);

    /// Keeps run() going while no op is pending (e.g. while other threads will post()).
    /// Thread: loop thread (construction and destruction).
    class work_guard {
    public:
        /// Counts one more reason for run() to keep going.
        explicit work_guard(loop& lp) noexcept;
        /// Drops it again.
        ~work_guard();
        work_guard(const work_guard&) = delete;
        work_guard& operator=(const work_guard&) = delete;

    private:
        loop* loop_;
    };

private:
    friend class buffer_pool;

    struct cqe_record {
        std::uint64_t user_data;
        std::int32_t res;
        std::uint32_t flags;
    };

    struct wake_op : op_base {
        loop* owner = nullptr;
    };

    loop() = default;

    std::error_code init(const options& opts);
    std::error_code setup_ring(const options& opts);
    void probe_opcodes();
    void probe_buffer_rings();
    void arm_wake();
    static void wake_complete(op_base* op, int res, unsigned flags);
    void run_posted();
    bool has_posted();

    void make_room(unsigned n);
    void stash_completions();
    std::size_t drain_backlog();
    std::size_t reap();
    bool dispatch(const cqe_record& c) noexcept;
    void flush_pools() noexcept;
    void cancel_all_and_drain() noexcept;

    std::uint16_t allocate_group_id() noexcept { return next_group_id_++; }
    void add_pool(buffer_pool* p);
    void remove_pool(buffer_pool* p) noexcept;

    io_uring ring_{};
    bool ring_ready_ = false;
    std::thread::id owner_;
    ring::features features_{};

    std::size_t pending_ = 0;  // attached SQEs whose final CQE has not been dispatched
    std::size_t guards_ = 0;
    bool stopped_ = false;
    bool in_turn_ = false;  // run_once() is on the stack
    bool closing_ = false;  // the destructor runs: do not re-arm the wake-up read

    std::uint16_t next_group_id_ = 0;
    std::vector<buffer_pool*> pools_;
    std::unique_ptr<buffer_pool> default_pool_;

    // CQEs are copied out before dispatch so the CQ can be advanced once per batch and so that
    // completion functions may submit (and, through get_sqe(), even park CQEs) safely.
    std::array<cqe_record, batch_size> batch_{};
    std::vector<cqe_record> backlog_;  // parked by get_sqe(); older than anything left in the CQ
    std::uint64_t forced_submits_ = 0;
    unsigned quiet_ = 0;  // see expect_quiet_completion()
    std::uint64_t parked_completions_ = 0;

    int wake_fd_ = -1;
    wake_op wake_;
    std::uint64_t wake_value_ = 0;  // the eventfd read lands here

    std::mutex post_mutex_;
    std::vector<std::function<void()>> posted_;   // guarded by post_mutex_
    bool wake_signalled_ = false;                 // guarded by post_mutex_: eventfd already written
    std::vector<std::function<void()>> running_;  // loop thread: the batch being run
};

}  // namespace pgring::ring
