#pragma once

/// @file
/// LISTEN/NOTIFY: `pgring::notification` and `pgring::notification_stream`, the queue of the
/// notifications a connection receives (see connection::listen() and connection::notifications()).
///
///     co_await conn.listen("jobs");
///     pgring::notification_stream jobs = conn.notifications();
///     for (;;) {
///         pgring::result<pgring::notification> n = co_await jobs.next();
///         if (!n) {
///             break;  // errc::connection_closed
///         }
///         handle(n->channel, n->payload);
///     }

#include <pgring/result.hpp>
#include <pgring/task.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace pgring {

namespace detail {
class notification_hub;
}  // namespace detail

/// One NotificationResponse: a NOTIFY (or pg_notify()) on a channel the connection listens to.
struct notification {
    /// The process ID of the server backend that sent the notification (its pg_backend_pid()).
    std::int32_t process_id = 0;
    /// The channel name, as the server reports it (folded and truncated as the server did).
    std::string channel;
    /// The payload (empty when NOTIFY gave none).
    std::string payload;
};

/// The notifications of one connection, in arrival order: a handle to the connection's queue.
/// Copies share the queue (each notification is delivered to exactly one next()).
///
/// The queue: a notification that arrives while no next() waits, whether the connection is idle
/// or busy with other statements, is queued, up to connection_options::notification_queue_size.
/// When it is full the OLDEST queued notification is dropped to make room and counted in
/// dropped(); overflow is not an error: the next next() delivers the oldest one still queued. Memory
/// is therefore bounded by the queue size times the size of a notification (payloads are at most
/// 8000 bytes by default on the server).
///
/// Several coroutines may wait at once; they are served in the order they started to wait.
///
/// Lifetime: may outlive its connection; once the connection is closed or broken, next() drains
/// what is queued and then fails with `errc::connection_closed`. Must not outlive the loop.
/// Thread: the connection's loop thread.
class notification_stream {
public:
    /// A stream of no connection: next() fails with `errc::connection_closed`.
    notification_stream() noexcept;
    /// Copies and moves refer to the same queue.
    ///@{
    notification_stream(const notification_stream&) noexcept;
    notification_stream(notification_stream&&) noexcept;
    notification_stream& operator=(const notification_stream&) noexcept;
    notification_stream& operator=(notification_stream&&) noexcept;
    ///@}
    ~notification_stream();

    /// Takes the oldest queued notification, or waits for the next one.
    /// The connection's command_timeout does not apply: waiting for notifications is open-ended.
    /// Errors: `errc::connection_closed` once the connection is closed or broken and nothing is
    /// queued (a waiting next() is woken by the close, so it never hangs on a dead connection);
    /// diag() then says why (the server's FATAL error, a socket error, or a close by the client).
    task<result<notification>> next();
    /// next() that gives up after `timeout` with `errc::timeout` (nothing is lost: a notification
    /// that arrives later is queued). A timeout of zero or less polls: it returns a queued
    /// notification or fails at once.
    task<result<notification>> next(std::chrono::milliseconds timeout);

    /// Notifications queued now.
    std::size_t size() const noexcept;
    /// Notifications dropped because the queue was full (the oldest make room), over the life of
    /// the connection.
    std::uint64_t dropped() const noexcept;
    /// False once the connection is closed or broken (queued notifications may remain).
    bool is_open() const noexcept;

private:
    friend class connection;
    explicit notification_stream(std::shared_ptr<detail::notification_hub> hub) noexcept;
    std::shared_ptr<detail::notification_hub> hub_;
};

}  // namespace pgring
