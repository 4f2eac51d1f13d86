#pragma once

// detail::connection_impl: what a pgring::connection is made of, one driver::channel plus the
// statement cache, and the one non-throwing implementation of every facade operation.
//
// A call (run()):
//
//   cache on and SQL short enough:
//     find in cache ----miss----> Parse(name) + Describe(S) + Sync   (describe_exchange)
//        | hit (or waited for a concurrent prepare)           | insert, Close the evicted
//        v                                                    v
//     Bind(name, params in binary, or text for strings) + Execute + Sync   (rows_exchange)
//        | "cached plan must not change result type", not in a transaction:
//        +--> drop the statement, prepare again, retry once
//
//   cache off (max_size 0) or long SQL: one write, one round trip, unnamed statement:
//     Parse("", declared types) + Bind + Describe(P) + Execute + Sync
//
//   After a Describe, types that are not built in are loaded from the catalogs (type_registry,
//   one query per level of references) before the statement runs, and each result column gets
//   its format: binary, or text for the types the server cannot send in binary.
//
// Thread: the connection's loop thread.

#include <pgring/batch.hpp>
#include <pgring/connection.hpp>
#include <pgring/result.hpp>

#include "client/statement_cache.hpp"
#include "client/type_registry.hpp"
#include "driver/channel.hpp"
#include "driver/loop_impl.hpp"
#include "driver/notification_queue.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace pgring::detail {

/// What a notification_stream refers to: the driver's queue under the name the public header
/// declares.
class notification_hub final : public driver::notification_queue {
public:
    using driver::notification_queue::notification_queue;
};

/// Appends `name` quoted as an SQL identifier: in double quotes, taken as written (no case
/// folding), a `"` doubled.
void append_identifier(std::string& out, std::string_view name);
/// `name` quoted as an SQL identifier (see append_identifier).
std::string quoted_identifier(std::string_view name);

/// errc::connection_closed, with its message in `diag`.
std::error_code closed_error(diagnostics& diag);
/// `ec` with `diag` as a failure; the error's own message when `diag` has none.
failure make_failure(std::error_code ec, diagnostics diag);
/// A client error with `message` as a failure.
failure client_failure(errc code, std::string message);

class connection_impl {
    friend class stream_support;  // row_stream and cursor (cursor.cpp) write their own messages

public:
    connection_impl(loop_impl& lp, driver::channel* ch, connection_options options);
    ~connection_impl();
    connection_impl(const connection_impl&) = delete;
    connection_impl& operator=(const connection_impl&) = delete;

    /// Connects (see connection::try_connect).
    static task<result<connection>> connect(loop& lp, connect_options target, connection_options options);

    /// Runs `sql` (or `stmt` when given) with `params`; rows go to `out` when `keep_rows`.
    task<std::error_code> run(std::string_view sql, const statement* stmt, std::span<const param_ref> params,
                              rows& out, bool keep_rows, diagnostics& diag, const call_options& call);
    /// Runs a COPY: TO STDOUT when `sink` is set, FROM STDIN when `source` is.
    task<std::error_code> copy(std::string_view sql, const operations::copy_sink* sink,
                               const operations::copy_generator* source, rows& out, diagnostics& diag,
                               const call_options& call);
    /// Runs `sql` (or `stmt`) once per row of `src` in one pipeline ending in one Sync (see
    /// operations::execute_many); rows go to `out` when `keep_rows`.
    task<std::error_code> run_many(std::string_view sql, const statement* stmt, param_rows& src, rows& out,
                                   bool keep_rows, diagnostics& diag, const call_options& call);
    /// Binary COPY FROM STDIN of the rows of `src` into `table` (see operations::copy_records).
    task<std::error_code> copy_records(std::string_view table, const std::vector<std::string>& columns,
                                       param_rows& src, rows& out, diagnostics& diag, const call_options& call);
    /// Runs the statements of `b` in one write: with one Sync (`atomic`; the error is returned)
    /// or a Sync each (each statement's error goes to errors[i] and diags[i]). `outs`, `errors`
    /// and `diags` are sized to the batch.
    task<std::error_code> run_batch(const batch& b, bool atomic, std::vector<rows>& outs,
                                    std::vector<std::error_code>& errors, std::vector<diagnostics>& diags,
                                    diagnostics& diag, const call_options& call);
    /// COPY (query) TO STDOUT in binary, each row decoded with the query's columns and handed
    /// to `sink` (see operations::copy_out_rows).
    task<std::error_code> copy_out_rows(std::string_view query, const operations::copy_row_sink& sink, rows& out,
                                        diagnostics& diag, const call_options& call);
    /// Prepares a named statement outside the cache.
    task<std::error_code> prepare_named(std::string_view sql, block_ptr<prepared_statement>& out,
                                        diagnostics& diag, const call_options& call);

    /// Deletes `impl`, or, while operations are suspended in it (their frames touch it when
    /// they resume), closes it and leaves the delete to the last of them.
    static void release(connection_impl* impl) noexcept;

    bool has_channel() const noexcept { return ch_ != nullptr; }
    driver::channel& channel() noexcept { return *ch_; }
    const driver::channel& channel() const noexcept { return *ch_; }
    const statement_cache& cache() const noexcept { return cache_; }
    type_registry& types() noexcept { return types_; }
    /// Loads the descriptions of `oids` and of every type they refer to that is not known yet.
    task<std::error_code> load_types(std::vector<oid_t> oids, diagnostics& diag, const call_options& call);
    std::uint64_t statements_prepared() const noexcept { return prepared_count_; }
    void close() noexcept;

