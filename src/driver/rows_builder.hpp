#pragma once

// rows::builder: how the driver fills a pgring::rows as DataRows arrive. A row is kept where it
// arrived when the channel lets it borrow the receive buffer (one reference per buffer, not per
// row); otherwise it is copied into the result's arena, in blocks of at least 16 KiB.
//
// Thread: the loop thread.

#include <pgring/row.hpp>

#include <pgring/detail/shared_block.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace pgring {

struct rows::builder {
    static constexpr std::size_t arena_block = 16 * 1024;

    static void set_columns(rows& r, detail::block_ptr<detail::column_set> columns) {
        r.columns_ = std::move(columns);
    }
    /// Gives `to` the columns of `from` (shared).
    static void share_columns(const rows& from, rows& to) { to.columns_ = from.columns_; }
    /// Keeps a row that lies in `buffer`, taking a reference to it when it is not the buffer of
    /// the previous row (one reference per buffer, none per row).
    static void add_borrowed(rows& r, detail::shared_block* buffer, const std::byte* data, std::size_t size) {
        if (r.buffers_.empty() || r.buffers_.back() != buffer) {
            detail::retain(buffer);
            r.buffers_.push_back(buffer);
        }
        r.rows_.push_back(entry{data, size});
    }
    /// Copies a row into the result's own memory.
    static void add_copied(rows& r, const std::byte* data, std::size_t size) {
        if (r.arena_room_ < size) {
            const std::size_t block = std::max(arena_block, size);
            r.arena_.push_back(std::make_unique<std::byte[]>(block));
            r.arena_room_ = block;
            r.arena_used_ = 0;
        }
        std::byte* dst = r.arena_.back().get() + r.arena_used_;
        if (size > 0) {
            std::memcpy(dst, data, size);
        }
        r.arena_used_ += size;
        r.arena_room_ -= size;
        r.copied_ += size;
        r.rows_.push_back(entry{dst, size});
    }
    static void set_tag(rows& r, std::string_view tag, std::uint64_t affected) {
        r.tag_.assign(tag.data(), tag.size());
        r.rows_affected_ = affected;
    }
    /// Forgets the rows gathered so far (a statement retried after an error).
    static void clear(rows& r) noexcept { r.reset(); }
};

}  // namespace pgring
