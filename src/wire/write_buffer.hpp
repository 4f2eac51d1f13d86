#pragma once

// wire::write_buffer: the outgoing byte stream of one connection, as a chain of chunks.
//
//   chunks_: [ sent | sealed ....... |tail][ sealed .... | open message | free ]
//            ^base  ^consumed_total_       ^base         ^sealed_total_ ^wp_   ^wend_
//
// Every place in the stream has a position: bytes ever written, minus rollbacks. Chunk i holds
// positions [base_i, base_i+1); a "tail" is the unused end of a chunk that a reserve() could not
// fit in. Encoders append. begin_message(tag) writes the tag and reserves 4 bytes for the
// length, contiguously; end_message() back-patches the length and "seals" everything written so
// far, which makes it visible to the driver through pending(). A mark taken before encoding can
// be rolled back to, leaving the buffer as it was, so a failed encode never leaves half a
// message. Any contiguous span handed out by reserve() lies inside one chunk; a chunk is at
// least chunk_size bytes and larger when one reservation needs more. Fully sent chunks are
// recycled: regular ones into spare_, the largest oversized one into big_spare_, so a warm
// buffer does not allocate.

#include <pgring/error.hpp>

#include "wire/byte_order.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

namespace pgring::wire {

class write_buffer {
public:
    /// Default chunk size: large enough for a typical pipelined batch, small enough to recycle.
    static constexpr std::size_t default_chunk_size = 16 * 1024;
    /// The protocol's limit on one message: the length field is a signed 32-bit integer.
    static constexpr std::size_t max_message_length = 0x7FFFFFFF;

    /// Smallest accepted `max_length`: every fixed-size message (CancelRequest is the largest,
    /// 16 bytes) must fit, so the encoders that cannot fail really cannot.
    static constexpr std::size_t min_max_length = 16;

    /// Makes an empty buffer that allocates nothing until the first write.
    /// `chunk_size` (at least 1) is the capacity of a regular chunk. `max_length` caps the length
    /// field of one message (clamped to [min_max_length, max_message_length]); lower it to refuse
    /// big messages early, or in tests to reach the limit without gigabytes of data.
    explicit write_buffer(std::size_t chunk_size = default_chunk_size,
                          std::size_t max_length = max_message_length);
    write_buffer(const write_buffer&) = delete;
    write_buffer& operator=(const write_buffer&) = delete;
    write_buffer(write_buffer&&) noexcept;
    write_buffer& operator=(write_buffer&&) noexcept;
    ~write_buffer();

    /// A position in the buffer to roll back to.
    ///
    /// Lifetime: valid until clear(), until consume() passes `sealed`, or until a rollback to an
    /// earlier mark. Positions are counted from the start of the stream, so consuming bytes
    /// sealed before the mark does not invalidate it.
    struct mark {
        std::size_t position;         // stream position of the end of the buffer
        std::size_t sealed;           // stream position of the seal point
        std::size_t message_start;    // stream position of the open message's tag (or length)
        std::size_t length_position;  // stream position of the open message's length field
        std::byte* length_field;      // where the open message's length is back-patched
        bool in_message;
    };

    /// Starts a message: writes `tag` (unless it is '\0', as for StartupMessage, SSLRequest
    /// and CancelRequest, which have no tag) and reserves the 4-byte length.
    void begin_message(char tag);
    /// Back-patches the length of the open message and seals it.
    /// Errors: `errc::message_too_large` when the length field (which counts itself but not the
    /// tag) would exceed max_length(); the message stays open and the caller rolls back.
    /// `errc::invalid_state` when no message is open.
    [[nodiscard]] std::error_code end_message();
    /// True between begin_message() and end_message().
    bool in_message() const noexcept { return in_message_; }
    /// The largest length field end_message() accepts (see the constructor).
    std::size_t max_length() const noexcept { return max_length_; }

    mark get_mark() const noexcept;
    /// Restores the buffer to `m`; everything written since is dropped, a message open at `m` is
    /// open again and one opened since is forgotten. `m` must still be valid (see `mark`).
    void rollback(const mark& m) noexcept;

    /// Returns `n` contiguous writable bytes at the end of the buffer (inside one chunk).
    std::span<std::byte> reserve(std::size_t n);
    /// Returns a position to back-patch later: the 4 bytes reserved at `p` stay valid until the
    /// buffer is consumed past them. Used for Bind parameter lengths.
    std::byte* reserve_patch(std::size_t n) { return reserve(n).data(); }

    void append(std::span<const std::byte> bytes);
    void append(std::string_view s) { append(std::as_bytes(std::span<const char>(s.data(), s.size()))); }
    void append_u8(std::uint8_t v);
    void append_i16(std::int16_t v);
    void append_i32(std::int32_t v);
    void append_i64(std::int64_t v);
    void append_u32(std::uint32_t v) { append_i32(static_cast<std::int32_t>(v)); }
    /// Appends `s` and a terminating NUL. Errors: `errc::embedded_nul` if `s` contains a NUL
    /// (nothing is written then).
    [[nodiscard]] std::error_code append_cstring(std::string_view s);

