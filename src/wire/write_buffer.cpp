#include "wire/write_buffer.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <new>
#include <utility>

namespace pgring::wire {

write_buffer::write_buffer(std::size_t chunk_size, std::size_t max_length)
    : chunk_size_(std::max<std::size_t>(chunk_size, 1)),
      max_length_(std::clamp(max_length, min_max_length, max_message_length)) {}

write_buffer::write_buffer(write_buffer&& other) noexcept
    : chunk_size_(other.chunk_size_), max_length_(other.max_length_) {
    *this = std::move(other);
}

write_buffer& write_buffer::operator=(write_buffer&& other) noexcept {
    if (this == &other) {
        return *this;
    }
    chunk_size_ = other.chunk_size_;
    max_length_ = other.max_length_;
    // The chunks' memory does not move, so the cursor and length-field pointers stay valid.
    chunks_ = std::exchange(other.chunks_, {});
    spare_ = std::exchange(other.spare_, {});
    big_spare_ = std::exchange(other.big_spare_, chunk{});
    wbegin_ = std::exchange(other.wbegin_, nullptr);
    wp_ = std::exchange(other.wp_, nullptr);
    wend_ = std::exchange(other.wend_, nullptr);
    tail_base_ = std::exchange(other.tail_base_, 0);
    sealed_total_ = std::exchange(other.sealed_total_, 0);
    consumed_total_ = std::exchange(other.consumed_total_, 0);
    in_message_ = std::exchange(other.in_message_, false);
    msg_start_ = std::exchange(other.msg_start_, 0);
    msg_length_pos_ = std::exchange(other.msg_length_pos_, 0);
    msg_length_ = std::exchange(other.msg_length_, nullptr);
    chunks_allocated_ = std::exchange(other.chunks_allocated_, 0);
    return *this;
}

write_buffer::~write_buffer() = default;

// --- chunk management ---------------------------------------------------------------------

write_buffer::chunk write_buffer::take_chunk(std::size_t min_capacity) {
    if (min_capacity <= chunk_size_) {
        if (!spare_.empty()) {
            chunk c = std::move(spare_.back());
            spare_.pop_back();
            return c;
        }
    } else if (big_spare_.capacity >= min_capacity) {
        return std::exchange(big_spare_, chunk{});
    }
    if (min_capacity > static_cast<std::size_t>(PTRDIFF_MAX) / 2) {
        throw std::bad_alloc();  // no allocator can serve it; refuse before rounding overflows
    }
    // Oversized chunks are rounded up to whole regular chunks so that a slightly bigger
    // reservation next time can still reuse big_spare_.
    std::size_t capacity = std::max(min_capacity, chunk_size_);
    if (const std::size_t rest = capacity % chunk_size_; rest != 0) {
        capacity += chunk_size_ - rest;
    }
    // recycle() runs in noexcept paths, so spare_ must always have room for every chunk owned.
    if (spare_.capacity() < chunks_allocated_ + 1) {
        spare_.reserve(2 * (chunks_allocated_ + 1));
    }
    chunk c;
    c.data.reset(new std::byte[capacity]);
    c.capacity = capacity;
    ++chunks_allocated_;
    return c;
}

void write_buffer::recycle(chunk& c) noexcept {
    if (c.capacity == chunk_size_) {
        spare_.push_back(std::move(c));  // never reallocates: see take_chunk()
    } else if (c.capacity > big_spare_.capacity) {
        big_spare_ = std::move(c);
    }
    c = chunk{};
}

void write_buffer::point_at_last() noexcept {
    if (chunks_.empty()) {
        wbegin_ = wp_ = wend_ = nullptr;
        return;
    }
    chunk& last = chunks_.back();
    wbegin_ = wp_ = last.data.get();
    wend_ = wbegin_ + last.capacity;
    tail_base_ = last.base;
}

void write_buffer::next_chunk(std::size_t min_capacity) {
    const std::size_t pos = position();
    chunk c = take_chunk(min_capacity);
    c.base = pos;
    if (!chunks_.empty() && wp_ == wbegin_) {
        // The last chunk is empty (after consume() or rollback() emptied it) but too small.
        recycle(chunks_.back());
        chunks_.back() = std::move(c);
    } else {
        chunks_.push_back(std::move(c));
    }
    point_at_last();
}

std::span<std::byte> write_buffer::reserve_slow(std::size_t n) {
    next_chunk(n);
    std::byte* p = wp_;
    wp_ += n;
    return {p, n};
}

void write_buffer::append_slow(const std::byte* p, std::size_t n) {
    for (;;) {
        const std::size_t k = std::min(room(), n);
        if (k != 0) {
            std::memcpy(wp_, p, k);
            wp_ += k;
            p += k;
            n -= k;
        }
        if (n == 0) {
            return;
        }
        next_chunk(1);
    }
}

// --- messages and marks ---------------------------------------------------------------------

void write_buffer::begin_message(char tag) {
    assert(!in_message_ && "begin_message() inside an open message");
    const std::size_t header = tag != '\0' ? 5 : 4;
    std::byte* p = reserve(header).data();
    if (tag != '\0') {
        *p++ = static_cast<std::byte>(tag);
    }
    in_message_ = true;
    msg_length_ = p;
    msg_length_pos_ = position() - 4;
    msg_start_ = position() - header;
}

std::error_code write_buffer::end_message() {
    if (!in_message_) {
        return errc::invalid_state;
    }
    const std::size_t pos = position();
    const std::size_t length = pos - msg_length_pos_;
    if (length > max_length_) {
        return errc::message_too_large;
    }
    store_be(msg_length_, static_cast<std::int32_t>(length));
    in_message_ = false;
    sealed_total_ = pos;
    return {};
}

write_buffer::mark write_buffer::get_mark() const noexcept {
    return {position(), sealed_total_, msg_start_, msg_length_pos_, msg_length_, in_message_};
}

void write_buffer::rollback(const mark& m) noexcept {
    assert(m.position <= position() && "mark is from the future (rolled back past it, or cleared)");
    assert(m.sealed >= consumed_total_ && "bytes written after the mark were already consumed");
    // Drop the chunks that start at or after the mark. The first chunk stays (emptied if need
    // be): it is the one holding consumed_total_, and keeping it saves a recycle round trip.
    std::size_t keep = chunks_.size();
    while (keep > 1 && chunks_[keep - 1].base >= m.position) {
        --keep;
    }
    if (keep != chunks_.size()) {
        for (std::size_t i = keep; i < chunks_.size(); ++i) {
            recycle(chunks_[i]);
        }
        chunks_.resize(keep);
        point_at_last();
    }
    if (!chunks_.empty()) {
        wp_ = wbegin_ + (m.position - tail_base_);
    } else {
        tail_base_ = m.position;
    }
    sealed_total_ = m.sealed;
    in_message_ = m.in_message;
    msg_start_ = m.message_start;
    msg_length_pos_ = m.length_position;
    msg_length_ = m.length_field;
}

std::error_code write_buffer::append_cstring(std::string_view s) {
    if (!s.empty() && std::memchr(s.data(), 0, s.size()) != nullptr) {  // data() may be null when empty
        return errc::embedded_nul;
    }
    append(s);
    append_u8(0);
    return {};
}

// --- the driver's side ----------------------------------------------------------------------

std::size_t write_buffer::pending(std::span<const std::byte>* out, std::size_t max) const noexcept {
    std::size_t n = 0;
    const std::size_t count = chunks_.size();
    for (std::size_t i = 0; i < count && n < max; ++i) {
        const chunk& c = chunks_[i];
        if (c.base >= sealed_total_) {
            break;
        }
        const std::size_t begin = i == 0 ? consumed_total_ : c.base;
        const std::size_t end = std::min(i + 1 < count ? chunks_[i + 1].base : position(), sealed_total_);
        if (end > begin) {
            out[n++] = {c.data.get() + (begin - c.base), end - begin};
        }
    }
    return n;
}

void write_buffer::consume(std::size_t n) noexcept {
    assert(n <= pending_bytes());
    consumed_total_ += std::min(n, pending_bytes());
    // Recycle every chunk whose bytes are all sent; the last one, if fully sent, is kept and
    // rewound instead so the next message reuses it while it is warm.
    std::size_t done = 0;
    const std::size_t count = chunks_.size();
    while (done + 1 < count && chunks_[done + 1].base <= consumed_total_) {
        ++done;
    }
    if (done != 0) {
        for (std::size_t i = 0; i < done; ++i) {
            recycle(chunks_[i]);
        }
        chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(done));
    }
    if (count != 0 && position() == consumed_total_ && wp_ != wbegin_) {
        chunks_.front().base = consumed_total_;
        point_at_last();
    }
}

void write_buffer::clear() noexcept {
    for (chunk& c : chunks_) {
        recycle(c);
    }
    chunks_.clear();
    wbegin_ = wp_ = wend_ = nullptr;
    tail_base_ = 0;
    sealed_total_ = 0;
    consumed_total_ = 0;
    in_message_ = false;
    msg_start_ = 0;
    msg_length_pos_ = 0;
    msg_length_ = nullptr;
}

}  // namespace pgring::wire
