#pragma once

/// @file
/// `pgring::blocking::connection`: the coroutine API for scripts, tests and tools that do not
/// run an event loop. Each call runs a private loop on the calling thread until it is done.
///
///     pgring::blocking::connection conn("postgresql://localhost/app");
///     for (auto row : conn.query("SELECT id, name FROM users WHERE id < $1", 10)) { ... }

#include <pgring/connection.hpp>
#include <pgring/loop.hpp>
#include <pgring/result.hpp>
#include <pgring/row.hpp>

#include <memory>
#include <string_view>
#include <utility>

namespace pgring::blocking {

/// A connection with its own loop; every call blocks until the server has answered.
///
/// Lifetime: `rows` returned by query() belong to this object's loop: destroy them before it.
/// Thread: the thread that made it, for everything.
class connection {
public:
    /// Connects (see pgring::connection::connect). Errors: throws `pgring::error`.
    explicit connection(std::string_view conninfo, connection_options options = {}, loop_options loop = {})
        : loop_(std::make_unique<pgring::loop>(loop)),
          conn_(loop_->run(pgring::connection::connect(*loop_, conninfo, std::move(options)))) {}

    /// Move-only.
    ///@{
    connection(connection&&) noexcept = default;
    connection& operator=(connection&&) noexcept = default;
    ///@}
    ~connection() = default;

    /// See pgring::operations::execute.
    template <class... Args>
    command_result execute(std::string_view sql, const Args&... args) {
        return loop_->run(conn_.execute(sql, args...));
    }
    /// See pgring::operations::try_execute.
    template <class... Args>
    result<command_result> try_execute(std::string_view sql, const Args&... args) {
        return loop_->run(conn_.try_execute(sql, args...));
    }
    /// See pgring::operations::query.
    template <class... Args>
    rows query(std::string_view sql, const Args&... args) {
        return loop_->run(conn_.query(sql, args...));
    }
    /// See pgring::operations::try_query.
    template <class... Args>
    result<rows> try_query(std::string_view sql, const Args&... args) {
        return loop_->run(conn_.try_query(sql, args...));
    }
    /// See pgring::operations::query_one.
    template <class... Args>
    row query_one(std::string_view sql, const Args&... args) {
        return loop_->run(conn_.query_one(sql, args...));
    }
    /// See pgring::operations::query_value.
    template <has_codec T, class... Args>
    T query_value(std::string_view sql, const Args&... args) {
        return loop_->run(conn_.template query_value<T>(sql, args...));
    }
    /// See pgring::operations::try_query_value.
    template <has_codec T, class... Args>
    result<T> try_query_value(std::string_view sql, const Args&... args) {
        return loop_->run(conn_.template try_query_value<T>(sql, args...));
    }
    /// See pgring::operations::prepare; run the statement with query(stmt, ...).
    statement prepare(std::string_view sql) { return loop_->run(conn_.prepare(sql)); }
    /// Runs a prepared statement; see pgring::operations::query.
    template <class... Args>
    rows query(const statement& stmt, const Args&... args) {
        return loop_->run(conn_.query(stmt, args...));
    }
    /// Runs a prepared statement; see pgring::operations::execute.
    template <class... Args>
    command_result execute(const statement& stmt, const Args&... args) {
        return loop_->run(conn_.execute(stmt, args...));
    }

    /// The coroutine connection underneath (use it with loop().run(...)).
    pgring::connection& async() noexcept { return conn_; }
    /// The private loop.
    pgring::loop& loop() noexcept { return *loop_; }

private:
    std::unique_ptr<pgring::loop> loop_;  // declared first: destroyed after the connection
    pgring::connection conn_;
};

}  // namespace pgring::blocking
