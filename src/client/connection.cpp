// pgring::connection and detail::connection_impl: the statement paths drawn in
// connection_impl.hpp.

#include <pgring/batch.hpp>
#include <pgring/connection.hpp>
#include <pgring/sqlstate.hpp>

#include <pgring/detail/byte_order.hpp>

#include "client/connection_impl.hpp"
#include "driver/exchanges.hpp"
#include "driver/rows_builder.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

namespace pgring::detail {

namespace {

using driver::binary_format;
using driver::format_list;
using driver::text_format;

// The server no longer has the statement: someone ran DEALLOCATE (or DISCARD) behind the
// cache's back, in a function or through a pooler.
bool is_missing_statement_error(const std::error_code& ec, const diagnostics& d, const std::string& name) {
    return ec == sqlstate::invalid_sql_statement_name && d.message.find(name) != std::string::npos;
}

// Statements that drop every prepared statement of the session.
bool drops_prepared_statements(std::string_view tag) {
    return tag == "DISCARD ALL" || tag == "DEALLOCATE ALL";
}

bool is_cached_plan_error(const std::error_code& ec, const diagnostics& d) {
    return ec == sqlstate::feature_not_supported &&
           (d.routine == "RevalidateCachedQuery" ||
            d.message.find("cached plan must not change result type") != std::string::npos);
}

// The error of an operation on a connection that is closed.
// A request that streams (COPY FROM STDIN, a batch) keeps at most this much unsent before it
// waits for the socket, and then waits until no more than the low mark is left.
constexpr std::size_t high_water = std::size_t{4} << 20;
constexpr std::size_t low_water = std::size_t{1} << 20;
// COPY data goes out in CopyData messages of about this size.
constexpr std::size_t chunk = std::size_t{64} << 10;

// A portal no Bind ever names: executing it fails the batch on the server (34000), which rolls
// back what the batch ran so far. Sent when the client cannot encode a row mid-stream.
constexpr std::string_view abort_portal = "__pgring_abort";

// What iterating the caller's rows threw, as a message.
std::string thrown_message() {
    try {
        throw;
    } catch (const std::exception& e) {
        return std::string("iterating the rows threw: ") + e.what();
    } catch (...) {
        return "iterating the rows threw an exception that is not a std::exception";
    }
}

// A message could not be written: leave the buffer as it was and say why.
std::error_code send_failed(wire::write_buffer& out, const wire::write_buffer::mark& mark, std::error_code ec,
                            diagnostics& diag) {
    out.rollback(mark);
    diag.client_message = "cannot send the statement: " + ec.message();
    return ec;
}

struct wait_ready {
    prepared_statement& st;
    bool await_ready() const noexcept { return st.ready; }
    void await_suspend(std::coroutine_handle<> h) { st.waiters.push_back(h); }
    void await_resume() const noexcept {}
};

}  // namespace

std::error_code closed_error(diagnostics& diag) {
    diag.client_message = "the connection is closed";
    return make_error_code(errc::connection_closed);
}

failure make_failure(std::error_code ec, diagnostics diag) {
    if (diag.message.empty() && diag.client_message.empty()) {
        diag.client_message = ec.message();
    }
    return failure{ec, std::move(diag)};
}

failure client_failure(errc code, std::string message) {
    return failure{make_error_code(code), diagnostics{.client_message = std::move(message)}};
}

std::string quoted_identifier(std::string_view name) {
    std::string out;
    append_identifier(out, name);
    return out;
}

void append_identifier(std::string& out, std::string_view name) {
    out += '"';
    for (const char c : name) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

connection_impl::connection_impl(loop_impl& lp, driver::channel* ch, connection_options options)
    : loop_(lp), ch_(ch), options_(std::move(options)), cache_(options_.statement_cache) {}

connection_impl::~connection_impl() {
    close();
}

void connection_impl::release(connection_impl* impl) noexcept {
    if (impl == nullptr) {
        return;
    }
    if (impl->running_ == 0) {
        delete impl;
        return;
    }
    impl->released_ = true;
    impl->close();
}

connection_impl::running_guard::~running_guard() {
    if (--impl_->running_ == 0 && impl_->released_) {
        delete impl_;
    }
}

void connection_impl::close() noexcept {
    if (ch_ != nullptr) {
        ch_->terminate();
        driver::channel::destroy(ch_);
        ch_ = nullptr;
    }
}

std::string connection_impl::next_name(char kind) {
    std::string name = "__pgring_";
    name += kind;
    name += std::to_string(++name_counter_);
    return name;
}

driver::clock::time_point connection_impl::deadline_of(const call_options& call) const noexcept {
    const std::chrono::milliseconds t = call.timeout.value_or(options_.command_timeout);
    if (t.count() <= 0) {
        return driver::clock::time_point::max();
    }
    return driver::clock::now() + t;
}

void connection_impl::close_retired(statement_cache::retired_list& retired) {
    for (auto& st : retired) {
        if (st->ready) {
            pending_close_.push_back(st->name);
        }
    }
    retired.clear();
    if (ch_ != nullptr && ch_->writes_free()) {
        send_pending_closes();
    }
}

void connection_impl::send_pending_closes() {
    if (ch_ != nullptr && !ch_->broken()) {
        for (const std::string& name : pending_close_) {
            // Answered by CloseComplete ahead of the next request's messages; no Sync needed.
            (void)ch_->session().send_close(ch_->out(), 'S', name);
        }
    }
    pending_close_.clear();
}

void connection_impl::write_hold::release() noexcept {
    if (ch_ != nullptr && impl_.ch_ == ch_) {
        ch_->release_writes();
        if (ch_->writes_free()) {
            impl_.send_pending_closes();
        }
    }
    ch_ = nullptr;
}

task<std::error_code> connection_impl::wait_write_turn(diagnostics& diag, bool exclusive) {
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    co_await ch_->write_turn(exclusive);
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (std::error_code ec = ch_->usable(&diag)) {
        if (exclusive) {
            ch_->release_writes();
        }
        co_return ec;
    }
    send_pending_closes();
    co_return std::error_code{};
}

task<std::error_code> connection_impl::describe(prepared_statement& st, diagnostics& diag,
                                                driver::clock::time_point deadline) {
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (!ch_->writes_free()) {
        const std::error_code turn_ec = co_await wait_write_turn(diag);
        if (turn_ec) {
            co_return turn_ec;
        }
    }
    wire::session& s = ch_->session();
    wire::write_buffer& out = ch_->out();
    const auto mark = out.get_mark();
    std::error_code ec = s.send_parse(out, st.name, st.sql);
    if (!ec) {
        ec = s.send_describe_statement(out, st.name);
    }
    if (!ec) {
        ec = s.send_sync(out);
    }
    if (ec) {
        // Only an embedded NUL or an oversized text gets here, before anything was queued
        // for the server (the session checks before it writes).
        co_return send_failed(out, mark, ec, diag);
    }
    driver::describe_exchange x;
    x.syncs = 1;
    x.deadline = deadline;
    ch_->submit(x);
    co_await x;
    if (x.ec) {
        diag = std::move(x.diag);
        co_return x.ec;
    }
    st.parameter_types = std::move(x.parameter_types);
    st.columns = x.columns ? std::move(x.columns) : column_set::make();
    st.prepared_at = driver::clock::now();
    if (const std::error_code ec =
            co_await resolve_types(st.parameter_types, st.columns.get(), &st.result_formats, diag, deadline)) {
        co_return ec;
    }
    st.parameter_type_names.clear();
    for (const oid_t t : st.parameter_types) {
        const type_info* info = types_.find(t);
        st.parameter_type_names.push_back(info != nullptr ? info->name : std::string());
    }
    co_return std::error_code{};
}

task<std::error_code> connection_impl::resolve_types(std::span<const oid_t> types, column_set* columns,
                                                     std::vector<std::int16_t>* formats, diagnostics& diag,
                                                     driver::clock::time_point deadline) {
    if (options_.load_types) {
        std::vector<oid_t> missing;
        const auto want = [&](oid_t oid) {
            if (types_.unknown(oid) && std::find(missing.begin(), missing.end(), oid) == missing.end()) {
                missing.push_back(oid);
            }
        };
        for (const oid_t t : types) {
            want(t);
        }
        if (columns != nullptr) {
            for (const column& c : columns->columns) {
                want(c.type);
            }
        }
        if (!missing.empty()) {
            // A type that cannot be loaded (no privilege on the catalogs, a concurrent DROP) is
            // not the statement's failure: its values stay raw bytes, and render_text() says so.
            diagnostics ignored;
            if (const std::error_code ec = co_await load_types_until(std::move(missing), ignored, deadline);
                ec && ec == errc::connection_closed) {
                diag = std::move(ignored);
                co_return ec;
            }
        }
    }
    if (columns != nullptr && formats != nullptr) {
        bool any_text = false;
        for (column& c : columns->columns) {
            c.format = types_.result_format(c.type, options_.text_result_types);
            if (const type_info* info = types_.find(c.type)) {
                c.type_name = info->name;
            }
            any_text = any_text || c.format == text_format;
        }
        formats->clear();
        if (any_text) {
            for (const column& c : columns->columns) {
                formats->push_back(c.format);
            }
        }
    }
    co_return std::error_code{};
}

task<std::error_code> connection_impl::load_types(std::vector<oid_t> oids, diagnostics& diag,
                                                  const call_options& call) {
    const running_guard running(this);
    co_return co_await load_types_until(std::move(oids), diag, deadline_of(call));
}

task<std::error_code> connection_impl::load_types_until(std::vector<oid_t> oids, diagnostics& diag,
                                                        driver::clock::time_point deadline) {
    std::erase_if(oids, [&](oid_t oid) { return !types_.unknown(oid); });
    // Each level of references costs one query; the bound guards against a catalog that keeps
    // naming new types.
    for (int level = 0; !oids.empty() && level < 32; ++level) {
        call_options call;
        if (deadline != driver::clock::time_point::max()) {
            call.timeout = std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                      deadline - driver::clock::now()));
        }
        const param_ref arg = make_param(oids);
        rows r;
        if (const std::error_code ec = co_await run(type_catalog_query, nullptr, std::span(&arg, 1), r, true, diag, call)) {
            co_return ec;
        }
        std::vector<type_info> found;
        for (const row_view v : r) {
            std::tuple<oid_t, std::string, std::string, std::string, std::string, std::int16_t, std::string, bool, oid_t,
                       oid_t, oid_t, oid_t, oid_t, std::vector<std::string>, std::vector<oid_t>,
                       std::vector<std::string>>
                f;
            if (const std::error_code ec = v.get_all(f)) {
                diag.client_message = "cannot read the type catalog: " + ec.message();
                co_return ec;
            }
            type_info t;
            t.oid = std::get<0>(f);
            t.schema = std::move(std::get<1>(f));
            t.name = std::move(std::get<2>(f));
            t.kind = std::get<3>(f).empty() ? 'b' : std::get<3>(f)[0];
            t.category = std::get<4>(f).empty() ? 'U' : std::get<4>(f)[0];
            t.length = std::get<5>(f);
            t.delimiter = std::get<6>(f).empty() ? ',' : std::get<6>(f)[0];
            t.binary_output = std::get<7>(f);
            t.element = std::get<8>(f);
            t.array = std::get<9>(f);
            t.base = std::get<10>(f);
            t.range_subtype = std::get<11>(f);
            t.range = std::get<12>(f);
            const auto& names = std::get<13>(f);
            const auto& field_types = std::get<14>(f);
            for (std::size_t i = 0; i < names.size() && i < field_types.size(); ++i) {
                t.fields.push_back({names[i], field_types[i]});
            }
            t.labels = std::move(std::get<15>(f));
            found.push_back(std::move(t));
        }
        for (type_info& t : found) {
            types_.add(std::move(t));
        }
        std::vector<oid_t> next;
        for (const oid_t oid : oids) {
            if (const type_info* t = types_.find(oid)) {
                types_.unknown_references(*t, next);
            }
        }
        oids = std::move(next);  // OIDs the catalog does not have are dropped: no endless loop
    }
    co_return std::error_code{};
}

