#include "socket_driver.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>
#include <variant>

namespace pgring::test {

namespace {

std::span<const std::byte> as_bytes(std::string_view s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

std::string to_string(std::span<const std::byte> b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::error_code invalid(std::string* why, std::string text) {
    if (why != nullptr) {
        *why = std::move(text);
    }
    return errc::invalid_conninfo;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size()) {
            return false;
        }
        const int hi = hex_value(in[i + 1]);
        const int lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

bool parse_port(std::string_view s, std::uint16_t& out) {
    unsigned v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v == 0 || v > 65535) {
        return false;
    }
    out = static_cast<std::uint16_t>(v);
    return true;
}

// Applies one keyword of a conninfo string or URI query parameter.
std::error_code apply_key(std::string_view key, std::string value, connection_params& out, std::string* why) {
    if (key == "host" || key == "hostaddr") {
        out.host = std::move(value);
    } else if (key == "port") {
        if (!parse_port(value, out.port)) {
            return invalid(why, "invalid port \"" + value + "\"");
        }
    } else if (key == "user") {
        out.user = std::move(value);
    } else if (key == "password") {
        out.password = std::move(value);
    } else if (key == "dbname") {
        out.database = std::move(value);
    }
    return {};
}

std::error_code parse_uri(std::string_view rest, connection_params& out, std::string* why) {
    std::string_view query;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view path;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    std::string decoded;
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        std::string_view user = userinfo;
        if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
            user = userinfo.substr(0, colon);
            if (!percent_decode(userinfo.substr(colon + 1), decoded)) {
                return invalid(why, "bad percent-encoding in the password");
            }
            out.password = decoded;
        }
        if (!user.empty()) {
            if (!percent_decode(user, decoded)) {
                return invalid(why, "bad percent-encoding in the user name");
            }
            out.user = decoded;
        }
    }
    std::string_view host = rest;
    std::string_view port;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos) {
            return invalid(why, "unterminated [ in the host");
        }
        port = host.substr(close + 1);
        host = host.substr(1, close - 1);
        if (!port.empty()) {
            if (port.front() != ':') {
                return invalid(why, "junk after ] in the host");
            }
            port.remove_prefix(1);
        }
    } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
    }
    if (!host.empty()) {
        if (!percent_decode(host, decoded)) {
            return invalid(why, "bad percent-encoding in the host");
        }
        out.host = decoded;
    }
    if (!port.empty() && !parse_port(port, out.port)) {
        return invalid(why, "invalid port \"" + std::string(port) + "\"");
    }
    if (!path.empty()) {
        if (!percent_decode(path, decoded)) {
            return invalid(why, "bad percent-encoding in the database name");
        }
        out.database = decoded;
    }
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) {
            return invalid(why, "URI parameter without '=': " + std::string(item));
        }
        std::string value;
        if (!percent_decode(item.substr(eq + 1), value)) {
            return invalid(why, "bad percent-encoding in a URI parameter");
        }
        if (auto ec = apply_key(item.substr(0, eq), std::move(value), out, why)) {
            return ec;
        }
    }
    return {};
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::error_code parse_key_value(std::string_view s, connection_params& out, std::string* why) {
    std::size_t i = 0;
    while (true) {
        while (i < s.size() && is_space(s[i])) {
            ++i;
        }
        if (i == s.size()) {
            return {};
        }
        const std::size_t key_start = i;
        while (i < s.size() && s[i] != '=' && !is_space(s[i])) {
            ++i;
        }
        const std::string_view key = s.substr(key_start, i - key_start);
        while (i < s.size() && is_space(s[i])) {
            ++i;
        }
        if (i == s.size() || s[i] != '=') {
            return invalid(why, "missing \"=\" after \"" + std::string(key) + "\"");
        }
        ++i;
        while (i < s.size() && is_space(s[i])) {
            ++i;
        }
        std::string value;
        if (i < s.size() && s[i] == '\'') {
            ++i;
            bool closed = false;
            while (i < s.size()) {
                if (s[i] == '\\' && i + 1 < s.size()) {
                    value += s[i + 1];
                    i += 2;
                } else if (s[i] == '\'') {
                    ++i;
                    closed = true;
                    break;
                } else {
                    value += s[i++];
                }
            }
            if (!closed) {
                return invalid(why, "unterminated quoted value for \"" + std::string(key) + "\"");
            }
        } else {
            while (i < s.size() && !is_space(s[i])) {
                if (s[i] == '\\' && i + 1 < s.size()) {
                    ++i;
                }
                value += s[i++];
            }
        }
        if (auto ec = apply_key(key, std::move(value), out, why)) {
            return ec;
        }
    }
}

}  // namespace

