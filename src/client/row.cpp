// pgring::row, pgring::rows and row_view's out-of-line parts.

#include <pgring/row.hpp>

#include <string>
#include <utility>

namespace pgring {

namespace detail {

void throw_decode_error(std::error_code ec, std::string what) {
    diagnostics d;
    d.client_message = std::move(what) + ": " + ec.message();
    throw error(ec, std::move(d));
}

}  // namespace detail

std::size_t row_view::index_of(std::string_view name) const {
    for (std::size_t i = 0; i < size(); ++i) {
        if ((*columns_)[i].name == name) {
            return i;
        }
    }
    detail::throw_decode_error(make_error_code(errc::invalid_state),
                               "no column is named \"" + std::string(name) + "\"");
}

std::span<const std::byte> row_view::raw() const noexcept {
    return {fields_, size_};
}

row::row(row_view v, detail::block_ptr<detail::column_set> columns)
    : bytes_(v.raw().begin(), v.raw().end()), columns_(std::move(columns)) {}

rows::rows(rows&& o) noexcept
    : rows_(std::move(o.rows_)),
      buffers_(std::move(o.buffers_)),
      arena_(std::move(o.arena_)),
      arena_room_(std::exchange(o.arena_room_, 0)),
      arena_used_(std::exchange(o.arena_used_, 0)),
      copied_(std::exchange(o.copied_, 0)),
      columns_(std::move(o.columns_)),
      tag_(std::move(o.tag_)),
      rows_affected_(std::exchange(o.rows_affected_, 0)) {
    o.rows_.clear();
    o.buffers_.clear();
}

rows& rows::operator=(rows&& o) noexcept {
    if (this != &o) {
        reset();
        rows_ = std::move(o.rows_);
        buffers_ = std::move(o.buffers_);
        arena_ = std::move(o.arena_);
        arena_room_ = std::exchange(o.arena_room_, 0);
        arena_used_ = std::exchange(o.arena_used_, 0);
        copied_ = std::exchange(o.copied_, 0);
        columns_ = std::move(o.columns_);
        tag_ = std::move(o.tag_);
        rows_affected_ = std::exchange(o.rows_affected_, 0);
        o.rows_.clear();
        o.buffers_.clear();
    }
    return *this;
}

rows::~rows() {
    reset();
}

void rows::reset() noexcept {
    for (detail::shared_block* b : buffers_) {
        detail::release(b);
    }
    buffers_.clear();
    rows_.clear();
    arena_.clear();
    arena_room_ = arena_used_ = copied_ = 0;
    tag_.clear();
    rows_affected_ = 0;
}

row_view rows::at(std::size_t index) const {
    if (index >= rows_.size()) {
        detail::throw_decode_error(make_error_code(errc::invalid_state),
                                   "row index " + std::to_string(index) + " is out of range (" +
                                       std::to_string(rows_.size()) + " rows)");
    }
    return (*this)[index];
}

const std::vector<column>& rows::columns() const noexcept {
    static const std::vector<column> none;
    return columns_ ? columns_->columns : none;
}

}  // namespace pgring
