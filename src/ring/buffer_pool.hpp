#pragma once

// ring::buffer_pool: receive memory handed to the kernel as a provided-buffer ring, and
// ring::buffer_lease: one received buffer on loan to the caller.
//
// Layout: one anonymous mapping per pool.
//
//   [ io_uring_buf ring: entries x 16 bytes, page-rounded ][ buf 0 ][ buf 1 ] ... [ buf N-1 ]
//     entries = N rounded up to a power of two               each buffer_size bytes
//
// The ring is registered with io_uring_register_buf_ring() under the pool's group id; a recv with
// IOSQE_BUFFER_SELECT on that group lets the kernel pick a free buffer when data arrives. The CQE
// carries IORING_CQE_F_BUFFER and the buffer id in its upper 16 bits; the recv op turns it into a
// buffer_lease over exactly the received bytes.
//
// Buffer states:
//
//   in the ring (kernel may fill it) --recv CQE--> leased (caller reads it)
//        ^                                            |
//        +--- publish at the next loop turn <--- lease destroyed or release()d
//
// A lease dies when it is destroyed or release()d; its buffer goes back into the ring at once,
// but the ring tail is published once per loop turn (one store per pool, before the submit), so
// many releases cost one atomic store. Every lease must die before its pool.
//
// Running dry: when every buffer is leased, a recv on the group completes with -ENOBUFS and a
// multishot recv stops (no IORING_CQE_F_MORE). That is back-pressure, not an error: the owner
// releases what it holds and re-arms; the unread bytes wait in the socket, nothing is lost or
// reordered. enobufs_events() counts these. Re-arming while the pool is still empty fails again
// at once: free a buffer first (see socket_ops.hpp).
//
// Fallback (no buffer rings, or options::use_ring false): the same memory, but the pool keeps a
// free list and a recv op asks it for one buffer and issues a plain IORING_OP_RECV into it; when
// the free list is empty the recv completes with -ENOBUFS just the same. Callers see no difference
// except one buffer reserved per pending recv.
//
// Thread: loop thread only (leases included).

#include "ring/loop.hpp"

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>
#include <vector>

namespace pgring::ring {

class buffer_pool;

/// A received buffer on loan: move-only; destroying it (or release()) returns the buffer.
/// Lifetime: valid until destroyed or released; must die before its pool. Views into bytes() die
/// with the lease. Thread: the pool's loop thread.
class buffer_lease {
public:
    buffer_lease() noexcept = default;
    buffer_lease(buffer_lease&& other) noexcept;
    buffer_lease& operator=(buffer_lease&& other) noexcept;
    buffer_lease(const buffer_lease&) = delete;
    buffer_lease& operator=(const buffer_lease&) = delete;
    ~buffer_lease() { release(); }

    /// True when the lease holds a buffer.
    explicit operator bool() const noexcept { return pool_ != nullptr; }
    /// The received bytes not yet dropped with remove_prefix().
    std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }
    /// The same bytes, writable (e.g. for in-place decryption).
    std::span<std::byte> mutable_bytes() noexcept { return {data_, size_}; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    /// The kernel's buffer id (index in the pool).
    std::uint16_t buffer_id() const noexcept { return id_; }
    /// Drops the first `n` bytes (n <= size()) from bytes().
    void remove_prefix(std::size_t n) noexcept;
    /// Returns the buffer to its pool now; the lease becomes empty.
    void release() noexcept;

private:
    friend class buffer_pool;
    buffer_lease(buffer_pool* pool, std::uint16_t id, std::byte* data, std::uint32_t size) noexcept
        : pool_(pool), data_(data), size_(size), id_(id) {}

    buffer_pool* pool_ = nullptr;
    std::byte* data_ = nullptr;
    std::uint32_t size_ = 0;
    std::uint16_t id_ = 0;
};

/// N buffers of S bytes registered as a provided-buffer ring; see the file comment.
/// Thread: loop thread only.
class buffer_pool {
public:
    /// Largest number of buffers in one pool (the kernel's buffer-ring limit).
    static constexpr std::uint32_t max_buffers = 32768;
    /// Largest buffer size.
    static constexpr std::uint32_t max_buffer_size = 1u << 30;

