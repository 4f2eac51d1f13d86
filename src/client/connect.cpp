// connection_impl::connect: libpq's connection sequence over the host list.
//
//   for each pass (two for prefer-standby: standbys only, then any server)
//     for each host (shuffled with load_balance_hosts=random)
//       for each address of the host (unix socket path, hostaddr, or getaddrinfo)
//         connect + startup + authentication (connect_timeout bounds the attempt)
//         check target_session_attrs from the in_hot_standby / default_transaction_read_only
//           parameters the server reports (PostgreSQL 14+), else by asking it
//         success: done; failure: remember "connection to server at ... failed: why", next
//
// Every failed attempt is reported in the final error's client_message, one line each, as
// libpq does; the error code is the last attempt's.

#include <pgring/connection.hpp>

#include "client/connection_impl.hpp"
#include "driver/channel.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace pgring::detail {

namespace {

struct address {
    sockaddr_storage storage{};
    socklen_t size = 0;
    std::string description;  // for messages: `server at "h" (a), port p` or `server on socket "s"`
};

// The addresses of one host entry, in the order to try them.
std::error_code resolve(const host_spec& h, std::vector<address>& out, std::string& message) {
    out.clear();
    const std::string port = std::to_string(h.port);
    if (h.is_unix_socket()) {
        address a;
        auto* un = reinterpret_cast<sockaddr_un*>(&a.storage);
        un->sun_family = AF_UNIX;
        std::string path = h.host.front() == '@' ? h.host : h.host + "/.s.PGSQL." + port;
        if (path.size() >= sizeof(un->sun_path)) {
            message = "Unix-domain socket path \"" + path + "\" is too long";
            return make_error_code(errc::invalid_conninfo);
        }
        std::memcpy(un->sun_path, path.data(), path.size());
        if (path.front() == '@') {
            un->sun_path[0] = '\0';  // abstract namespace
        }
        a.size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (path.front() == '@' ? 0 : 1));
        a.description = "server on socket \"" + path + "\"";
        out.push_back(a);
        return {};
    }
    const std::string& node = h.hostaddr.empty() ? h.host : h.hostaddr;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = h.hostaddr.empty() ? AI_ADDRCONFIG : AI_NUMERICHOST;
    addrinfo* list = nullptr;
    const int rc = ::getaddrinfo(node.c_str(), port.c_str(), &hints, &list);
    if (rc != 0) {
        message = "could not translate host name \"" + node + "\" to address: " + ::gai_strerror(rc);
        return make_error_code(std::errc::host_unreachable);
    }
    for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof(sockaddr_storage)) {
            continue;
        }
        address a;
        std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
        a.size = static_cast<socklen_t>(ai->ai_addrlen);
        char text[NI_MAXHOST] = {};
        ::getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof(text), nullptr, 0, NI_NUMERICHOST);
        const std::string shown = h.host.empty() ? std::string(text) : h.host;
        a.description = "server at \"" + shown + "\"";
        if (!h.host.empty() && shown != text) {
            a.description += " (" + std::string(text) + ")";
        }
        a.description += ", port " + port;
        out.push_back(a);
    }
    ::freeaddrinfo(list);
    if (out.empty()) {
        message = "host name \"" + node + "\" has no usable address";
        return make_error_code(std::errc::host_unreachable);
    }
    return {};
}

bool setting_on(std::optional<std::string_view> v) {
    return v && *v == "on";
}

// Whether the session matches `want`; `why` says how it does not (libpq's wording).
bool matches(target_server_type want, bool hot_standby, bool read_only, std::string& why) {
    switch (want) {
        case target_server_type::any:
            return true;
        case target_server_type::read_write:
            why = "session is read-only";
            return !hot_standby && !read_only;
        case target_server_type::read_only:
            why = "session is not read-only";
            return hot_standby || read_only;
        case target_server_type::primary:
            why = "server is in hot standby mode";
            return !hot_standby;
        case target_server_type::standby:
        case target_server_type::prefer_standby:
            why = "server is not in hot standby mode";
            return hot_standby;
    }
    return false;
}

}  // namespace

