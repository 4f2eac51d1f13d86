#include "ring/buffer_pool.hpp"

#include "ring/assert.hpp"
#include "ring/valgrind.hpp"

#include <liburing.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace pgring::ring {

// ---- buffer_lease ----------------------------------------------------------------------------

buffer_lease::buffer_lease(buffer_lease&& other) noexcept
    : pool_(other.pool_), data_(other.data_), size_(other.size_), id_(other.id_) {
    other.pool_ = nullptr;
    other.data_ = nullptr;
    other.size_ = 0;
}

buffer_lease& buffer_lease::operator=(buffer_lease&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = other.pool_;
        data_ = other.data_;
        size_ = other.size_;
        id_ = other.id_;
        other.pool_ = nullptr;
        other.data_ = nullptr;
        other.size_ = 0;
    }
    return *this;
}

void buffer_lease::remove_prefix(std::size_t n) noexcept {
    PGRING_RING_ASSERT(n <= size_, "remove_prefix() past the end of the lease");
    if (n > size_) {
        n = size_;
    }
    data_ += n;
    size_ -= static_cast<std::uint32_t>(n);
}

void buffer_lease::release() noexcept {
    if (pool_ == nullptr) {
        return;
    }
    buffer_pool* pool = pool_;
    pool_ = nullptr;
    data_ = nullptr;
    size_ = 0;
    pool->release(id_);
}

// ---- buffer_pool -----------------------------------------------------------------------------

namespace {

std::uint32_t round_up_pow2(std::uint32_t n) {
    std::uint32_t p = 1;
    while (p < n) {
        p <<= 1;
    }
    return p;
}

}  // namespace

buffer_pool::buffer_pool(loop& lp, const options& opts) noexcept
    : loop_(&lp), count_(opts.buffers), size_(opts.buffer_size) {}

std::unique_ptr<buffer_pool> buffer_pool::create(loop& lp, const options& opts, std::error_code& ec) {
    PGRING_ASSERT_LOOP_THREAD(lp);
    ec.clear();
    if (opts.buffers == 0 || opts.buffers > max_buffers || opts.buffer_size == 0 ||
        opts.buffer_size > max_buffer_size) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return nullptr;
    }
    std::unique_ptr<buffer_pool> pool(new buffer_pool(lp, opts));
    ec = pool->init(opts);
    if (ec) {
        return nullptr;
    }
    return pool;
}

std::error_code buffer_pool::init(const options& opts) {
    const long page_l = ::sysconf(_SC_PAGESIZE);
    const std::size_t page = page_l > 0 ? static_cast<std::size_t>(page_l) : 4096;
    ring_entries_ = round_up_pow2(count_);
    const std::size_t ring_bytes =
        (std::size_t{ring_entries_} * sizeof(io_uring_buf) + page - 1) / page * page;
    mapping_size_ = ring_bytes + std::size_t{count_} * size_;
    void* mem = ::mmap(nullptr, mapping_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        mapping_ = nullptr;
        return {errno, std::system_category()};
    }
    mapping_ = mem;
    ring_ = static_cast<io_uring_buf_ring*>(mem);
    buffers_ = static_cast<std::byte*>(mem) + ring_bytes;
    out_.assign(count_, 0);
    group_id_ = loop_->allocate_group_id();

    if (opts.use_ring && loop_->features().buf_ring) {
        io_uring_buf_reg reg{};
        reg.ring_addr = reinterpret_cast<std::uintptr_t>(ring_);
        reg.ring_entries = ring_entries_;
        reg.bgid = group_id_;
        const int r = io_uring_register_buf_ring(&loop_->ring_, &reg, 0);
        if (r == 0) {
            registered_ = true;
            uses_ring_ = true;
        } else if (r != -EINVAL && r != -ENOSYS && r != -EOPNOTSUPP) {
            return {-r, std::system_category()};
        }
    }

    if (uses_ring_) {
        io_uring_buf_ring_init(ring_);
        const int mask = io_uring_buf_ring_mask(ring_entries_);
        for (std::uint32_t id = 0; id < count_; ++id) {
            io_uring_buf_ring_add(ring_, data_of(static_cast<std::uint16_t>(id)), size_,
                                  static_cast<unsigned short>(id), mask, static_cast<int>(id));
        }
        io_uring_buf_ring_advance(ring_, static_cast<int>(count_));
    } else {
        free_.reserve(count_);
        for (std::uint32_t id = count_; id-- > 0;) {
            free_.push_back(static_cast<std::uint16_t>(id));
        }
    }
    detail::mark_noaccess(buffers_, std::size_t{count_} * size_);
    loop_->add_pool(this);
    return {};
}

