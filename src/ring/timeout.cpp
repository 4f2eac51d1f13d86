#include "ring/timeout.hpp"

#include "ring/assert.hpp"
#include "ring/loop.hpp"

namespace pgring::ring {

void async_timeout(loop& lp, timeout_op& op, std::chrono::nanoseconds after) {
    op.ts = to_kernel_timespec(after);
    io_uring_sqe* sqe = lp.get_sqe();
    io_uring_prep_timeout(sqe, &op.ts, 0, 0);
    lp.attach(sqe, &op);
}

void async_nop(loop& lp, op_base& op) {
    io_uring_sqe* sqe = lp.get_sqe();
    io_uring_prep_nop(sqe);
    lp.attach(sqe, &op);
}

}  // namespace pgring::ring
