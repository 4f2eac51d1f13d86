// pgring::transaction: BEGIN/SAVEPOINT, COMMIT/RELEASE, ROLLBACK [TO SAVEPOINT], and the rollback
// a transaction destroyed while open sends without waiting (driver::channel::write_detached).

#include <pgring/transaction.hpp>

#include <pgring/sqlstate.hpp>

#include "client/connection_impl.hpp"

#include <utility>

namespace pgring {

std::string begin_statement(const transaction_options& options) {
    std::string sql = "BEGIN";
    switch (options.isolation) {
        case isolation_level::server_default:
            break;
        case isolation_level::read_committed:
            sql += " ISOLATION LEVEL READ COMMITTED";
            break;
        case isolation_level::repeatable_read:
            sql += " ISOLATION LEVEL REPEATABLE READ";
            break;
        case isolation_level::serializable:
            sql += " ISOLATION LEVEL SERIALIZABLE";
            break;
    }
    if (options.read_only) {
        sql += " READ ONLY";
    }
    if (options.deferrable) {
        sql += " DEFERRABLE";
    }
    return sql;
}

transaction::transaction(transaction&& o) noexcept
    : impl_(std::exchange(o.impl_, nullptr)),
      savepoint_(std::move(o.savepoint_)),
      next_savepoint_(o.next_savepoint_) {}

transaction& transaction::operator=(transaction&& o) noexcept {
    if (this != &o) {
        abandon();
        impl_ = std::exchange(o.impl_, nullptr);
        savepoint_ = std::move(o.savepoint_);
        next_savepoint_ = o.next_savepoint_;
    }
    return *this;
}

transaction::~transaction() {
    abandon();
}

void transaction::abandon() noexcept {
    detail::connection_impl* impl = std::exchange(impl_, nullptr);
    if (impl == nullptr || !impl->has_channel() || impl->channel().broken()) {
        return;  // a closed connection has no transaction left to end
    }
    try {
        std::string sql = savepoint_.empty()
                              ? std::string("ROLLBACK")
                              : "ROLLBACK TO SAVEPOINT " + savepoint_ + "; RELEASE SAVEPOINT " + savepoint_;
        impl->channel().write_detached(
            [sql = std::move(sql)](wire::session& s, wire::write_buffer& out) { return !s.send_query(out, sql); },
            1);
    } catch (...) {
        // Out of memory: the transaction then ends with the connection.
    }
}

task<result<transaction>> transaction::try_begin(connection& conn, transaction_options options) {
    if (conn.transaction_status() != 'I') {
        // The server would only warn ("there is already a transaction in progress") and two
        // objects would end one transaction.
        co_return failure{make_error_code(errc::invalid_state),
                          diagnostics{.client_message = "a transaction is already open on this connection; "
                                                        "nest with savepoint()"}};
    }
    result<command_result> r = co_await conn.try_execute(begin_statement(options));
    if (!r) {
        co_return failure{r.error(), r.diag()};
    }
    co_return transaction(conn.impl(), std::string());
}

task<transaction> transaction::begin(connection& conn, transaction_options options) {
    result<transaction> r = co_await try_begin(conn, options);
    co_return std::move(r).value();
}

task<result<transaction>> transaction::try_savepoint() {
    if (impl_ == nullptr) {
        co_return failure{make_error_code(errc::invalid_state),
                          diagnostics{.client_message = "the transaction is not open"}};
    }
    std::string name = (savepoint_.empty() ? std::string("pgring_sp") : savepoint_) + "_" +
                       std::to_string(++next_savepoint_);
    operations ops(impl_, {});
    result<command_result> r = co_await ops.try_execute("SAVEPOINT " + name);
    if (!r) {
        co_return failure{r.error(), r.diag()};
    }
    co_return transaction(impl_, std::move(name));
}

task<transaction> transaction::savepoint() {
    result<transaction> r = co_await try_savepoint();
    co_return std::move(r).value();
}

task<result<void>> transaction::finish(bool commit) {
    detail::connection_impl* impl = std::exchange(impl_, nullptr);
    if (impl == nullptr) {
        co_return failure{make_error_code(errc::invalid_state),
                          diagnostics{.client_message = "the transaction is not open"}};
    }
    operations ops(impl, {});
    if (!savepoint_.empty()) {
        if (!commit) {
            result<command_result> back = co_await ops.try_execute("ROLLBACK TO SAVEPOINT " + savepoint_);
            if (!back) {
                co_return failure{back.error(), back.diag()};
            }
        }
        result<command_result> r = co_await ops.try_execute("RELEASE SAVEPOINT " + savepoint_);
        if (!r) {
            co_return failure{r.error(), r.diag()};
        }
        co_return result<void>{};
    }
    result<command_result> r = co_await ops.try_execute(commit ? "COMMIT" : "ROLLBACK");
    if (!r) {
        co_return failure{r.error(), r.diag()};
    }
    if (commit && r->command_tag == "ROLLBACK") {
        // COMMIT of a failed transaction: the server rolled it back.
        co_return failure{make_error_code(sqlstate::transaction_rollback),
                          diagnostics{.client_message = "the transaction had failed: COMMIT rolled it back"}};
    }
    co_return result<void>{};
}

task<result<void>> transaction::try_commit() {
    return finish(true);
}

task<result<void>> transaction::try_rollback() {
    return finish(false);
}

task<void> transaction::commit() {
    result<void> r = co_await try_commit();
    r.value();
}

task<void> transaction::rollback() {
    result<void> r = co_await try_rollback();
    r.value();
}

}  // namespace pgring