task<std::error_code> connection_impl::cached_statement(std::string_view sql, block_ptr<prepared_statement>& out,
                                                        diagnostics& diag, driver::clock::time_point deadline) {
    statement_cache::retired_list retired;
    for (;;) {
        prepared_statement* found = cache_.find(sql, driver::clock::now(), retired);
        close_retired(retired);
        if (found == nullptr) {
            break;
        }
        block_ptr<prepared_statement> keep(found);
        retain(found);
        if (!found->ready) {
            co_await wait_ready{*found};
            if (!found->ready || !found->in_cache) {
                // Its prepare failed and it left the cache; or, between its prepare and this
                // resumption, another call evicted it and queued its Close: prepare again.
                continue;
            }
        }
        out = std::move(keep);
        co_return std::error_code{};
    }
    block_ptr<prepared_statement> st = prepared_statement::make();
    st->name = next_name('c');
    st->sql.assign(sql.data(), sql.size());
    cache_.insert(st, retired);
    close_retired(retired);
    const std::error_code ec = co_await describe(*st, diag, deadline);
    if (ec) {
        cache_.erase(st.get(), retired);
        retired.clear();  // it was never prepared: nothing to Close
    } else {
        st->ready = true;
        ++prepared_count_;
    }
    for (std::coroutine_handle<> h : std::exchange(st->waiters, {})) {
        loop_.schedule(h);
    }
    if (!ec) {
        out = std::move(st);
    }
    co_return ec;
}

