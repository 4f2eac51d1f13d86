#pragma once

// Helpers shared by the ring/ unit tests: a loop fixture that skips when io_uring is unavailable,
// a bounded "run until" driver, owned fds, loopback TCP and unix-socket listeners, socketpairs.
// No test asserts timing: deadlines here only stop a broken test from hanging.

#include "ring/loop.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

namespace pgring::ring::test {

/// Generous bound for anything a test waits for; never a timing assertion.
inline constexpr std::chrono::seconds hang_guard{20};

/// An owned file descriptor.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& o) noexcept {
        reset(std::exchange(o.fd_, -1));
        return *this;
    }
    ~unique_fd() { reset(); }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = fd;
    }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

/// Creates a loop or explains why not; callers GTEST_SKIP on null.
inline std::unique_ptr<loop> make_loop(std::string& why, loop_options opts = {}) {
    std::error_code ec;
    auto lp = loop::create(opts, ec);
    if (!lp) {
        why = "io_uring loop unavailable: " + ec.message();
    }
    return lp;
}

/// Fixture owning one loop with default options.
class RingTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string why;
        lp_ = make_loop(why, options());
        if (!lp_) {
            GTEST_SKIP() << why;
        }
    }
    virtual loop_options options() const { return {}; }

    /// Runs turns until `done()` or the hang guard; returns done().
    template <class Pred>
    bool run_until(Pred done) {
        return run_until(*lp_, done);
    }

    template <class Pred>
    static bool run_until(loop& lp, Pred done) {
        const auto give_up = std::chrono::steady_clock::now() + hang_guard;
        while (!done()) {
            if (std::chrono::steady_clock::now() > give_up) {
                return false;
            }
            lp.run_once(std::chrono::milliseconds(100));
        }
        return true;
    }

    std::unique_ptr<loop> lp_;
};

/// A connected AF_UNIX stream pair (blocking).
inline std::pair<unique_fd, unique_fd> stream_pair() {
    int sv[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        ADD_FAILURE() << "socketpair: " << std::strerror(errno);
    }
    return {unique_fd(sv[0]), unique_fd(sv[1])};
}

/// A listening TCP socket on 127.0.0.1 with a kernel-chosen port.
struct tcp_listener {
    unique_fd fd;
    sockaddr_in address{};

    explicit tcp_listener(int backlog = 16) {
        fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        socklen_t len = sizeof address;
        if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(fd.get(), backlog) != 0 ||
            ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &len) != 0) {
            ADD_FAILURE() << "tcp listener: " << std::strerror(errno);
        }
    }
    const sockaddr* addr() const { return reinterpret_cast<const sockaddr*>(&address); }
    socklen_t addr_size() const { return sizeof address; }
    unique_fd accept() const { return unique_fd(::accept4(fd.get(), nullptr, nullptr, SOCK_CLOEXEC)); }
};

/// A listening unix-domain stream socket in a fresh temporary directory.
struct unix_listener {
    unique_fd fd;
    sockaddr_un address{};
    std::string dir;

    unix_listener() {
        char tmpl[] = "/tmp/pgring-ring-test-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) {
            ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
            return;
        }
        dir = tmpl;
        const std::string path = dir + "/.s.PGSQL.5432";
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
        fd.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (!fd || ::bind(fd.get(), addr(), addr_size()) != 0 || ::listen(fd.get(), 16) != 0) {
            ADD_FAILURE() << "unix listener: " << std::strerror(errno);
        }
    }
    ~unix_listener() {
        fd.reset();
        if (!dir.empty()) {
            ::unlink(address.sun_path);
            ::rmdir(dir.c_str());
        }
    }
    unix_listener(const unix_listener&) = delete;
    unix_listener& operator=(const unix_listener&) = delete;
    const sockaddr* addr() const { return reinterpret_cast<const sockaddr*>(&address); }
    socklen_t addr_size() const { return sizeof address; }
    unique_fd accept() const { return unique_fd(::accept4(fd.get(), nullptr, nullptr, SOCK_CLOEXEC)); }
};

/// A connected loopback TCP pair (blocking): {connecting side, accepted side}.
inline std::pair<unique_fd, unique_fd> tcp_pair() {
    tcp_listener listener;
    unique_fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!client || ::connect(client.get(), listener.addr(), listener.addr_size()) != 0) {
        ADD_FAILURE() << "tcp connect: " << std::strerror(errno);
    }
    unique_fd server = listener.accept();
    if (!server) {
        ADD_FAILURE() << "tcp accept: " << std::strerror(errno);
    }
    return {std::move(client), std::move(server)};
}

/// Writes all of `data` to a blocking fd.
inline bool write_all(int fd, const void* data, std::size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

/// The byte at position i of the test pattern (period 251, so buffer boundaries never align).
inline unsigned char pattern_byte(std::size_t i) {
    return static_cast<unsigned char>((i * 7 + 3) % 251);
}

}  // namespace pgring::ring::test
