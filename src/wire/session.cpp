#include "wire/session.hpp"

#include "wire/byte_order.hpp"

#include <algorithm>
#include <string>

namespace pgring::wire {

namespace {

bool is_fatal_severity(std::string_view severity) noexcept {
    return severity == "FATAL" || severity == "PANIC";
}

std::string_view as_string_view(std::span<const std::byte> s) noexcept {
    return {reinterpret_cast<const char*>(s.data()), s.size()};
}

std::string_view expectation_name(int what) noexcept {
    static constexpr std::string_view names[] = {
        "ParseComplete",
        "BindComplete",
        "CloseComplete",
        "ParameterDescription",
        "RowDescription or NoData",
        "the results of Execute",
        "ReadyForQuery",
        "the results of Query",
    };
    return names[what];
}

}  // namespace

std::string_view event_name(event_kind k) noexcept {
    switch (k) {
        case event_kind::need_more: return "need_more";
        case event_kind::authenticated: return "authenticated";
        case event_kind::ready: return "ready";
        case event_kind::backend_key_data: return "backend_key_data";
        case event_kind::parameter_status: return "parameter_status";
        case event_kind::notice: return "notice";
        case event_kind::notification: return "notification";
        case event_kind::parse_complete: return "parse_complete";
        case event_kind::bind_complete: return "bind_complete";
        case event_kind::close_complete: return "close_complete";
        case event_kind::parameter_description: return "parameter_description";
        case event_kind::row_description: return "row_description";
        case event_kind::no_data: return "no_data";
        case event_kind::data_row: return "data_row";
        case event_kind::command_complete: return "command_complete";
        case event_kind::empty_query: return "empty_query";
        case event_kind::portal_suspended: return "portal_suspended";
        case event_kind::copy_in_response: return "copy_in_response";
        case event_kind::copy_out_response: return "copy_out_response";
        case event_kind::copy_both_response: return "copy_both_response";
        case event_kind::copy_data: return "copy_data";
        case event_kind::copy_done: return "copy_done";
        case event_kind::ready_for_query: return "ready_for_query";
        case event_kind::error: return "error";
        case event_kind::fatal: return "fatal";
    }
    return "unknown";
}

// ---- expectation queue ---------------------------------------------------------------------

void session::expectation_queue::push(expectation e) {
    if (size_ == items_.size()) {
        // Grow, unrolling the ring so head_ is 0 again.
        std::vector<expectation> bigger;
        bigger.reserve(std::max<std::size_t>(16, items_.size() * 2));
        for (std::size_t i = 0; i < size_; ++i) {
            bigger.push_back(items_[(head_ + i) % items_.size()]);
        }
        bigger.resize(bigger.capacity());
        items_ = std::move(bigger);
        head_ = 0;
    }
    items_[(head_ + size_) % items_.size()] = e;
    ++size_;
}

void session::expectation_queue::pop() noexcept {
    head_ = (head_ + 1) % items_.size();
    --size_;
}

std::size_t session::expectation_queue::find(expect what) const noexcept {
    for (std::size_t i = 0; i < size_; ++i) {
        if (items_[(head_ + i) % items_.size()].what == what) {
            return i;
        }
    }
    return size_;
}

// ---- construction --------------------------------------------------------------------------

session::session(session_options options)
    : options_(std::move(options)), reader_(options_.max_message_size) {}

session::~session() = default;

// ---- commands ------------------------------------------------------------------------------

std::error_code session::check_can_send() const noexcept {
    switch (state_) {
        case session_state::ready:
            return {};
        case session_state::failed:
        case session_state::closed:
            return errc::connection_closed;
        default:
            return errc::invalid_state;
    }
}

std::error_code session::start(write_buffer& out) {
    if (state_ != session_state::initial) {
        return errc::invalid_state;
    }
    std::vector<frontend::startup_parameter> params;
    params.reserve(6 + options_.parameters.size());
    params.emplace_back("user", options_.user);
    if (!options_.database.empty()) {
        params.emplace_back("database", options_.database);
    }
    if (!options_.application_name.empty()) {
        params.emplace_back("application_name", options_.application_name);
    }
    if (!options_.options.empty()) {
        params.emplace_back("options", options_.options);
    }
    params.emplace_back("client_encoding", "UTF8");
    for (const auto& [name, value] : options_.parameters) {
        if (name == "client_encoding" || name == "user" || name == "database") {
            continue;  // forced above
        }
        params.emplace_back(name, value);
    }
    if (auto ec = frontend::encode_startup(out, params)) {
        return ec;
    }
    state_ = session_state::startup;
    return {};
}

std::error_code session::send_query(write_buffer& out, std::string_view sql) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    if (auto ec = frontend::encode_query(out, sql)) {
        return ec;
    }
    queue_.push({expect::simple_query, -1, false});
    return {};
}

