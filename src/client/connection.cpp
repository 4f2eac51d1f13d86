// pgring::connection and detail::connection_impl: the statement paths drawn in
// connection_impl.hpp.

#include <pgring/connection.hpp>
#include <pgring/sqlstate.hpp>

#include "client/connection_impl.hpp"
#include "driver/exchanges.hpp"
#include "driver/rows_builder.hpp"

#include <algorithm>
#include <array>
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
std::error_code closed_error(diagnostics& diag) {
    diag.client_message = "the connection is closed";
    return make_error_code(errc::connection_closed);
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
        if (st->ready && ch_ != nullptr && !ch_->broken()) {
            // Answered by CloseComplete ahead of the next request's messages; no Sync needed.
            (void)ch_->session().send_close(ch_->out(), 'S', st->name);
        }
    }
    retired.clear();
}

task<std::error_code> connection_impl::describe(prepared_statement& st, diagnostics& diag,
                                                driver::clock::time_point deadline) {
    if (ch_ == nullptr) {
        co_return closed_error(diag);
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
                                            const operations::copy_source* source, rows& out, diagnostics& diag,
                                            const call_options& call) {
    // COPY FROM STDIN keeps at most this much unsent before it waits for the socket, and then
    // waits until no more than the low mark is left.
    constexpr std::size_t high_water = std::size_t{4} << 20;
    constexpr std::size_t low_water = std::size_t{1} << 20;
    constexpr std::size_t chunk = std::size_t{64} << 10;

    const running_guard running(this);
    if (ch_ == nullptr) {
        co_return closed_error(diag);
    }
    if (std::error_code ec = ch_->usable(&diag)) {
        co_return ec;
    }
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
        co_return send_failed(o, mark, ec, diag);
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
                n = (*source)(std::span<std::byte>(buffer));
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

namespace {

failure make_failure(std::error_code ec, diagnostics diag) {
    if (diag.message.empty() && diag.client_message.empty()) {
        diag.client_message = ec.message();
    }
    return failure{ec, std::move(diag)};
}

}  // namespace

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

task<result<command_result>> operations::try_copy_in(std::string_view sql, copy_source source) {
    if (impl_ == nullptr) {
        co_return make_failure(make_error_code(errc::connection_closed), {});
    }
    rows r;
    diagnostics diag;
    if (const std::error_code ec = co_await impl_->copy(sql, nullptr, &source, r, diag, options_)) {
        co_return make_failure(ec, std::move(diag));
    }
    co_return command_result{r.command_tag(), r.rows_affected()};
}

task<result<command_result>> operations::try_copy_in(std::string_view sql, std::string_view data) {
    std::size_t offset = 0;
    co_return co_await try_copy_in(sql, [&](std::span<std::byte> buffer) {
        const std::size_t n = std::min(buffer.size(), data.size() - offset);
        std::memcpy(buffer.data(), data.data() + offset, n);
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
