#pragma once

/// @file
/// `pgring::connection`: the coroutine API. Connect, then `co_await` execute, query,
/// query_one, query_value and prepare; every operation has a throwing form and a `try_` form
/// that returns `pgring::result<T>`.
///
///     pgring::loop lp;
///     lp.run([]() -> pgring::task<void> {
///         auto conn = co_await pgring::connection::connect("postgresql://localhost/app");
///         auto n = co_await conn.query_value<std::int64_t>("SELECT count(*) FROM t WHERE x > $1", 10);
///     }());
///
/// Parameters are C++ values bound in binary through `pgring::codec<T>` (std::optional<T> for
/// NULL; string types may bind to any parameter type, in text form). Every statement goes through
/// the connection's statement cache: prepared once (Parse + Describe), then run with one Bind,
/// Execute and Sync per call, one round trip.

#include <pgring/codec.hpp>
#include <pgring/connect_options.hpp>
#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/loop.hpp>
#include <pgring/notification.hpp>
#include <pgring/oid.hpp>
#include <pgring/result.hpp>
#include <pgring/row.hpp>
#include <pgring/task.hpp>
#include <pgring/type_info.hpp>

#include <pgring/detail/shared_block.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace pgring {

/// The per-connection cache of prepared statements (asyncpg's defaults).
struct statement_cache_options {
    /// Statements kept; 0 turns the cache off: each call then sends Parse/Bind/Describe/Execute/
    /// Sync with the unnamed statement in one write (one round trip; works through poolers in
    /// transaction mode).
    std::size_t max_size = 100;
    /// A statement older than this is prepared again on its next use (0: no limit).
    std::chrono::seconds max_lifetime{300};
    /// Statements with longer SQL text are not cached (they take the cache-off path).
    std::size_t max_statement_length = 15 * 1024;
};

/// Settings of a connection that a connection string does not carry.
struct connection_options {
    /// The statement cache's size and limits.
    statement_cache_options statement_cache;
    /// Default timeout of every operation (0: none). On expiry pgring sends a CancelRequest,
    /// waits for the server to finish the statement and reports `errc::timeout`.
    std::chrono::milliseconds command_timeout{0};
    /// How long to wait for the server after a CancelRequest before closing the connection.
    std::chrono::milliseconds cancel_grace{5000};
    /// Called for each NoticeResponse (WARNING, NOTICE, ...); empty ignores them.
    /// Thread: called on the loop thread while input is processed: it must not throw, close the
    /// connection or wait; copy what it needs.
    std::function<void(const diagnostics&)> on_notice;
    /// Called for each ParameterStatus after the startup (a SET of a reported setting such as
    /// application_name, TimeZone or DateStyle), with the new value; connection::parameter()
    /// already has it. Empty ignores them. Lifetime: the views are valid during the call.
    /// Thread: as on_notice.
    std::function<void(std::string_view name, std::string_view value)> on_parameter_status;
    /// Called for each notification of a channel the connection listens to (see
    /// connection::listen()), before it is queued for notification_stream::next(): both may be
    /// used; the callback sees every notification, the queue keeps them (bounded) for next().
    /// Empty: the queue alone. Thread: as on_notice.
    std::function<void(const notification&)> on_notification;
    /// Notifications kept for notification_stream::next() while nobody waits; when full, the
    /// oldest is dropped and counted (notification_stream::dropped()). 0 keeps none: only a
    /// next() already waiting, and on_notification, see them.
    std::size_t notification_queue_size = 1024;
    /// Result columns of these types (and arrays of them) are fetched in text format
    /// (column::format 0). Types the server cannot send in binary (aclitem) always are.
    std::vector<oid_t> text_result_types;
    /// The most requests one connection has in flight at once (0: no limit). Coroutines that
    /// query one connection concurrently are pipelined; past this depth a new call waits, in
    /// order, until an answer completes an earlier one (back-pressure). A batch or a COPY counts
    /// as one request.
    std::size_t max_pipeline_depth = 0;
    /// Load the description of every type that is not built in (enums, composites, domains,
    /// extension types) from the server's catalogs when a statement first uses it; see
    /// connection::types().
    bool load_types = true;
};

/// Options of one call; see connection::with().
struct call_options {
    /// Timeout of this call; nullopt: the connection's command_timeout; 0: none.
    std::optional<std::chrono::milliseconds> timeout;
};

