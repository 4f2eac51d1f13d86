#include "ring/socket_ops.hpp"

#include "ring/assert.hpp"

#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace pgring::ring {

// The recv ops reach into the pool through this one door (see buffer_pool's friends).
struct pool_access {
    static buffer_lease lease_from_kernel(buffer_pool& p, std::uint16_t id, std::uint32_t len) noexcept {
        return p.lease_from_kernel(id, std::min(len, p.size_));
    }
    static bool valid_id(const buffer_pool& p, std::uint16_t id) noexcept { return p.valid_id(id); }
    static void recycle(buffer_pool& p, std::uint16_t id) noexcept { p.recycle(id); }
    static bool reserve(buffer_pool& p, std::uint16_t& id) noexcept { return p.reserve(id); }
    static std::byte* data_of(const buffer_pool& p, std::uint16_t id) noexcept { return p.data_of(id); }
    static buffer_lease adopt_reserved(buffer_pool& p, std::uint16_t id, std::uint32_t len) noexcept {
        return p.adopt_reserved(id, std::min(len, p.size_));
    }
    static void release(buffer_pool& p, std::uint16_t id) noexcept { p.release(id); }
    static void note_enobufs(buffer_pool& p) noexcept { p.note_enobufs(); }
};

namespace {

// ---- connect ---------------------------------------------------------------------------------

void connect_complete(op_base* base, int res, unsigned) {
    auto& op = static_cast<connect_op&>(*base);
    if (op.polling) {
        // POLLOUT (or POLLERR/POLLHUP) arrived: the connect's outcome is in SO_ERROR.
        op.polling = false;
        if (res >= 0) {
            int err = 0;
            socklen_t len = sizeof err;
            res = ::getsockopt(op.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 ? -err : -errno;
        }
    } else if (res == -EISCONN) {
        // Kernels that retry the connect after their internal poll report success this way.
        res = 0;
    } else if (res == -EINPROGRESS || res == -EALREADY) {
        // Kernels before 6.x may hand a nonblocking socket's EINPROGRESS back instead of waiting:
        // wait for writability here. A linked deadline does not cover this wait.
        op.polling = true;
        io_uring_sqe* sqe = op.owner->get_sqe();
        io_uring_prep_poll_add(sqe, op.fd, POLLOUT);
        op.owner->attach(sqe, &op);
        return;
    }
    if (op.on_done != nullptr) {
        op.on_done(op, res);
    }
}

// ---- recv ------------------------------------------------------------------------------------

void recv_complete(op_base* base, int res, unsigned flags) {
    auto& op = static_cast<recv_op&>(*base);
    buffer_pool& pool = *op.pool;
    buffer_lease lease;
    switch (op.how) {
        case recv_op::mode::multishot:
        case recv_op::mode::select:
            if ((flags & IORING_CQE_F_BUFFER) != 0) {
                const auto id = static_cast<std::uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
                if (!pool_access::valid_id(pool, id)) {
                    res = -EIO;
                } else if (res > 0) {
                    lease = pool_access::lease_from_kernel(pool, id, static_cast<std::uint32_t>(res));
                } else {
                    pool_access::recycle(pool, id);
                }
            } else if (res > 0) {
                res = -EIO;  // bytes without a buffer: impossible with IOSQE_BUFFER_SELECT
            }
            break;
        case recv_op::mode::reserved:
            if (res > 0) {
                lease = pool_access::adopt_reserved(pool, op.reserved_id, static_cast<std::uint32_t>(res));
            } else {
                pool_access::release(pool, op.reserved_id);
            }
            break;
        case recv_op::mode::starved:
            if (res >= 0) {
                res = -ENOBUFS;
            }
            break;
    }
    if (res == -ENOBUFS) {
        pool_access::note_enobufs(pool);
    }
    op.on_data(op, res, std::move(lease));
}

// Multishot recv on AF_UNIX stream sockets can lose the final EOF completion when the peer's
// shutdown races with its last write (liburing issue #1549, a kernel bug fixed in 2026; Linux 6.18
// here still shows it about once in 500 connections). Unix sockets therefore read single-shot;
// TCP is not affected. One getsockopt per multishot arm, and arms are rare.
bool multishot_safe(int fd) noexcept {
    int domain = AF_UNSPEC;
    socklen_t len = sizeof domain;
    return ::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain != AF_UNIX;
}

}  // namespace

std::error_code async_connect(loop& lp, connect_op& op, const sockaddr* addr, socklen_t addr_size,
                              linked_timeout* deadline) {
    PGRING_ASSERT_LOOP_THREAD(lp);
    op.fd = -1;
    if (addr == nullptr || addr_size < static_cast<socklen_t>(sizeof(sa_family_t)) ||
        addr_size > static_cast<socklen_t>(sizeof(sockaddr_storage))) {
        return std::make_error_code(std::errc::invalid_argument);
    }
    const int family = addr->sa_family;
    if (family != AF_INET && family != AF_INET6 && family != AF_UNIX) {
        return std::make_error_code(std::errc::address_family_not_supported);
    }
    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return {errno, std::system_category()};
    }
    if (family != AF_UNIX) {
        // PostgreSQL exchanges small messages that must not wait for Nagle.
        const int one = 1;
        if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
            const int e = errno;
            ::close(fd);
            return {e, std::system_category()};
        }
    }
    op.fd = fd;
    op.owner = &lp;
    op.polling = false;
    std::memcpy(&op.address, addr, addr_size);
    op.address_size = addr_size;
    op.complete = &connect_complete;

    io_uring_sqe* sqe = lp.get_sqe(deadline != nullptr ? 2 : 1);
    io_uring_prep_connect(sqe, fd, reinterpret_cast<const sockaddr*>(&op.address), op.address_size);
    lp.attach(sqe, &op);
    if (deadline != nullptr) {
        lp.attach_deadline(sqe, *deadline);
    }
    return {};
}

