#include "ring/loop.hpp"

#include "ring/assert.hpp"
#include "ring/buffer_pool.hpp"
#include "ring/timeout.hpp"
#include "ring/valgrind.hpp"

#include <liburing.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace pgring::ring {

namespace {

std::error_code errno_code(int e) {
    return {e, std::system_category()};
}

// The ring itself failed (not one op): nothing sensible can continue on this thread.
[[noreturn]] void ring_failure(const char* what, int res) {
    std::fprintf(stderr, "pgring: %s failed: %s\n", what, std::strerror(-res));
    std::fflush(stderr);
    std::abort();
}

// Enter errors that only mean "try again after reaping".
bool transient(int res) {
    return res == -EINTR || res == -EAGAIN || res == -EBUSY || res == -ETIME;
}

constexpr unsigned setup_flag_sets[] = {
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN |
        IORING_SETUP_SUBMIT_ALL,                                                       // 6.1+
    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL,  // 6.0
    IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL,                               // 5.19
    IORING_SETUP_SUBMIT_ALL,                                                           // 5.18
    0,
};

}  // namespace

std::unique_ptr<loop> loop::create(const options& opts, std::error_code& ec) {
    ec.clear();
    if (opts.sq_entries < 2 || opts.sq_entries > 32768 || opts.cq_entries > 65536 ||
        (opts.cq_entries != 0 && opts.cq_entries < opts.sq_entries)) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return nullptr;
    }
    std::unique_ptr<loop> lp(new loop());
    ec = lp->init(opts);
    if (ec) {
        return nullptr;
    }
    return lp;
}

std::error_code loop::init(const options& opts) {
    owner_ = std::this_thread::get_id();
    wake_.owner = this;
    wake_.complete = &loop::wake_complete;

    if (auto ec = setup_ring(opts)) {
        return ec;
    }
    probe_opcodes();
    const ring::features& f = features_;
    if (!(f.op_read && f.op_recv && f.op_sendmsg && f.op_connect && f.op_close && f.op_timeout &&
          f.op_link_timeout && f.op_async_cancel && f.op_poll_add && f.op_nop)) {
        return std::make_error_code(std::errc::function_not_supported);
    }
    if (opts.use_buffer_rings) {
        probe_buffer_rings();
    }

    wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
    if (wake_fd_ < 0) {
        return errno_code(errno);
    }
    arm_wake();

    if (opts.pool_buffers != 0) {
        buffer_pool::options po;
        po.buffers = opts.pool_buffers;
        po.buffer_size = opts.pool_buffer_size;
        std::error_code ec;
        default_pool_ = buffer_pool::create(*this, po, ec);
        if (ec) {
            return ec;
        }
    }
    return {};
}

std::error_code loop::setup_ring(const options& opts) {
    const unsigned cq = opts.cq_entries != 0 ? opts.cq_entries : std::min(opts.sq_entries * 8, 65536u);
    int r = -EINVAL;
    for (unsigned wanted : setup_flag_sets) {
        if (!opts.request_setup_flags && wanted != 0) {
            continue;
        }
        // Each flag set first with an explicit CQ size, then without (CQSIZE is 5.5+).
        for (unsigned extra : {unsigned{IORING_SETUP_CQSIZE}, 0u}) {
            io_uring_params p{};
            p.flags = wanted | extra;
            p.cq_entries = extra != 0 ? cq : 0;
            r = io_uring_queue_init_params(opts.sq_entries, &ring_, &p);
            if (r == 0) {
                ring_ready_ = true;
                features_.setup_flags = p.flags;
                features_.ring_features = p.features;
                break;
            }
            if (r != -EINVAL) {
                return errno_code(-r);
            }
        }
        if (ring_ready_) {
            break;
        }
    }
    if (!ring_ready_) {
        return errno_code(-r);
    }
    ring::features& f = features_;
    f.sq_entries = ring_.sq.ring_entries;
    f.cq_entries = ring_.cq.ring_entries;
    f.single_issuer = (f.setup_flags & IORING_SETUP_SINGLE_ISSUER) != 0;
    f.defer_taskrun = (f.setup_flags & IORING_SETUP_DEFER_TASKRUN) != 0;
    f.coop_taskrun = (f.setup_flags & IORING_SETUP_COOP_TASKRUN) != 0;
    f.submit_all = (f.setup_flags & IORING_SETUP_SUBMIT_ALL) != 0;
    f.ext_arg = (f.ring_features & IORING_FEAT_EXT_ARG) != 0;
    f.nodrop = (f.ring_features & IORING_FEAT_NODROP) != 0;
    return {};
}