task<result<connection>> connection_impl::connect(loop& lp, connect_options target, connection_options options) {
    if (target.sslmode == ssl_mode::require || target.sslmode == ssl_mode::verify_ca ||
        target.sslmode == ssl_mode::verify_full) {
        co_return failure{make_error_code(errc::not_supported),
                          diagnostics{.client_message = "sslmode \"" + std::string(to_string(target.sslmode)) +
                                                        "\" needs TLS, which pgring does not support yet"}};
    }
    if (target.hosts.empty()) {
        target.hosts.push_back(host_spec{std::string(default_socket_dir)});
    }
    std::vector<host_spec> hosts = target.hosts;
    if (target.load_balance_hosts == load_balance_mode::random) {
        std::random_device rd;
        std::mt19937 gen(rd());
        std::shuffle(hosts.begin(), hosts.end(), gen);
    }

    std::string messages;
    std::error_code last_ec;
    diagnostics last_diag;
    const auto note = [&](const std::string& where, const std::string& why) {
        if (!messages.empty()) {
            messages += '\n';
        }
        messages += "connection to " + where + " failed: " + why;
    };

    const int passes = target.target_session_attrs == target_server_type::prefer_standby ? 2 : 1;
    for (int pass = 0; pass < passes; ++pass) {
        const target_server_type want =
            pass == 1 ? target_server_type::any : target.target_session_attrs;
        for (const host_spec& h : hosts) {
            std::vector<address> addresses;
            std::string why;
            if (const std::error_code ec = resolve(h, addresses, why)) {
                last_ec = ec;
                note("server \"" + h.host + "\"", why);
                continue;
            }
            for (const address& a : addresses) {
                wire::session_options so;
                so.user = target.user;
                so.database = target.dbname;
                so.application_name =
                    target.application_name.empty() ? target.fallback_application_name : target.application_name;
                so.options = target.options;
                so.parameters = target.server_parameters;
                so.password = target.password.empty() ? h.password : target.password;
                if (!target.require_auth.methods.empty()) {
                    so.allow_cleartext_password = target.require_auth.allows(auth_method::password);
                    so.allow_md5_password = target.require_auth.allows(auth_method::md5);
                }
                driver::channel_options co;
                co.cancel_grace = options.cancel_grace;
                co.on_notice = options.on_notice;
                co.on_parameter_status = options.on_parameter_status;
                auto hub = std::make_shared<notification_hub>(lp.impl(), options.notification_queue_size,
                                                              options.on_notification);
                co.on_notification = [hub](std::int32_t pid, std::string_view channel, std::string_view payload) {
                    hub->deliver(pid, channel, payload);
                };
                co.on_closed = [hub](const diagnostics& why) { hub->close(why); };
                auto* ch = new driver::channel(lp.impl(), std::move(so), std::move(co));
                ch->set_depth_limit(options.max_pipeline_depth);
                auto impl = std::make_unique<connection_impl>(lp.impl(), ch, options);
                impl->set_notifications(std::move(hub));

                driver::request startup;
                ch->start(reinterpret_cast<const sockaddr*>(&a.storage), a.size, startup, target.connect_timeout);
                co_await startup;
                if (startup.ec) {
                    last_ec = startup.ec;
                    last_diag = startup.diag;
                    note(a.description, startup.diag.primary().empty() ? startup.ec.message() : startup.diag.primary());
                    continue;  // impl's destructor tears the channel down
                }
                if (want != target_server_type::any) {
                    const wire::session& s = ch->session();
                    std::optional<std::string_view> hot = s.parameter("in_hot_standby");
                    std::optional<std::string_view> ro = s.parameter("default_transaction_read_only");
                    bool hot_standby = setting_on(hot);
                    bool read_only = setting_on(ro);
                    if (!hot || !ro) {
                        // Servers before 14 do not report these: ask.
                        rows r;
                        diagnostics d;
                        const std::error_code ec = co_await impl->run(
                            "SELECT pg_catalog.pg_is_in_recovery(), "
                            "pg_catalog.current_setting('transaction_read_only') = 'on'",
                            nullptr, {}, r, true, d, call_options{});
                        if (ec || r.size() != 1) {
                            last_ec = ec ? ec : make_error_code(errc::protocol_violation);
                            last_diag = d;
                            note(a.description, "could not check target_session_attrs: " + d.primary());
                            continue;
                        }
                        hot_standby = r[0].get<bool>(0);
                        read_only = r[0].get<bool>(1);
                    }
                    if (!matches(want, hot_standby, read_only, why)) {
                        last_ec = make_error_code(errc::connection_closed);
                        last_diag = diagnostics{};
                        note(a.description, why);
                        continue;
                    }
                }
                co_return connection(impl.release());
            }
        }
    }
    if (!last_ec) {
        last_ec = make_error_code(errc::connection_closed);
    }
    last_diag.client_message = messages;
    co_return failure{last_ec, std::move(last_diag)};
}

}  // namespace pgring::detail
