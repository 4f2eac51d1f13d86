#include "tcp_proxy.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace pgring::test {

namespace {

constexpr std::size_t buffer_size = 64 * 1024;

std::runtime_error failure(const std::string& what, int err) {
    return std::runtime_error("tcp_proxy: " + what + ": " + std::strerror(err));
}

// One resolved address of the target.
struct address {
    sockaddr_storage storage{};
    socklen_t length = 0;
};

// Bytes travelling one way through a connection:
//
//   buf:  [ written | pending | free ]
//                   ^off      ^len
//
// The proxy reads from the source only when nothing is pending (len == 0), so a destination that
// does not read holds back its source through the kernel's buffers.
struct direction {
    std::vector<char> buf = std::vector<char>(buffer_size);
    std::size_t off = 0;
    std::size_t len = 0;
    bool eof = false;   // the source sent end of file
    bool shut = false;  // the end of file was passed on: shutdown(destination, SHUT_WR)

    bool pending() const noexcept { return off < len; }
    bool wants_input() const noexcept { return len == 0 && !eof; }
};

// A client connection and the proxy's connection to the target for it.
struct link {
    int client = -1;
    int server = -1;
    direction up;                       // client -> server
    direction down;                     // server -> client
    std::optional<std::size_t> budget;  // server -> client bytes left before truncation
};

void set_nonblocking(int fd) {
    const int flags = fcntl(fd, F_GETFL, 0);
    (void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Closes with a RST instead of a FIN.
void close_abruptly(int& fd) {
    if (fd < 0) {
        return;
    }
    const linger l{1, 0};
    (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    ::close(fd);
    fd = -1;
}

// Closes with a FIN. Reads what the peer sent first: closing a socket with unread input makes
// the kernel send a RST, which may discard data the peer has not read yet.
void close_gracefully(int& fd) {
    if (fd < 0) {
        return;
    }
    char sink[4096];
    while (::recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0) {
    }
    ::close(fd);
    fd = -1;
}

}  // namespace

struct tcp_proxy::impl {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::vector<address> target;
    int listen_fd = -1;
    int wake_fd = -1;
    std::atomic<std::size_t> accepted{0};
    std::thread thread;

    // Requests from the controls, read by the proxy thread at the top of each turn. `requested`
    // counts requests, `applied` the ones whose effect is in place; a control waits until
    // applied reaches its own number.
    std::mutex mutex;
    std::condition_variable applied_cv;
    bool stalled = false;
    bool refusing = false;
    bool stopping = false;
    bool exited = false;
    std::optional<std::size_t> truncate;  // budget for connections accepted from now on
    std::uint64_t truncate_generation = 0;
    std::uint64_t drop_generation = 0;
    std::uint64_t requested = 0;
    std::uint64_t applied = 0;

    // Owned by the proxy thread.
    std::list<link> links;

    ~impl() {
        for (int fd : {listen_fd, wake_fd}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }

    template <class Change>
    void request(Change change) {
        std::unique_lock<std::mutex> lock(mutex);
        change();
        const std::uint64_t number = ++requested;
        lock.unlock();
        const std::uint64_t one = 1;
        (void)::write(wake_fd, &one, sizeof(one));
        lock.lock();
        applied_cv.wait(lock, [&] { return applied >= number || exited; });
    }

    int connect_target() const {
        for (const address& a : target) {
            const int fd = ::socket(a.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                continue;
            }
            if (::connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) == 0) {
                return fd;
            }
            ::close(fd);
        }
        return -1;
    }

    void accept_all(bool refuse) {
        for (;;) {
            int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED) {
                    continue;
                }
                return;  // EAGAIN, or out of descriptors: try again on the next turn
            }
            accepted.fetch_add(1, std::memory_order_relaxed);
            if (refuse) {
                close_abruptly(fd);
                continue;
            }
            int server = connect_target();
            if (server < 0) {
                close_abruptly(fd);
                continue;
            }
            const int one = 1;
            for (int s : {fd, server}) {
                set_nonblocking(s);
                (void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            }
            link& l = links.emplace_back();
            l.client = fd;
            l.server = server;
            l.budget = truncate_for_new;
        }
    }

    // Moves bytes one way. Returns false when the connection must be reset (a socket error).
    static bool pump(direction& d, int from, short from_events, int to, short to_events,
                     std::optional<std::size_t>* budget) {
        if (d.wants_input() && (from_events & (POLLIN | POLLHUP)) != 0) {
            const ssize_t n = ::recv(from, d.buf.data(), d.buf.size(), MSG_DONTWAIT);
            if (n > 0) {
                d.off = 0;
                d.len = static_cast<std::size_t>(n);
            } else if (n == 0) {
                d.eof = true;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return false;
            }
        }
        if (d.pending() && (to_events & POLLOUT) != 0) {
            std::size_t want = d.len - d.off;
            if (budget != nullptr && budget->has_value() && **budget < want) {
                want = **budget;
            }
            const ssize_t n = ::send(to, d.buf.data() + d.off, want, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0) {
                d.off += static_cast<std::size_t>(n);
                if (d.off == d.len) {
                    d.off = d.len = 0;
                }
                if (budget != nullptr && budget->has_value()) {
                    **budget -= static_cast<std::size_t>(n);
                }
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return false;
            }
        }
        if (d.eof && !d.pending() && !d.shut) {
            (void)::shutdown(to, SHUT_WR);
            d.shut = true;
        }
        return true;
    }

    void run() {
        std::uint64_t seen_drop = 0;
        std::uint64_t seen_truncate = 0;
        std::vector<pollfd> fds;
        for (;;) {
            bool stall_now = false;
            bool refuse_now = false;
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (stopping) {
                    break;
                }
                stall_now = stalled;
                refuse_now = refusing;
                truncate_for_new = truncate;
                if (drop_generation != seen_drop) {
                    seen_drop = drop_generation;
                    drop_links();
                }
                if (truncate_generation != seen_truncate) {
                    seen_truncate = truncate_generation;
                    for (link& l : links) {
                        l.budget = truncate;
                    }
                }
                close_exhausted();
                applied = requested;
            }
            applied_cv.notify_all();

            fds.clear();
            fds.push_back({wake_fd, POLLIN, 0});
            fds.push_back({listen_fd, POLLIN, 0});
            for (const link& l : links) {
                // A stalled connection is left out of the poll set: its sockets would report
                // POLLHUP/POLLERR (which poll() cannot mask) on every turn.
                short client_events = 0;
                short server_events = 0;
                if (!stall_now) {
                    client_events = static_cast<short>((l.up.wants_input() ? POLLIN : 0) |
                                                       (l.down.pending() ? POLLOUT : 0));
                    server_events = static_cast<short>((l.down.wants_input() ? POLLIN : 0) |
                                                       (l.up.pending() ? POLLOUT : 0));
                }
                fds.push_back({stall_now ? -1 : l.client, client_events, 0});
                fds.push_back({stall_now ? -1 : l.server, server_events, 0});
            }
            if (::poll(fds.data(), fds.size(), -1) < 0) {
                continue;  // EINTR; the only other errors are bugs (EFAULT, EINVAL)
            }
            if ((fds[0].revents & POLLIN) != 0) {
                std::uint64_t count = 0;
                (void)::read(wake_fd, &count, sizeof(count));
            }
            if (stall_now) {
                if ((fds[1].revents & POLLIN) != 0) {
                    accept_all(refuse_now);
                    close_exhausted();
                }
                continue;
            }
            std::size_t i = 2;
            for (auto it = links.begin(); it != links.end(); i += 2) {
                link& l = *it;
                const pollfd& c = fds[i];
                const pollfd& s = fds[i + 1];
                bool reset = (c.revents & POLLERR) != 0 || (s.revents & POLLERR) != 0 ||
                             ((c.revents & POLLHUP) != 0 && (c.events & POLLIN) == 0) ||
                             ((s.revents & POLLHUP) != 0 && (s.events & POLLIN) == 0);
                if (!reset) {
                    reset = !pump(l.up, l.client, c.revents, l.server, s.revents, nullptr) ||
                            !pump(l.down, l.server, s.revents, l.client, c.revents, &l.budget);
                }
                if (reset) {
                    close_abruptly(l.client);
                    close_abruptly(l.server);
                    it = links.erase(it);
                } else if (l.up.shut && l.down.shut) {
                    ::close(l.client);
                    ::close(l.server);
                    it = links.erase(it);
                } else {
                    ++it;
                }
            }
            if ((fds[1].revents & POLLIN) != 0) {
                accept_all(refuse_now);
            }
            // Also the connections just accepted: with truncate_after(0) they end at once.
            close_exhausted();
        }
        drop_links();
        std::lock_guard<std::mutex> lock(mutex);
        exited = true;
        applied_cv.notify_all();
    }

    void drop_links() {
        for (link& l : links) {
            close_abruptly(l.client);
            close_abruptly(l.server);
        }
        links.clear();
    }

    // Ends the connections whose truncation budget is spent: the client gets what was forwarded,
    // then end of file.
    void close_exhausted() {
        for (auto it = links.begin(); it != links.end();) {
            if (it->budget.has_value() && *it->budget == 0) {
                close_gracefully(it->client);
                close_gracefully(it->server);
                it = links.erase(it);
            } else {
                ++it;
            }
        }
    }

    // The truncation budget for connections accepted in the current turn (a copy of `truncate`
    // taken under the mutex, so accept_all() needs no lock).
    std::optional<std::size_t> truncate_for_new;
};

tcp_proxy::tcp_proxy(std::string target_host, std::uint16_t target_port) : impl_(std::make_unique<impl>()) {
    impl& m = *impl_;
    if (!target_host.empty() && target_host.front() == '/') {
        address a;
        auto* un = reinterpret_cast<sockaddr_un*>(&a.storage);
        un->sun_family = AF_UNIX;
        const std::string path = target_host + "/.s.PGSQL." + std::to_string(target_port);
        if (path.size() >= sizeof(un->sun_path)) {
            throw std::runtime_error("tcp_proxy: unix socket path too long: " + path);
        }
        std::memcpy(un->sun_path, path.c_str(), path.size() + 1);
        a.length = sizeof(sockaddr_un);
        m.target.push_back(a);
    } else {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* list = nullptr;
        const int rc = ::getaddrinfo(target_host.c_str(), std::to_string(target_port).c_str(), &hints, &list);
        if (rc != 0 || list == nullptr) {
            throw std::runtime_error("tcp_proxy: cannot resolve the target " + target_host + ":" +
                                     std::to_string(target_port) + ": " + ::gai_strerror(rc));
        }
        for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
            if (ai->ai_addrlen <= sizeof(sockaddr_storage)) {
                address a;
                std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
                a.length = ai->ai_addrlen;
                m.target.push_back(a);
            }
        }
        ::freeaddrinfo(list);
    }

