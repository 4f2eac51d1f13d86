// pgring::row_stream and pgring::cursor: portals read a batch at a time.
//
// row_stream, from stream() to the last batch:
//
//   status 'I': BEGIN (own transaction)                                 one round trip
//   Parse("") + Bind(portal) + Describe(portal) + Execute(portal, n) + Sync   first batch
//   next():     Execute(portal, n) + Sync                               one batch per round trip
//                 PortalSuspended: more rows; CommandComplete: the last batch
//   end:        COMMIT (own transaction), or Close(portal) + Sync without waiting
//   error:      ROLLBACK (own transaction); the user's transaction block is the user's to end
//
// A Sync inside a transaction block does not end it, so the named portal survives between the
// batches; each batch is an ordinary request ending at its ReadyForQuery, so other operations
// pipeline between batches. Memory: one batch of rows per request (rows_exchange).
//
// cursor: DECLARE runs as the unnamed statement with the caller's parameters; FETCH and MOVE
// likewise (text built from the cursor's name and the direction: nothing user-supplied but the
// query). A DECLAREd cursor is a portal of the same name, so close() and the destructor use a
// protocol Close of that portal: unlike SQL CLOSE it is not an error when the cursor is gone
// (the transaction ended), so it can never abort a later transaction.

#include <pgring/cursor.hpp>
#include <string>
#include <utility>
#include <vector>

#include "client/connection_impl.hpp"
#include "driver/exchanges.hpp"
#include "driver/rows_builder.hpp"

namespace pgring::detail {

using driver::binary_format;
using driver::format_list;
using driver::text_format;

namespace {

std::error_code invalid_state(diagnostics& diag, std::string message) {
    diag.client_message = std::move(message);
    return make_error_code(errc::invalid_state);
}

}  // namespace

// The request of a single-pass row_stream (see driver::stream_exchange), on the heap so that
// the row_stream can move.
struct one_pass {
    one_pass(block_ptr<column_set> columns, std::size_t pause_at) : x(std::move(columns), pause_at) {}
    driver::stream_exchange x;
};

class stream_support {
public:
    // The declared types and formats of unnamed-statement parameters: the codec's preferred
    // type; strings as "unknown" in text form (the server infers the type, as for a literal).
    static std::error_code declare(std::span<const param_ref> params, std::vector<oid_t>& declared,
                                   format_list& formats, diagnostics& diag) {
        declared.assign(params.size(), 0);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const param_ref& p = params[i];
            if (p.text_like) {
                formats[i] = text_format;
            } else {
                declared[i] = p.preferred_oid;
                formats[i] = binary_format;
                if (!p.is_null && p.preferred_oid == 0) {
                    diag.client_message =
                        "parameter $" + std::to_string(i + 1) +
                        ": its C++ type has no preferred PostgreSQL type; it cannot be streamed";
                    return make_error_code(errc::type_mismatch);
                }
            }
        }
        return {};
    }

    static task<std::error_code> take_turn(connection_impl& impl, diagnostics& diag) {
        if (impl.ch_ == nullptr) {
            co_return closed_error(diag);
        }
        if (std::error_code ec = impl.ch_->usable(&diag)) {
            co_return ec;
        }
        if (!impl.ch_->writes_free()) {
            const std::error_code ec = co_await impl.wait_write_turn(diag);
            co_return ec;
        }
        co_return std::error_code{};
    }