void loop::probe_opcodes() {
    io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
    if (probe == nullptr) {
        return;  // before 5.6: no probe, and none of the ops this layer needs either
    }
    ring::features& f = features_;
    f.probed = true;
    auto has = [probe](int op) { return io_uring_opcode_supported(probe, op) != 0; };
    f.op_read = has(IORING_OP_READ);
    f.op_recv = has(IORING_OP_RECV);
    f.op_sendmsg = has(IORING_OP_SENDMSG);
    f.op_connect = has(IORING_OP_CONNECT);
    f.op_close = has(IORING_OP_CLOSE);
    f.op_timeout = has(IORING_OP_TIMEOUT);
    f.op_link_timeout = has(IORING_OP_LINK_TIMEOUT);
    f.op_async_cancel = has(IORING_OP_ASYNC_CANCEL);
    f.op_poll_add = has(IORING_OP_POLL_ADD);
    f.op_nop = has(IORING_OP_NOP);
    f.op_socket = has(IORING_OP_SOCKET);
    f.op_send_zc = has(IORING_OP_SEND_ZC);
    f.op_sendmsg_zc = has(IORING_OP_SENDMSG_ZC);
    io_uring_free_probe(probe);
}

// Buffer rings cannot be probed as an opcode: register a one-entry ring and see. With it in
// place, multishot recv is probed the same way: arm one on an idle socketpair and cancel it;
// a kernel without IORING_RECV_MULTISHOT rejects the SQE with -EINVAL. Runs before any user op
// exists, so the CQEs are consumed here directly.
void loop::probe_buffer_rings() {
    const long page = ::sysconf(_SC_PAGESIZE);
    const std::size_t size = page > 0 ? static_cast<std::size_t>(page) : 4096;
    void* mem = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        return;
    }
    const std::uint16_t group = allocate_group_id();
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uintptr_t>(mem);
    reg.ring_entries = 1;
    reg.bgid = group;
    if (io_uring_register_buf_ring(&ring_, &reg, 0) != 0) {
        ::munmap(mem, size);
        return;
    }
    io_uring_buf_ring_init(static_cast<io_uring_buf_ring*>(mem));
    features_.buf_ring = true;

    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
        constexpr std::uint64_t recv_tag = 1;
        constexpr std::uint64_t cancel_tag = 2;
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        io_uring_prep_recv_multishot(sqe, sv[0], nullptr, 0, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = group;
        io_uring_sqe_set_data64(sqe, recv_tag);
        sqe = io_uring_get_sqe(&ring_);
        io_uring_prep_cancel64(sqe, recv_tag, 0);
        io_uring_sqe_set_data64(sqe, cancel_tag);

        int recv_res = 0;
        bool recv_done = false;
        bool cancel_done = false;
        for (int round = 0; round < 20 && !(recv_done && cancel_done); ++round) {
            __kernel_timespec ts = to_kernel_timespec(std::chrono::milliseconds(100));
            io_uring_cqe* cqe = nullptr;
            int r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
            if (r < 0 && !transient(r)) {
                break;
            }
            unsigned head;
            unsigned seen = 0;
            io_uring_for_each_cqe(&ring_, head, cqe) {
                ++seen;
                if (cqe->user_data == recv_tag && !(cqe->flags & IORING_CQE_F_MORE)) {
                    recv_done = true;
                    recv_res = cqe->res;
                } else if (cqe->user_data == cancel_tag) {
                    cancel_done = true;
                }
            }
            io_uring_cq_advance(&ring_, seen);
        }
        // -ECANCELED: armed and waiting. -ENOBUFS: newer kernels pick a buffer before reading,
        // and the probe ring is empty; the flag was still accepted. -EINVAL: flag unknown.
        features_.recv_multishot = recv_done && (recv_res == -ECANCELED || recv_res == -ENOBUFS);
        ::close(sv[0]);
        ::close(sv[1]);
    }
    io_uring_unregister_buf_ring(&ring_, group);
    ::munmap(mem, size);
}