std::error_code parse_dsn(std::string_view dsn, connection_params& out, std::string* why) {
    for (std::string_view scheme : {"postgresql://", "postgres://"}) {
        if (dsn.substr(0, scheme.size()) == scheme) {
            return parse_uri(dsn.substr(scheme.size()), out, why);
        }
    }
    return parse_key_value(dsn, out, why);
}

wire::session_options to_session_options(const connection_params& p) {
    wire::session_options o;
    o.user = p.user;
    o.database = p.database;
    o.password = p.password;
    return o;
}

const std::vector<std::vector<std::optional<std::string>>>& query_result::rows() const {
    static const std::vector<std::vector<std::optional<std::string>>> none;
    return statements.empty() ? none : statements.back().rows;
}

param param::int4(std::int32_t v) {
    std::string b(4, '\0');
    const auto u = static_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i) {
        b[static_cast<std::size_t>(i)] = static_cast<char>((u >> (24 - 8 * i)) & 0xFF);
    }
    return binary(std::move(b), 23);
}

param param::int8(std::int64_t v) {
    std::string b(8, '\0');
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) {
        b[static_cast<std::size_t>(i)] = static_cast<char>((u >> (56 - 8 * i)) & 0xFF);
    }
    return binary(std::move(b), 20);
}

std::int32_t decode_int4(std::string_view bytes) {
    std::uint32_t u = 0;
    for (std::size_t i = 0; i < 4 && i < bytes.size(); ++i) {
        u = (u << 8) | static_cast<unsigned char>(bytes[i]);
    }
    return static_cast<std::int32_t>(u);
}

std::int64_t decode_int8(std::string_view bytes) {
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < 8 && i < bytes.size(); ++i) {
        u = (u << 8) | static_cast<unsigned char>(bytes[i]);
    }
    return static_cast<std::int64_t>(u);
}

socket_driver::socket_driver(wire::session_options options)
    : session_(std::move(options)), buf_(new std::byte[recv_buffer_size]) {}

socket_driver::~socket_driver() {
    abort();
}

std::error_code socket_driver::connect(const std::string& host, std::uint16_t port) {
    abort();
    eof_ = false;
    write_failed_ = false;
    io_error_.clear();
    begin_ = end_ = 0;
    if (!host.empty() && host.front() == '/') {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const std::string path = host + "/.s.PGSQL." + std::to_string(port);
        if (path.size() >= sizeof(addr.sun_path)) {
            return errc::invalid_conninfo;
        }
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            return io_error_ = std::error_code(errno, std::system_category());
        }
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
            io_error_ = std::error_code(errno, std::system_category());
            abort();
            return io_error_;
        }
        return {};
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list) != 0 || list == nullptr) {
        return errc::invalid_conninfo;
    }
    std::error_code ec = std::make_error_code(std::errc::host_unreachable);
    for (addrinfo* a = list; a != nullptr; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            ec = std::error_code(errno, std::system_category());
            continue;
        }
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            ec = std::error_code(errno, std::system_category());
            ::close(fd);
            continue;
        }
        const int one = 1;
        (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        fd_ = fd;
        ec.clear();
        break;
    }
    ::freeaddrinfo(list);
    io_error_ = ec;
    return ec;
}

std::error_code socket_driver::startup() {
    if (auto ec = session_.start(out_)) {
        return ec;
    }
    for (;;) {
        const wire::event ev = next_event();
        switch (ev.kind) {
            case wire::event_kind::ready:
                return {};
            case wire::event_kind::error:
            case wire::event_kind::fatal:
                return ev.ec ? ev.ec : make_error_code(errc::connection_closed);
            default:
                break;
        }
    }
}

std::error_code socket_driver::open(const connection_params& p) {
    if (auto ec = connect(p.host, p.port)) {
        return ec;
    }
    return startup();
}

