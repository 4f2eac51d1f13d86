#include "wire/framing.hpp"

#include "wire/byte_order.hpp"

#include <algorithm>
#include <cstring>

namespace pgring::wire {

namespace {
constexpr std::size_t header_size = 5;  // tag + Int32 length
}

std::error_code frame_reader::check_length(std::uint32_t length) const noexcept {
    if (length < 4 || length > 0x7FFFFFFFu) {
        return errc::malformed_message;
    }
    if (length - 4 > max_message_size_) {
        return errc::message_too_large;
    }
    return {};
}

void frame_reader::reset() noexcept {
    partial_.clear();
    partial_need_ = 0;
    deliver_partial_ = false;
    error_.clear();
}

frame_reader::result frame_reader::next(std::span<const std::byte> input, frame& out) {
    if (error_) {
        return {status::error, 0, error_};
    }
    if (deliver_partial_) {
        // The previous call returned a frame that lived in partial_; the caller is done with it.
        partial_.clear();
        if (partial_.capacity() > keep_reassembly_capacity) {
            std::vector<std::byte>().swap(partial_);
        }
        partial_need_ = 0;
        deliver_partial_ = false;
    }

    if (partial_.empty()) {
        // Fast path: the whole frame is in the input; hand out a view of it.
        if (input.size() >= header_size) {
            const std::uint32_t length = load_u32(input.data() + 1);
            if (auto ec = check_length(length)) {
                error_ = ec;
                return {status::error, 0, ec};
            }
            const std::size_t total = std::size_t{length} + 1;
            if (input.size() >= total) {
                out.tag = static_cast<char>(input[0]);
                out.body = input.subspan(header_size, total - header_size);
                return {status::frame, total, {}};
            }
            partial_need_ = total;
        }
        if (input.empty()) {
            return {status::need_more, 0, {}};
        }
        // Partial frame at the end of the input: keep it. Memory grows with the bytes that
        // actually arrive, never with the declared length alone.
        partial_.assign(input.begin(), input.end());
        copied_bytes_ += input.size();
        return {status::need_more, input.size(), {}};
    }

    // Completing a frame from the reassembly buffer.
    std::size_t consumed = 0;
    if (partial_need_ == 0) {
        const std::size_t take = std::min(header_size - partial_.size(), input.size());
        partial_.insert(partial_.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(take));
        copied_bytes_ += take;
        consumed += take;
        if (partial_.size() < header_size) {
            return {status::need_more, consumed, {}};
        }
        const std::uint32_t length = load_u32(partial_.data() + 1);
        if (auto ec = check_length(length)) {
            error_ = ec;
            return {status::error, consumed, ec};
        }
        partial_need_ = std::size_t{length} + 1;
        input = input.subspan(take);
    }
    const std::size_t take = std::min(partial_need_ - partial_.size(), input.size());
    partial_.insert(partial_.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(take));
    copied_bytes_ += take;
    consumed += take;
    if (partial_.size() < partial_need_) {
        return {status::need_more, consumed, {}};
    }
    out.tag = static_cast<char>(partial_[0]);
    out.body = std::span<const std::byte>(partial_).subspan(header_size);
    deliver_partial_ = true;
    return {status::frame, consumed, {}};
}

}  // namespace pgring::wire