task<std::error_code> connection_impl::execute_prepared(prepared_statement& st, std::span<const param_ref> params,
                                                        rows& out, bool keep_rows, diagnostics& diag,
                                                        driver::clock::time_point deadline) {
    if (params.size() != st.parameter_types.size()) {
        diag.client_message = "the statement has " + std::to_string(st.parameter_types.size()) +
                              " parameters but " + std::to_string(params.size()) + " were given";
        co_return make_error_code(errc::wrong_parameter_count);
    }
    format_list formats(params.size());
    if (std::error_code ec = driver::choose_formats(st.parameter_types, params, formats, diag, st.parameter_type_names)) {
        co_return ec;
    }
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (!ch_->writes_free()) {
        const std::error_code turn_ec = co_await wait_write_turn(diag);
        if (turn_ec) {
            co_return turn_ec;
        }
    }
    wire::session& s = ch_->session();
    wire::write_buffer& out_buf = ch_->out();
    const auto mark = out_buf.get_mark();
    const scoped_type_lookup element_types(&types_);  // arrays of enums, composites, domains
    if (std::error_code ec =
            driver::write_bind(s, out_buf, st.name, st.parameter_types, params, formats, diag, st.result_formats)) {
        co_return ec;
    }
    std::error_code ec =
        s.send_execute(out_buf, "", 0, static_cast<std::int32_t>(st.columns ? st.columns->columns.size() : 0));
    if (!ec) {
        ec = s.send_sync(out_buf);
    }
    if (ec) {
        co_return send_failed(out_buf, mark, ec, diag);
    }
    driver::rows_exchange x(out, st.columns, keep_rows);
    x.deadline = deadline;
    ch_->submit(x);
    co_await x;
    if (x.ec) {
        diag = std::move(x.diag);
    }
    co_return x.ec;
}

task<std::error_code> connection_impl::execute_unnamed(std::string_view sql, std::span<const param_ref> params,
                                                       rows& out, bool keep_rows, diagnostics& diag,
                                                       driver::clock::time_point deadline) {
    // Declared types: the codec's preferred type; strings as "unknown" in text form, so the
    // server infers the type and parses the text as it would a literal.
    std::vector<oid_t> declared(params.size());
    format_list formats(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        const param_ref& p = params[i];
        if (p.text_like) {
            declared[i] = 0;
            formats[i] = text_format;
        } else {
            declared[i] = p.preferred_oid;
            formats[i] = binary_format;
            if (!p.is_null && p.preferred_oid == 0) {
                diag.client_message = "parameter $" + std::to_string(i + 1) +
                                      ": its C++ type has no preferred PostgreSQL type; use the statement cache";
                co_return make_error_code(errc::type_mismatch);
            }
        }
    }
    if (!ch_->writes_free()) {
        const std::error_code turn_ec = co_await wait_write_turn(diag);
        if (turn_ec) {
            co_return turn_ec;
        }
    }
    wire::session& s = ch_->session();
    wire::write_buffer& out_buf = ch_->out();
    const auto mark = out_buf.get_mark();
    std::error_code ec = s.send_parse(out_buf, "", sql, declared);
    if (ec) {
        co_return send_failed(out_buf, mark, ec, diag);
    }
    std::error_code bind_ec = driver::write_bind(s, out_buf, "", declared, params, formats, diag);
    if (!bind_ec) {
        ec = s.send_describe_portal(out_buf, "");
        if (!ec) {
            ec = s.send_execute(out_buf, "", 0, -1);
        }
    }
    // The Parse is queued in the session either way: always end with a Sync so the stream
    // stays in step, and report the encoding error once the server has answered.
    if (const std::error_code sync_ec = s.send_sync(out_buf); sync_ec && !ec) {
        ec = sync_ec;
    }
    driver::rows_exchange x(out, {}, keep_rows);
    x.deadline = deadline;
    ch_->submit(x);
    co_await x;
    if (bind_ec || ec) {
        co_return bind_ec ? bind_ec : ec;
    }
    if (x.ec) {
        diag = std::move(x.diag);
    }
    co_return x.ec;
}

task<std::error_code> connection_impl::run(std::string_view sql, const statement* stmt,
                                           std::span<const param_ref> params, rows& out, bool keep_rows,
                                           diagnostics& diag, const call_options& call) {
    const running_guard running(this);
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (std::error_code ec = ch_->usable(&diag)) {
        co_return ec;
    }
    const driver::clock::time_point deadline = deadline_of(call);
    if (stmt != nullptr) {
        if (!stmt->p_) {
            diag.client_message = "the statement is empty";
            co_return make_error_code(errc::invalid_state);
        }
        co_return co_await execute_prepared(*stmt->p_, params, out, keep_rows, diag, deadline);
    }
    if (!cache_.caches(sql)) {
        std::error_code ec = co_await execute_unnamed(sql, params, out, keep_rows, diag, deadline);
        if (!ec && drops_prepared_statements(out.command_tag())) {
            cache_.forget_ready();
        }
        if (!ec && options_.load_types) {
            std::vector<oid_t> column_types;
            for (const column& c : out.columns()) {
                column_types.push_back(c.type);
            }
            ec = co_await resolve_types(column_types, nullptr, nullptr, diag, deadline);
        }
        co_return ec;
    }
    for (int attempt = 0;; ++attempt) {
        block_ptr<prepared_statement> st;
        if (std::error_code ec = co_await cached_statement(sql, st, diag, deadline)) {
            co_return ec;
        }
        std::error_code ec = co_await execute_prepared(*st, params, out, keep_rows, diag, deadline);
        if (!ec && drops_prepared_statements(out.command_tag())) {
            cache_.forget_ready();
        }
        if (ec && is_missing_statement_error(ec, diag, st->name)) {
            // Drop it without a Close (there is nothing to close); nothing ran, so outside a
            // transaction one retry with a fresh prepare is safe.
            statement_cache::retired_list retired;
            cache_.erase(st.get(), retired);
            retired.clear();
            if (attempt == 0 && ch_ != nullptr && ch_->session().transaction_status() == 'I') {
                rows::builder::clear(out);
                diag.clear();
                continue;
            }
        }
        if (ec && is_cached_plan_error(ec, diag)) {
            // The table changed under the statement: its result type is stale. Drop it; outside a
            // transaction a fresh prepare and one retry are safe (nothing ran).
            statement_cache::retired_list retired;
            cache_.erase(st.get(), retired);
            close_retired(retired);
            types_.clear();  // a schema change: loaded composites may have changed too
            if (attempt == 0 && ch_ != nullptr && ch_->session().transaction_status() == 'I') {
                rows::builder::clear(out);
                diag.clear();
                continue;
            }
        }
        co_return ec;
    }
}

task<std::error_code> connection_impl::copy(std::string_view sql, const operations::copy_sink* sink,
                                            const operations::copy_generator* source, rows& out, diagnostics& diag,
                                            const call_options& call) {
    const running_guard running(this);
    // COPY FROM STDIN holds the write side from its Parse to its CopyDone: another request's
    // messages in between would reach the server in COPY mode.
    const std::error_code turn_ec = co_await wait_write_turn(diag, source != nullptr);
    if (turn_ec) {
        co_return turn_ec;
    }
    write_hold hold(*this);
    if (source == nullptr) {
        hold.release();
    }
    wire::session& s = ch_->session();
    wire::write_buffer& o = ch_->out();
    if (std::error_code ec = write_copy_statement(sql, diag)) {
        co_return ec;
    }
    driver::copy_exchange x(out, sink);
    x.deadline = deadline_of(call);
    ch_->submit(x);
    std::string source_failure;
    if (source != nullptr) {
        co_await x.until_copy_in();
        std::vector<std::byte> buffer;
        while (!x.done && x.copy_in && !x.ec && ch_ != nullptr && !ch_->broken()) {
            buffer.resize(chunk);
            std::size_t n = 0;
            try {
                n = co_await (*source)(std::span<std::byte>(buffer));
                if (n > buffer.size()) {
                    source_failure = "the source returned more bytes than its buffer holds";
                }
            } catch (const std::exception& e) {
                source_failure = e.what();
            } catch (...) {
                source_failure = "an exception that is not a std::exception";
            }
            if (!source_failure.empty()) {
                (void)s.send_copy_fail(o, "pgring: the COPY source failed: " + source_failure);
                ch_->request_flush();
                break;
            }
            if (n == 0) {
                (void)s.send_copy_done(o);
                ch_->request_flush();
                break;
            }
            if (s.send_copy_data(o, std::span<const std::byte>(buffer.data(), n))) {
                break;  // the session left copy-in (a server error): the request reports it
            }
            ch_->request_flush();
            if (o.pending_bytes() > high_water) {
                co_await ch_->drained(low_water);
            }
        }
    }
    hold.release();
    co_await x;
    if (x.ec) {
        diag = std::move(x.diag);
        if (!source_failure.empty()) {
            diag.client_message = "the COPY source failed: " + source_failure;
        }
        co_return x.ec;
    }
    const bool right_direction = source != nullptr ? x.copy_in : x.copy_out;
    if (!right_direction) {
        diag.client_message = source != nullptr ? "the statement is not a COPY FROM STDIN"
                                                : "the statement is not a COPY TO STDOUT";
        co_return make_error_code(errc::not_supported);
    }
    co_return std::error_code{};
}