loop::~loop() {
    if (ring_ready_) {
        PGRING_ASSERT_LOOP_THREAD(*this);
        closing_ = true;
        cancel_all_and_drain();
        if (default_pool_) {
            default_pool_->forget_reservations();
            default_pool_.reset();
        }
        PGRING_RING_ASSERT(pools_.empty(), "a buffer_pool outlives its loop");
        io_uring_queue_exit(&ring_);
    }
    if (wake_fd_ >= 0) {
        ::close(wake_fd_);
    }
}

// Cancel everything still in flight and wait until the kernel has posted every final CQE, so
// that no kernel write into owner or pool memory can happen after the destructor returns. The
// completion functions are not run: their owners may already be gone. Bounded: a kernel that
// ignores the cancel (no IORING_ASYNC_CANCEL_ANY before 5.19) costs at most ~2 s.
void loop::cancel_all_and_drain() noexcept {
    auto retire = [this](std::uint64_t user_data, unsigned flags) {
        if (user_data != LIBURING_UDATA_TIMEOUT && !(flags & IORING_CQE_F_MORE) && pending_ > 0) {
            --pending_;
        }
    };
    if (pending_ > 0) {
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
        attach(sqe, nullptr);
        if (wake_.in_flight) {
            sqe = get_sqe();
            io_uring_prep_cancel(sqe, &wake_, 0);
            attach(sqe, nullptr);
        }
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (;;) {
        for (const cqe_record& c : backlog_) {
            retire(c.user_data, c.flags);
        }
        backlog_.clear();
        if (pending_ == 0 || std::chrono::steady_clock::now() >= give_up) {
            break;
        }
        __kernel_timespec ts = to_kernel_timespec(std::chrono::milliseconds(100));
        io_uring_cqe* cqe = nullptr;
        int r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
        if (r < 0 && !transient(r)) {
            break;
        }
        unsigned head;
        unsigned seen = 0;
        io_uring_for_each_cqe(&ring_, head, cqe) {
            ++seen;
            retire(cqe->user_data, cqe->flags);
        }
        io_uring_cq_advance(&ring_, seen);
    }
}

io_uring_sqe* loop::get_sqe(unsigned reserve) {
    PGRING_ASSERT_LOOP_THREAD(*this);
    PGRING_RING_ASSERT(reserve >= 1 && reserve <= features_.sq_entries, "get_sqe(): reserve out of range");
    if (io_uring_sq_space_left(&ring_) < reserve) {
        make_room(reserve);
    }
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    PGRING_RING_ASSERT(sqe != nullptr, "no SQE after make_room()");
    return sqe;
}

// The SQ is full. Submitting empties it unless the kernel refuses (-EBUSY/-EAGAIN while CQEs
// overflow): then park the ready CQEs in the backlog to make room and try again.
void loop::make_room(unsigned n) {
    for (;;) {
        ++forced_submits_;
        flush_pools();
        int r = io_uring_submit(&ring_);
        if (io_uring_sq_space_left(&ring_) >= n) {
            return;
        }
        if (r < 0 && !transient(r)) {
            ring_failure("io_uring_submit", r);
        }
        stash_completions();
    }
}

void loop::stash_completions() {
    // With DEFER_TASKRUN (or an overflowed CQ) completions reach the CQ only inside io_uring_enter.
    io_uring_get_events(&ring_);
    unsigned head;
    unsigned seen = 0;
    io_uring_cqe* cqe;
    io_uring_for_each_cqe(&ring_, head, cqe) {
        backlog_.push_back({cqe->user_data, cqe->res, cqe->flags});
        ++seen;
    }
    io_uring_cq_advance(&ring_, seen);
    parked_completions_ += seen;
}

void loop::attach(io_uring_sqe* sqe, op_base* op) noexcept {
    PGRING_ASSERT_LOOP_THREAD(*this);
    if (op != nullptr) {
        PGRING_RING_ASSERT(!op->in_flight, "op started while still in flight");
        op->in_flight = true;
        op->cqe_flags = 0;
        io_uring_sqe_set_data(sqe, op);
    } else {
        io_uring_sqe_set_data64(sqe, 0);
    }
    ++pending_;
}

void loop::attach_deadline(io_uring_sqe* linked_sqe, linked_timeout& deadline) {
    PGRING_ASSERT_LOOP_THREAD(*this);
    linked_sqe->flags |= IOSQE_IO_LINK;
    // get_sqe(2) left a slot, so this cannot submit and split the link.
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    PGRING_RING_ASSERT(sqe != nullptr, "attach_deadline() needs the linked SQE from get_sqe(2)");
    if (sqe == nullptr) {
        sqe = get_sqe();
    }
    deadline.ts = to_kernel_timespec(deadline.after);
    io_uring_prep_link_timeout(sqe, &deadline.ts, 0);
    attach(sqe, &deadline);
}

void loop::cancel(op_base& target, op_base* notify) {
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_cancel(sqe, &target, 0);
    attach(sqe, notify);
}

std::size_t loop::run_once(std::chrono::nanoseconds max_wait) {
    PGRING_ASSERT_LOOP_THREAD(*this);
    PGRING_RING_ASSERT(!in_turn_, "run_once() called from a completion function");
    in_turn_ = true;
    max_wait = detail::cap_wait(max_wait);
    std::size_t n = drain_backlog();
    flush_pools();
    int r;
    const unsigned quiet = std::exchange(quiet_, 0u);
    if (n > 0 || max_wait.count() == 0) {
        r = io_uring_submit_and_get_events(&ring_);
    } else if (quiet > 0 && (max_wait.count() < 0 || max_wait > quiet_wait_limit)) {
        // The quiet completions plus the one we wait for, in one enter; the limit covers a send
        // that does not complete at once (it returns -ETIME; the next turn waits as usual).
        __kernel_timespec ts = to_kernel_timespec(quiet_wait_limit);
        io_uring_cqe* cqe = nullptr;
        r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1 + quiet, &ts, nullptr);
    } else if (max_wait.count() < 0) {
        r = io_uring_submit_and_wait(&ring_, 1);
    } else {
        __kernel_timespec ts = to_kernel_timespec(max_wait);
        io_uring_cqe* cqe = nullptr;
        r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
    }
    if (r < 0 && !transient(r)) {
        ring_failure("io_uring_enter", r);
    }
    detail::yield_after_wait();
    n += reap();
    in_turn_ = false;
    return n;
}