namespace detail {

class connection_impl;
struct prepared_statement;

/// One parameter, type-erased: a pointer to the value and its codec's functions.
struct param_ref {
    const void* value = nullptr;
    bool is_null = false;
    /// The codec's string types can also be sent in text form, for any parameter type.
    bool text_like = false;
    oid_t preferred_oid = 0;
    /// The codec's type_name (see codec.hpp), or empty.
    std::string_view type_name;
    bool (*accepts)(oid_t) = nullptr;
    std::size_t (*size)(const void* value, oid_t type) = nullptr;
    std::error_code (*encode)(const void* value, oid_t type, std::span<std::byte> out) = nullptr;
    /// For messages: the C++ type's name in the codec sense.
    std::span<const std::byte> (*text)(const void* value) = nullptr;
};

template <class T>
struct is_text_like : std::false_type {};
template <>
struct is_text_like<std::string> : std::true_type {};
template <>
struct is_text_like<std::string_view> : std::true_type {};
template <class T>
struct is_text_like<std::optional<T>> : is_text_like<T> {};

template <class T>
std::span<const std::byte> text_of(const void* v) noexcept {
    if constexpr (is_text_like<T>::value) {
        const T& value = *static_cast<const T*>(v);
        if constexpr (is_optional<T>::value) {
            return std::as_bytes(std::span<const char>(value->data(), value->size()));
        } else {
            return std::as_bytes(std::span<const char>(value.data(), value.size()));
        }
    } else {
        (void)v;
        return {};
    }
}

template <has_codec T>
param_ref make_param(const T& value) noexcept {
    param_ref p;
    p.value = &value;
    p.is_null = pgring::is_null(value);
    p.text_like = is_text_like<T>::value;
    p.preferred_oid = codec<T>::preferred_oid;
    p.type_name = detail::codec_type_name<T>();
    p.accepts = [](oid_t type) { return codec<T>::accepts(type); };
    p.size = [](const void* v, oid_t type) { return codec<T>::encoded_size(*static_cast<const T*>(v), type); };
    p.encode = [](const void* v, oid_t type, std::span<std::byte> out) {
        return codec<T>::encode(*static_cast<const T*>(v), type, out);
    };
    p.text = &text_of<T>;
    return p;
}

/// How a parameter is held while a call runs: string literals and char pointers as
/// std::string_view, everything else by reference.
template <class A>
using param_holder_t =
    std::conditional_t<std::is_same_v<std::decay_t<A>, const char*> || std::is_same_v<std::decay_t<A>, char*>,
                       std::string_view, const A&>;

/// What a call returns to the facade.
enum class call_kind : std::uint8_t { execute, query };

/// A growable byte buffer that encoders append to without zero-filling or per-byte checks
/// (the binary COPY data of copy_records).
class byte_sink {
public:
    /// Room for `n` more bytes at the end; write them, then commit().
    std::byte* reserve(std::size_t n) {
        if (cap_ - size_ < n) {
            grow(n);
        }
        return data_.get() + size_;
    }
    /// Adds `n` bytes written after reserve().
    void commit(std::size_t n) noexcept { size_ += n; }
    /// Appends the low `bytes` bytes of `v`, big-endian.
    void put_be(std::uint32_t v, int bytes) {
        std::byte* p = reserve(4);
        for (int i = 0; i < bytes; ++i) {
            p[i] = static_cast<std::byte>((v >> (8 * (bytes - 1 - i))) & 0xff);
        }
        commit(static_cast<std::size_t>(bytes));
    }
    /// The bytes appended since the last clear().
    std::span<const std::byte> bytes() const noexcept { return {data_.get(), size_}; }
    std::size_t size() const noexcept { return size_; }
    void clear() noexcept { size_ = 0; }

private:
    void grow(std::size_t n) {
        std::size_t cap = cap_ == 0 ? 4096 : cap_;
        while (cap - size_ < n) {
            cap *= 2;
        }
        std::unique_ptr<std::byte[]> bigger(new std::byte[cap]);
        if (size_ > 0) {
            std::copy(data_.get(), data_.get() + size_, bigger.get());
        }
        data_ = std::move(bigger);
        cap_ = cap;
    }
    std::unique_ptr<std::byte[]> data_;
    std::size_t size_ = 0;
    std::size_t cap_ = 0;
};

/// The rows of a batch (execute_many, query_many, copy_records), one parameter list at a time.
class param_rows {
public:
    virtual ~param_rows() = default;
    /// The number of parameters of every row.
    virtual std::size_t width() const noexcept = 0;
    /// Moves to the next row (the first, on the first call); false at the end.
    virtual bool advance() = 0;
    /// The parameters of the current row, valid until the next advance().
    virtual std::span<const param_ref> params() = 0;
    /// Appends the current row as a binary COPY tuple (field count, then each field's length
    /// and bytes) encoded by the codecs for the column `types`, directly (no type erasure). On
    /// an error `out` holds a partial tuple (the caller aborts the COPY) and `column` names the
    /// field. The caller has checked, with params(), that each codec takes its column's type.
    virtual std::error_code append_copy_tuple(std::span<const oid_t> types, byte_sink& out,
                                              std::size_t& column) = 0;
    /// advance(), then the parameters in `out`.
    bool next(std::span<const param_ref>& out) {
        if (!advance()) {
            return false;
        }
        out = params();
        return true;
    }

protected:
    /// Appends one COPY field: -1 for NULL, else its length and the codec's bytes.
    template <class T>
    static std::error_code append_field(const T& value, oid_t type, byte_sink& out) {
        if (pgring::is_null(value)) {
            out.put_be(0xffffffffu, 4);
            return {};
        }
        const std::size_t n = codec<T>::encoded_size(value, type);
        if (n > 0x7fffffffu) {
            return make_error_code(errc::value_out_of_range);
        }
        out.put_be(static_cast<std::uint32_t>(n), 4);
        std::byte* p = out.reserve(n);
        if (const std::error_code ec = codec<T>::encode(value, type, std::span<std::byte>(p, n))) {
            return ec;
        }
        out.commit(n);
        return {};
    }
};

/// True for tuple-like row types (std::tuple, std::pair, std::array): one parameter per element.
template <class V>
concept tuple_like_row = requires { std::tuple_size<V>::value; };

/// How range_param_rows holds the parameters of one row of type V.
template <class V>
struct row_holder_of {
    using type = std::tuple<param_holder_t<V>>;
};
template <tuple_like_row V>
struct row_holder_of<V> {
    template <std::size_t... I>
    static auto make(std::index_sequence<I...>)
        -> std::tuple<param_holder_t<std::remove_cvref_t<std::tuple_element_t<I, V>>>...>;
    using type = decltype(make(std::make_index_sequence<std::tuple_size_v<V>>{}));
};

/// param_rows over a range whose elements are tuple-like (one parameter per element) or single
/// values (one parameter). Elements the range yields by value are kept until the next row.
template <class Range>
class range_param_rows final : public param_rows {
    using value_type = std::ranges::range_value_t<Range>;
    using reference = std::ranges::range_reference_t<Range>;
    static constexpr bool tuple_row = tuple_like_row<value_type>;
    using holder = typename row_holder_of<value_type>::type;
    static constexpr std::size_t n = std::tuple_size_v<holder>;

public:
    explicit range_param_rows(Range& r) : it_(std::ranges::begin(r)), end_(std::ranges::end(r)) {}
    std::size_t width() const noexcept override { return n; }
    bool advance() override {
        if (started_) {
            ++it_;  // advanced only now: the previous row stays valid until this call
        }
        started_ = true;
        if (it_ == end_) {
            return false;
        }
        const value_type* cur = nullptr;
        if constexpr (std::is_lvalue_reference_v<reference>) {
            cur = &*it_;
        } else {
            value_.emplace(*it_);
            cur = &*value_;
        }
        if constexpr (tuple_row) {
            std::apply([this](const auto&... v) { held_.emplace(v...); }, *cur);
        } else {
            held_.emplace(*cur);
        }
        return true;
    }
    std::span<const param_ref> params() override {
        std::apply([this](const auto&... v) { params_ = {make_param(v)...}; }, *held_);
        return std::span<const param_ref>(params_.data(), n);
    }
    std::error_code append_copy_tuple(std::span<const oid_t> types, byte_sink& out,
                                      std::size_t& column) override {
        out.put_be(static_cast<std::uint32_t>(n), 2);
        std::error_code ec;
        std::size_t i = 0;
        const auto one = [&](const auto& v) {
            if (!ec) {
                ec = append_field(v, types[i], out);
                column = i++;
            }
        };
        std::apply([&one](const auto&... v) { (one(v), ...); }, *held_);
        return ec;
    }

private:
    std::ranges::iterator_t<Range> it_;
    std::ranges::sentinel_t<Range> end_;
    bool started_ = false;
    std::optional<value_type> value_;
    std::optional<holder> held_;
    std::array<param_ref, n> params_{};
};


}  // namespace detail