    m.listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m.listen_fd < 0) {
        throw failure("socket()", errno);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(m.listen_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
        throw failure("cannot bind 127.0.0.1 (any free port)", errno);
    }
    if (::listen(m.listen_fd, 128) != 0) {
        throw failure("listen() on 127.0.0.1", errno);
    }
    socklen_t len = sizeof(addr);
    if (::getsockname(m.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        throw failure("getsockname()", errno);
    }
    m.port = ntohs(addr.sin_port);
    m.wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m.wake_fd < 0) {
        throw failure("eventfd()", errno);
    }
    m.thread = std::thread([&m] { m.run(); });
}

tcp_proxy::~tcp_proxy() {
    impl_->request([this] { impl_->stopping = true; });
    impl_->thread.join();
}

const std::string& tcp_proxy::host() const noexcept {
    return impl_->host;
}

std::uint16_t tcp_proxy::port() const noexcept {
    return impl_->port;
}

void tcp_proxy::stall() {
    impl_->request([this] { impl_->stalled = true; });
}

void tcp_proxy::resume() {
    impl_->request([this] { impl_->stalled = false; });
}

void tcp_proxy::drop_all() {
    impl_->request([this] { ++impl_->drop_generation; });
}

void tcp_proxy::truncate_after(std::size_t n) {
    impl_->request([this, n] {
        impl_->truncate = n;
        ++impl_->truncate_generation;
    });
}

void tcp_proxy::refuse_new(bool on) {
    impl_->request([this, on] { impl_->refusing = on; });
}

void tcp_proxy::reset() {
    impl_->request([this] {
        impl_->stalled = false;
        impl_->refusing = false;
        impl_->truncate.reset();
    });
}

std::size_t tcp_proxy::connections() const noexcept {
    return impl_->accepted.load(std::memory_order_relaxed);
}

}  // namespace pgring::test