std::error_code session::send_parse(write_buffer& out, std::string_view statement, std::string_view sql,
                                    std::span<const oid_t> parameter_types) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    if (auto ec = frontend::encode_parse(out, statement, sql, parameter_types)) {
        return ec;
    }
    queue_.push({expect::parse, -1, false});
    return {};
}

std::error_code session::send_bind(write_buffer& out, std::string_view portal, std::string_view statement,
                                   std::span<const std::int16_t> parameter_formats,
                                   std::span<const frontend::raw_parameter> parameters,
                                   std::span<const std::int16_t> result_formats) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    if (auto ec = frontend::encode_bind(out, portal, statement, parameter_formats, parameters, result_formats)) {
        return ec;
    }
    queue_.push({expect::bind, -1, false});
    return {};
}

std::error_code session::end_bind(frontend::bind_encoder& encoder, std::span<const std::int16_t> result_formats) {
    if (auto ec = check_can_send()) {
        encoder.fail(ec);
        return ec;
    }
    if (auto ec = encoder.finish(result_formats)) {
        return ec;
    }
    queue_.push({expect::bind, -1, false});
    return {};
}

std::error_code session::send_describe_statement(write_buffer& out, std::string_view statement) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    if (auto ec = frontend::encode_describe(out, 'S', statement)) {
        return ec;
    }
    queue_.push({expect::describe_statement, -1, false});
    return {};
}

std::error_code session::send_describe_portal(write_buffer& out, std::string_view portal) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    if (auto ec = frontend::encode_describe(out, 'P', portal)) {
        return ec;
    }
    queue_.push({expect::describe_portal, -1, false});
    return {};
}

std::error_code session::send_execute(write_buffer& out, std::string_view portal, std::int32_t max_rows,
                                      std::int32_t columns) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    if (auto ec = frontend::encode_execute(out, portal, max_rows)) {
        return ec;
    }
    queue_.push({expect::execute, columns, false});
    return {};
}

std::error_code session::send_close(write_buffer& out, char kind, std::string_view name) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    if (auto ec = frontend::encode_close(out, kind, name)) {
        return ec;
    }
    queue_.push({expect::close, -1, false});
    return {};
}

std::error_code session::send_sync(write_buffer& out) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    frontend::encode_sync(out);
    queue_.push({expect::sync, -1, false});
    return {};
}

std::error_code session::send_flush(write_buffer& out) {
    if (auto ec = check_can_send()) {
        return ec;
    }
    frontend::encode_flush(out);
    return {};
}

std::error_code session::send_copy_data(write_buffer& out, std::span<const std::byte> data) {
    if (state_ != session_state::copy_in && state_ != session_state::copy_both) {
        return state_ == session_state::failed || state_ == session_state::closed ? errc::connection_closed
                                                                                   : errc::invalid_state;
    }
    return frontend::encode_copy_data(out, data);
}

std::error_code session::send_copy_done(write_buffer& out) {
    if (state_ != session_state::copy_in && state_ != session_state::copy_both) {
        return state_ == session_state::failed || state_ == session_state::closed ? errc::connection_closed
                                                                                   : errc::invalid_state;
    }
    frontend::encode_copy_done(out);
    if (state_ == session_state::copy_both) {
        state_ = session_state::copy_out;  // the server may still send until its CopyDone
    } else {
        // The server keeps answering the COPY (CommandComplete or ErrorResponse).
        state_ = session_state::ready;
        if (copy_needs_sync_) {
            // A Sync sent with the Execute was ignored in copy-in mode: send the one that will
            // be answered. The queue already holds its expectation.
            frontend::encode_sync(out);
            copy_needs_sync_ = false;
        }
    }
    return {};
}

