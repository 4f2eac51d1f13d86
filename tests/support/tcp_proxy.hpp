#pragma once

// tcp_proxy: a loopback TCP proxy between a test's client and the server, for adversity tests.
//
// It listens on a free port of 127.0.0.1 and forwards every accepted connection to the target
// over a connection of its own. The test can then misbehave on the server's behalf: stall the
// traffic, reset every connection, cut the server's answer after some bytes, or refuse new
// connections, and check that the client ends each in-flight operation with an error (or its
// timeout) instead of hanging. Modelled on asyncpg's _testbase/fuzzer.py.
//
// One thread runs a poll() loop over the listening socket, a wake-up eventfd and both sockets of
// every connection (non-blocking; each direction has a 64 KiB buffer that is refilled only once
// it has been written out, so a slow reader holds back its writer). Controls post a request,
// wake the thread and wait until it applied the request: when a control returns, its effect is
// in place (stall() returned: no further byte is forwarded; drop_all() returned: every socket is
// closed).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace pgring::test {

/// A loopback TCP proxy with fault injection (see the file comment).
/// Thread: every member may be called from any thread except the proxy's own.
class tcp_proxy {
public:
    /// Starts listening on 127.0.0.1 (a free port) and the forwarding thread. `target_host` is an
    /// IP address or a host name, resolved here, or a directory starting with '/': the unix socket
    /// `target_host`/.s.PGSQL.`target_port`, as PostgreSQL names it.
    /// Errors: throws std::runtime_error when the target cannot be resolved or the listening
    /// socket cannot be made (socket, bind, listen), with the reason.
    tcp_proxy(std::string target_host, std::uint16_t target_port);
    tcp_proxy(const tcp_proxy&) = delete;
    tcp_proxy& operator=(const tcp_proxy&) = delete;
    /// Resets every open connection (as drop_all()), stops listening and joins the thread.
    ~tcp_proxy();

    /// Where clients connect: "127.0.0.1".
    const std::string& host() const noexcept;
    /// The listening port.
    std::uint16_t port() const noexcept;

    /// Stops forwarding in both directions; sockets stay open and data waits in the kernel's
    /// buffers (and the proxy's). New connections are still accepted and connected to the target.
    void stall();
    /// Forwards again after stall().
    void resume();
    /// Closes every client and server socket open now abruptly (SO_LINGER 0: the peers get a
    /// RST, data not yet forwarded is lost). Connections accepted later are forwarded normally.
    void drop_all();
    /// Every connection open now, and every one accepted later until reset(), forwards at most
    /// `n` more server-to-client bytes; then the proxy closes both of its sockets (the client
    /// reads those bytes, then end of file). A later call replaces the budget. n = 0 closes the
    /// open connections at once.
    void truncate_after(std::size_t n);
    /// While `on`, a new connection is accepted and at once reset (SO_LINGER 0), never forwarded.
    void refuse_new(bool on);
    /// Undoes stall(), truncate_after() for connections accepted from now on, and refuse_new().
    void reset();

    /// Client connections accepted so far, refused ones included.
    std::size_t connections() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace pgring::test
