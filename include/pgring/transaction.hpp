#pragma once

/// @file
/// Transactions: `transaction::begin(conn)` starts one (with an isolation level, read only,
/// deferrable), `savepoint()` nests one inside it, `commit()` and `rollback()` end it, and a
/// transaction that is destroyed still open (a coroutine left by an exception) is rolled back.
///
///     pgring::transaction tx = co_await pgring::transaction::begin(conn, {.isolation = serializable});
///     co_await conn.execute("UPDATE accounts SET balance = balance - $1 WHERE id = $2", 10, from);
///     co_await conn.execute("UPDATE accounts SET balance = balance + $1 WHERE id = $2", 10, to);
///     co_await tx.commit();   // an exception before this line rolls back
///
/// Statements of the transaction run on the connection as usual (`conn.execute(...)`): a
/// transaction is a scope on its connection, not a separate handle.

#include <pgring/connection.hpp>
#include <pgring/result.hpp>
#include <pgring/task.hpp>

#include <cstdint>
#include <string>

namespace pgring {

/// SQL transaction isolation levels.
enum class isolation_level : std::uint8_t {
    server_default,   ///< the session's default_transaction_isolation
    read_committed,   ///< READ COMMITTED
    repeatable_read,  ///< REPEATABLE READ
    serializable,     ///< SERIALIZABLE
};

/// How transaction::begin() starts a transaction.
struct transaction_options {
    isolation_level isolation = isolation_level::server_default;  ///< ISOLATION LEVEL, when not the default
    bool read_only = false;   ///< READ ONLY (else the session's default access mode)
    bool deferrable = false;  ///< DEFERRABLE (with serializable and read only: no serialization failures)
};

/// The BEGIN statement for `options` ("BEGIN", "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY").
std::string begin_statement(const transaction_options& options);

/// An open transaction or savepoint on one connection.
///
/// Lifetime: move-only; must not outlive its connection. Destroying one that is still open sends
/// its ROLLBACK (or ROLLBACK TO SAVEPOINT) without waiting: it goes out before any later
/// statement of the connection, whose answers stay in order.
/// Thread: the connection's loop thread.
class transaction {
public:
    /// A closed transaction.
    transaction() noexcept = default;
    /// Move-only; the moved-from object is closed.
    ///@{
    transaction(transaction&& o) noexcept;
    transaction& operator=(transaction&& o) noexcept;
    ///@}
    /// Rolls back if still open (see the class comment).
    ~transaction();

    /// Starts a transaction on `conn`. Errors: throws `pgring::error`: the server's;
    /// errc::invalid_state when a transaction is already open on `conn` (nest with savepoint()).
    static task<transaction> begin(connection& conn, transaction_options options = {});
    /// begin() without exceptions.
    static task<result<transaction>> try_begin(connection& conn, transaction_options options = {});

    /// Opens a savepoint inside this transaction (or savepoint): a nested transaction whose
    /// rollback undoes only what ran since. Errors: throws `pgring::error`: the server's;
    /// errc::invalid_state when this one is not open.
    task<transaction> savepoint();
    /// savepoint() without exceptions.
    task<result<transaction>> try_savepoint();

    /// COMMIT (or RELEASE SAVEPOINT). A transaction that had failed is rolled back by the server
    /// instead: that is reported as sqlstate::transaction_rollback. Either way it is closed.
    /// Errors: throws `pgring::error`.
    task<void> commit();
    /// commit() without exceptions.
    task<result<void>> try_commit();
    /// ROLLBACK (or ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT). Closed afterwards.
    /// Errors: throws `pgring::error`.
    task<void> rollback();
    /// rollback() without exceptions.
    task<result<void>> try_rollback();

    /// True until committed, rolled back or moved from.
    bool is_open() const noexcept { return impl_ != nullptr; }
    /// The savepoint's name, or empty for a top-level transaction.
    const std::string& savepoint_name() const noexcept { return savepoint_; }

private:
    transaction(detail::connection_impl* impl, std::string savepoint) noexcept
        : impl_(impl), savepoint_(std::move(savepoint)) {}
    task<result<void>> finish(bool commit);
    void abandon() noexcept;

    detail::connection_impl* impl_ = nullptr;  // null: closed
    std::string savepoint_;
    std::uint32_t next_savepoint_ = 0;
};

}  // namespace pgring