std::size_t loop::drain_backlog() {
    std::size_t n = 0;
    // Completion functions may park more CQEs (through get_sqe): they are newer, so they go last;
    // index the vector because it may reallocate.
    for (std::size_t i = 0; i < backlog_.size(); ++i) {
        const cqe_record c = backlog_[i];
        n += dispatch(c) ? 1 : 0;
    }
    backlog_.clear();
    return n;
}

std::size_t loop::reap() {
    std::size_t n = 0;
    // Bounded so that a flood of multishot CQEs cannot keep one turn going forever.
    const unsigned max_rounds = features_.cq_entries / batch_size + 2;
    for (unsigned round = 0; round < max_rounds; ++round) {
        n += drain_backlog();
        unsigned head;
        unsigned count = 0;
        io_uring_cqe* cqe;
        io_uring_for_each_cqe(&ring_, head, cqe) {
            batch_[count] = {cqe->user_data, cqe->res, cqe->flags};
            if (++count == batch_size) {
                break;
            }
        }
        io_uring_cq_advance(&ring_, count);
        for (unsigned i = 0; i < count; ++i) {
            n += dispatch(batch_[i]) ? 1 : 0;
        }
        if (count < batch_size && backlog_.empty()) {
            break;
        }
    }
    return n;
}

bool loop::dispatch(const cqe_record& c) noexcept {
    if (c.user_data == LIBURING_UDATA_TIMEOUT) {
        return false;  // liburing's own wait timeout (kernels without IORING_FEAT_EXT_ARG)
    }
    const bool final = (c.flags & IORING_CQE_F_MORE) == 0;
    if (final) {
        PGRING_RING_ASSERT(pending_ > 0, "more final CQEs than attached SQEs");
        --pending_;
    }
    if (c.user_data == 0) {
        return true;
    }
    auto* op = reinterpret_cast<op_base*>(static_cast<std::uintptr_t>(c.user_data));
    op->res = c.res;
    op->cqe_flags = c.flags;
    if (final) {
        op->in_flight = false;
    }
    // The op (and its owner) may be gone once complete() returns: do not touch it afterwards.
    if (op->complete != nullptr) {
        op->complete(op, c.res, c.flags);
    }
    return true;
}