std::error_code connection_impl::write_copy_statement(std::string_view sql, diagnostics& diag) {
    wire::session& s = ch_->session();
    wire::write_buffer& o = ch_->out();
    const auto mark = o.get_mark();
    std::error_code ec = s.send_parse(o, "", sql);
    if (!ec) {
        ec = s.send_bind(o, "", "", {}, {}, {});
    }
    if (!ec) {
        ec = s.send_execute(o, "", 0, -1);
    }
    if (!ec) {
        ec = s.send_sync(o);
    }
    if (ec) {
        return send_failed(o, mark, ec, diag);
    }
    return {};
}

task<std::error_code> connection_impl::run_many(std::string_view sql, const statement* stmt, param_rows& src,
                                                rows& out, bool keep_rows, diagnostics& diag,
                                                const call_options& call) {
    const running_guard running(this);
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (std::error_code ec = ch_->usable(&diag)) {
        co_return ec;
    }
    const driver::clock::time_point deadline = deadline_of(call);
    block_ptr<prepared_statement> st;
    if (stmt != nullptr) {
        if (!stmt->p_) {
            diag.client_message = "the statement is empty";
            co_return make_error_code(errc::invalid_state);
        }
        st = stmt->p_;
    } else if (cache_.caches(sql)) {
        const std::error_code ec = co_await cached_statement(sql, st, diag, deadline);
        if (ec) {
            co_return ec;
        }
    }
    const std::error_code ec = co_await stream_batch(st.get(), sql, src, out, keep_rows, diag, deadline);
    if (ec && st && stmt == nullptr && (is_missing_statement_error(ec, diag, st->name) || is_cached_plan_error(ec, diag))) {
        // Stale: drop it so the next call prepares again. The rows were consumed, so unlike
        // run() there is no retry.
        statement_cache::retired_list retired;
        cache_.erase(st.get(), retired);
        if (is_cached_plan_error(ec, diag)) {
            close_retired(retired);
            types_.clear();
        }
        retired.clear();
    }
    if (!ec && drops_prepared_statements(out.command_tag())) {
        cache_.forget_ready();
    }
    co_return ec;
}

task<std::error_code> connection_impl::stream_batch(prepared_statement* st, std::string_view sql, param_rows& src,
                                                    rows& out, bool keep_rows, diagnostics& diag,
                                                    driver::clock::time_point deadline) {
    const std::size_t width = src.width();
    if (st != nullptr && width != st->parameter_types.size()) {
        diag.client_message = "the statement has " + std::to_string(st->parameter_types.size()) +
                              " parameters but each row has " + std::to_string(width);
        co_return make_error_code(errc::wrong_parameter_count);
    }
    const std::error_code turn_ec = co_await wait_write_turn(diag, true);
    if (turn_ec) {
        co_return turn_ec;
    }
    write_hold hold(*this);
    wire::session& s = ch_->session();
    wire::write_buffer& o = ch_->out();

    std::vector<oid_t> declared;  // the unnamed statement's types, from the first row
    std::span<const oid_t> types;
    std::string_view name;
    std::span<const std::int16_t> result_formats;
    std::span<const std::string> type_names;
    std::int32_t columns = -1;
    if (st != nullptr) {
        types = st->parameter_types;
        name = st->name;
        result_formats = st->result_formats;
        type_names = st->parameter_type_names;
        columns = static_cast<std::int32_t>(st->columns ? st->columns->columns.size() : 0);
    }
    driver::rows_exchange x(out, st != nullptr ? st->columns : block_ptr<column_set>{}, keep_rows);
    x.sum_counts = true;
    x.deadline = deadline;
    bool written = false;  // a message of this batch is in the buffer: it must end in a Sync
    std::size_t executed = 0;
    std::error_code client_ec;  // an error of ours mid-stream (the server's go to x)
    format_list formats(width);
    std::span<const param_ref> params;
    for (;;) {
        bool more = false;
        try {
            more = src.next(params);
        } catch (...) {
            client_ec = make_error_code(errc::cancelled);
            diag.client_message = thrown_message();
            break;
        }
        if (!more) {
            break;
        }
        if (st == nullptr && !written) {
            // Cache off: Parse("") declaring the codecs' preferred types (strings as unknown,
            // in text), as execute_unnamed() does.
            declared.resize(width);
            for (std::size_t i = 0; i < width; ++i) {
                declared[i] = params[i].text_like ? 0 : params[i].preferred_oid;
                if (!params[i].text_like && params[i].preferred_oid == 0) {
                    diag.client_message = "parameter $" + std::to_string(i + 1) +
                                          ": its C++ type has no preferred PostgreSQL type; use the statement cache";
                    client_ec = make_error_code(errc::type_mismatch);
                    break;
                }
            }
            if (client_ec) {
                break;
            }
            const auto mark = o.get_mark();
            if (std::error_code ec = s.send_parse(o, "", sql, declared)) {
                co_return send_failed(o, mark, ec, diag);
            }
            types = declared;
            written = true;
        }
        if (st == nullptr) {
            for (std::size_t i = 0; i < width; ++i) {
                formats[i] = params[i].text_like ? driver::text_format : driver::binary_format;
            }
        } else if (std::error_code ec = driver::choose_formats(types, params, formats, diag, type_names)) {
            client_ec = ec;
            break;
        }
        {
            const scoped_type_lookup element_types(&types_);  // arrays of enums, composites, domains
            client_ec = driver::write_bind(s, o, name, types, params, formats, diag, result_formats);
        }
        if (client_ec) {
            break;
        }
        written = true;
        std::error_code ec;
        if (st == nullptr && executed == 0) {
            ec = s.send_describe_portal(o, "");  // the columns, once: every row has the same
        }
        if (!ec) {
            ec = s.send_execute(o, "", 0, columns);
        }
        if (ec) {
            client_ec = ec;
            diag.client_message = "cannot write the batch: " + ec.message();
            break;
        }
        if (++executed == 1) {
            ch_->submit(x);
        }
        if (o.pending_bytes() > high_water) {
            co_await ch_->drained(low_water);
            if (ch_ == nullptr || ch_->broken() || x.ec) {
                break;  // the batch failed on the server (or the connection): stop writing
            }
        }
    }
    if (ch_ == nullptr || ch_->broken()) {
        if (executed > 0) {
            co_await x;  // failed by the channel already
        }
        if (client_ec) {
            co_return client_ec;
        }
        co_return executed > 0 ? x.ec : closed_error(diag);
    }
    if (!written) {
        co_return client_ec;  // no rows (nothing to send), or the first row failed
    }
    if (client_ec && executed > 0) {
        (void)s.send_execute(o, abort_portal, 0, -1);  // undo the rows already executed
    }
    const std::error_code sync_ec = s.send_sync(o);
    if (executed == 0) {
        ch_->submit(x);
    }
    hold.release();
    co_await x;
    if (client_ec) {
        co_return client_ec;
    }
    if (sync_ec) {
        diag.client_message = "cannot write the batch: " + sync_ec.message();
        co_return sync_ec;
    }
    if (x.ec) {
        diag = std::move(x.diag);
    }
    co_return x.ec;
}