class connection;
class transaction;
class batch;
class row_stream;
struct stream_options;

/// A statement prepared explicitly with connection::prepare(): a named server-side statement
/// with its parameter types and result columns. Run it with execute/query and friends.
///
/// Lifetime: the server-side statement lives until close() or the end of the connection; this
/// object may outlive the connection (it then only describes the statement).
/// Thread: the connection's loop thread.
class statement {
public:
    /// An empty statement (operator bool is false).
    statement() noexcept;
    /// Copies share the one server-side statement.
    ///@{
    statement(const statement&) noexcept;
    statement(statement&&) noexcept;
    statement& operator=(const statement&) noexcept;
    statement& operator=(statement&&) noexcept;
    ///@}
    ~statement();
    /// The server-side name.
    const std::string& name() const noexcept;
    /// The SQL text.
    const std::string& sql() const noexcept;
    /// Parameter types, from ParameterDescription.
    std::span<const oid_t> parameter_types() const noexcept;
    /// Result columns, from RowDescription (empty for a statement that returns none).
    const std::vector<column>& columns() const noexcept;
    /// True when this holds a prepared statement.
    explicit operator bool() const noexcept { return static_cast<bool>(p_); }

private:
    friend class connection;
    friend class operations;
    friend class detail::connection_impl;
    detail::block_ptr<detail::prepared_statement> p_;
};

