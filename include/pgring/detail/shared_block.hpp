#pragma once

/// @file
/// Non-atomic reference counting for memory that results share with the connection that
/// received it: receive buffers and statement column descriptions. Not API.
///
/// Thread: the loop thread of the connection that made the block; the count is not atomic, as
/// nothing on a loop is shared with other threads.

#include <cstdint>
#include <utility>

namespace pgring::detail {

/// The header of a reference-counted block; `drop` frees the block when the count reaches 0.
struct shared_block {
    std::uint32_t refs = 1;
    void (*drop)(shared_block*) noexcept = nullptr;
};

inline void retain(shared_block* b) noexcept {
    ++b->refs;
}

inline void release(shared_block* b) noexcept {
    if (--b->refs == 0) {
        b->drop(b);
    }
}

/// An owning pointer to a shared_block (or a type derived from it).
template <class T>
class block_ptr {
public:
    block_ptr() noexcept = default;
    /// Adopts one reference of `p` (does not add one).
    explicit block_ptr(T* p) noexcept : p_(p) {}
    block_ptr(const block_ptr& o) noexcept : p_(o.p_) {
        if (p_ != nullptr) {
            retain(p_);
        }
    }
    block_ptr(block_ptr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    block_ptr& operator=(block_ptr o) noexcept {
        std::swap(p_, o.p_);
        return *this;
    }
    ~block_ptr() {
        if (p_ != nullptr) {
            release(p_);
        }
    }
    T* get() const noexcept { return p_; }
    T* operator->() const noexcept { return p_; }
    T& operator*() const noexcept { return *p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

private:
    T* p_ = nullptr;
};

}  // namespace pgring::detail