task<std::error_code> connection_impl::copy_records(std::string_view table, const std::vector<std::string>& columns,
                                                    param_rows& src, rows& out, diagnostics& diag,
                                                    const call_options& call) {
    const running_guard running(this);
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (std::error_code ec = ch_->usable(&diag)) {
        co_return ec;
    }
    const driver::clock::time_point deadline = deadline_of(call);
    // The target, quoted: "schema"."table" ("a", "b").
    std::string target;
    if (const std::size_t dot = table.find('.'); dot != std::string_view::npos) {
        append_identifier(target, table.substr(0, dot));
        target += '.';
        append_identifier(target, table.substr(dot + 1));
    } else {
        append_identifier(target, table);
    }
    std::string column_list;
    for (const std::string& c : columns) {
        if (!column_list.empty()) {
            column_list += ", ";
        }
        append_identifier(column_list, c);
    }
    // The columns' types: the description of a SELECT of them, prepared once per connection
    // through the statement cache (its codec choices are then reused by every COPY).
    const std::string select = "SELECT " + (column_list.empty() ? std::string("*") : column_list) + " FROM " + target;
    block_ptr<prepared_statement> st;
    const std::error_code described_ec = co_await described_statement(select, st, diag, deadline);
    if (described_ec) {
        co_return described_ec;
    }
    const std::vector<column>& cols = st->columns->columns;
    const std::size_t width = src.width();
    if (width != cols.size()) {
        diag.client_message = "each row has " + std::to_string(width) + " values but the COPY takes " +
                              std::to_string(cols.size()) + " columns";
        co_return make_error_code(errc::type_mismatch);
    }
    std::vector<oid_t> types(width);
    std::vector<std::string> type_names(width);
    for (std::size_t i = 0; i < width; ++i) {
        types[i] = cols[i].type;
        if (const type_info* info = types_.find(types[i])) {
            type_names[i] = info->name;
        }
    }
    std::string sql = "COPY " + target;
    if (!column_list.empty()) {
        sql += " (" + column_list + ")";
    }
    sql += " FROM STDIN (FORMAT binary)";

    const std::error_code turn_ec = co_await wait_write_turn(diag, true);
    if (turn_ec) {
        co_return turn_ec;
    }
    write_hold hold(*this);
    if (std::error_code ec = write_copy_statement(sql, diag)) {
        co_return ec;
    }
    wire::session& s = ch_->session();
    wire::write_buffer& o = ch_->out();
    driver::copy_exchange x(out, nullptr);
    x.deadline = deadline;
    ch_->submit(x);
    co_await x.until_copy_in();

    std::error_code client_ec;
    std::string failure;  // the CopyFail message
    if (!x.done && x.copy_in && !x.ec) {
        byte_sink buffer;
        const auto put16 = [&buffer](std::int16_t v) { buffer.put_be(static_cast<std::uint16_t>(v), 2); };
        const auto put32 = [&buffer](std::int32_t v) { buffer.put_be(static_cast<std::uint32_t>(v), 4); };
        // Binary COPY header: signature, flags, header extension length.
        static constexpr char signature[] = "PGCOPY\n\377\r\n";
        std::memcpy(buffer.reserve(11), signature, 11);
        buffer.commit(11);
        put32(0);
        put32(0);
        // Each column's codec is checked against the column's type once, on the first row where
        // the value is not NULL (the C++ types are fixed); then rows are encoded directly.
        std::vector<bool> checked(width, false);
        std::size_t unchecked = width;
        std::uint64_t row_number = 0;
        for (;;) {
            bool more = false;
            try {
                more = src.advance();
            } catch (...) {
                client_ec = make_error_code(errc::cancelled);
                failure = thrown_message();
                break;
            }
            if (!more) {
                put16(-1);  // trailer
                break;
            }
            ++row_number;
            if (unchecked > 0) {
                const std::span<const param_ref> params = src.params();
                for (std::size_t i = 0; i < width; ++i) {
                    const param_ref& p = params[i];
                    if (checked[i] || p.is_null) {
                        continue;
                    }
                    const bool name_known = !p.type_name.empty() && !type_names[i].empty();
                    if (!(name_known ? type_names[i] == p.type_name : p.accepts(types[i]))) {
                        client_ec = make_error_code(errc::type_mismatch);
                        failure = "row " + std::to_string(row_number) + ", column " + cols[i].name +
                                  ": a binary COPY needs the value in binary, and its C++ type has no codec for type " +
                                  std::to_string(types[i]);
                        break;
                    }
                    checked[i] = true;
                    --unchecked;
                }
                if (client_ec) {
                    break;
                }
            }
            std::size_t column = 0;
            const scoped_type_lookup element_types(&types_);
            if (const std::error_code ec = src.append_copy_tuple(types, buffer, column)) {
                client_ec = ec;
                failure = "row " + std::to_string(row_number) + ", column " + cols[column].name +
                          ": cannot encode the value: " + ec.message();
                break;
            }
            if (buffer.size() >= chunk) {
                if (s.send_copy_data(o, buffer.bytes())) {
                    break;  // the session left copy-in (a server error): the request reports it
                }
                buffer.clear();
                ch_->request_flush();
                if (o.pending_bytes() > high_water) {
                    co_await ch_->drained(low_water);
                    if (ch_ == nullptr || ch_->broken() || x.done || x.ec) {
                        break;
                    }
                }
            }
        }
        if (ch_ != nullptr && !ch_->broken() && !x.done) {
            if (client_ec) {
                (void)s.send_copy_fail(o, "pgring: copy_records: " + failure);
            } else if (buffer.size() == 0 || !s.send_copy_data(o, buffer.bytes())) {
                (void)s.send_copy_done(o);
            }
            ch_->request_flush();
        }
    }
    hold.release();
    co_await x;
    if (client_ec) {
        diag = diagnostics{};
        diag.client_message = "copy_records: " + failure;
        co_return client_ec;
    }
    if (x.ec) {
        diag = std::move(x.diag);
        co_return x.ec;
    }
    if (!x.copy_in) {
        diag.client_message = "the COPY did not start";
        co_return make_error_code(errc::unexpected_message);
    }
    co_return std::error_code{};
}