    // Parse("") + Bind(`portal`, or the unnamed one) + Describe(portal) + Execute(portal,
    // `max_rows`) + Sync, answered into `out`.
    static task<std::error_code> run_unnamed(connection_impl& impl, std::string_view sql,
                                             std::span<const param_ref> params, const std::string& portal,
                                             std::int32_t max_rows, rows& out, bool& suspended,
                                             diagnostics& diag, driver::clock::time_point deadline) {
        std::vector<oid_t> declared;
        format_list formats(params.size());
        if (std::error_code ec = declare(params, declared, formats, diag)) {
            co_return ec;
        }
        const std::error_code turn_ec = co_await take_turn(impl, diag);
        if (turn_ec) {
            co_return turn_ec;
        }
        wire::session& s = impl.ch_->session();
        wire::write_buffer& buf = impl.ch_->out();
        const auto mark = buf.get_mark();
        std::error_code ec = s.send_parse(buf, "", sql, declared);
        if (ec) {
            buf.rollback(mark);
            diag.client_message = "cannot send the statement: " + ec.message();
            co_return ec;
        }
        const std::error_code bind_ec =
            driver::write_bind(s, buf, "", declared, params, formats, diag, {}, portal);
        if (!bind_ec) {
            ec = s.send_describe_portal(buf, portal);
            if (!ec) {
                ec = s.send_execute(buf, portal, max_rows, -1);
            }
        }
        // The Parse is queued either way: end with a Sync so the stream stays in step.
        if (const std::error_code sync_ec = s.send_sync(buf); sync_ec && !ec) {
            ec = sync_ec;
        }
        driver::rows_exchange x(out, {}, true);
        x.deadline = deadline;
        impl.ch_->submit(x);
        co_await x;
        suspended = x.suspended;
        if (bind_ec || ec) {
            co_return bind_ec ? bind_ec : ec;
        }
        if (x.ec) {
            diag = std::move(x.diag);
            co_return x.ec;
        }
        if (impl.options_.load_types) {
            std::vector<oid_t> types;
            for (const column& c : out.columns()) {
                types.push_back(c.type);
            }
            const std::error_code types_ec =
                co_await impl.resolve_types(types, nullptr, nullptr, diag, deadline);
            co_return types_ec;
        }
        co_return std::error_code{};
    }

    // Writes Bind(`portal`, prepared `st`) + Execute(portal, `max_rows`) + Sync in the caller's
    // write turn (the caller submits the request before it next suspends).
    static task<std::error_code> write_prepared(connection_impl& impl, const prepared_statement& st,
                                                std::span<const param_ref> params, const std::string& portal,
                                                std::int32_t max_rows, diagnostics& diag) {
        if (params.size() != st.parameter_types.size()) {
            diag.client_message = "the statement has " + std::to_string(st.parameter_types.size()) +
                                  " parameters but " + std::to_string(params.size()) + " were given";
            co_return make_error_code(errc::wrong_parameter_count);
        }
        format_list formats(params.size());
        if (std::error_code ec =
                driver::choose_formats(st.parameter_types, params, formats, diag, st.parameter_type_names)) {
            co_return ec;
        }
        const std::error_code turn_ec = co_await take_turn(impl, diag);
        if (turn_ec) {
            co_return turn_ec;
        }
        wire::session& s = impl.ch_->session();
        wire::write_buffer& buf = impl.ch_->out();
        const auto mark = buf.get_mark();
        {
            const scoped_type_lookup element_types(&impl.types_);  // arrays of enums, composites, domains
            if (std::error_code ec = driver::write_bind(s, buf, st.name, st.parameter_types, params, formats,
                                                        diag, st.result_formats, portal)) {
                co_return ec;
            }
        }
        std::error_code ec = s.send_execute(
            buf, portal, max_rows, static_cast<std::int32_t>(st.columns ? st.columns->columns.size() : 0));
        if (!ec) {
            ec = s.send_sync(buf);
        }
        if (ec) {
            buf.rollback(mark);
            diag.client_message = "cannot send the statement: " + ec.message();
        }
        co_return ec;
    }

    // Bind(`portal`, prepared `st`) + Execute(portal, `max_rows`) + Sync, answered into `out`
    // (as connection_impl::execute_prepared, into a named portal).
    static task<std::error_code> run_prepared(connection_impl& impl, const prepared_statement& st,
                                              std::span<const param_ref> params, const std::string& portal,
                                              std::int32_t max_rows, rows& out, bool& suspended,
                                              diagnostics& diag, driver::clock::time_point deadline) {
        const std::error_code write_ec = co_await write_prepared(impl, st, params, portal, max_rows, diag);
        if (write_ec) {
            co_return write_ec;
        }
        driver::rows_exchange x(out, st.columns, true);
        x.deadline = deadline;
        impl.ch_->submit(x);
        co_await x;
        suspended = x.suspended;
        if (x.ec) {
            diag = std::move(x.diag);
        }
        co_return x.ec;
    }