/// The operations of a connection, with a set of call options (see connection::with()).
///
/// Lifetime: refers to its connection; use it within one expression.
/// Thread: the connection's loop thread.
class operations {
public:
    /// Runs a statement that returns no rows (or whose rows are not wanted) and returns its
    /// command tag and row count. Errors: throws `pgring::error` (server errors carry every
    /// ErrorResponse field; the connection stays usable unless `is_fatal(e.code())`).
    template <class... Args>
    task<command_result> execute(std::string_view sql, const Args&... args) {
        auto r = co_await try_execute(sql, args...);
        co_return std::move(r).value();
    }
    /// Runs a prepared statement; see execute().
    template <class... Args>
    task<command_result> execute(const statement& stmt, const Args&... args) {
        auto r = co_await try_execute(stmt, args...);
        co_return std::move(r).value();
    }
    /// execute() without exceptions.
    template <class... Args>
    task<result<command_result>> try_execute(std::string_view sql, const Args&... args) {
        return call_command(sql, nullptr, hold(args...));
    }
    /// execute() of a prepared statement without exceptions.
    template <class... Args>
    task<result<command_result>> try_execute(const statement& stmt, const Args&... args) {
        return call_command({}, &stmt, hold(args...));
    }

    /// Runs a query and returns all its rows. Lifetime: see `rows`.
    template <class... Args>
    task<rows> query(std::string_view sql, const Args&... args) {
        auto r = co_await try_query(sql, args...);
        co_return std::move(r).value();
    }
    /// Runs a prepared statement; see query().
    template <class... Args>
    task<rows> query(const statement& stmt, const Args&... args) {
        auto r = co_await try_query(stmt, args...);
        co_return std::move(r).value();
    }
    /// query() without exceptions.
    template <class... Args>
    task<result<rows>> try_query(std::string_view sql, const Args&... args) {
        return call_rows(sql, nullptr, hold(args...));
    }
    /// query() of a prepared statement without exceptions.
    template <class... Args>
    task<result<rows>> try_query(const statement& stmt, const Args&... args) {
        return call_rows({}, &stmt, hold(args...));
    }

    /// Runs a query that must return exactly one row and returns it (owned).
    /// Errors: `errc::unexpected_row_count` for zero or several rows; as query().
    template <class... Args>
    task<row> query_one(std::string_view sql, const Args&... args) {
        auto r = co_await try_query_one(sql, args...);
        co_return std::move(r).value();
    }
    /// query_one() without exceptions.
    template <class... Args>
    task<result<row>> try_query_one(std::string_view sql, const Args&... args) {
        return one_row(call_rows(sql, nullptr, hold(args...)));
    }

    /// Runs a query that must return exactly one row of one column and decodes that value as T
    /// (std::optional<T> when it may be NULL).
    /// Errors: `errc::unexpected_row_count`; `errc::type_mismatch` for a row of other than one
    /// column; the codec's errors; as query().
    template <has_codec T, class... Args>
    task<T> query_value(std::string_view sql, const Args&... args) {
        auto r = co_await try_query_value<T>(sql, args...);
        co_return std::move(r).value();
    }
    /// query_value() without exceptions.
    template <has_codec T, class... Args>
    task<result<T>> try_query_value(std::string_view sql, const Args&... args) {
        return one_value<T>(call_rows(sql, nullptr, hold(args...)));
    }

    /// Prepares `sql` as a named statement (Parse + Describe), outside the statement cache.
    task<statement> prepare(std::string_view sql) {
        auto r = co_await try_prepare(sql);
        co_return std::move(r).value();
    }
    /// prepare() without exceptions.
    task<result<statement>> try_prepare(std::string_view sql);

    /// What copy_out() hands each chunk of data to: the bytes of one CopyData message (one row
    /// in the text and CSV formats), valid during the call. It runs on the loop thread, and the
    /// connection reads no more data while it runs (back-pressure). An exception from it stops
    /// the delivery: the rest of the COPY is drained and copy_out() fails with errc::cancelled
    /// and the exception's message; the connection stays usable.
    using copy_sink = std::function<void(std::span<const std::byte> data)>;
    /// What copy_in() pulls data from: fills `buffer` (64 KiB) from its start and returns the
    /// number of bytes written, 0 at the end of the data. See <pgring/copy.hpp> for sources
    /// that read a file or a range of chunks.
    using copy_source = std::function<std::size_t(std::span<std::byte> buffer)>;
    /// A copy_source that may wait (a coroutine generator of data: read a socket, another
    /// connection's copy_out, a queue fed by other coroutines): fills `buffer` (64 KiB) from
    /// its start and completes with the number of bytes written, 0 at the end of the data.
    /// The COPY waits for it: the write side stays held meanwhile.
    using copy_generator = std::function<task<std::size_t>(std::span<std::byte> buffer)>;