void socket_driver::compact() noexcept {
    if (begin_ > 0) {
        if (end_ > begin_) {
            std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
        }
        end_ -= begin_;
        begin_ = 0;
    }
}

long socket_driver::fill(bool wait) {
    if (end_ == recv_buffer_size) {
        compact();
    }
    if (end_ == recv_buffer_size) {
        // The session left a whole buffer unconsumed without producing an event.
        io_error_ = make_error_code(errc::message_too_large);
        return -1;
    }
    if (fd_ < 0) {
        io_error_ = make_error_code(errc::connection_closed);
        return -1;
    }
    if (wait) {
        pollfd p{fd_, POLLIN, 0};
        for (;;) {
            const int r = ::poll(&p, 1, static_cast<int>(io_timeout_.count()));
            if (r > 0) {
                break;
            }
            if (r == 0) {
                io_error_ = make_error_code(errc::timeout);
                return -1;
            }
            if (errno != EINTR) {
                io_error_ = std::error_code(errno, std::system_category());
                return -1;
            }
        }
    }
    for (;;) {
        const ssize_t n = ::recv(fd_, buf_.get() + end_, recv_buffer_size - end_, MSG_DONTWAIT);
        if (n > 0) {
            if (recording_) {
                recorded_.insert(recorded_.end(), buf_.get() + end_, buf_.get() + end_ + n);
            }
            end_ += static_cast<std::size_t>(n);
            return n;
        }
        if (n == 0) {
            eof_ = true;
            return 0;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait) {
                return -2;
            }
            // poll() said readable but nothing came: wait again.
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(io_timeout_.count())) <= 0) {
                io_error_ = make_error_code(errc::timeout);
                return -1;
            }
            continue;
        }
        io_error_ = std::error_code(errno, std::system_category());
        return -1;
    }
}

std::error_code socket_driver::flush() {
    if (write_failed_) {
        out_.clear();
        return io_error_ ? io_error_ : make_error_code(errc::connection_closed);
    }
    const auto deadline = std::chrono::steady_clock::now() + io_timeout_;
    while (!out_.empty()) {
        if (fd_ < 0) {
            write_failed_ = true;
            out_.clear();
            return errc::connection_closed;
        }
        if (end_ == recv_buffer_size) {
            compact();
        }
        const bool room = end_ < recv_buffer_size && !eof_;
        pollfd p{fd_, static_cast<short>(POLLOUT | (room ? POLLIN : 0)), 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return io_error_ = make_error_code(errc::timeout);
        }
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            io_error_ = std::error_code(errno, std::system_category());
            write_failed_ = true;
            out_.clear();
            return io_error_;
        }
        if (r == 0) {
            continue;
        }
        if (room && (p.revents & POLLIN) != 0) {
            const long n = fill(false);
            if (n == -1) {
                write_failed_ = true;
                out_.clear();
                return io_error_;
            }
            // EOF: keep trying to write; the send reports the broken connection.
        }
        if ((p.revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            std::span<const std::byte> spans[64];
            iovec iov[64];
            const std::size_t k = out_.pending(spans, 64);
            for (std::size_t i = 0; i < k; ++i) {
                iov[i].iov_base = const_cast<std::byte*>(spans[i].data());
                iov[i].iov_len = spans[i].size();
            }
            msghdr msg{};
            msg.msg_iov = iov;
            msg.msg_iovlen = k;
            const ssize_t n = ::sendmsg(fd_, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n >= 0) {
                out_.consume(static_cast<std::size_t>(n));
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                io_error_ = std::error_code(errno, std::system_category());
                write_failed_ = true;
                out_.clear();
                return io_error_;
            }
        }
    }
    return {};
}

wire::event socket_driver::lost() {
    std::error_code ec = io_error_;
    if (ec == errc::timeout) {
        wire::event ev;
        ev.kind = wire::event_kind::fatal;
        ev.ec = ec;
        return ev;
    }
    abort();
    return session_.connection_lost(ec);
}