void async_recv(loop& lp, recv_op& op, int fd, buffer_pool& pool, recv_shots shots,
                linked_timeout* deadline) {
    PGRING_ASSERT_LOOP_THREAD(lp);
    PGRING_RING_ASSERT(op.on_data != nullptr, "recv_op::on_data not set");
    PGRING_RING_ASSERT(&pool.owner() == &lp, "buffer_pool belongs to another loop");
    op.fd = fd;
    op.pool = &pool;
    op.complete = &recv_complete;

    io_uring_sqe* sqe = lp.get_sqe(deadline != nullptr ? 2 : 1);
    if (pool.uses_ring()) {
        const bool multi = shots == recv_shots::multi && deadline == nullptr &&
                           lp.features().recv_multishot && multishot_safe(fd);
        if (multi) {
            io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
            op.how = recv_op::mode::multishot;
        } else {
            io_uring_prep_recv(sqe, fd, nullptr, 0, 0);
            op.how = recv_op::mode::select;
        }
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = pool.group_id();
    } else {
        std::uint16_t id = 0;
        if (pool_access::reserve(pool, id)) {
            io_uring_prep_recv(sqe, fd, pool_access::data_of(pool, id), pool.buffer_size(), 0);
            op.how = recv_op::mode::reserved;
            op.reserved_id = id;
        } else {
            io_uring_prep_nop(sqe);
            op.how = recv_op::mode::starved;
        }
    }
    lp.attach(sqe, &op);
    if (deadline != nullptr) {
        lp.attach_deadline(sqe, *deadline);
    }
}

void async_sendmsg(loop& lp, send_op& op, int fd, std::span<const iovec> iov, linked_timeout* deadline) {
    PGRING_ASSERT_LOOP_THREAD(lp);
    op.msg = msghdr{};
    // The kernel only reads the iovecs; msghdr just lacks the const.
    op.msg.msg_iov = const_cast<iovec*>(iov.data());
    op.msg.msg_iovlen = iov.size();
    io_uring_sqe* sqe = lp.get_sqe(deadline != nullptr ? 2 : 1);
    io_uring_prep_sendmsg(sqe, fd, &op.msg, MSG_NOSIGNAL);
    lp.attach(sqe, &op);
    if (deadline != nullptr) {
        lp.attach_deadline(sqe, *deadline);
    }
}

void consume_iovecs(std::span<iovec>& iov, std::size_t sent) noexcept {
    std::size_t i = 0;
    while (i < iov.size() && sent >= iov[i].iov_len) {
        sent -= iov[i].iov_len;
        ++i;
    }
    iov = iov.subspan(i);
    if (!iov.empty() && sent > 0) {
        iov[0].iov_base = static_cast<char*>(iov[0].iov_base) + sent;
        iov[0].iov_len -= sent;
    }
}

void async_close(loop& lp, op_base& op, int fd) {
    io_uring_sqe* sqe = lp.get_sqe();
    io_uring_prep_close(sqe, fd);
    lp.attach(sqe, &op);
}

}  // namespace pgring::ring