    /// Bytes written in the open message so far (including tag and length).
    std::size_t message_size() const noexcept;

    /// Total bytes sealed and not yet consumed (what the driver may send now).
    std::size_t pending_bytes() const noexcept { return sealed_total_ - consumed_total_; }
    bool empty() const noexcept { return pending_bytes() == 0; }
    /// Fills `out` with up to `max` spans covering the sealed, unconsumed bytes in order, one
    /// per chunk; returns how many it wrote. The spans stay valid until consume() or any write.
    std::size_t pending(std::span<const std::byte>* out, std::size_t max) const noexcept;
    /// Marks the first `n` pending bytes as sent (n <= pending_bytes()); chunks fully sent are
    /// recycled.
    void consume(std::size_t n) noexcept;
    /// Drops everything, sealed or not, and recycles all chunks.
    void clear() noexcept;

    /// Number of chunks allocated over the buffer's life (for benchmarks).
    std::size_t chunks_allocated() const noexcept { return chunks_allocated_; }

private:
    // Chunk i holds the stream positions [base, chunks_[i + 1].base); the last chunk holds
    // [base, position()). A chunk left because reserve() did not fit keeps an unused tail.
    struct chunk {
        std::unique_ptr<std::byte[]> data;
        std::size_t capacity = 0;
        std::size_t base = 0;
    };

    std::size_t position() const noexcept { return tail_base_ + static_cast<std::size_t>(wp_ - wbegin_); }
    std::size_t room() const noexcept { return static_cast<std::size_t>(wend_ - wp_); }
    std::span<std::byte> reserve_slow(std::size_t n);
    void append_slow(const std::byte* p, std::size_t n);
    void next_chunk(std::size_t min_capacity);
    chunk take_chunk(std::size_t min_capacity);
    void recycle(chunk& c) noexcept;
    void point_at_last() noexcept;

    std::size_t chunk_size_;
    std::size_t max_length_;
    std::vector<chunk> chunks_;  // active chunks, in stream order; only a lone chunk may be empty
    std::vector<chunk> spare_;   // recycled regular chunks; capacity kept >= every chunk owned
    chunk big_spare_;            // the largest recycled oversized chunk (capacity > chunk_size_)
    // The write cursor, inside the last chunk: [wbegin_, wp_) is written, [wp_, wend_) is free.
    // All three are null when there is no chunk.
    std::byte* wbegin_ = nullptr;
    std::byte* wp_ = nullptr;
    std::byte* wend_ = nullptr;
    std::size_t tail_base_ = 0;       // stream position of wbegin_
    std::size_t sealed_total_ = 0;    // stream position of the seal point
    std::size_t consumed_total_ = 0;  // stream position of the first unsent byte
    bool in_message_ = false;
    std::size_t msg_start_ = 0;        // stream position of the open message's first byte
    std::size_t msg_length_pos_ = 0;   // stream position of its length field
    std::byte* msg_length_ = nullptr;  // its length field (the 5-byte header is contiguous)
    std::size_t chunks_allocated_ = 0;
};

// The fast paths: one bounds check against the current chunk, then a store.

inline std::size_t write_buffer::message_size() const noexcept {
    return in_message_ ? position() - msg_start_ : 0;
}

inline std::span<std::byte> write_buffer::reserve(std::size_t n) {
    if (room() >= n) {
        std::byte* p = wp_;
        wp_ += n;
        return {p, n};
    }
    return reserve_slow(n);
}

inline void write_buffer::append(std::span<const std::byte> bytes) {
    if (room() >= bytes.size()) {
        if (!bytes.empty()) {
            std::memcpy(wp_, bytes.data(), bytes.size());
            wp_ += bytes.size();
        }
        return;
    }
    append_slow(bytes.data(), bytes.size());
}

inline void write_buffer::append_u8(std::uint8_t v) {
    if (wp_ != wend_) {
        *wp_++ = static_cast<std::byte>(v);
        return;
    }
    const auto b = static_cast<std::byte>(v);
    append_slow(&b, 1);
}

inline void write_buffer::append_i16(std::int16_t v) {
    if (room() >= 2) {
        store_be(wp_, v);
        wp_ += 2;
        return;
    }
    std::byte b[2];
    store_be(b, v);
    append_slow(b, 2);
}

inline void write_buffer::append_i32(std::int32_t v) {
    if (room() >= 4) {
        store_be(wp_, v);
        wp_ += 4;
        return;
    }
    std::byte b[4];
    store_be(b, v);
    append_slow(b, 4);
}

inline void write_buffer::append_i64(std::int64_t v) {
    if (room() >= 8) {
        store_be(wp_, v);
        wp_ += 8;
        return;
    }
    std::byte b[8];
    store_be(b, v);
    append_slow(b, 8);
}

}  // namespace pgring::wire