    /// Runs `sql`, a `COPY ... TO STDOUT`, handing the data to `sink` as it arrives.
    /// Errors: throws `pgring::error`: the server's; errc::not_supported for a COPY FROM STDIN
    /// (refused with a CopyFail) or a statement that is not a COPY TO STDOUT.
    task<command_result> copy_out(std::string_view sql, copy_sink sink) {
        auto r = co_await try_copy_out(sql, std::move(sink));
        co_return std::move(r).value();
    }
    /// copy_out() without exceptions.
    task<result<command_result>> try_copy_out(std::string_view sql, copy_sink sink);

    /// Runs the statements of `b` (see <pgring/batch.hpp>) as one atomic pipeline: every Bind
    /// and Execute and one Sync in one write, one round trip once the statements are prepared.
    /// They run in one implicit transaction (or in the caller's transaction block), so an error
    /// in any undoes them all. Returns the rows (and tag) of each statement, in order.
    /// Errors: throws `pgring::error`: the first error, with diag().client_message naming the
    /// statement ("statement 2 of 3: ..."); errc::not_supported for a COPY in the batch.
    task<std::vector<pgring::rows>> run_batch(const batch& b) {
        auto r = co_await try_run_batch(b);
        co_return std::move(r).value();
    }
    /// run_batch() without exceptions.
    task<result<std::vector<pgring::rows>>> try_run_batch(const batch& b);
    /// Runs the statements of `b` as a pipeline in one write, each ending with its own Sync:
    /// each succeeds or fails alone (outside a transaction block; inside one, an error fails the
    /// block, and so the statements after it). Returns one result per statement, in order.
    task<std::vector<result<pgring::rows>>> run_pipeline(const batch& b);

    /// What copy_out_rows() hands each row to, typed by the query's result columns (decode with
    /// `row.as<...>()`, `row[i].get(v)`); valid during the call.
    using copy_row_sink = std::function<void(row_view row)>;
    /// Runs `COPY (query) TO STDOUT (FORMAT binary)` and hands each row to `sink`, decoded from
    /// the binary COPY data with the codecs of the query's result columns (the query is described
    /// once, through the statement cache). `query` is a SELECT (or VALUES, TABLE ...) without
    /// parameters. Rows stream as they arrive; memory does not grow with the row count.
    /// An exception from `sink` stops the delivery: the rest of the COPY is drained and the call
    /// fails with errc::cancelled and the exception's message; the connection stays usable.
    /// Errors: throws `pgring::error`: the server's; errc::cancelled; errc::malformed_message
    /// for COPY data that does not match the described columns.
    task<command_result> copy_out_rows(std::string_view query, copy_row_sink sink) {
        auto r = co_await try_copy_out_rows(query, std::move(sink));
        co_return std::move(r).value();
    }
    /// copy_out_rows() without exceptions.
    task<result<command_result>> try_copy_out_rows(std::string_view query, copy_row_sink sink);

    /// Runs `sql`, a `COPY ... FROM STDIN`, sending what `source` produces, in the format the
    /// statement names (text, csv or binary). At most about 4 MiB wait unsent: past that the
    /// call waits for the socket (back-pressure). An exception from `source` aborts the COPY
    /// with a CopyFail carrying its message: nothing is inserted, the call fails with the
    /// server's error (57014, query_canceled) and the connection stays usable.
    /// Errors: throws `pgring::error`: the server's (bad data: 22P02 and alike);
    /// errc::not_supported for a statement that is not a COPY FROM STDIN.
    task<command_result> copy_in(std::string_view sql, copy_source source) {
        auto r = co_await try_copy_in(sql, std::move(source));
        co_return std::move(r).value();
    }
    /// copy_in() without exceptions.
    task<result<command_result>> try_copy_in(std::string_view sql, copy_source source);
    /// copy_in() of data already in memory.
    task<result<command_result>> try_copy_in(std::string_view sql, std::string_view data);
    /// copy_in() from a source that may wait (a coroutine); an exception from it aborts the COPY
    /// as with copy_source.
    task<command_result> copy_in(std::string_view sql, copy_generator source) {
        auto r = co_await try_copy_in(sql, std::move(source));
        co_return std::move(r).value();
    }
    /// copy_in() from a copy_generator, without exceptions.
    task<result<command_result>> try_copy_in(std::string_view sql, copy_generator source);

