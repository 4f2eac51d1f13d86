#pragma once

/// @file
/// `pgring::batch`: statements of any kind, each with its parameters, sent as one pipeline.
///
///     pgring::batch b;
///     b.add("INSERT INTO orders (id, total) VALUES ($1, $2)", order_id, total)
///      .add("UPDATE stock SET n = n - $2 WHERE item = $1", item, qty)
///      .add("SELECT n FROM stock WHERE item = $1", item);
///     std::vector<pgring::rows> r = co_await conn.run_batch(b);   // atomic: one Sync
///     auto each = co_await conn.run_pipeline(b);                  // a Sync per statement
///
/// run_batch() writes every Bind and Execute and one Sync in one write: the statements run in
/// one implicit transaction (or in the caller's), so an error in any undoes them all.
/// run_pipeline() ends each statement with its own Sync: each one succeeds or fails alone.
/// Either way the whole batch costs one round trip once its statements are prepared (through
/// the statement cache, as every call).

#include <pgring/codec.hpp>
#include <pgring/connection.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace pgring {

namespace detail {

/// The parameters of one statement of a batch, owned by it.
class batch_params_base {
public:
    /// Destroys the values.
    virtual ~batch_params_base() = default;
    /// Refers to the values the object holds.
    virtual std::span<const param_ref> params() const noexcept = 0;
};

/// How a batch keeps a parameter: its value (character pointers as std::string).
template <class A>
using batch_value_t =
    std::conditional_t<std::is_same_v<std::decay_t<A>, const char*> || std::is_same_v<std::decay_t<A>, char*>,
                       std::string, std::decay_t<A>>;

/// The parameters of one statement of a batch, as values of types `Ts`.
template <class... Ts>
class batch_params final : public batch_params_base {
public:
    /// Takes the values; the parameter references point into this object.
    explicit batch_params(Ts... values) : values_(std::move(values)...) {
        refs_ = std::apply([](const auto&... v) { return std::array<param_ref, sizeof...(Ts)>{make_param(v)...}; },
                           values_);
    }
    /// Not copyable: the parameter references point into the object.
    ///@{
    batch_params(const batch_params&) = delete;
    batch_params& operator=(const batch_params&) = delete;
    ///@}
    /// The parameters.
    std::span<const param_ref> params() const noexcept override { return refs_; }

private:
    std::tuple<Ts...> values_;
    std::array<param_ref, sizeof...(Ts)> refs_{};
};

}  // namespace detail

/// Statements with their parameters, to run as one pipeline (see the file comment).
///
/// Lifetime: the batch owns copies of the SQL texts and parameters; it may be run several times.
/// Thread: a plain value.
class batch {
public:
    /// One statement of the batch.
    struct entry {
        /// The SQL text.
        std::string sql;
        /// Its parameters, owned.
        std::unique_ptr<detail::batch_params_base> params;
    };

    /// Adds `sql` with `args` (copied; character pointers become std::string). Returns *this.
    template <class... Args>
    batch& add(std::string_view sql, const Args&... args) {
        entries_.push_back(entry{std::string(sql), std::make_unique<detail::batch_params<detail::batch_value_t<Args>...>>(
                                                       detail::batch_value_t<Args>(args)...)});
        return *this;
    }
    /// Number of statements.
    std::size_t size() const noexcept { return entries_.size(); }
    /// True when there is no statement.
    bool empty() const noexcept { return entries_.empty(); }
    /// Removes every statement.
    void clear() noexcept { entries_.clear(); }
    /// The statements, in order.
    const std::vector<entry>& entries() const noexcept { return entries_; }

private:
    std::vector<entry> entries_;
};

}  // namespace pgring
