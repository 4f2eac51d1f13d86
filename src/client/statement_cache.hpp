#pragma once

// client::statement_cache: the per-connection LRU of prepared statements (asyncpg's design).
//
//   index_: sql text -> position in lru_          lru_: most recently used first
//
// Each entry is a prepared_statement: its server-side name, parameter types and columns (the
// codec pipeline: resolved once from ParameterDescription/RowDescription). Entries that leave
// the cache (evicted past max_size, expired past max_lifetime, dropped after "cached plan must
// not change result type") are handed back as `retired` so the connection can Close them on
// the server; a statement still in use by a running call stays alive through its reference.
//
// Thread: the connection's loop thread.

#include <pgring/connection.hpp>

#include <pgring/detail/shared_block.hpp>

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgring::detail {

/// A statement prepared on the server.
struct prepared_statement : shared_block {
    std::string name;
    std::string sql;
    std::vector<oid_t> parameter_types;
    /// For each parameter of a type that is not built in, its name once loaded; else empty.
    std::vector<std::string> parameter_type_names;
    block_ptr<column_set> columns;
    /// The result format of each column (Bind's result format codes); empty: all binary.
    std::vector<std::int16_t> result_formats;
    std::chrono::steady_clock::time_point prepared_at;
    /// False while its Parse/Describe is in flight; calls for the same SQL wait in `waiters`.
    bool ready = false;
    bool in_cache = false;
    /// Prepared outside the cache for one call (connection_impl::described_statement); the call
    /// closes it once its Binds are written.
    bool temporary = false;
    std::vector<std::coroutine_handle<>> waiters;

    static block_ptr<prepared_statement> make();
};

class statement_cache {
public:
    using retired_list = std::vector<block_ptr<prepared_statement>>;

    explicit statement_cache(const statement_cache_options& options) : options_(options) {}

    /// True when `sql` goes through the cache (the cache is on and the text is short enough).
    bool caches(std::string_view sql) const noexcept {
        return options_.max_size > 0 && sql.size() <= options_.max_statement_length;
    }
    /// The statement for `sql`, made most recently used; null when absent. An expired entry is
    /// removed (into `retired`) and null returned.
    prepared_statement* find(std::string_view sql, std::chrono::steady_clock::time_point now,
                             retired_list& retired);
    /// Adds `st` (keyed by its sql); the least recently used ready entries beyond max_size go
    /// to `retired` (entries still being prepared are never evicted).
    void insert(block_ptr<prepared_statement> st, retired_list& retired);
    /// Removes `st` if it is the cached entry for its sql.
    void erase(prepared_statement* st, retired_list& retired);
    /// Removes every prepared entry without retiring it: the server has dropped them
    /// (DISCARD ALL, DEALLOCATE ALL), so there is nothing to Close.
    void forget_ready();

    std::size_t size() const noexcept { return lru_.size(); }
    const statement_cache_options& options() const noexcept { return options_; }

private:
    using list = std::list<block_ptr<prepared_statement>>;
    statement_cache_options options_;
    list lru_;
    std::unordered_map<std::string_view, list::iterator> index_;  // keys view the entries' sql
};

}  // namespace pgring::detail
