// LISTEN/NOTIFY in the facade: connection::listen/unlisten (simple Queries, so channel names do
// not fill the statement cache) and notification_stream, a handle to the connection's
// driver::notification_queue (see driver/notification_queue.hpp for the queue and its waiters).

#include <pgring/connection.hpp>
#include <pgring/notification.hpp>

#include "client/connection_impl.hpp"
#include "driver/channel.hpp"
#include "driver/notification_queue.hpp"

#include <string>
#include <utility>
#include <vector>

namespace pgring {

namespace detail {

task<std::error_code> connection_impl::simple_command(std::string sql, diagnostics& diag) {
    const running_guard running(this);
    if (ch_ == nullptr) {
        diag.client_message = "the connection is closed";
        co_return make_error_code(errc::connection_closed);
    }
    if (std::error_code ec = ch_->usable(&diag)) {
        co_return ec;
    }
    if (!ch_->writes_free()) {
        const std::error_code turn_ec = co_await wait_write_turn(diag);
        if (turn_ec) {
            co_return turn_ec;
        }
    }
    if (std::error_code ec = ch_->session().send_query(ch_->out(), sql)) {
        diag.client_message = "cannot send the statement: " + ec.message();
        co_return ec;
    }
    driver::request r;
    r.deadline = deadline_of(call_options{});
    ch_->submit(r);
    co_await r;
    if (r.ec) {
        diag = std::move(r.diag);
    }
    co_return r.ec;
}

}  // namespace detail

namespace {

using detail::make_failure;
using detail::quoted_identifier;

// The failure of a channel name the protocol cannot carry; empty when the name is sendable.
std::optional<failure> check_channel_name(std::string_view channel) {
    if (channel.find('\0') != std::string_view::npos) {
        return make_failure(make_error_code(errc::embedded_nul),
                            diagnostics{.client_message = "the channel name contains a NUL byte"});
    }
    return std::nullopt;
}

}  // namespace

task<result<void>> connection::try_listen(std::string_view channel) {
    if (std::optional<failure> bad = check_channel_name(channel)) {
        co_return std::move(*bad);
    }
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    // Kept in the frame: the caller's string need not outlive the first suspension.
    std::string name(channel);
    detail::connection_impl* impl = impl_;
    diagnostics diag;
    const std::error_code ec = co_await impl->simple_command("LISTEN " + quoted_identifier(name), diag);
    if (ec) {
        co_return make_failure(ec, std::move(diag));
    }
    impl->listening().insert(std::move(name));
    co_return result<void>{};
}

task<result<void>> connection::try_unlisten(std::string_view channel) {
    if (std::optional<failure> bad = check_channel_name(channel)) {
        co_return std::move(*bad);
    }
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    std::string name(channel);
    detail::connection_impl* impl = impl_;
    diagnostics diag;
    const std::error_code ec = co_await impl->simple_command("UNLISTEN " + quoted_identifier(name), diag);
    if (ec) {
        co_return make_failure(ec, std::move(diag));
    }
    impl->listening().erase(name);
    co_return result<void>{};
}

task<result<void>> connection::try_unlisten_all() {
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    detail::connection_impl* impl = impl_;
    diagnostics diag;
    const std::error_code ec = co_await impl->simple_command("UNLISTEN *", diag);
    if (ec) {
        co_return make_failure(ec, std::move(diag));
    }
    impl->listening().clear();
    co_return result<void>{};
}

std::vector<std::string> connection::listening() const {
    if (impl_ == nullptr) {
        return {};
    }
    return {impl_->listening().begin(), impl_->listening().end()};
}

notification_stream connection::notifications() const noexcept {
    return notification_stream(impl_ != nullptr ? impl_->notifications() : nullptr);
}

// ---- notification_stream ---------------------------------------------------------------------------

notification_stream::notification_stream() noexcept = default;
notification_stream::notification_stream(const notification_stream&) noexcept = default;
notification_stream::notification_stream(notification_stream&&) noexcept = default;
notification_stream& notification_stream::operator=(const notification_stream&) noexcept = default;
notification_stream& notification_stream::operator=(notification_stream&&) noexcept = default;
notification_stream::~notification_stream() = default;

notification_stream::notification_stream(std::shared_ptr<detail::notification_hub> hub) noexcept
    : hub_(std::move(hub)) {}

namespace {

task<result<notification>> no_connection() {
    co_return failure{make_error_code(errc::connection_closed),
                      diagnostics{.client_message = "the notification stream has no connection"}};
}

}  // namespace

task<result<notification>> notification_stream::next() {
    if (!hub_) {
        return no_connection();
    }
    return driver::notification_queue::next(hub_, std::nullopt);
}

task<result<notification>> notification_stream::next(std::chrono::milliseconds timeout) {
    if (!hub_) {
        return no_connection();
    }
    return driver::notification_queue::next(hub_, timeout);
}

std::size_t notification_stream::size() const noexcept {
    return hub_ ? hub_->size() : 0;
}

std::uint64_t notification_stream::dropped() const noexcept {
    return hub_ ? hub_->dropped() : 0;
}

bool notification_stream::is_open() const noexcept {
    return hub_ && !hub_->closed();
}

}  // namespace pgring
