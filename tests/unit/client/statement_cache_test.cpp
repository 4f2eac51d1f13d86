// client::statement_cache: LRU order, eviction, lifetime and removal, without a server.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "client/statement_cache.hpp"

namespace pgring::detail {
namespace {

using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

block_ptr<prepared_statement> make(const std::string& sql, time_point at = {}) {
    auto st = prepared_statement::make();
    st->name = "s_" + sql;
    st->sql = sql;
    st->ready = true;
    st->prepared_at = at;
    return st;
}

statement_cache_options sized(std::size_t n) {
    statement_cache_options o;
    o.max_size = n;
    o.max_lifetime = 0s;
    return o;
}

TEST(StatementCache, FindsWhatWasInserted) {
    statement_cache c(sized(4));
    statement_cache::retired_list retired;
    c.insert(make("a"), retired);
    c.insert(make("b"), retired);
    ASSERT_NE(c.find("a", {}, retired), nullptr);
    EXPECT_EQ(c.find("a", {}, retired)->name, "s_a");
    EXPECT_EQ(c.find("zzz", {}, retired), nullptr);
    EXPECT_TRUE(retired.empty());
    EXPECT_EQ(c.size(), 2u);
}

TEST(StatementCache, EvictsTheLeastRecentlyUsed) {
    statement_cache c(sized(2));
    statement_cache::retired_list retired;
    c.insert(make("a"), retired);
    c.insert(make("b"), retired);
    ASSERT_NE(c.find("a", {}, retired), nullptr);  // a is now the most recent
    c.insert(make("c"), retired);
    ASSERT_EQ(retired.size(), 1u);
    EXPECT_EQ(retired[0]->sql, "b");
    EXPECT_FALSE(retired[0]->in_cache);
    EXPECT_NE(c.find("a", {}, retired), nullptr);
    EXPECT_NE(c.find("c", {}, retired), nullptr);
    EXPECT_EQ(c.find("b", {}, retired), nullptr);
    EXPECT_EQ(c.size(), 2u);
}

TEST(StatementCache, ExpiredEntriesAreRetiredOnLookup) {
    statement_cache_options o = sized(4);
    o.max_lifetime = 300s;
    statement_cache c(o);
    statement_cache::retired_list retired;
    const time_point t0 = std::chrono::steady_clock::now();
    c.insert(make("a", t0), retired);
    EXPECT_NE(c.find("a", t0 + 299s, retired), nullptr);
    EXPECT_EQ(c.find("a", t0 + 300s, retired), nullptr);
    ASSERT_EQ(retired.size(), 1u);
    EXPECT_EQ(retired[0]->sql, "a");
    EXPECT_EQ(c.size(), 0u);
}

TEST(StatementCache, PendingEntriesDoNotExpire) {
    statement_cache_options o = sized(4);
    o.max_lifetime = 1s;
    statement_cache c(o);
    statement_cache::retired_list retired;
    auto st = make("a");
    st->ready = false;
    c.insert(st, retired);
    EXPECT_NE(c.find("a", std::chrono::steady_clock::now() + 1h, retired), nullptr);
}

TEST(StatementCache, ReplacingTheSameSqlRetiresTheOld) {
    statement_cache c(sized(4));
    statement_cache::retired_list retired;
    auto first = make("a");
    c.insert(first, retired);
    auto second = make("a");
    second->name = "other";
    c.insert(second, retired);
    ASSERT_EQ(retired.size(), 1u);
    EXPECT_EQ(retired[0].get(), first.get());
    EXPECT_EQ(c.find("a", {}, retired)->name, "other");
    EXPECT_EQ(c.size(), 1u);
}

TEST(StatementCache, EraseRemovesOnlyTheCachedEntry) {
    statement_cache c(sized(4));
    statement_cache::retired_list retired;
    auto st = make("a");
    c.insert(st, retired);
    auto stranger = make("a");
    c.erase(stranger.get(), retired);  // not the cached one: nothing happens
    EXPECT_TRUE(retired.empty());
    c.erase(st.get(), retired);
    EXPECT_EQ(retired.size(), 1u);
    EXPECT_EQ(c.size(), 0u);
    c.erase(st.get(), retired);  // twice is harmless
    EXPECT_EQ(retired.size(), 1u);
}

TEST(StatementCache, SizeZeroOrLongSqlIsNotCached) {
    statement_cache off(sized(0));
    EXPECT_FALSE(off.caches("SELECT 1"));
    statement_cache_options o = sized(10);
    o.max_statement_length = 8;
    statement_cache c(o);
    EXPECT_TRUE(c.caches("SELECT 1"));
    EXPECT_FALSE(c.caches("SELECT 10"));
}

TEST(StatementCache, RetiredStatementsStayAliveWhileReferenced) {
    statement_cache c(sized(1));
    statement_cache::retired_list retired;
    auto a = make("a");
    c.insert(a, retired);
    c.insert(make("b"), retired);
    ASSERT_EQ(retired.size(), 1u);
    retired.clear();
    EXPECT_EQ(a->sql, "a");  // `a` still holds its reference
    EXPECT_EQ(a->refs, 1u);
}

}  // namespace
}  // namespace pgring::detail