void loop::flush_pools() noexcept {
    for (buffer_pool* p : pools_) {
        p->flush();
    }
}

void loop::run() {
    PGRING_ASSERT_LOOP_THREAD(*this);
    while (!stopped_) {
        if (pending() == 0 && guards_ == 0 && backlog_.empty() && !has_posted()) {
            break;
        }
        run_once(wait_forever);
    }
    stopped_ = false;
}

bool loop::has_posted() {
    std::lock_guard<std::mutex> lock(post_mutex_);
    return !posted_.empty();
}

void loop::post(std::function<void()> fn) {
    bool wake;
    {
        std::lock_guard<std::mutex> lock(post_mutex_);
        posted_.push_back(std::move(fn));
        wake = !wake_signalled_;
        wake_signalled_ = true;
    }
    if (wake) {
        const std::uint64_t one = 1;
        while (::write(wake_fd_, &one, sizeof one) < 0 && errno == EINTR) {
        }
    }
}

void loop::arm_wake() {
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_read(sqe, wake_fd_, &wake_value_, sizeof wake_value_, 0);
    attach(sqe, &wake_);
}

void loop::wake_complete(op_base* op, int res, unsigned) {
    loop& lp = *static_cast<wake_op*>(op)->owner;
    if (res == static_cast<int>(sizeof lp.wake_value_)) {
        detail::mark_defined(&lp.wake_value_, sizeof lp.wake_value_);
    } else if (res < 0 && res != -EINTR && res != -EAGAIN && res != -ECANCELED) {
        ring_failure("eventfd read", res);
    }
    if (lp.closing_) {
        return;
    }
    lp.arm_wake();
    lp.run_posted();
}

void loop::run_posted() {
    {
        std::lock_guard<std::mutex> lock(post_mutex_);
        running_.swap(posted_);
        wake_signalled_ = false;
    }
    for (auto& fn : running_) {
        fn();
    }
    running_.clear();
}

void loop::add_pool(buffer_pool* p) {
    pools_.push_back(p);
}

void loop::remove_pool(buffer_pool* p) noexcept {
    pools_.erase(std::remove(pools_.begin(), pools_.end(), p), pools_.end());
}

loop::work_guard::work_guard(loop& lp) noexcept : loop_(&lp) {
    PGRING_ASSERT_LOOP_THREAD(lp);
    ++lp.guards_;
}

loop::work_guard::~work_guard() {
    PGRING_ASSERT_LOOP_THREAD(*loop_);
    --loop_->guards_;
}

}  // namespace pgring::ring
