#pragma once

// ring::op_base: the record behind every io_uring operation.
//
// The owner embeds an op_base (or a type derived from it: connect_op, recv_op, send_op,
// timeout_op, linked_timeout) in its own object or coroutine frame; the SQE's user_data is the
// op_base's address, so starting an operation allocates nothing. When a CQE arrives the loop
// stores its result in `res`/`cqe_flags` and calls `complete`.
//
// Lifecycle of one op:
//
//   idle --start (async_* / loop::attach)--> in flight --CQE with IORING_CQE_F_MORE--> in flight
//                                               |                                       |
//                                               +--CQE without F_MORE (final)-----------+--> idle
//
// `in_flight` is set when the SQE is queued and cleared just before the final completion runs,
// so a completion function may restart (re-arm) the same op or destroy its owner. An op must stay
// alive and must not move while it is in flight: the kernel holds its address.

#include <liburing.h>

namespace pgring::ring {

/// The per-operation record whose address is the SQE's user_data.
/// Lifetime: must outlive its last CQE (`in_flight` false); it is neither copyable nor movable.
/// Thread: loop thread only.
struct op_base {
    /// Called once per CQE. Must not throw. `op` is this record; `res` and `cqe_flags` are the CQE's.
    using complete_fn = void (*)(op_base* op, int res, unsigned cqe_flags);

    op_base() = default;
    op_base(const op_base&) = delete;
    op_base& operator=(const op_base&) = delete;

    /// Completion function; null means the completion is only recorded in `res`/`cqe_flags`.
    complete_fn complete = nullptr;
    /// The last CQE's result: >= 0 on success, -errno on failure.
    int res = 0;
    /// The last CQE's flags (IORING_CQE_F_MORE, IORING_CQE_F_BUFFER, ...).
    unsigned cqe_flags = 0;
    /// True from queueing until the final CQE (the one without IORING_CQE_F_MORE) is dispatched.
    bool in_flight = false;

    /// True when the last CQE announced more completions for this op (multishot).
    bool more() const noexcept { return (cqe_flags & IORING_CQE_F_MORE) != 0; }
};

}  // namespace pgring::ring