    // LISTEN/NOTIFY (notifications.cpp). The queue is made with the channel (connect.cpp), whose
    // callbacks feed and close it.
    void set_notifications(std::shared_ptr<notification_hub> q) noexcept { notifications_ = std::move(q); }
    const std::shared_ptr<notification_hub>& notifications() const noexcept { return notifications_; }
    /// Sends `sql` as one simple Query (no statement cache) and waits for its ReadyForQuery.
    task<std::error_code> simple_command(std::string sql, diagnostics& diag);
    /// The channels LISTENed to through listen() and not UNLISTENed since.
    std::set<std::string>& listening() noexcept { return listening_; }

private:
    // Counts an operation (run(), prepare_named()) from its start to the destruction of its
    // frame, which may come after the connection object is gone: see release().
    class running_guard {
    public:
        explicit running_guard(connection_impl* impl) noexcept : impl_(impl) { ++impl_->running_; }
        running_guard(const running_guard&) = delete;
        running_guard& operator=(const running_guard&) = delete;
        ~running_guard();

    private:
        connection_impl* impl_;
    };

    // Holds the channel's write side (an exclusive write turn) until released or destroyed.
    class write_hold {
    public:
        explicit write_hold(connection_impl& impl) noexcept : impl_(impl), ch_(impl.ch_) {}
        write_hold(const write_hold&) = delete;
        write_hold& operator=(const write_hold&) = delete;
        ~write_hold() { release(); }
        void release() noexcept;

    private:
        connection_impl& impl_;
        driver::channel* ch_;
    };

    driver::clock::time_point deadline_of(const call_options& call) const noexcept;
    // The statement for `sql` with its types and columns: from the statement cache, or (cache
    // off, long SQL) described as a named statement. `for_bind` false: that statement is closed
    // again right after (its description is all the caller needs). `for_bind` true: it is marked
    // `temporary`, and the caller binds it and then closes it with close_temporary().
    task<std::error_code> described_statement(std::string_view sql, block_ptr<prepared_statement>& out,
                                              diagnostics& diag, driver::clock::time_point deadline,
                                              bool for_bind = false);
    // Writes the Close of a `temporary` statement after the messages already written that use
    // it (now, or at the next write turn while another request holds the write side); nothing
    // for a cached one.
    void close_temporary(const prepared_statement& st);
    // Waits while another request streams its messages (see channel::write_turn), then checks
    // that the connection is still usable and writes the pending Closes. `exclusive`: the turn
    // holds the write side; on success the caller puts it in a write_hold at once (on failure
    // it is already given back). A shared turn is worth its frame only when
    // !ch_->writes_free().
    task<std::error_code> wait_write_turn(diagnostics& diag, bool exclusive = false);
    // Writes the Closes of statements evicted while the write side was held.
    void send_pending_closes();
    // Writes Parse + Bind + Execute + Sync of a COPY statement; the buffer is left as it was on error.
    std::error_code write_copy_statement(std::string_view sql, diagnostics& diag);
    // Bind + Execute per row of `src` and one Sync, streamed (with back-pressure) under an
    // exclusive write turn; `st` null: Parse("") first, with the first row's declared types.
    task<std::error_code> stream_batch(prepared_statement* st, std::string_view sql, param_rows& src, rows& out,
                                       bool keep_rows, diagnostics& diag, driver::clock::time_point deadline);
    // Parse + Describe + Sync for `st` (name and sql set), filling its types and columns.
    task<std::error_code> describe(prepared_statement& st, diagnostics& diag, driver::clock::time_point deadline);
    // Finds or prepares the cached statement for `sql`.
    task<std::error_code> cached_statement(std::string_view sql, block_ptr<prepared_statement>& out,
                                           diagnostics& diag, driver::clock::time_point deadline);
    // Bind + Execute + Sync of a described statement.
    task<std::error_code> execute_prepared(prepared_statement& st, std::span<const param_ref> params, rows& out,
                                           bool keep_rows, diagnostics& diag, driver::clock::time_point deadline);
    // Parse("") + Bind + Describe(P) + Execute + Sync in one write.
    task<std::error_code> execute_unnamed(std::string_view sql, std::span<const param_ref> params, rows& out,
                                          bool keep_rows, diagnostics& diag, driver::clock::time_point deadline);
    void close_retired(statement_cache::retired_list& retired);
    // Loads the unknown types among `types` and `columns` (when options_.load_types), then sets
    // each column's format and `formats` (left empty when every column is binary).
    task<std::error_code> resolve_types(std::span<const oid_t> types, column_set* columns,
                                        std::vector<std::int16_t>* formats, diagnostics& diag,
                                        driver::clock::time_point deadline);
    task<std::error_code> load_types_until(std::vector<oid_t> oids, diagnostics& diag,
                                           driver::clock::time_point deadline);
    std::string next_name(char kind);

    loop_impl& loop_;
    driver::channel* ch_;
    connection_options options_;
    statement_cache cache_;
    type_registry types_;
    std::vector<std::string> pending_close_;  // evicted while the write side was held
    std::uint64_t name_counter_ = 0;
    std::uint64_t prepared_count_ = 0;
    std::shared_ptr<notification_hub> notifications_;
    std::set<std::string> listening_;
    std::size_t running_ = 0;  // operations started and not yet destroyed
    bool released_ = false;    // the connection object is gone: the last operation deletes this
};

}  // namespace pgring::detail