    // Close(`portal`) + Sync, without waiting for the answer (after an exclusive turn that
    // holds the write side, see driver::channel::write_detached).
    static void close_portal_detached(connection_impl* impl, const std::string& portal) noexcept {
        if (impl == nullptr || !impl->has_channel() || impl->channel().broken()) {
            return;
        }
        try {
            impl->channel().write_detached(
                [portal](wire::session& s, wire::write_buffer& out) {
                    const auto mark = out.get_mark();
                    if (s.send_close(out, 'P', portal) || s.send_sync(out)) {
                        out.rollback(mark);
                        return false;
                    }
                    return true;
                },
                1);
        } catch (...) {
            // Out of memory: the portal then ends with its transaction.
        }
    }

    // ROLLBACK without waiting (see transaction::abandon).
    static void rollback_detached(connection_impl* impl) noexcept {
        if (impl == nullptr || !impl->has_channel() || impl->channel().broken()) {
            return;
        }
        try {
            impl->channel().write_detached(
                [](wire::session& s, wire::write_buffer& out) { return !s.send_query(out, "ROLLBACK"); }, 1);
        } catch (...) {
            // Out of memory: the transaction then ends with the connection.
        }
    }

    // Close(`portal`) + Sync, waiting for the answer.
    static task<std::error_code> close_portal(connection_impl& impl, const std::string& portal,
                                              diagnostics& diag) {
        const connection_impl::running_guard running(&impl);
        const std::error_code turn_ec = co_await take_turn(impl, diag);
        if (turn_ec) {
            co_return turn_ec;
        }
        wire::session& s = impl.ch_->session();
        wire::write_buffer& buf = impl.ch_->out();
        const auto mark = buf.get_mark();
        std::error_code ec = s.send_close(buf, 'P', portal);
        if (ec) {
            buf.rollback(mark);
            diag.client_message = "cannot send the Close: " + ec.message();
            co_return ec;
        }
        ec = s.send_sync(buf);
        driver::request r;
        impl.ch_->submit(r);
        co_await r;
        if (r.ec) {
            diag = std::move(r.diag);
            co_return r.ec;
        }
        co_return ec;
    }

    // ---- row_stream --------------------------------------------------------------------------

    static task<std::error_code> open(connection_impl& impl, const call_options& call, std::string_view sql,
                                      block_ptr<prepared_statement> prepared,
                                      std::span<const param_ref> params, const stream_options& options,
                                      row_stream& st, diagnostics& diag) {
        const connection_impl::running_guard running(&impl);
        if (impl.ch_ == nullptr) {
            co_return closed_error(diag);
        }
        if (std::error_code ec = impl.ch_->usable(&diag)) {
            co_return ec;
        }
        const char status = impl.ch_->session().transaction_status();
        if (status == 'E') {
            co_return invalid_state(
                diag, "the connection's transaction block has failed: roll it back before streaming");
        }
        st.impl_ = &impl;
        st.call_ = call;
        st.fetch_size_ = options.fetch_size == 0 ? 1 : options.fetch_size;
        if (options.mode == stream_mode::single_pass || (options.mode == stream_mode::automatic && status == 'I')) {
            const std::error_code ec = co_await open_single_pass(impl, call, sql, std::move(prepared), params, st, diag);
            if (ec) {
                st.impl_ = nullptr;
            }
            co_return ec;
        }
        st.portal_ = impl.next_name('p');
        if (status == 'I') {
            const std::error_code ec = co_await impl.simple_command("BEGIN", diag);
            if (ec) {
                st.impl_ = nullptr;
                co_return ec;
            }
            st.own_transaction_ = true;
        }
        const driver::clock::time_point deadline = impl.deadline_of(call);
        rows first;
        bool suspended = false;
        std::error_code ec;
        if (prepared) {
            ec = co_await run_prepared(impl, *prepared, params, st.portal_, limit(st), first, suspended, diag,
                                       deadline);
        } else {
            ec = co_await run_unnamed(impl, sql, params, st.portal_, limit(st), first, suspended, diag,
                                      deadline);
        }
        if (ec) {
            co_await end_after_error(st);
            st.impl_ = nullptr;
            co_return ec;
        }
        if (prepared && prepared->columns) {
            st.columns_ = prepared->columns;
        } else {
            auto set = column_set::make();
            set->columns = first.columns();
            st.columns_ = std::move(set);
        }
        st.column_count_ = static_cast<std::int32_t>(first.columns().size());
        st.first_.emplace(std::move(first));
        if (suspended) {
            st.state_ = row_stream::state::open;
            co_return std::error_code{};
        }
        const std::error_code end_ec = co_await finish(st, *st.first_, diag);
        co_return end_ec;
    }

