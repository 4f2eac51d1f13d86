#pragma once

// Socket operations on the ring, at callback level: connect, recv into pool buffers (multishot
// when the kernel has it), sendmsg with an iovec array, close. Each is an op record the owner
// embeds (connect_op, recv_op, send_op, or a bare op_base) plus an async_* function that fills
// the record and queues its SQE; the SQE goes to the kernel at the next loop turn and the result
// comes back through the record's completion function. Nothing here allocates.
//
// recv rules (recv_op), from the owner's point of view:
//
//   on_data(op, n > 0, lease)      n bytes in `lease`; op.in_flight says whether more will come
//   on_data(op, 0, {})             end of stream; the op is finished
//   on_data(op, -ENOBUFS, {})      the pool ran dry; the op is finished. Not an error: release
//                                  leases, then call async_recv() again; no byte is lost
//   on_data(op, -ECANCELED, {})    cancelled, or its linked deadline fired
//   on_data(op, -errno, {})        socket error (-ECONNRESET, ...)
//
// A multishot recv stays armed across many completions (op.in_flight stays true). Whenever a
// completion arrives with op.in_flight false (no IORING_CQE_F_MORE), including one that carries
// data, the recv is over and its owner must re-arm it to keep reading.
//
// After -ENOBUFS, re-arm only once at least one buffer of the pool is free again: newer kernels
// pick the buffer before reading, so a recv armed on an empty pool fails again at once (a busy
// loop) instead of waiting for data. A buffer released inside on_data is usable by the recv
// re-armed in the same callback: returned buffers are published before the next submit.
//
// Thread: loop thread only.

#include "ring/buffer_pool.hpp"
#include "ring/loop.hpp"
#include "ring/op_base.hpp"
#include "ring/timeout.hpp"

#include <liburing.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

namespace pgring::ring {

/// A connect in flight. The owner sets `on_done`; async_connect fills the rest.
/// Lifetime: alive until on_done runs. Thread: loop thread.
struct connect_op : op_base {
    /// Called once: `res` is 0 when connected, -errno otherwise (-ECONNREFUSED, -ENOENT for a
    /// missing unix socket, -ECANCELED when cancelled or past its deadline, ...).
    using done_fn = void (*)(connect_op& op, int res);
    done_fn on_done = nullptr;
    /// The socket async_connect created. It belongs to the caller from the moment async_connect
    /// returns, whatever the outcome: close it (async_close or ::close) when done.
    int fd = -1;

    // Internal state, owned by async_connect.
    loop* owner = nullptr;
    sockaddr_storage address{};
    socklen_t address_size = 0;
    bool polling = false;  // waiting for POLLOUT after an old kernel answered -EINPROGRESS
};

/// Creates a nonblocking, close-on-exec stream socket for `addr`'s family (AF_INET, AF_INET6 with
/// TCP_NODELAY; AF_UNIX) and starts IORING_OP_CONNECT on it, with `deadline` linked if given.
/// `addr` is copied. On success the completion comes through `op.on_done`.
/// Errors (returned now, no completion follows, op.fd stays -1): `invalid_argument` for a bad
/// address length, `address_family_not_supported`, or the socket()/setsockopt() errno.
/// Thread: loop thread.
[[nodiscard]] std::error_code async_connect(loop& lp, connect_op& op, const sockaddr* addr,
                                            socklen_t addr_size, linked_timeout* deadline = nullptr);

/// How a recv reads.
enum class recv_shots : std::uint8_t {
    multi,   ///< multishot when the kernel, the pool and the socket allow it, else single
    single,  ///< exactly one completion per async_recv
};

/// A recv into pool buffers. The owner sets `on_data`; async_recv fills the rest.
/// Lifetime: alive until a completion with `in_flight` false. Thread: loop thread.
struct recv_op : op_base {
    /// Called per completion; see the file comment for the meaning of `res`. `lease` holds the
    /// bytes when res > 0 and is empty otherwise.
    using data_fn = void (*)(recv_op& op, int res, buffer_lease lease);
    data_fn on_data = nullptr;

    /// How the current recv was issued (set by async_recv).
    enum class mode : std::uint8_t {
        multishot,  // IORING_RECV_MULTISHOT + IOSQE_BUFFER_SELECT
        select,     // one IORING_OP_RECV + IOSQE_BUFFER_SELECT
        reserved,   // fallback: one plain IORING_OP_RECV into a buffer reserved from the pool
        starved,    // fallback with no free buffer: a NOP that reports -ENOBUFS
    };

    // Internal state, owned by async_recv.
    int fd = -1;
    buffer_pool* pool = nullptr;
    mode how = mode::select;
    std::uint16_t reserved_id = 0;
};

/// Starts receiving from `fd` into buffers of `pool` (see the file comment for the completions).
/// Multishot needs features().recv_multishot and a pool that uses_ring(); a `deadline` forces a
/// single shot, and so does an AF_UNIX socket (a kernel bug can lose the EOF completion of a
/// multishot recv there; see socket_ops.cpp). Never fails synchronously: a pool without free
/// buffers reports -ENOBUFS through on_data at the next turn.
/// Thread: loop thread.
void async_recv(loop& lp, recv_op& op, int fd, buffer_pool& pool, recv_shots shots = recv_shots::multi,
                linked_timeout* deadline = nullptr);

/// A sendmsg in flight: the owner sets op_base::complete, which gets the bytes sent (possibly
/// fewer than asked: resuming is the owner's job, see consume_iovecs) or -errno.
/// Lifetime: alive until its completion. Thread: loop thread.
struct send_op : op_base {
    msghdr msg{};  // filled by async_sendmsg
};

/// Starts IORING_OP_SENDMSG of `iov` on `fd` (MSG_NOSIGNAL: a closed peer gives -EPIPE, not a
/// signal), with `deadline` linked if given.
/// Lifetime: the iovec array and the bytes it points to must stay alive and unchanged until the
/// completion. Thread: loop thread.
void async_sendmsg(loop& lp, send_op& op, int fd, std::span<const iovec> iov,
                   linked_timeout* deadline = nullptr);

/// Drops the first `sent` bytes from `iov` after a partial send: fully sent entries leave the
/// span, a partly sent one is trimmed in place. `sent` past the end empties the span.
void consume_iovecs(std::span<iovec>& iov, std::size_t sent) noexcept;

/// Starts IORING_OP_CLOSE of `fd`; `op.complete` gets 0 or -errno.
/// Thread: loop thread.
void async_close(loop& lp, op_base& op, int fd);

}  // namespace pgring::ring