    /// Runs `sql` once per element of `rows`, as one pipeline: the statement is prepared once
    /// (through the statement cache), then a Bind and an Execute per row and one Sync go out as
    /// one stream of writes (with back-pressure past about 4 MiB unsent), answered in one round
    /// trip. Each element is a tuple-like (std::tuple, std::pair, std::array) of the parameters,
    /// or the one parameter itself. Returns the tag of the last row and the sum of the row
    /// counts.
    ///
    /// Atomic: the rows run in one implicit transaction (or in the caller's transaction block),
    /// so an error in any row (the server's, or a value that cannot be encoded) undoes them all
    /// and the call fails with it. Concurrent calls on the connection wait while the batch is
    /// being written, then pipeline behind it.
    /// Errors: throws `pgring::error`: the server's; errc::wrong_parameter_count; the codec's;
    /// errc::cancelled (with the message) when iterating `rows` throws.
    /// Lifetime: `rows` must outlive the call.
    template <std::ranges::input_range Rows>
    task<command_result> execute_many(std::string_view sql, Rows&& rows) {
        auto r = co_await try_execute_many(sql, rows);
        co_return std::move(r).value();
    }
    /// execute_many() of a prepared statement.
    template <std::ranges::input_range Rows>
    task<command_result> execute_many(const statement& stmt, Rows&& rows) {
        auto r = co_await try_execute_many(stmt, rows);
        co_return std::move(r).value();
    }
    /// execute_many() without exceptions.
    template <std::ranges::input_range Rows>
    task<result<command_result>> try_execute_many(std::string_view sql, Rows&& rows) {
        detail::range_param_rows<std::remove_reference_t<Rows>> src(rows);
        co_return co_await run_many_command(sql, nullptr, src);
    }
    /// execute_many() of a prepared statement without exceptions.
    template <std::ranges::input_range Rows>
    task<result<command_result>> try_execute_many(const statement& stmt, Rows&& rows) {
        detail::range_param_rows<std::remove_reference_t<Rows>> src(rows);
        co_return co_await run_many_command({}, &stmt, src);
    }
    /// execute_many() that keeps what the statements return (INSERT ... RETURNING, or a SELECT
    /// run with many parameter sets): the rows of every execution, in order.
    template <std::ranges::input_range Rows>
    task<pgring::rows> query_many(std::string_view sql, Rows&& rows) {
        auto r = co_await try_query_many(sql, rows);
        co_return std::move(r).value();
    }
    /// query_many() of a prepared statement.
    template <std::ranges::input_range Rows>
    task<pgring::rows> query_many(const statement& stmt, Rows&& rows) {
        auto r = co_await try_query_many(stmt, rows);
        co_return std::move(r).value();
    }
    /// query_many() without exceptions.
    template <std::ranges::input_range Rows>
    task<result<pgring::rows>> try_query_many(std::string_view sql, Rows&& rows) {
        detail::range_param_rows<std::remove_reference_t<Rows>> src(rows);
        co_return co_await run_many_rows(sql, nullptr, src);
    }
    /// query_many() of a prepared statement without exceptions.
    template <std::ranges::input_range Rows>
    task<result<pgring::rows>> try_query_many(const statement& stmt, Rows&& rows) {
        detail::range_param_rows<std::remove_reference_t<Rows>> src(rows);
        co_return co_await run_many_rows({}, &stmt, src);
    }

    /// Streams the rows of a query (or of a prepared statement) in batches of at most
    /// `options.fetch_size` rows (memory bounded by one batch): see row_stream. Defined in
    /// <pgring/cursor.hpp>: include it to call these. Errors: throws `pgring::error`, as query().
    ///@{
    template <class... Args>
    task<row_stream> stream(std::string_view sql, const Args&... args);
    template <class... Args>
    task<row_stream> stream(const stream_options& options, std::string_view sql, const Args&... args);
    template <class... Args>
    task<row_stream> stream(const stream_options& options, const statement& stmt, const Args&... args);
    ///@}
    /// stream() without exceptions.
    ///@{
    template <class... Args>
    task<result<row_stream>> try_stream(std::string_view sql, const Args&... args);
    template <class... Args>
    task<result<row_stream>> try_stream(const stream_options& options, std::string_view sql, const Args&... args);
    template <class... Args>
    task<result<row_stream>> try_stream(const stream_options& options, const statement& stmt, const Args&... args);
    ///@}