    // Single pass: Bind + Execute (no row limit) + Sync of the statement (SQL text through the
    // statement cache, or prepared for this call alone), then waits for the first rows or the end.
    static task<std::error_code> open_single_pass(connection_impl& impl, const call_options& call,
                                                  std::string_view sql, block_ptr<prepared_statement> prepared,
                                                  std::span<const param_ref> params, row_stream& st,
                                                  diagnostics& diag) {
        const driver::clock::time_point deadline = impl.deadline_of(call);
        if (!prepared) {
            const std::error_code ec = co_await impl.described_statement(sql, prepared, diag, deadline, true);
            if (ec) {
                co_return ec;
            }
        }
        const std::error_code write_ec = co_await write_prepared(impl, *prepared, params, std::string(), 0, diag);
        if (write_ec) {
            impl.close_temporary(*prepared);
            co_return write_ec;
        }
        st.one_pass_ = std::make_unique<one_pass>(prepared->columns, st.fetch_size_);
        driver::stream_exchange& x = st.one_pass_->x;
        x.deadline = deadline;
        x.submit_to(*impl.ch_);
        impl.close_temporary(*prepared);  // after its Bind
        co_await x.rows_or_done();
        if (x.ec) {
            const std::error_code ec = co_await end_single_pass(st, diag);
            co_return ec;
        }
        st.columns_ = prepared->columns ? prepared->columns : column_set::make();
        st.column_count_ = static_cast<std::int32_t>(st.columns_->columns.size());
        st.state_ = row_stream::state::open;
        co_return std::error_code{};
    }

    // The next rows of a single-pass stream into `out` (none once it ended; then state_ says how).
    static task<std::error_code> next_single_pass(row_stream& st, std::optional<rows>& out, diagnostics& diag) {
        driver::stream_exchange& x = st.one_pass_->x;
        co_await x.rows_or_done();
        if (x.ec) {
            const std::error_code ec = co_await end_single_pass(st, diag);
            co_return ec;
        }
        if (!x.pending.empty()) {
            out.emplace(x.take());
            co_return std::error_code{};
        }
        st.tag_ = x.tag;
        st.state_ = row_stream::state::exhausted;
        st.one_pass_.reset();
        co_return std::error_code{};
    }

    // A single-pass stream failed (x.ec): drops the rows after the error, waits for the end of the
    // request (its ReadyForQuery) and reports the error.
    static task<std::error_code> end_single_pass(row_stream& st, diagnostics& diag) {
        driver::stream_exchange& x = st.one_pass_->x;
        co_await read_to_end(x);
        const std::error_code ec = x.ec;
        diag = std::move(x.diag);
        st.one_pass_.reset();
        st.state_ = row_stream::state::failed;
        co_return ec;
    }

    // close() of a single-pass stream: reads and drops the rest of the result.
    static task<std::error_code> drain_single_pass(row_stream& st) {
        co_await read_to_end(st.one_pass_->x);
        st.one_pass_.reset();
        co_return std::error_code{};
    }

    // Drops the rows of a single-pass request until it ends (its ReadyForQuery).
    static task<void> read_to_end(driver::stream_exchange& x) {
        while (!x.done) {
            (void)x.take();
            co_await x.rows_or_done();
        }
    }

    static std::int32_t limit(const row_stream& st) noexcept {
        return st.fetch_size_ > 0x7fffffff ? 0x7fffffff : static_cast<std::int32_t>(st.fetch_size_);
    }

