#pragma once

// wire::write_buffer: the outgoing byte stream of one connection, as a chain of chunks.
//
//   chunks_:  [ sent | flushable .......... ][ flushable ...... | open msg ][ free ]
//             ^ head_offset_                                    ^ sealed_   ^ used
//
// Encoders append. begin_message(tag) writes the tag and reserves 4 bytes for the length;
// end_message() back-patches the length and "seals" everything written so far, which makes it
// visible to the driver through pending(). A mark taken before encoding can be rolled back to,
// leaving the buffer exactly as it was, so a failed encode never leaves half a message.
// Any contiguous span handed out by reserve() lies inside one chunk; a chunk is at least
// chunk_size bytes and larger when one reservation needs more. Consumed chunks are recycled.

#include <pgring/error.hpp>

#include <cstddef>
#include <cstdint>
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

    explicit write_buffer(std::size_t chunk_size = default_chunk_size);
    write_buffer(const write_buffer&) = delete;
    write_buffer& operator=(const write_buffer&) = delete;
    write_buffer(write_buffer&&) noexcept;
    write_buffer& operator=(write_buffer&&) noexcept;
    ~write_buffer();

    /// A position in the buffer to roll back to.
    struct mark {
        std::size_t chunk_count;
        std::size_t last_used;
        std::size_t message_start_chunk;
        std::size_t message_start_offset;
        bool in_message;
        std::size_t total;
    };

    /// Starts a message: writes `tag` (unless it is '\0', as for StartupMessage, SSLRequest
    /// and CancelRequest, which have no tag) and reserves the 4-byte length.
    void begin_message(char tag);
    /// Back-patches the length of the open message and seals it.
    /// Errors: `errc::message_too_large` when the message exceeds `max_message_length`; the
    /// caller then rolls back.
    [[nodiscard]] std::error_code end_message();
    /// True between begin_message() and end_message().
    bool in_message() const noexcept { return in_message_; }

    mark get_mark() const noexcept;
    /// Restores the buffer to `m`; everything written since is dropped.
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
    struct chunk {
        std::unique_ptr<std::byte[]> data;
        std::size_t capacity = 0;
        std::size_t used = 0;
    };

    chunk& new_chunk(std::size_t min_capacity);
    void patch_i32(std::size_t chunk_index, std::size_t offset, std::int32_t v) noexcept;

    std::size_t chunk_size_;
    std::vector<chunk> chunks_;  // active chunks, in stream order
    std::vector<chunk> spare_;   // recycled chunks
    std::size_t head_offset_ = 0;  // bytes of chunks_[0] already consumed
    std::size_t total_ = 0;          // bytes ever written (minus rollbacks)
    std::size_t sealed_total_ = 0;   // bytes ever sealed
    std::size_t consumed_total_ = 0; // bytes ever consumed
    std::size_t sealed_chunk_ = 0;   // chunk index of the seal point
    std::size_t sealed_offset_ = 0;  // offset of the seal point within that chunk
    bool in_message_ = false;
    std::size_t msg_chunk_ = 0;   // where the open message's length field is
    std::size_t msg_offset_ = 0;
    std::size_t msg_start_total_ = 0;
    std::size_t chunks_allocated_ = 0;
};

}  // namespace pgring::wire