    /// Size and mode of a pool.
    struct options {
        std::uint32_t buffers = 64;         ///< 1..max_buffers
        std::uint32_t buffer_size = 65536;  ///< 1..max_buffer_size bytes
        bool use_ring = true;               ///< false forces the fallback (tests)
    };

    /// Allocates the buffers and registers them with `lp` under a fresh group id. When the kernel
    /// refuses buffer rings (ENOSYS/EINVAL/EOPNOTSUPP) the pool works in fallback mode.
    /// Errors: `std::errc::invalid_argument` for bad options, the mmap/register errno otherwise.
    /// Returns null on error. Lifetime: must be destroyed before `lp`.
    /// Thread: `lp`'s thread.
    [[nodiscard]] static std::unique_ptr<buffer_pool> create(loop& lp, const options& opts,
                                                             std::error_code& ec);

    /// Unregisters the ring and frees the memory. Every lease must be gone and no recv may be
    /// armed on the pool.
    ~buffer_pool();

    buffer_pool(const buffer_pool&) = delete;
    buffer_pool& operator=(const buffer_pool&) = delete;

    /// The buffer group id recv SQEs select from.
    std::uint16_t group_id() const noexcept { return group_id_; }
    /// True when the buffers are a registered provided-buffer ring; false in fallback mode.
    bool uses_ring() const noexcept { return uses_ring_; }
    std::uint32_t buffer_count() const noexcept { return count_; }
    std::uint32_t buffer_size() const noexcept { return size_; }
    /// Buffers held by leases (and, in fallback mode, reserved by pending recvs).
    std::uint32_t in_use() const noexcept { return in_use_; }
    /// Times a recv on this pool found no free buffer (-ENOBUFS).
    std::uint64_t enobufs_events() const noexcept { return enobufs_; }
    loop& owner() noexcept { return *loop_; }

private:
    friend class buffer_lease;
    friend class loop;
    friend struct pool_access;  // the recv ops in socket_ops.cpp

    buffer_pool(loop& lp, const options& opts) noexcept;
    std::error_code init(const options& opts);

    std::byte* data_of(std::uint16_t id) const noexcept { return buffers_ + std::size_t{id} * size_; }
    // A buffer id the kernel reported is only trusted after this check.
    bool valid_id(std::uint16_t id) const noexcept { return id < count_; }

    // Ring mode: the kernel filled buffer `id` with `len` bytes.
    buffer_lease lease_from_kernel(std::uint16_t id, std::uint32_t len) noexcept;
    // Fallback mode: take a free buffer for one plain recv.
    bool reserve(std::uint16_t& id) noexcept;
    // Fallback mode: the plain recv into reserved buffer `id` returned `len` > 0 bytes.
    buffer_lease adopt_reserved(std::uint16_t id, std::uint32_t len) noexcept;
    // The loop is being destroyed and has drained the kernel: reserved buffers are free again.
    void forget_reservations() noexcept;
    // A buffer that is leased or reserved comes back.
    void release(std::uint16_t id) noexcept;
    // Ring mode: a buffer the kernel picked but did not fill (error CQE) goes back.
    void recycle(std::uint16_t id) noexcept;
    void give_back(std::uint16_t id) noexcept;
    // Publishes buffers returned since the last call (one tail store).
    void flush() noexcept;
    void note_enobufs() noexcept { ++enobufs_; }

    loop* loop_;
    std::uint16_t group_id_ = 0;
    bool uses_ring_ = false;
    bool registered_ = false;
    std::uint32_t count_ = 0;
    std::uint32_t size_ = 0;
    std::uint32_t ring_entries_ = 0;
    std::uint32_t in_use_ = 0;
    std::uint64_t enobufs_ = 0;
    std::uint32_t unpublished_ = 0;  // buffers added to the ring after its published tail

    void* mapping_ = nullptr;
    std::size_t mapping_size_ = 0;
    io_uring_buf_ring* ring_ = nullptr;
    std::byte* buffers_ = nullptr;
    static constexpr std::uint8_t leased_mark = 1;
    static constexpr std::uint8_t reserved_mark = 2;
    std::vector<std::uint8_t> out_;    // per buffer: 0 free (in the ring), leased_mark, reserved_mark
    std::vector<std::uint16_t> free_;  // fallback mode: free buffer ids
};

}  // namespace pgring::ring
