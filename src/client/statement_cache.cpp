// The statement LRU: see statement_cache.hpp.

#include "client/statement_cache.hpp"

#include <utility>

namespace pgring::detail {

block_ptr<prepared_statement> prepared_statement::make() {
    auto* p = new prepared_statement();
    p->drop = [](shared_block* b) noexcept { delete static_cast<prepared_statement*>(b); };
    return block_ptr<prepared_statement>(p);
}

prepared_statement* statement_cache::find(std::string_view sql, std::chrono::steady_clock::time_point now,
                                          retired_list& retired) {
    const auto it = index_.find(sql);
    if (it == index_.end()) {
        return nullptr;
    }
    prepared_statement* st = it->second->get();
    if (st->ready && options_.max_lifetime.count() > 0 && now - st->prepared_at >= options_.max_lifetime) {
        erase(st, retired);
        return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    return st;
}

void statement_cache::insert(block_ptr<prepared_statement> st, retired_list& retired) {
    if (const auto old = index_.find(std::string_view(st->sql)); old != index_.end()) {
        erase(old->second->get(), retired);
    }
    st->in_cache = true;
    lru_.push_front(std::move(st));
    index_.emplace(std::string_view(lru_.front()->sql), lru_.begin());
    // Evict the least recently used entries that are ready. One still being prepared has no
    // server-side statement to Close yet and has callers waiting for it: it stays, and the cache
    // is over max_size until a later insert finds it ready.
    for (auto it = lru_.end(); lru_.size() > options_.max_size && it != lru_.begin();) {
        --it;
        if ((*it)->ready) {
            prepared_statement* victim = (it++)->get();
            erase(victim, retired);
        }
    }
}

void statement_cache::erase(prepared_statement* st, retired_list& retired) {
    const auto it = index_.find(std::string_view(st->sql));
    if (it == index_.end() || it->second->get() != st) {
        return;
    }
    block_ptr<prepared_statement> keep = std::move(*it->second);
    lru_.erase(it->second);
    index_.erase(it);
    keep->in_cache = false;
    retired.push_back(std::move(keep));
}

void statement_cache::forget_ready() {
    for (auto it = lru_.begin(); it != lru_.end();) {
        if ((*it)->ready) {
            (*it)->in_cache = false;
            index_.erase(std::string_view((*it)->sql));
            it = lru_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace pgring::detail