buffer_pool::~buffer_pool() {
    PGRING_ASSERT_LOOP_THREAD(*loop_);
    PGRING_RING_ASSERT(in_use_ == 0, "buffer_pool destroyed while leases are outstanding or recvs armed");
    if (mapping_ != nullptr) {
        loop_->remove_pool(this);
    }
    if (registered_) {
        io_uring_unregister_buf_ring(&loop_->ring_, group_id_);
    }
    if (mapping_ != nullptr) {
        ::munmap(mapping_, mapping_size_);
    }
}

buffer_lease buffer_pool::lease_from_kernel(std::uint16_t id, std::uint32_t len) noexcept {
    PGRING_RING_ASSERT(valid_id(id) && out_[id] == 0, "kernel returned a buffer that is not in the ring");
    PGRING_RING_ASSERT(len <= size_, "kernel reported more bytes than the buffer holds");
    out_[id] = leased_mark;
    ++in_use_;
    detail::mark_defined(data_of(id), len);
    return buffer_lease(this, id, data_of(id), len);
}

bool buffer_pool::reserve(std::uint16_t& id) noexcept {
    if (free_.empty()) {
        return false;
    }
    id = free_.back();
    free_.pop_back();
    out_[id] = reserved_mark;
    ++in_use_;
    return true;
}

void buffer_pool::forget_reservations() noexcept {
    for (std::uint32_t id = 0; id < count_; ++id) {
        if (out_[id] == reserved_mark) {
            release(static_cast<std::uint16_t>(id));
        }
    }
}

buffer_lease buffer_pool::adopt_reserved(std::uint16_t id, std::uint32_t len) noexcept {
    PGRING_RING_ASSERT(valid_id(id) && out_[id] == reserved_mark, "adopting a buffer that was not reserved");
    out_[id] = leased_mark;
    detail::mark_defined(data_of(id), len);
    return buffer_lease(this, id, data_of(id), len);
}

void buffer_pool::release(std::uint16_t id) noexcept {
    PGRING_ASSERT_LOOP_THREAD(*loop_);
    PGRING_RING_ASSERT(valid_id(id) && out_[id] != 0, "releasing a buffer that is not out");
    out_[id] = 0;
    --in_use_;
    give_back(id);
}

void buffer_pool::recycle(std::uint16_t id) noexcept {
    PGRING_RING_ASSERT(valid_id(id) && out_[id] == 0, "recycling a buffer that is leased");
    give_back(id);
}

void buffer_pool::give_back(std::uint16_t id) noexcept {
    detail::mark_noaccess(data_of(id), size_);
    if (uses_ring_) {
        // Written after the published tail; invisible to the kernel until flush().
        io_uring_buf_ring_add(ring_, data_of(id), size_, id, io_uring_buf_ring_mask(ring_entries_),
                              static_cast<int>(unpublished_));
        ++unpublished_;
    } else {
        free_.push_back(id);
    }
}

void buffer_pool::flush() noexcept {
    if (unpublished_ != 0) {
        io_uring_buf_ring_advance(ring_, static_cast<int>(unpublished_));
        unpublished_ = 0;
    }
}

}  // namespace pgring::ring