    // Execute(portal, fetch_size) + Sync: the next batch into `out`.
    static task<std::error_code> fetch(row_stream& st, rows& out, diagnostics& diag) {
        connection_impl& impl = *st.impl_;
        const connection_impl::running_guard running(&impl);
        const std::error_code turn_ec = co_await take_turn(impl, diag);
        if (turn_ec) {
            st.state_ = row_stream::state::failed;
            co_return turn_ec;
        }
        wire::session& s = impl.ch_->session();
        wire::write_buffer& buf = impl.ch_->out();
        const auto mark = buf.get_mark();
        std::error_code ec = s.send_execute(buf, st.portal_, limit(st), st.column_count_);
        if (ec) {
            buf.rollback(mark);
            diag.client_message = "cannot send the Execute: " + ec.message();
            co_await end_after_error(st);
            co_return ec;
        }
        ec = s.send_sync(buf);
        driver::rows_exchange x(out, st.columns_, true);
        x.deadline = impl.deadline_of(st.call_);
        impl.ch_->submit(x);
        co_await x;
        if (x.ec || ec) {
            if (x.ec) {
                ec = x.ec;
                diag = std::move(x.diag);
            }
            co_await end_after_error(st);
            co_return ec;
        }
        if (x.suspended) {
            co_return std::error_code{};
        }
        const std::error_code end_ec = co_await finish(st, out, diag);
        co_return end_ec;
    }

    // CommandComplete arrived: keep the tag, end the portal (COMMIT of the stream's own
    // transaction, or a Close).
    static task<std::error_code> finish(row_stream& st, const rows& last, diagnostics& diag) {
        st.state_ = row_stream::state::exhausted;
        st.tag_ = last.command_tag();
        if (st.own_transaction_) {
            st.own_transaction_ = false;
            const std::error_code ec = co_await st.impl_->simple_command("COMMIT", diag);
            co_return ec;
        }
        close_portal_detached(st.impl_, st.portal_);
        co_return std::error_code{};
    }

    // An error ended the stream: roll back the transaction it opened.
    static task<void> end_after_error(row_stream& st) {
        st.state_ = row_stream::state::failed;
        if (st.own_transaction_ && st.impl_ != nullptr && st.impl_->has_channel() &&
            !st.impl_->channel().broken()) {
            st.own_transaction_ = false;
            diagnostics ignored;
            (void)co_await st.impl_->simple_command("ROLLBACK", ignored);
        }
        st.own_transaction_ = false;
    }

    static task<std::error_code> close(row_stream& st, diagnostics& diag) {
        const bool open = st.state_ == row_stream::state::open;
        st.state_ = row_stream::state::closed;
        st.first_.reset();
        st.current_.reset();
        if (!open || st.impl_ == nullptr) {
            co_return std::error_code{};
        }
        if (st.one_pass_) {
            const std::error_code ec = co_await drain_single_pass(st);
            co_return ec;
        }
        if (st.own_transaction_) {
            st.own_transaction_ = false;
            const std::error_code ec = co_await st.impl_->simple_command("ROLLBACK", diag);
            co_return ec;
        }
        const std::error_code ec = co_await close_portal(*st.impl_, st.portal_, diag);
        co_return ec;
    }

    // ---- cursor ------------------------------------------------------------------------------

    static task<std::error_code> run_cursor_command(connection_impl& impl, std::string_view sql,
                                                    std::span<const param_ref> params, rows& out,
                                                    diagnostics& diag) {
        const connection_impl::running_guard running(&impl);
        bool suspended = false;
        const std::error_code ec = co_await run_unnamed(impl, sql, params, std::string(), 0, out, suspended,
                                                        diag, impl.deadline_of({}));
        co_return ec;
    }

    static task<result<cursor>> open_cursor(connection& conn, cursor_options options, std::string_view sql,
                                            std::span<const param_ref> params) {
        connection_impl* impl = conn.impl();
        diagnostics diag;
        if (impl == nullptr || !impl->has_channel()) {
            co_return client_failure(errc::connection_closed, "the connection is closed");
        }
        if (impl->channel().session().transaction_status() != 'T') {
            co_return client_failure(
                errc::invalid_state,
                impl->channel().session().transaction_status() == 'E'
                    ? "cannot declare a cursor: the transaction block has failed"
                    : "cannot declare a cursor outside a transaction block: begin one first");
        }
        cursor c;
        c.name_ = impl->next_name('u');
        std::string declare =
            "DECLARE " + quoted_identifier(c.name_) + (options.scroll ? " SCROLL" : " NO SCROLL") + " CURSOR FOR ";
        declare.append(sql.data(), sql.size());
        rows out;
        const std::error_code ec = co_await run_cursor_command(*impl, declare, params, out, diag);
        if (ec) {
            co_return make_failure(ec, std::move(diag));
        }
        c.impl_ = impl;
        co_return std::move(c);
    }
};

}  // namespace pgring::detail