task<std::error_code> connection_impl::described_statement(std::string_view sql, block_ptr<prepared_statement>& out,
                                                           diagnostics& diag, driver::clock::time_point deadline,
                                                           bool for_bind) {
    if (cache_.caches(sql)) {
        co_return co_await cached_statement(sql, out, diag, deadline);
    }
    block_ptr<prepared_statement> st = prepared_statement::make();
    st->name = next_name('s');
    st->sql.assign(sql.data(), sql.size());
    st->temporary = true;
    const std::error_code ec = co_await describe(*st, diag, deadline);
    if (ec || !for_bind) {
        close_temporary(*st);  // prepared only for its description
    }
    if (ec) {
        co_return ec;
    }
    st->ready = true;
    out = std::move(st);
    co_return std::error_code{};
}

void connection_impl::close_temporary(const prepared_statement& st) {
    if (st.temporary) {
        pending_close_.push_back(st.name);
        if (ch_ != nullptr && ch_->writes_free()) {
            send_pending_closes();
        }
    }
}

task<std::error_code> connection_impl::run_batch(const batch& b, bool atomic, std::vector<rows>& outs,
                                                 std::vector<std::error_code>& errors, std::vector<diagnostics>& diags,
                                                 diagnostics& diag, const call_options& call) {
    const running_guard running(this);
    const std::size_t n = b.size();
    outs.resize(n);
    errors.assign(n, std::error_code{});
    diags.assign(n, diagnostics{});
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (std::error_code ec = ch_->usable(&diag)) {
        co_return ec;
    }
    const driver::clock::time_point deadline = deadline_of(call);
    // Names the statement in an error of an atomic batch.
    const auto which = [n](std::size_t i) {
        return "statement " + std::to_string(i + 1) + " of " + std::to_string(n) + ": ";
    };
    // Prepare (or find) every statement first: these round trips come before the one write.
    std::vector<block_ptr<prepared_statement>> sts(n);
    // Statements prepared for this batch alone are closed when it ends (after its Binds).
    struct temporaries_closer {
        connection_impl& impl;
        std::vector<block_ptr<prepared_statement>>& sts;
        ~temporaries_closer() {
            for (const block_ptr<prepared_statement>& st : sts) {
                if (st) {
                    impl.close_temporary(*st);
                }
            }
        }
    } closer{*this, sts};
    for (std::size_t i = 0; i < n; ++i) {
        diagnostics d;
        std::error_code ec = co_await described_statement(b.entries()[i].sql, sts[i], d, deadline, true);
        if (!ec && b.entries()[i].params->params().size() != sts[i]->parameter_types.size()) {
            d.client_message = "the statement has " + std::to_string(sts[i]->parameter_types.size()) +
                               " parameters but " + std::to_string(b.entries()[i].params->params().size()) +
                               " were given";
            ec = make_error_code(errc::wrong_parameter_count);
        }
        if (ec) {
            if (atomic) {
                diag = std::move(d);
                diag.client_message = which(i) + (diag.client_message.empty() ? diag.primary() : diag.client_message);
                co_return ec;
            }
            errors[i] = ec;
            diags[i] = std::move(d);
            if (sts[i]) {
                close_temporary(*sts[i]);
            }
            sts[i] = {};
        }
    }
    const std::error_code turn_ec = co_await wait_write_turn(diag, true);
    if (turn_ec) {
        co_return turn_ec;
    }
    write_hold hold(*this);
    wire::session& s = ch_->session();
    wire::write_buffer& o = ch_->out();
    driver::batch_exchange whole{std::span<rows>(outs)};
    whole.deadline = deadline;
    // run_pipeline: one request per statement sent (each ends with its own Sync).
    std::vector<std::unique_ptr<driver::rows_exchange>> each;
    std::vector<std::size_t> each_index;
    std::size_t written = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!sts[i]) {
            continue;  // run_pipeline: its prepare failed (errors[i])
        }
        prepared_statement& st = *sts[i];
        const std::span<const param_ref> params = b.entries()[i].params->params();
        rows::builder::set_columns(outs[i], st.columns ? st.columns : column_set::make());
        diagnostics d;
        format_list formats(params.size());
        std::error_code ec = driver::choose_formats(st.parameter_types, params, formats, d, st.parameter_type_names);
        if (!ec) {
            const scoped_type_lookup element_types(&types_);
            ec = driver::write_bind(s, o, st.name, st.parameter_types, params, formats, d, st.result_formats);
        }
        if (!ec) {
            ec = s.send_execute(o, "", 0, static_cast<std::int32_t>(st.columns ? st.columns->columns.size() : 0));
        }
        if (!ec && !atomic) {
            ec = s.send_sync(o);
        }
        if (ec) {
            if (atomic) {
                // The failed message left the buffer as it was; the statements before it are
                // already queued in the session, so they go out, followed by an Execute that
                // fails the implicit transaction: nothing of the batch stays.
                if (written > 0) {
                    (void)s.send_execute(o, abort_portal, 0, -1);
                    (void)s.send_sync(o);
                    ch_->submit(whole);
                    hold.release();
                    co_await whole;
                }
                diag = std::move(d);
                diag.client_message = which(i) + diag.client_message;
                co_return ec;
            }
            errors[i] = ec;
            diags[i] = std::move(d);
            continue;
        }
        ++written;
        if (!atomic) {
            auto x = std::make_unique<driver::rows_exchange>(outs[i], st.columns, true);
            x->deadline = deadline;
            ch_->submit(*x);
            each.push_back(std::move(x));
            each_index.push_back(i);
        }
    }
    if (atomic) {
        if (written == 0) {
            co_return std::error_code{};
        }
        (void)s.send_sync(o);  // a Sync always fits: it has no body
        ch_->submit(whole);
    }
    hold.release();
    if (atomic) {
        co_await whole;
        if (whole.ec) {
            diag = std::move(whole.diag);
            if (whole.completed < n) {
                diag.client_message = which(whole.completed) + diag.client_message;
            }
            co_return whole.ec;
        }
        co_return std::error_code{};
    }
    for (std::size_t k = 0; k < each.size(); ++k) {
        co_await *each[k];
        if (each[k]->ec) {
            errors[each_index[k]] = each[k]->ec;
            diags[each_index[k]] = std::move(each[k]->diag);
        }
    }
    co_return std::error_code{};
}

namespace {

// Splits binary COPY data (as CopyData messages bring it, in any pieces) into tuples and hands
// each one to the sink as a row of `columns`. A tuple is laid out as a DataRow body: Int16 count,
// then each field's Int32 length (-1: NULL) and bytes.
class copy_row_splitter {
public:
    copy_row_splitter(const std::vector<column>& columns, const operations::copy_row_sink& sink)
        : columns_(columns), sink_(sink) {}