wire::event socket_driver::next_event() {
    for (;;) {
        std::span<const std::byte> input(buf_.get() + begin_, end_ - begin_);
        wire::event ev = session_.consume(input, out_);
        begin_ = end_ - input.size();
        if (ev.kind != wire::event_kind::need_more) {
            return ev;
        }
        if (eof_ || fd_ < 0) {
            return lost();
        }
        if (auto ec = flush()) {
            if (ec == errc::timeout) {
                return lost();
            }
            // The write failed; what the server sent before closing may still be readable.
        }
        // consume() returned need_more, so it took all input (partial frames are kept in the
        // session's reassembly buffer): on EOF or an error nothing unread is left behind.
        if (fill(true) <= 0) {
            return lost();
        }
    }
}

void socket_driver::close() {
    if (fd_ >= 0 && (session_.state() == wire::session_state::ready)) {
        session_.terminate(out_);
        (void)flush();
    }
    abort();
}

void socket_driver::abort() noexcept {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

bool socket_driver::accumulate(const wire::event& ev, query_result& r) {
    auto open_statement = [&r]() -> statement_result& {
        if (!r.in_statement) {
            r.statements.emplace_back();
            r.in_statement = true;
        }
        return r.statements.back();
    };
    switch (ev.kind) {
        case wire::event_kind::notice:
            if (const auto* n = std::get_if<wire::backend::error_response>(&ev.msg)) {
                n->to_diagnostics(r.notices.emplace_back());
            }
            return false;
        case wire::event_kind::notification:
            if (const auto* n = std::get_if<wire::backend::notification_response>(&ev.msg)) {
                r.notifications.push_back({n->process_id, std::string(n->channel), std::string(n->payload)});
            }
            return false;
        case wire::event_kind::parameter_description:
            if (const auto* d = std::get_if<wire::backend::parameter_description>(&ev.msg)) {
                r.parameter_types.clear();
                for (std::size_t i = 0; i < d->count; ++i) {
                    r.parameter_types.push_back(d->oid(i));
                }
            }
            return false;
        case wire::event_kind::row_description: {
            r.in_statement = false;
            statement_result& s = open_statement();
            if (const auto* d = std::get_if<wire::backend::row_description>(&ev.msg)) {
                for (const auto f : *d) {
                    s.columns.emplace_back(f.name);
                    s.column_types.push_back(f.type_oid);
                    s.column_formats.push_back(f.format);
                }
            }
            return false;
        }
        case wire::event_kind::data_row: {
            statement_result& s = open_statement();
            if (const auto* d = std::get_if<wire::backend::data_row>(&ev.msg)) {
                auto& row = s.rows.emplace_back();
                row.reserve(d->column_count);
                for (const auto f : *d) {
                    if (f.is_null) {
                        row.emplace_back(std::nullopt);
                    } else {
                        row.emplace_back(to_string(f.value));
                    }
                }
            }
            return false;
        }
        case wire::event_kind::command_complete: {
            statement_result& s = open_statement();
            if (const auto* c = std::get_if<wire::backend::command_complete>(&ev.msg)) {
                s.command_tag = std::string(c->command_tag);
            }
            r.in_statement = false;
            return false;
        }
        case wire::event_kind::empty_query:
            r.in_statement = false;
            open_statement().empty_query = true;
            r.in_statement = false;
            return false;
        case wire::event_kind::portal_suspended:
            open_statement().suspended = true;
            r.in_statement = false;
            return false;
        case wire::event_kind::copy_in_response:
            r.in_statement = false;
            open_statement();
            if (copy_in_active_) {
                std::string_view data = copy_in_data_;
                while (!data.empty()) {
                    const std::string_view piece = data.substr(0, copy_in_chunk_);
                    data.remove_prefix(piece.size());
                    (void)session_.send_copy_data(out_, as_bytes(piece));
                    if (out_.pending_bytes() > 256 * 1024) {
                        (void)flush();
                    }
                }
                (void)session_.send_copy_done(out_);
                copy_in_active_ = false;
            } else {
                (void)session_.send_copy_fail(out_, "socket_driver: no COPY data for this query");
            }
            (void)flush();
            return false;
        case wire::event_kind::copy_out_response:
        case wire::event_kind::copy_both_response:
            r.in_statement = false;
            open_statement();
            return false;
        case wire::event_kind::copy_data:
            if (const auto* d = std::get_if<wire::backend::copy_data>(&ev.msg)) {
                open_statement().copy_out += to_string(d->data);
            }
            return false;
        case wire::event_kind::error: {
            statement_result& s = open_statement();
            s.ec = ev.ec;
            s.error = session_.last_error();
            r.in_statement = false;
            if (!r.ec) {
                r.ec = ev.ec;
                r.error = session_.last_error();
            }
            return false;
        }
        case wire::event_kind::ready_for_query:
            if (const auto* z = std::get_if<wire::backend::ready_for_query>(&ev.msg)) {
                r.transaction_status = z->status;
            } else {
                r.transaction_status = session_.transaction_status();
            }
            r.in_statement = false;
            return true;
        case wire::event_kind::fatal:
            r.fatal = true;
            r.ec = ev.ec ? ev.ec : make_error_code(errc::connection_closed);
            r.error = session_.last_error();
            r.in_statement = false;
            return true;
        default:
            return false;
    }
}

query_result socket_driver::collect() {
    query_result r;
    while (!accumulate(next_event(), r)) {
    }
    return r;
}

namespace {

query_result failed(std::error_code ec, const wire::session& s) {
    query_result r;
    r.ec = ec;
    r.error = s.last_error();
    r.fatal = ec == errc::connection_closed || s.state() == wire::session_state::failed;
    return r;
}

}  // namespace

query_result socket_driver::simple_query(std::string_view sql) {
    if (auto ec = session_.send_query(out_, sql)) {
        return failed(ec, session_);
    }
    (void)flush();
    return collect();
}

query_result socket_driver::copy_in(std::string_view sql, std::string_view data, std::size_t chunk) {
    if (auto ec = session_.send_query(out_, sql)) {
        return failed(ec, session_);
    }
    copy_in_data_ = data;
    copy_in_chunk_ = chunk == 0 ? 8192 : chunk;
    copy_in_active_ = true;
    (void)flush();
    query_result r = collect();
    copy_in_active_ = false;
    copy_in_data_ = {};
    return r;
}

std::error_code socket_driver::queue_bind_execute_sync(std::string_view statement,
                                                       std::span<const param> params,
                                                       std::int16_t result_format) {
    std::vector<std::int16_t> formats;
    std::vector<wire::frontend::raw_parameter> raw;
    formats.reserve(params.size());
    raw.reserve(params.size());
    for (const param& p : params) {
        formats.push_back(p.format);
        if (p.value) {
            raw.push_back({false, as_bytes(*p.value)});
        } else {
            raw.push_back({true, {}});
        }
    }
    const std::int16_t rf[1] = {result_format};
    if (auto ec =
            session_.send_bind(out_, "", statement, formats, raw, std::span<const std::int16_t>(rf, 1))) {
        return ec;
    }
    if (auto ec = session_.send_execute(out_, "", 0)) {
        return ec;
    }
    return session_.send_sync(out_);
}

query_result socket_driver::extended_query(std::string_view sql, std::span<const param> params,
                                           std::int16_t result_format) {
    std::vector<oid_t> types;
    types.reserve(params.size());
    for (const param& p : params) {
        types.push_back(p.type);
    }
    if (auto ec = session_.send_parse(out_, "", sql, types)) {
        return failed(ec, session_);
    }
    std::vector<std::int16_t> formats;
    std::vector<wire::frontend::raw_parameter> raw;
    for (const param& p : params) {
        formats.push_back(p.format);
        if (p.value) {
            raw.push_back({false, as_bytes(*p.value)});
        } else {
            raw.push_back({true, {}});
        }
    }
    const std::int16_t rf[1] = {result_format};
    std::error_code ec = session_.send_bind(out_, "", "", formats, raw, std::span<const std::int16_t>(rf, 1));
    if (!ec) {
        ec = session_.send_describe_portal(out_, "");
    }
    if (!ec) {
        ec = session_.send_execute(out_, "", 0);
    }
    if (ec) {
        // The Parse is queued already: end the batch so the session does not wait for it.
        if (!session_.send_sync(out_)) {
            (void)flush();
            (void)collect();
        }
        return failed(ec, session_);
    }
    if ((ec = session_.send_sync(out_))) {
        return failed(ec, session_);
    }
    (void)flush();
    return collect();
}

}  // namespace pgring::test
