#pragma once

// Timers on the ring: a relative IORING_OP_TIMEOUT (timeout_op) and a deadline linked to another
// op with IOSQE_IO_LINK + IORING_OP_LINK_TIMEOUT (linked_timeout).
//
// A linked deadline produces two CQEs, in either order, and the owner must keep both records
// alive until both have arrived (`in_flight` false on both):
//
//   the op finished first:   op CQE = its own result      timeout CQE = -ECANCELED
//   the deadline fired:      op CQE = -ECANCELED (*)      timeout CQE = -ETIME
//
//   (*) or -EINTR on some kernels when the op was already running; treat both as "timed out".

#include "ring/op_base.hpp"

#include <liburing.h>

#include <chrono>
#include <cstdint>

namespace pgring::ring {

class loop;

/// Converts a relative duration to the kernel's timespec; negative durations become zero.
inline __kernel_timespec to_kernel_timespec(std::chrono::nanoseconds d) noexcept {
    if (d.count() < 0) {
        d = std::chrono::nanoseconds::zero();
    }
    __kernel_timespec ts{};
    ts.tv_sec = static_cast<std::int64_t>(d.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long long>(d.count() % 1'000'000'000);
    return ts;
}

/// A relative timer: completes with -ETIME when it fires, -ECANCELED when cancelled.
/// Lifetime: alive until its completion. Thread: loop thread.
struct timeout_op : op_base {
    __kernel_timespec ts{};  // read by the kernel when the SQE is submitted
};

/// Starts `op` to fire after `after`. Completion: `op.complete(op, -ETIME, 0)`.
/// Thread: loop thread.
void async_timeout(loop& lp, timeout_op& op, std::chrono::nanoseconds after);

/// A deadline for one other operation; pass it to an async_* function that takes one, or to
/// loop::attach_deadline(). Set `after` (and `complete`, if the owner wants to hear about it)
/// before starting. See the file comment for the two CQEs and their results.
/// Lifetime: alive until its own completion. Thread: loop thread.
struct linked_timeout : op_base {
    /// How long the linked op may take, counted from its submission.
    std::chrono::nanoseconds after{};
    __kernel_timespec ts{};  // filled from `after`; read by the kernel at submission
};

/// Queues a no-op that completes with 0 on the next loop turn (tests, deferred wake-ups).
/// Thread: loop thread.
void async_nop(loop& lp, op_base& op);

}  // namespace pgring::ring