    void feed(std::span<const std::byte> data) {
        if (failed()) {
            return;
        }
        if (pending_.empty()) {
            const std::size_t used = parse(data);  // whole tuples straight from the message
            data = data.subspan(used);
            if (failed() || data.empty()) {
                return;
            }
        }
        pending_.insert(pending_.end(), data.begin(), data.end());
        const std::size_t used = parse(pending_);
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
    }
    // At the end of the data: everything must have been read, up to the trailer.
    void finish() {
        if (!failed() && (!ended_ || !pending_.empty())) {
            fail(make_error_code(errc::malformed_message), "the binary COPY data ended in the middle of a row");
        }
    }
    bool failed() const noexcept { return static_cast<bool>(ec_); }
    const std::error_code& error() const noexcept { return ec_; }
    const std::string& message() const noexcept { return message_; }

private:
    void fail(std::error_code ec, std::string message) {
        ec_ = ec;
        message_ = std::move(message);
    }
    // Parses what it can of `in`; returns the bytes used.
    std::size_t parse(std::span<const std::byte> in) {
        std::size_t at = 0;
        if (!header_done_) {
            static constexpr char signature[] = "PGCOPY\n\377\r\n";
            if (in.size() < 19) {
                return 0;
            }
            if (std::memcmp(in.data(), signature, 11) != 0) {
                fail(make_error_code(errc::malformed_message), "the COPY data is not in the binary format");
                return in.size();
            }
            const std::uint32_t extension = load_be<std::uint32_t>(in.data() + 15);
            if (in.size() - 19 < extension) {
                return 0;
            }
            at = 19 + extension;
            header_done_ = true;
        }
        while (!failed() && in.size() - at >= 2) {
            if (ended_) {
                fail(make_error_code(errc::malformed_message), "COPY data after the trailer");
                return in.size();
            }
            const auto count = load_be<std::int16_t>(in.data() + at);
            if (count == -1) {
                ended_ = true;
                at += 2;
                continue;
            }
            if (count != static_cast<std::int16_t>(columns_.size())) {
                fail(make_error_code(errc::malformed_message),
                     "a COPY row has " + std::to_string(count) + " fields, the query " + std::to_string(columns_.size()));
                return in.size();
            }
            // Walk the fields to find the tuple's end; wait for more when it is not all here.
            std::size_t p = at + 2;
            bool whole = true;
            for (std::int16_t i = 0; i < count; ++i) {
                if (in.size() - p < 4) {
                    whole = false;
                    break;
                }
                const auto length = load_be<std::int32_t>(in.data() + p);
                p += 4;
                if (length < -1) {
                    fail(make_error_code(errc::malformed_message), "a COPY field has a negative length");
                    return in.size();
                }
                if (length > 0) {
                    if (in.size() - p < static_cast<std::size_t>(length)) {
                        whole = false;
                        break;
                    }
                    p += static_cast<std::size_t>(length);
                }
            }
            if (!whole) {
                break;
            }
            deliver(row_view(&columns_, in.data() + at + 2, p - at - 2));
            at = p;
        }
        return at;
    }
    void deliver(row_view row) {
        try {
            sink_(row);
        } catch (const std::exception& e) {
            fail(make_error_code(errc::cancelled), std::string("the row sink threw: ") + e.what());
        } catch (...) {
            fail(make_error_code(errc::cancelled), "the row sink threw an exception that is not a std::exception");
        }
    }
    const std::vector<column>& columns_;
    const operations::copy_row_sink& sink_;
    std::vector<std::byte> pending_;  // the start of a tuple split across CopyData messages
    bool header_done_ = false;
    bool ended_ = false;
    std::error_code ec_;
    std::string message_;
};

}  // namespace

task<std::error_code> connection_impl::copy_out_rows(std::string_view query, const operations::copy_row_sink& sink,
                                                     rows& out, diagnostics& diag, const call_options& call) {
    const running_guard running(this);
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    // The columns (and so the codecs) of the query: described once, through the statement cache.
    block_ptr<prepared_statement> st;
    const std::error_code described_ec = co_await described_statement(query, st, diag, deadline_of(call));
    if (described_ec) {
        co_return described_ec;
    }
    if (!st->parameter_types.empty()) {
        diag.client_message = "copy_out_rows: a COPY cannot take parameters, and the query has " +
                              std::to_string(st->parameter_types.size());
        co_return make_error_code(errc::wrong_parameter_count);
    }
    const std::vector<column> columns = st->columns ? st->columns->columns : std::vector<column>{};
    std::vector<column> binary_columns = columns;
    for (column& c : binary_columns) {
        c.format = 1;  // binary COPY sends every column in binary
    }
    copy_row_splitter splitter(binary_columns, sink);
    const operations::copy_sink raw = [&splitter](std::span<const std::byte> data) { splitter.feed(data); };
    const std::string sql = "COPY (" + std::string(query) + ") TO STDOUT (FORMAT binary)";
    const std::error_code ec = co_await copy(sql, &raw, nullptr, out, diag, call);
    if (ec) {
        co_return ec;
    }
    splitter.finish();
    if (splitter.failed()) {
        diag = diagnostics{};
        diag.client_message = "copy_out_rows: " + splitter.message();
        co_return splitter.error();
    }
    co_return std::error_code{};
}

task<std::error_code> connection_impl::prepare_named(std::string_view sql, block_ptr<prepared_statement>& out,
                                                     diagnostics& diag, const call_options& call) {
    const running_guard running(this);
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (std::error_code ec = ch_->usable(&diag)) {
        co_return ec;
    }
    block_ptr<prepared_statement> st = prepared_statement::make();
    st->name = next_name('s');
    st->sql.assign(sql.data(), sql.size());
    if (std::error_code ec = co_await describe(*st, diag, deadline_of(call))) {
        co_return ec;
    }
    st->ready = true;
    out = std::move(st);
    co_return std::error_code{};
}

}  // namespace pgring::detail