std::error_code session::send_copy_fail(write_buffer& out, std::string_view message) {
    if (state_ != session_state::copy_in) {
        return state_ == session_state::failed || state_ == session_state::closed ? errc::connection_closed
                                                                                   : errc::invalid_state;
    }
    if (auto ec = frontend::encode_copy_fail(out, message)) {
        return ec;
    }
    state_ = session_state::ready;
    if (copy_needs_sync_) {
        frontend::encode_sync(out);
        copy_needs_sync_ = false;
    }
    return {};
}

void session::terminate(write_buffer& out) {
    if (state_ != session_state::initial && state_ != session_state::failed && state_ != session_state::closed) {
        frontend::encode_terminate(out);
    }
    state_ = session_state::closed;
    queue_.clear();
}

// ---- state ---------------------------------------------------------------------------------

std::optional<std::string_view> session::parameter(std::string_view name) const noexcept {
    for (const auto& [n, v] : parameters_) {
        if (n == name) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

void session::remember_parameter(std::string_view name, std::string_view value) {
    for (auto& [n, v] : parameters_) {
        if (n == name) {
            v.assign(value);
            return;
        }
    }
    parameters_.emplace_back(name, value);
}

// ---- input ---------------------------------------------------------------------------------

event session::fail(std::error_code ec, std::string message) {
    last_error_.clear();
    last_error_.client_message = std::move(message);
    failure_ = ec;
    state_ = session_state::failed;
    queue_.clear();
    scram_.reset();
    event ev;
    ev.kind = event_kind::fatal;
    ev.ec = ec;
    return ev;
}

event session::unexpected(const frame& f) {
    std::string msg = "unexpected ";
    msg += backend::message_name(f.tag);
    if (backend::message_name(f.tag) == "unknown") {
        msg += " message type 0x";
        static constexpr char hex[] = "0123456789abcdef";
        const auto t = static_cast<unsigned char>(f.tag);
        msg += hex[t >> 4];
        msg += hex[t & 15];
    }
    msg += " message";
    if (state_ == session_state::ready && !queue_.empty()) {
        msg += " while waiting for ";
        msg += expectation_name(static_cast<int>(queue_.front().what));
    } else if (state_ == session_state::ready) {
        msg += " with no request in flight";
    }
    return fail(backend::message_name(f.tag) == "unknown" ? std::error_code(errc::unknown_message_type)
                                                          : std::error_code(errc::unexpected_message),
                std::move(msg));
}

event session::connection_lost(std::error_code ec) {
    if (state_ == session_state::failed) {
        event ev;
        ev.kind = event_kind::fatal;
        ev.ec = failure_;
        return ev;
    }
    std::string msg = "server closed the connection unexpectedly";
    if (ec) {
        msg += " (" + ec.message() + ")";
    }
    if (state_ == session_state::closed) {
        msg = "connection closed";
    } else if (state_ < session_state::ready) {
        msg += " during startup";
    } else if (!queue_.empty()) {
        msg += " with " + std::to_string(queue_.size()) + " request(s) in flight";
    }
    return fail(errc::connection_closed, std::move(msg));
}

event session::consume(std::span<const std::byte>& input, write_buffer& out) {
    for (;;) {
        if (state_ == session_state::failed) {
            event ev;
            ev.kind = event_kind::fatal;
            ev.ec = failure_;
            input = {};
            return ev;
        }
        frame f;
        const auto r = reader_.next(input, f);
        input = input.subspan(r.consumed);
        if (r.st == frame_reader::status::need_more) {
            return {};
        }
        if (r.st == frame_reader::status::error) {
            std::string msg = r.ec == errc::message_too_large
                                  ? "server message larger than max_message_size (" +
                                        std::to_string(reader_.max_message_size()) + " bytes)"
                                  : std::string("invalid message length from server");
            return fail(r.ec, std::move(msg));
        }
        event ev = handle(f, out);
        if (ev.kind != event_kind::need_more) {
            return ev;
        }
        // need_more from handle() means "consumed silently" (e.g. an authentication step).
    }
}

bool session::next_data_row(std::span<const std::byte>& input, backend::data_row& row) {
    return take_data_rows(
               input, [](void* out, const backend::data_row& r) { *static_cast<backend::data_row*>(out) = r; }, &row,
               1) == 1;
}

std::size_t session::take_data_rows(std::span<const std::byte>& input,
                                    void (*on_row)(void* context, const backend::data_row& row), void* context,
                                    std::size_t max_rows) {
    if (state_ != session_state::ready || queue_.empty() || reader_.has_partial()) {
        return 0;
    }
    expectation& front = queue_.front();
    if (front.what != expect::execute) {
        return 0;
    }
    const std::int32_t columns = front.columns >= 0 ? front.columns : described_columns_;
    const std::size_t max_size = reader_.max_message_size();
    std::size_t taken = 0;
    backend::data_row row;
    while (taken < max_rows && input.size() >= 5 && input[0] == static_cast<std::byte>(backend::tag::data_row)) {
        const std::int32_t length = load_i32(input.data() + 1);
        if (length < 4 || static_cast<std::size_t>(length) > max_size ||
            input.size() - 1 < static_cast<std::size_t>(length)) {
            break;  // split across receive buffers, or bad: the general path reports it
        }
        if (backend::decode_data_row(input.subspan(5, static_cast<std::size_t>(length) - 4), row) ||
            (columns >= 0 && row.column_count != columns)) {
            break;  // consume() fails the session with its message
        }
        front.columns = columns;
        input = input.subspan(1 + static_cast<std::size_t>(length));
        on_row(context, row);
        ++taken;
    }
    return taken;
}

event session::handle(const frame& f, write_buffer& out) {
    switch (state_) {
        case session_state::startup:
        case session_state::password_sent:
        case session_state::sasl_continue:
        case session_state::sasl_final:
        case session_state::sasl_ok:
            return on_startup(f, out);
        case session_state::startup_parameters:
            return on_startup_parameters(f);
        case session_state::ready:
            return on_ready(f);
        case session_state::copy_in:
        case session_state::copy_out:
        case session_state::copy_both:
            return on_copy(f, out);
        case session_state::initial:
        case session_state::closed:
            return fail(errc::unexpected_message,
                        std::string("unexpected ") + std::string(backend::message_name(f.tag)) +
                            (state_ == session_state::initial ? " before the startup message"
                                                              : " after Terminate"));
        case session_state::failed:
            break;
    }
    event ev;
    ev.kind = event_kind::fatal;
    ev.ec = failure_;
    return ev;
}

bool session::on_async(const frame& f, event& ev) {
    switch (f.tag) {
        case backend::tag::notice_response: {
            backend::error_response n;
            if (auto ec = backend::decode_error_response(f.body, n)) {
                ev = fail(ec, "malformed NoticeResponse message");
                return true;
            }
            ev.kind = event_kind::notice;
            ev.msg = n;
            return true;
        }
        case backend::tag::notification_response: {
            backend::notification_response n;
            if (auto ec = backend::decode_notification_response(f.body, n)) {
                ev = fail(ec, "malformed NotificationResponse message");
                return true;
            }
            ev.kind = event_kind::notification;
            ev.msg = n;
            return true;
        }
        case backend::tag::parameter_status: {
            backend::parameter_status p;
            if (auto ec = backend::decode_parameter_status(f.body, p)) {
                ev = fail(ec, "malformed ParameterStatus message");
                return true;
            }
            remember_parameter(p.name, p.value);
            ev.kind = event_kind::parameter_status;
            ev.msg = p;
            return true;
        }
        default:
            return false;
    }
}

event session::on_error_response(std::span<const std::byte> body, write_buffer* out) {
    backend::error_response e;
    if (auto ec = backend::decode_error_response(body, e)) {
        return fail(ec, "malformed ErrorResponse message");
    }
    diagnostics diag;
    e.to_diagnostics(diag);
    std::error_code code = make_sqlstate_error(diag.sqlstate);
    if (code == errc::protocol_violation) {
        // No or invalid SQLSTATE: keep the server's text, report a generic internal error.
        code = make_sqlstate_error("XX000");
    }
    const bool fatal = state_ < session_state::ready || is_fatal_severity(diag.severity_nonlocalized) ||
                       (diag.severity_nonlocalized.empty() && is_fatal_severity(diag.severity));
    if (fatal) {
        event ev = fail(code, {});
        last_error_ = std::move(diag);
        ev.msg = e;
        return ev;
    }
    last_error_ = std::move(diag);

    if (state_ == session_state::copy_in || state_ == session_state::copy_out ||
        state_ == session_state::copy_both) {
        // The COPY ended with an error; its Query or Sync is still to be answered. A Sync the
        // server ignored in copy-in mode must be sent again, or it would wait forever.
        if (copy_needs_sync_ && out != nullptr) {
            frontend::encode_sync(*out);
        }
        state_ = session_state::ready;
        copy_needs_sync_ = false;
    }
    if (!queue_.empty()) {
        const expect front = queue_.front().what;
        if (front != expect::simple_query && front != expect::sync) {
            // Extended protocol: the server discards messages up to the next Sync, so none of
            // the expectations before it will be answered.
            while (!queue_.empty() && queue_.front().what != expect::sync) {
                queue_.pop();
            }
        }
    }
    // An ErrorResponse with nothing in flight (e.g. a server-side timeout on an idle
    // connection that is not FATAL) is still reported: the caller decides.
    event ev;
    ev.kind = event_kind::error;
    ev.ec = code;
    ev.msg = e;
    return ev;
}

event session::on_ready_for_query(std::span<const std::byte> body) {
    backend::ready_for_query r;
    if (auto ec = backend::decode_ready_for_query(body, r)) {
        return fail(ec, "malformed ReadyForQuery message");
    }
    transaction_status_ = r.status;
    event ev;
    ev.kind = event_kind::ready_for_query;
    ev.msg = r;
    return ev;
}

// Startup: authentication requests until AuthenticationOk.
event session::on_startup(const frame& f, write_buffer& out) {
    switch (f.tag) {
        case backend::tag::authentication: {
            backend::authentication auth;
            if (auto ec = backend::decode_authentication(f.body, auth)) {
                return fail(ec, ec == errc::unsupported_authentication
                                    ? "server requested an unknown authentication method"
                                    : "malformed authentication request");
            }
            return on_authentication(auth, out);
        }
        case backend::tag::error_response:
            return on_error_response(f.body);
        case backend::tag::notice_response: {
            event ev;
            on_async(f, ev);
            return ev;
        }
        case backend::tag::negotiate_protocol_version: {
            backend::negotiate_protocol_version n;
            if (auto ec = backend::decode_negotiate_protocol_version(f.body, n)) {
                return fail(ec, "malformed NegotiateProtocolVersion message");
            }
            // We ask for 3.0 with no protocol options, so the server cannot offer less.
            if (n.newest_minor_version < 0 || state_ != session_state::startup) {
                return fail(errc::unsupported_protocol_version,
                            "server does not support protocol version 3.0");
            }
            return {};
        }
        default:
            return unexpected(f);
    }
}

event session::on_authentication(const backend::authentication& auth, write_buffer& out) {
    using kind = backend::authentication::kind;
    const bool in_sasl = state_ == session_state::sasl_continue || state_ == session_state::sasl_final;
    switch (auth.request) {
        case kind::ok: {
            if (in_sasl) {
                // A server that skips the SASL exchange has not proven it knows the password.
                return fail(errc::scram_protocol_error, "server sent AuthenticationOk before completing SCRAM");
            }
            state_ = session_state::startup_parameters;
            scram_.reset();
            event ev;
            ev.kind = event_kind::authenticated;
            return ev;
        }
        case kind::cleartext_password:
        case kind::md5_password: {
            if (state_ != session_state::startup) {
                return fail(errc::unexpected_message, "unexpected second authentication request");
            }
            const bool md5 = auth.request == kind::md5_password;
            if (!(md5 ? options_.allow_md5_password : options_.allow_cleartext_password)) {
                return fail(errc::unsupported_authentication,
                            md5 ? "server requested md5 password authentication, which is disabled"
                                : "server requested cleartext password authentication, which is disabled");
            }
            if (options_.password.empty()) {
                return fail(errc::password_required, "server requested a password, but none was given");
            }
            std::error_code ec;
            if (md5) {
                const std::string hash = md5_password_hash(options_.user, options_.password, auth.salt);
                if (hash.empty()) {
                    return fail(errc::unsupported_authentication, "MD5 is unavailable in libcrypto (FIPS mode?)");
                }
                ec = frontend::encode_password(out, hash);
            } else {
                ec = frontend::encode_password(out, options_.password);
            }
            if (ec) {
                return fail(ec, "cannot send the password");
            }
            state_ = session_state::password_sent;
            return {};
        }
        case kind::sasl: {
            if (state_ != session_state::startup) {
                return fail(errc::unexpected_message, "unexpected second SASL authentication request");
            }
            if (!auth.offers_mechanism("SCRAM-SHA-256")) {
                return fail(errc::unsupported_authentication,
                            "server offered no SASL mechanism pgring supports (SCRAM-SHA-256)");
            }
            if (options_.password.empty()) {
                return fail(errc::password_required, "server requested a password, but none was given");
            }
            scram_ = std::make_unique<scram_sha256>(options_.password, options_.scram_client_nonce,
                                                    options_.scram_max_iterations);
            const std::string& first = scram_->client_first();
            if (auto ec = frontend::encode_sasl_initial_response(
                    out, "SCRAM-SHA-256", std::as_bytes(std::span<const char>(first.data(), first.size())))) {
                return fail(ec, "cannot send the SASL initial response");
            }
            state_ = session_state::sasl_continue;
            return {};
        }
        case kind::sasl_continue: {
            if (state_ != session_state::sasl_continue || !scram_) {
                return fail(errc::unexpected_message, "unexpected AuthenticationSASLContinue");
            }
            if (auto ec = scram_->handle_server_first(as_string_view(auth.data))) {
                std::string msg = "SCRAM: invalid server-first-message";
                if (!scram_->error_detail().empty()) {
                    msg += ": " + scram_->error_detail();
                }
                return fail(ec, std::move(msg));
            }
            const std::string& final_msg = scram_->client_final();
            if (auto ec = frontend::encode_sasl_response(
                    out, std::as_bytes(std::span<const char>(final_msg.data(), final_msg.size())))) {
                return fail(ec, "cannot send the SASL response");
            }
            state_ = session_state::sasl_final;
            return {};
        }
        case kind::sasl_final: {
            if (state_ != session_state::sasl_final || !scram_) {
                return fail(errc::unexpected_message, "unexpected AuthenticationSASLFinal");
            }
            if (auto ec = scram_->handle_server_final(as_string_view(auth.data))) {
                std::string msg = ec == errc::scram_server_signature_mismatch
                                      ? "SCRAM: the server's signature is invalid"
                                      : "SCRAM: invalid server-final-message";
                if (!scram_->error_detail().empty()) {
                    msg += ": " + scram_->error_detail();
                }
                return fail(ec, std::move(msg));
            }
            state_ = session_state::sasl_ok;
            return {};
        }
        case kind::kerberos_v5:
            return fail(errc::unsupported_authentication, "Kerberos V5 authentication is not supported");
        case kind::scm_credential:
            return fail(errc::unsupported_authentication, "SCM credential authentication is not supported");
        case kind::gss:
        case kind::gss_continue:
            return fail(errc::unsupported_authentication, "GSSAPI authentication is not supported");
        case kind::sspi:
            return fail(errc::unsupported_authentication, "SSPI authentication is not supported");
    }
    return fail(errc::unsupported_authentication, "unsupported authentication request");
}

// After AuthenticationOk: BackendKeyData and ParameterStatus until the first ReadyForQuery.
event session::on_startup_parameters(const frame& f) {
    event ev;
    if (on_async(f, ev)) {
        return ev;
    }
    switch (f.tag) {
        case backend::tag::backend_key_data: {
            backend::backend_key_data k;
            if (auto ec = backend::decode_backend_key_data(f.body, k)) {
                return fail(ec, "malformed BackendKeyData message");
            }
            backend_key_ = k;
            ev.kind = event_kind::backend_key_data;
            ev.msg = k;
            return ev;
        }
        case backend::tag::ready_for_query: {
            ev = on_ready_for_query(f.body);
            if (ev.kind == event_kind::ready_for_query) {
                state_ = session_state::ready;
                ev.kind = event_kind::ready;
            }
            return ev;
        }
        case backend::tag::error_response:
            return on_error_response(f.body);
        default:
            return unexpected(f);
    }
}

// Normal operation: each message must answer the front of the in-flight queue.
event session::on_ready(const frame& f) {
    event ev;
    if (on_async(f, ev)) {
        return ev;
    }
    if (f.tag == backend::tag::error_response) {
        return on_error_response(f.body);
    }
    if (queue_.empty()) {
        return unexpected(f);
    }
    expectation& front = queue_.front();
    const bool simple = front.what == expect::simple_query;

    switch (f.tag) {
        case backend::tag::parse_complete:
        case backend::tag::bind_complete:
        case backend::tag::close_complete: {
            const expect want = f.tag == backend::tag::parse_complete  ? expect::parse
                                : f.tag == backend::tag::bind_complete ? expect::bind
                                                                       : expect::close;
            if (front.what != want) {
                return unexpected(f);
            }
            if (auto ec = backend::decode_empty(f.body)) {
                return fail(ec, std::string("malformed ") + std::string(backend::message_name(f.tag)) + " message");
            }
            queue_.pop();
            ev.kind = want == expect::parse  ? event_kind::parse_complete
                      : want == expect::bind ? event_kind::bind_complete
                                             : event_kind::close_complete;
            return ev;
        }
        case backend::tag::parameter_description: {
            if (front.what != expect::describe_statement || front.seen_first) {
                return unexpected(f);
            }
            backend::parameter_description d;
            if (auto ec = backend::decode_parameter_description(f.body, d)) {
                return fail(ec, "malformed ParameterDescription message");
            }
            front.seen_first = true;
            ev.kind = event_kind::parameter_description;
            ev.msg = d;
            return ev;
        }
        case backend::tag::row_description: {
            backend::row_description d;
            const bool describe = (front.what == expect::describe_statement && front.seen_first) ||
                                  front.what == expect::describe_portal;
            if (!describe && !simple) {
                return unexpected(f);
            }
            if (auto ec = backend::decode_row_description(f.body, d)) {
                return fail(ec, "malformed RowDescription message");
            }
            if (simple) {
                front.columns = d.column_count;
            } else {
                described_columns_ = d.column_count;
                queue_.pop();
            }
            ev.kind = event_kind::row_description;
            ev.msg = d;
            return ev;
        }
        case backend::tag::no_data: {
            const bool describe = (front.what == expect::describe_statement && front.seen_first) ||
                                  front.what == expect::describe_portal;
            if (!describe) {
                return unexpected(f);
            }
            if (auto ec = backend::decode_empty(f.body)) {
                return fail(ec, "malformed NoData message");
            }
            described_columns_ = 0;
            queue_.pop();
            ev.kind = event_kind::no_data;
            return ev;
        }
        case backend::tag::data_row: {
            if (front.what == expect::execute) {
                if (front.columns < 0) {
                    front.columns = described_columns_;
                }
            } else if (!simple || front.columns < 0) {
                // In a simple query a DataRow must follow a RowDescription.
                return unexpected(f);
            }
            backend::data_row row;
            if (auto ec = backend::decode_data_row(f.body, row)) {
                return fail(ec, "malformed DataRow message");
            }
            if (front.columns >= 0 && row.column_count != front.columns) {
                return fail(errc::protocol_violation,
                            "DataRow has " + std::to_string(row.column_count) + " columns, RowDescription said " +
                                std::to_string(front.columns));
            }
            ev.kind = event_kind::data_row;
            ev.msg = row;
            return ev;
        }
        case backend::tag::command_complete: {
            if (front.what != expect::execute && !simple) {
                return unexpected(f);
            }
            backend::command_complete c;
            if (auto ec = backend::decode_command_complete(f.body, c)) {
                return fail(ec, "malformed CommandComplete message");
            }
            if (simple) {
                front.columns = -1;
            } else {
                queue_.pop();
            }
            ev.kind = event_kind::command_complete;
            ev.msg = c;
            return ev;
        }
        case backend::tag::empty_query_response:
        case backend::tag::portal_suspended: {
            const bool suspended = f.tag == backend::tag::portal_suspended;
            if (!(front.what == expect::execute || (simple && !suspended))) {
                return unexpected(f);
            }
            if (auto ec = backend::decode_empty(f.body)) {
                return fail(ec, std::string("malformed ") + std::string(backend::message_name(f.tag)) + " message");
            }
            if (!simple) {
                queue_.pop();
            }
            ev.kind = suspended ? event_kind::portal_suspended : event_kind::empty_query;
            return ev;
        }
        case backend::tag::copy_in_response:
        case backend::tag::copy_out_response:
        case backend::tag::copy_both_response: {
            if (front.what != expect::execute && !simple) {
                return unexpected(f);
            }
            backend::copy_response c;
            if (auto ec = backend::decode_copy_response(f.body, c)) {
                return fail(ec, std::string("malformed ") + std::string(backend::message_name(f.tag)) + " message");
            }
            // The Execute (or Query) stays at the front: CommandComplete answers it after the copy.
            copy_from_extended_ = !simple;
            if (f.tag == backend::tag::copy_in_response) {
                state_ = session_state::copy_in;
                // In copy-in mode the server ignores Sync; if one is queued right behind this
                // Execute it was swallowed, and CopyDone/CopyFail must send another.
                copy_needs_sync_ = copy_from_extended_ && queue_.size() > 1 && queue_.at(1).what == expect::sync;
                ev.kind = event_kind::copy_in_response;
            } else if (f.tag == backend::tag::copy_out_response) {
                state_ = session_state::copy_out;
                ev.kind = event_kind::copy_out_response;
            } else {
                state_ = session_state::copy_both;
                ev.kind = event_kind::copy_both_response;
            }
            ev.msg = c;
            return ev;
        }
        case backend::tag::ready_for_query: {
            if (front.what != expect::sync && !simple) {
                return unexpected(f);
            }
            ev = on_ready_for_query(f.body);
            if (ev.kind == event_kind::ready_for_query) {
                queue_.pop();
                described_columns_ = -1;
            }
            return ev;
        }
        default:
            return unexpected(f);
    }
}

// COPY modes: CopyData, CopyDone, and the messages that end the copy.
event session::on_copy(const frame& f, write_buffer& out) {
    event ev;
    if (on_async(f, ev)) {
        return ev;
    }
    switch (f.tag) {
        case backend::tag::error_response:
            return on_error_response(f.body, &out);
        case backend::tag::copy_data: {
            if (state_ == session_state::copy_in) {
                return unexpected(f);
            }
            backend::copy_data d;
            if (auto ec = backend::decode_copy_data(f.body, d)) {
                return fail(ec, "malformed CopyData message");
            }
            ev.kind = event_kind::copy_data;
            ev.msg = d;
            return ev;
        }
        case backend::tag::copy_done: {
            if (state_ == session_state::copy_in) {
                return unexpected(f);
            }
            if (auto ec = backend::decode_empty(f.body)) {
                return fail(ec, "malformed CopyDone message");
            }
            // copy_out ends here and CommandComplete follows; in copy_both the server has
            // stopped sending but we may still send until our CopyDone.
            state_ = state_ == session_state::copy_both ? session_state::copy_in : session_state::ready;
            ev.kind = event_kind::copy_done;
            return ev;
        }
        default:
            return unexpected(f);
    }
}

}  // namespace pgring::wire