    /// Copies `rows` into `table` with a binary COPY FROM STDIN: each element is a tuple-like of
    /// the values of `columns` (all the table's columns, in order, when empty), encoded by the
    /// codecs of the columns' types (found once per connection through the statement cache).
    /// `table` is a name, or `schema.name`; the names are quoted as identifiers. Data goes out
    /// in CopyData messages of about 64 KiB, with back-pressure past about 4 MiB unsent.
    ///
    /// A value that cannot be encoded for its column, or an exception while iterating `rows`,
    /// aborts the COPY with a CopyFail: nothing is inserted and the connection stays usable.
    /// Returns the COPY's tag and row count.
    /// Errors: throws `pgring::error`: the server's (a missing table: 42P01); the codec's;
    /// errc::type_mismatch (a value of a C++ type the column's type cannot take, or a row of
    /// another width); errc::cancelled (with the message) when iterating `rows` throws.
    /// Lifetime: `rows` must outlive the call.
    template <std::ranges::input_range Rows>
    task<command_result> copy_records(std::string_view table, std::vector<std::string> columns, Rows&& rows) {
        auto r = co_await try_copy_records(table, std::move(columns), rows);
        co_return std::move(r).value();
    }
    /// copy_records() without exceptions.
    template <std::ranges::input_range Rows>
    task<result<command_result>> try_copy_records(std::string_view table, std::vector<std::string> columns,
                                                  Rows&& rows) {
        detail::range_param_rows<std::remove_reference_t<Rows>> src(rows);
        co_return co_await run_copy_records(table, columns, src);
    }

protected:
    friend class connection;
    friend class transaction;
    /// Operations of `impl` with `options`.
    operations(detail::connection_impl* impl, call_options options) noexcept : impl_(impl), options_(options) {}
    /// The connection these operations run on (null: not connected).
    detail::connection_impl* impl_ = nullptr;
    /// The options every call made through this object uses.
    call_options options_;

private:
    template <class... Args>
    static auto hold(const Args&... args) {
        return std::tuple<detail::param_holder_t<Args>...>(args...);
    }
    template <class Tuple>
    static auto refs(const Tuple& t) {
        return std::apply([](const auto&... v) { return std::array<detail::param_ref, sizeof...(v)>{
                                                     detail::make_param(v)...}; },
                          t);
    }
    template <class Tuple>
    task<result<command_result>> call_command(std::string_view sql, const statement* stmt, Tuple held) {
        auto params = refs(held);
        co_return co_await run_command(sql, stmt, params);
    }
    template <class Tuple>
    task<result<rows>> call_rows(std::string_view sql, const statement* stmt, Tuple held) {
        auto params = refs(held);
        co_return co_await run_rows(sql, stmt, params);
    }
    static task<result<row>> one_row(task<result<rows>> t);
    template <has_codec T>
    static task<result<T>> one_value(task<result<rows>> t) {
        // Decodes from the result where it lies: no owned copy of the row.
        result<pgring::rows> all = co_await std::move(t);
        if (!all) {
            co_return failure{all.error(), all.diag()};
        }
        if (all->size() != 1) {
            co_return failure{make_error_code(errc::unexpected_row_count),
                              diagnostics{.client_message = "the query returned " + std::to_string(all->size()) +
                                                            " rows, not exactly one"}};
        }
        const row_view r = (*all)[0];
        if (r.size() != 1) {
            co_return failure{make_error_code(errc::type_mismatch),
                              diagnostics{.client_message = "query_value: the row has " +
                                                            std::to_string(r.size()) + " columns, not 1"}};
        }
        T value{};
        if (const std::error_code ec = r[0].get(value)) {
            co_return failure{ec, diagnostics{.client_message = "query_value: cannot decode the value: " +
                                                                ec.message()}};
        }
        co_return value;
    }

    task<result<command_result>> run_command(std::string_view sql, const statement* stmt,
                                             std::span<const detail::param_ref> params);
    task<result<rows>> run_rows(std::string_view sql, const statement* stmt,
                                std::span<const detail::param_ref> params);
    task<result<command_result>> run_many_command(std::string_view sql, const statement* stmt,
                                                  detail::param_rows& rows);
    task<result<pgring::rows>> run_many_rows(std::string_view sql, const statement* stmt, detail::param_rows& rows);
    task<result<command_result>> run_copy_records(std::string_view table, const std::vector<std::string>& columns,
                                                  detail::param_rows& rows);
    template <class Tuple>
    task<result<row_stream>> call_stream(std::string_view sql, const statement* stmt, stream_options options,
                                         Tuple held);
    task<result<row_stream>> run_stream(std::string_view sql, const statement* stmt,
                                        std::span<const detail::param_ref> params, stream_options options);
};

/// One connection to a PostgreSQL server, on the loop of the thread that made it.
///
/// Operations may be started by several coroutines at once: they are pipelined on the one
/// connection and answered in order.
///
/// Lifetime: move-only; destroying it closes the connection (sending Terminate when idle) and
/// fails operations still waiting with `errc::connection_closed`.
/// Thread: the loop thread it was made on, for everything.
class connection : public operations {
public:
    /// An unconnected object; only assignment and destruction are allowed.
    connection() noexcept : operations(nullptr, {}) {}
    /// Move-only: the moved-from object is unconnected. Assigning closes the connection held.
    ///@{
    connection(connection&& o) noexcept;
    connection& operator=(connection&& o) noexcept;
    ///@}
    ~connection();