namespace pgring {

// ---- statement -----------------------------------------------------------------------------------

statement::statement() noexcept = default;
statement::statement(const statement&) noexcept = default;
statement::statement(statement&&) noexcept = default;
statement& statement::operator=(const statement&) noexcept = default;
statement& statement::operator=(statement&&) noexcept = default;
statement::~statement() = default;

const std::string& statement::name() const noexcept {
    return p_->name;
}
const std::string& statement::sql() const noexcept {
    return p_->sql;
}
std::span<const oid_t> statement::parameter_types() const noexcept {
    return p_->parameter_types;
}
const std::vector<column>& statement::columns() const noexcept {
    return p_->columns->columns;
}

// ---- operations -----------------------------------------------------------------------------------

using detail::make_failure;

task<result<command_result>> operations::run_command(std::string_view sql, const statement* stmt,
                                                     std::span<const detail::param_ref> params) {
    rows r;
    diagnostics diag;
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    if (const std::error_code ec = co_await impl_->run(sql, stmt, params, r, false, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return command_result{r.command_tag(), r.rows_affected()};
}

task<result<rows>> operations::run_rows(std::string_view sql, const statement* stmt,
                                        std::span<const detail::param_ref> params) {
    rows r;
    diagnostics diag;
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    if (const std::error_code ec = co_await impl_->run(sql, stmt, params, r, true, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return std::move(r);
}

task<result<command_result>> operations::run_many_command(std::string_view sql, const statement* stmt,
                                                          detail::param_rows& src) {
    rows r;
    diagnostics diag;
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    if (const std::error_code ec = co_await impl_->run_many(sql, stmt, src, r, false, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return command_result{r.command_tag(), r.rows_affected()};
}

task<result<rows>> operations::run_many_rows(std::string_view sql, const statement* stmt, detail::param_rows& src) {
    rows r;
    diagnostics diag;
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    if (const std::error_code ec = co_await impl_->run_many(sql, stmt, src, r, true, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return std::move(r);
}

task<result<command_result>> operations::run_copy_records(std::string_view table, const std::vector<std::string>& columns,
                                                          detail::param_rows& src) {
    rows r;
    diagnostics diag;
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    if (const std::error_code ec = co_await impl_->copy_records(table, columns, src, r, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return command_result{r.command_tag(), r.rows_affected()};
}

task<result<row>> operations::one_row(task<result<rows>> t) {
    result<rows> r = co_await std::move(t);
    if (!r) {
        co_return failure{r.error(), r.diag()};
    }
    if (r->size() != 1) {
        co_return failure{make_error_code(errc::unexpected_row_count),
                          diagnostics{.client_message = "the query returned " + std::to_string(r->size()) +
                                                        " rows, not exactly one"}};
    }
    co_return r->to_row(0);
}

task<result<command_result>> operations::try_copy_out(std::string_view sql, copy_sink sink) {
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    rows r;
    diagnostics diag;
    if (const std::error_code ec = co_await impl_->copy(sql, &sink, nullptr, r, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return command_result{r.command_tag(), r.rows_affected()};
}

task<result<std::vector<rows>>> operations::try_run_batch(const batch& b) {
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    std::vector<rows> outs;
    std::vector<std::error_code> errors;
    std::vector<diagnostics> diags;
    diagnostics diag;
    if (const std::error_code ec = co_await impl_->run_batch(b, true, outs, errors, diags, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return std::move(outs);
}

task<std::vector<result<rows>>> operations::run_pipeline(const batch& b) {
    std::vector<result<rows>> out;
    if (impl_ == nullptr) {
        for (std::size_t i = 0; i < b.size(); ++i) {
            out.emplace_back(make_failure(make_error_code(errc::connection_closed), {}));
        }
        co_return out;
    }
    std::vector<rows> outs;
    std::vector<std::error_code> errors;
    std::vector<diagnostics> diags;
    diagnostics diag;
    const std::error_code ec = co_await impl_->run_batch(b, false, outs, errors, diags, diag, options_);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (ec) {
            out.emplace_back(make_failure(ec, diag));
        } else if (errors[i]) {
            out.emplace_back(make_failure(errors[i], std::move(diags[i])));
        } else {
            out.emplace_back(std::move(outs[i]));
        }
    }
    co_return out;
}

task<result<command_result>> operations::try_copy_out_rows(std::string_view query, copy_row_sink sink) {
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    rows r;
    diagnostics diag;
    if (const std::error_code ec = co_await impl_->copy_out_rows(query, sink, r, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return command_result{r.command_tag(), r.rows_affected()};
}

task<result<command_result>> operations::try_copy_in(std::string_view sql, copy_generator source) {
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    if (!source) {
        co_return make_failure(make_error_code(errc::invalid_state),
                               diagnostics{.client_message = "copy_in: the source is empty"});
    }
    rows r;
    diagnostics diag;
    if (const std::error_code ec = co_await impl_->copy(sql, nullptr, &source, r, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return command_result{r.command_tag(), r.rows_affected()};
}

task<result<command_result>> operations::try_copy_in(std::string_view sql, copy_source source) {
    if (!source) {
        co_return make_failure(make_error_code(errc::invalid_state),
                               diagnostics{.client_message = "copy_in: the source is empty"});
    }
    // One coroutine frame per chunk of 64 KiB: the synchronous source through the same path.
    copy_generator each = [&source](std::span<std::byte> buffer) -> task<std::size_t> { co_return source(buffer); };
    co_return co_await try_copy_in(sql, std::move(each));
}

task<result<command_result>> operations::try_copy_in(std::string_view sql, std::string_view data) {
    std::size_t offset = 0;
    co_return co_await try_copy_in(sql, [&](std::span<std::byte> buffer) {
        const std::size_t n = std::min(buffer.size(), data.size() - offset);
        if (n > 0) {  // (an empty view's data() may be null)
            std::memcpy(buffer.data(), data.data() + offset, n);
        }
        offset += n;
        return n;
    });
}

task<result<statement>> operations::try_prepare(std::string_view sql) {
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    diagnostics diag;
    statement st;
    if (const std::error_code ec = co_await impl_->prepare_named(sql, st.p_, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return std::move(st);
}

// ---- connection -----------------------------------------------------------------------------------

connection::connection(connection&& o) noexcept : operations(std::exchange(o.impl_, nullptr), o.options_) {}

connection& connection::operator=(connection&& o) noexcept {
    if (this != &o) {
        detail::connection_impl::release(impl_);
        impl_ = std::exchange(o.impl_, nullptr);
        options_ = o.options_;
    }
    return *this;
}

connection::~connection() {
    detail::connection_impl::release(impl_);
}

task<connection> connection::connect(loop& lp, std::string_view conninfo, connection_options options) {
    result<connection> r = co_await try_connect(lp, conninfo, std::move(options));
    co_return std::move(r).value();
}

task<result<connection>> connection::try_connect(loop& lp, std::string_view conninfo, connection_options options) {
    connect_options target;
    std::string message;
    if (const std::error_code ec = resolve_connect_options(conninfo, target, message)) {
        co_return failure{ec, diagnostics{.client_message = message}};
    }
    co_return co_await try_connect(lp, std::move(target), std::move(options));
}

task<result<connection>> connection::try_connect(loop& lp, connect_options target, connection_options options) {
    return detail::connection_impl::connect(lp, std::move(target), std::move(options));
}

void connection::cancel() {
    if (impl_ != nullptr && impl_->has_channel() && impl_->channel().session().in_flight() > 0) {
        impl_->channel().send_cancel();
    }
}

void connection::close() noexcept {
    if (impl_ != nullptr) {
        impl_->close();
    }
}

bool connection::is_open() const noexcept {
    return impl_ != nullptr && impl_->has_channel() && !impl_->channel().broken();
}

char connection::transaction_status() const noexcept {
    return is_open() ? impl_->channel().session().transaction_status() : 'I';
}

std::optional<std::string> connection::parameter(std::string_view name) const {
    if (impl_ == nullptr || !impl_->has_channel()) {
        return std::nullopt;
    }
    const auto v = impl_->channel().session().parameter(name);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

std::int32_t connection::backend_pid() const noexcept {
    return impl_ != nullptr && impl_->has_channel() ? impl_->channel().session().backend_key().process_id : 0;
}

std::size_t connection::cached_statements() const noexcept {
    return impl_ != nullptr ? impl_->cache().size() : 0;
}

std::uint64_t connection::statements_prepared() const noexcept {
    return impl_ != nullptr ? impl_->statements_prepared() : 0;
}

const type_lookup& connection::types() const noexcept {
    static const detail::type_registry none;
    return impl_ != nullptr ? impl_->types() : none;
}

task<result<void>> connection::load_types(std::vector<oid_t> oids) {
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    diagnostics diag;
    if (const std::error_code ec = co_await impl_->load_types(std::move(oids), diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return result<void>{};
}

void connection::forget_types() noexcept {
    if (impl_ != nullptr) {
        impl_->types().clear();
    }
}

std::uint64_t connection::copied_bytes() const noexcept {
    return impl_ != nullptr && impl_->has_channel() ? impl_->channel().copied_bytes() : 0;
}

}  // namespace pgring