namespace pgring {

using detail::stream_support;

// ---- row_stream -----------------------------------------------------------------------------------

row_stream::row_stream(row_stream&& o) noexcept
    : impl_(std::exchange(o.impl_, nullptr)),
      call_(o.call_),
      portal_(std::move(o.portal_)),
      fetch_size_(o.fetch_size_),
      column_count_(o.column_count_),
      state_(std::exchange(o.state_, state::exhausted)),
      own_transaction_(std::exchange(o.own_transaction_, false)),
      busy_(o.busy_),
      first_(std::move(o.first_)),
      current_(std::move(o.current_)),
      current_index_(o.current_index_),
      one_pass_(std::move(o.one_pass_)),
      columns_(std::move(o.columns_)),
      tag_(std::move(o.tag_)),
      returned_(o.returned_) {
    o.first_.reset();
    o.current_.reset();
}

row_stream& row_stream::operator=(row_stream&& o) noexcept {
    if (this != &o) {
        abandon();
        impl_ = std::exchange(o.impl_, nullptr);
        call_ = o.call_;
        portal_ = std::move(o.portal_);
        fetch_size_ = o.fetch_size_;
        column_count_ = o.column_count_;
        state_ = std::exchange(o.state_, state::exhausted);
        own_transaction_ = std::exchange(o.own_transaction_, false);
        busy_ = o.busy_;
        first_ = std::move(o.first_);
        o.first_.reset();
        current_ = std::move(o.current_);
        o.current_.reset();
        current_index_ = o.current_index_;
        one_pass_ = std::move(o.one_pass_);
        columns_ = std::move(o.columns_);
        tag_ = std::move(o.tag_);
        returned_ = o.returned_;
    }
    return *this;
}

row_stream::~row_stream() {
    abandon();
}

void row_stream::abandon() noexcept {
    detail::connection_impl* impl = std::exchange(impl_, nullptr);
    const bool open = state_ == state::open;
    state_ = state::closed;
    if (one_pass_) {
        one_pass_.reset();  // the request leaves a stand-in that reads and drops the rest
        return;
    }
    if (impl == nullptr || !open) {
        return;
    }
    if (std::exchange(own_transaction_, false)) {
        stream_support::rollback_detached(impl);
    } else {
        stream_support::close_portal_detached(impl, portal_);
    }
}

task<result<std::optional<rows>>> row_stream::try_next() {
    diagnostics diag;
    if (busy_) {
        co_return detail::client_failure(errc::invalid_state,
                                         "row_stream::next(): another call on this stream is running");
    }
    current_.reset();  // next_row()'s batch
    if (first_) {
        rows batch = std::move(*first_);
        first_.reset();
        if (!batch.empty()) {
            returned_ += batch.size();
            co_return std::optional<rows>(std::move(batch));
        }
    }
    if (state_ == state::failed) {
        co_return detail::client_failure(errc::invalid_state, "the stream ended with an error");
    }
    if (one_pass_) {
        std::optional<rows> batch;
        busy_ = true;
        const std::error_code ec = co_await stream_support::next_single_pass(*this, batch, diag);
        busy_ = false;
        if (ec) {
            co_return detail::make_failure(ec, std::move(diag));
        }
        if (batch) {
            returned_ += batch->size();
        }
        co_return batch;
    }
    while (state_ == state::open && impl_ != nullptr) {
        rows batch;
        busy_ = true;
        const std::error_code ec = co_await stream_support::fetch(*this, batch, diag);
        busy_ = false;
        if (ec) {
            co_return detail::make_failure(ec, std::move(diag));
        }
        if (!batch.empty()) {
            returned_ += batch.size();
            co_return std::optional<rows>(std::move(batch));
        }
    }
    co_return std::optional<rows>();
}

task<result<std::optional<row_view>>> row_stream::fetch_row() {
    if (std::optional<row_view> r = buffered_row()) {
        co_return r;
    }
    // Frees the used batch (and its receive buffers) before fetching the next one.
    result<std::optional<rows>> batch = co_await try_next();
    if (!batch) {
        co_return detail::make_failure(batch.error(), batch.diag());
    }
    if (!*batch) {
        co_return std::optional<row_view>();
    }
    current_ = std::move(**batch);
    current_index_ = 1;
    co_return std::optional<row_view>((*current_)[0]);
}

task<result<void>> row_stream::try_close() {
    diagnostics diag;
    if (busy_) {
        co_return detail::client_failure(errc::invalid_state,
                                         "row_stream::close(): another call on this stream is running");
    }
    busy_ = true;
    const std::error_code ec = co_await stream_support::close(*this, diag);
    busy_ = false;
    if (ec) {
        co_return detail::make_failure(ec, std::move(diag));
    }
    co_return result<void>{};
}

task<result<row_stream>> operations::run_stream(std::string_view sql, const statement* stmt,
                                                std::span<const detail::param_ref> params,
                                                stream_options options) {
    diagnostics diag;
    if (impl_ == nullptr) {
        co_return detail::client_failure(errc::connection_closed, "the connection is closed");
    }
    if (stmt != nullptr && !stmt->p_) {
        co_return detail::client_failure(errc::invalid_state, "the statement is empty");
    }
    // Outside the co_await: g++ 12 mishandles a conditional's temporaries inside one.
    detail::block_ptr<detail::prepared_statement> prepared;
    if (stmt != nullptr) {
        prepared = stmt->p_;
    }
    row_stream st;
    const std::error_code ec = co_await stream_support::open(*impl_, options_, sql, std::move(prepared),
                                                             params, options, st, diag);
    if (ec) {
        co_return detail::make_failure(ec, std::move(diag));
    }
    co_return std::move(st);
}

// ---- cursor -----------------------------------------------------------------------------------------

cursor::cursor(cursor&& o) noexcept : impl_(std::exchange(o.impl_, nullptr)), name_(std::move(o.name_)) {}

cursor& cursor::operator=(cursor&& o) noexcept {
    if (this != &o) {
        abandon();
        impl_ = std::exchange(o.impl_, nullptr);
        name_ = std::move(o.name_);
    }
    return *this;
}

cursor::~cursor() {
    abandon();
}

void cursor::abandon() noexcept {
    detail::connection_impl* impl = std::exchange(impl_, nullptr);
    if (impl != nullptr) {
        stream_support::close_portal_detached(impl, name_);
    }
}

task<result<cursor>> cursor::open_with(connection& conn, cursor_options options, std::string_view sql,
                                       std::span<const detail::param_ref> params) {
    return stream_support::open_cursor(conn, options, sql, params);
}

task<result<rows>> cursor::command(std::string sql) {
    diagnostics diag;
    if (impl_ == nullptr) {
        co_return detail::client_failure(errc::invalid_state, "the cursor is closed");
    }
    rows out;
    const std::error_code ec = co_await stream_support::run_cursor_command(*impl_, sql, {}, out, diag);
    if (ec) {
        co_return detail::make_failure(ec, std::move(diag));
    }
    co_return std::move(out);
}

task<result<rows>> cursor::try_fetch(cursor_direction direction) {
    return command("FETCH " + direction.clause + " FROM " + detail::quoted_identifier(name_));
}

task<result<std::uint64_t>> cursor::try_move(cursor_direction direction) {
    result<rows> r = co_await command("MOVE " + direction.clause + " IN " + detail::quoted_identifier(name_));
    if (!r) {
        co_return failure{r.error(), r.diag()};
    }
    co_return r->rows_affected();
}

task<result<void>> cursor::try_close() {
    detail::connection_impl* impl = std::exchange(impl_, nullptr);
    if (impl == nullptr) {
        co_return result<void>{};
    }
    diagnostics diag;
    const std::error_code ec = co_await stream_support::close_portal(*impl, name_, diag);
    if (ec) {
        co_return detail::make_failure(ec, std::move(diag));
    }
    co_return result<void>{};
}

}  // namespace pgring