    /// Connects with a libpq connection string or URI, resolved as libpq does (PG* environment
    /// variables, service file, password file; see resolve_connect_options()), on the calling
    /// thread's loop `lp`: each host of the list in turn (each address of a name), until one
    /// accepts the connection, authenticates (trust, password, md5, scram-sha-256) and matches
    /// `target_session_attrs`. `connect_timeout` limits each attempt.
    /// Errors: throws `pgring::error`: invalid_conninfo; the last attempt's error (a socket
    /// error, a server error such as invalid_password, errc::timeout), with every attempt's
    /// message in diag().client_message; errc::not_supported for sslmode=require and stronger
    /// (TLS is not built yet).
    static task<connection> connect(loop& lp, std::string_view conninfo, connection_options options = {});
    /// connect() without exceptions.
    static task<result<connection>> try_connect(loop& lp, std::string_view conninfo,
                                                connection_options options = {});
    /// connect() with options already resolved.
    static task<result<connection>> try_connect(loop& lp, connect_options target, connection_options options = {});

    /// These operations with other call options: `co_await conn.with({.timeout = 2s}).query(...)`.
    operations with(call_options options) noexcept { return operations(impl_, options); }

    /// Sends a CancelRequest for the statement the server is running now (on a side
    /// connection); the operation waiting for it fails with SQLSTATE 57014 (query_canceled).
    void cancel();

    /// Sends Terminate and closes the connection; operations still waiting fail.
    void close() noexcept;

    /// True until the connection is closed or broken.
    bool is_open() const noexcept;
    /// 'I' idle, 'T' in a transaction block, 'E' in a failed one (as of the last ReadyForQuery).
    char transaction_status() const noexcept;
    /// The server's value of a reported run-time parameter (server_version, TimeZone, ...).
    std::optional<std::string> parameter(std::string_view name) const;
    /// The backend's process ID (pg_backend_pid()).
    std::int32_t backend_pid() const noexcept;
    /// Statements in the statement cache.
    std::size_t cached_statements() const noexcept;
    /// Statements prepared for the cache (Parse + Describe) over the connection's life.
    std::uint64_t statements_prepared() const noexcept;
    /// Bytes of input copied to reassemble messages that spanned receive buffers.
    std::uint64_t copied_bytes() const noexcept;

    /// The types that are not built in, as loaded so far from the server's catalogs (for
    /// render_text() and for user codecs). Lifetime: the connection's.
    const type_lookup& types() const noexcept;
    /// Loads the descriptions of `oids` and of every type they refer to (array elements, domain
    /// bases, range subtypes, composite fields), skipping those already known. Use it for types
    /// met inside values, such as the fields of an anonymous record.
    /// Errors: those of the catalog query.
    task<result<void>> load_types(std::vector<oid_t> oids);
    /// Forgets the loaded types (after ALTER TYPE and the like); they load again when next used.
    void forget_types() noexcept;

    /// Sends `LISTEN "channel"` (the name quoted as an identifier, so it is taken as written:
    /// case and any characters kept) and remembers the channel (listening()). Notifications then
    /// reach notifications() and connection_options::on_notification, also while the connection
    /// is idle. Inside a transaction block the server starts listening at COMMIT.
    /// Errors: throws `pgring::error`: errc::embedded_nul before anything is sent; the server's
    /// (an empty name is a syntax_error); errc::connection_closed.
    task<void> listen(std::string_view channel) {
        auto r = co_await try_listen(channel);
        r.value();
    }
    /// listen() without exceptions.
    task<result<void>> try_listen(std::string_view channel);
    /// Sends `UNLISTEN "channel"` and forgets the channel; notifications already queued stay.
    /// Errors: as listen().
    task<void> unlisten(std::string_view channel) {
        auto r = co_await try_unlisten(channel);
        r.value();
    }
    /// unlisten() without exceptions.
    task<result<void>> try_unlisten(std::string_view channel);
    /// Sends `UNLISTEN *` and forgets every channel. Errors: the server's; errc::connection_closed.
    task<void> unlisten_all() {
        auto r = co_await try_unlisten_all();
        r.value();
    }
    /// unlisten_all() without exceptions.
    task<result<void>> try_unlisten_all();
    /// The channels listen() added and unlisten() has not removed, sorted: what pgring sent,
    /// so a LISTEN in a transaction block that was rolled back is still listed.
    std::vector<std::string> listening() const;
    /// The connection's notification queue (see notification_stream). Every call returns a handle
    /// to the same queue; an unconnected object's stream only fails.
    notification_stream notifications() const noexcept;

    /// Low level: the implementation.
    detail::connection_impl* impl() const noexcept { return impl_; }

private:
    explicit connection(detail::connection_impl* impl) noexcept : operations(impl, {}) {}
    friend class detail::connection_impl;
};

}  // namespace pgring
