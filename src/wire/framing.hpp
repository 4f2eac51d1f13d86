#pragma once

// wire::frame_reader: splits the backend byte stream into (tag, body) frames.
//
// A backend message is  [tag:1][length:4, counts itself but not the tag][body:length-4].
// The reader hands out frames as views straight into the caller's input whenever the whole
// frame is there. When the input ends inside a frame, the reader copies the partial frame into
// its reassembly buffer and asks for more; the next input completes it there. This copy is the
// only one on the read path, it is bounded by max_message_size, and it is counted.
//
//   input:      [ frame | frame | fra]      next input: [me | frame ...]
//   reassembly:                    [fra] + [me]  -> frame view into reassembly
//
// Lifetime: a frame's body is valid until the next call to next() or until the caller's input
// buffer is released, whichever comes first.

#include <pgring/error.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

namespace pgring::wire {

/// One backend message: its type byte and its body (without tag and length).
struct frame {
    char tag = 0;
    std::span<const std::byte> body;
};

class frame_reader {
public:
    /// A reassembly buffer that grew past this (for one huge message) is freed once that
    /// message has been handed out, so a connection does not pin its peak forever.
    static constexpr std::size_t keep_reassembly_capacity = 256 * 1024;
    /// Default limit: 1 GiB, PostgreSQL's own MaxAllocSize for one field.
    static constexpr std::size_t default_max_message_size = std::size_t{1} << 30;

    explicit frame_reader(std::size_t max_message_size = default_max_message_size) noexcept
        : max_message_size_(max_message_size) {}

    enum class status : std::uint8_t {
        frame,      // `out` holds a frame
        need_more,  // all input consumed; the partial frame (if any) was saved
        error,      // `ec` says why; the stream cannot continue
    };

    struct result {
        status st;
        std::size_t consumed;  // bytes of the input used by this call
        std::error_code ec;
    };

    /// Takes the next frame from `input`; see the class comment for lifetimes.
    /// Errors: `errc::malformed_message` for a length below 4, `errc::message_too_large` for a
    /// message longer than max_message_size. After an error every call returns it again.
    result next(std::span<const std::byte> input, frame& out);

    /// True when a partial frame is waiting in the reassembly buffer.
    bool has_partial() const noexcept { return !partial_.empty(); }
    /// Bytes copied into the reassembly buffer so far (for benchmarks and tests).
    std::uint64_t copied_bytes() const noexcept { return copied_bytes_; }
    std::size_t max_message_size() const noexcept { return max_message_size_; }
    /// Memory held by the reassembly buffer (for tests and benchmarks).
    std::size_t reassembly_capacity() const noexcept { return partial_.capacity(); }
    void set_max_message_size(std::size_t n) noexcept { max_message_size_ = n; }
    /// Forgets any partial frame and error (for a new connection).
    void reset() noexcept;

private:
    std::error_code check_length(std::uint32_t length) const noexcept;

    std::size_t max_message_size_;
    std::vector<std::byte> partial_;  // a frame being reassembled: header, then body bytes
    std::size_t partial_need_ = 0;    // total size of that frame including header, once known
    bool deliver_partial_ = false;    // partial_ was handed out; drop it on the next call
    std::error_code error_;
    std::uint64_t copied_bytes_ = 0;
};

}  // namespace pgring::wire
