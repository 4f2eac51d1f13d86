#pragma once

/// @file
/// Query results: `column` (one RowDescription field), `field_view` (one value of a row),
/// `row_view` (a borrowed row), `row` (an owned one) and `rows` (everything one query returned).
///
/// Values stay in PostgreSQL's binary format until asked for; `get<T>()` decodes with
/// `pgring::codec<T>` (see codec.hpp), `std::optional<T>` for a column that may be NULL.

#include <pgring/codec.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include <pgring/detail/byte_order.hpp>
#include <pgring/detail/shared_block.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace pgring {

/// One result column, as the server described it (RowDescription).
struct column {
    std::string name;            ///< the column's name ("?column?" for an unnamed expression)
    oid_t type = 0;              ///< its type's OID
    oid_t table = 0;             ///< the table it comes from, or 0
    std::int16_t attribute = 0;  ///< the column number in that table, or 0
    std::int16_t type_size = 0;  ///< pg_type.typlen (negative: variable length)
    std::int32_t type_modifier = -1;  ///< pg_attribute.atttypmod (e.g. varchar(n) length + 4)
    /// The format the values arrive in: 1 binary (every type with a binary form, the default),
    /// 0 text (types the server cannot send in binary, such as aclitem, and the types listed in
    /// connection_options::text_result_types).
    std::int16_t format = 1;
    /// For a type that is not built in: its name (pg_type.typname), once the connection has
    /// loaded it (see connection::types()); empty otherwise. Codecs that declare a type_name
    /// take the columns of that name.
    std::string type_name;
};

namespace detail {

/// The columns of one statement, shared by the statement cache and every result of it.
struct column_set : shared_block {
    std::vector<column> columns;

    /// Makes an empty set with one reference.
    static block_ptr<column_set> make() {
        auto* s = new column_set();
        s->drop = [](shared_block* b) noexcept { delete static_cast<column_set*>(b); };
        return block_ptr<column_set>(s);
    }
};

/// True when a field of column `c` decodes into T: codec<T> takes its type, or, for a column
/// in text format, T is a string (optionally in std::optional).
template <typename T>
bool column_accepts(const column& c) noexcept {
    if (c.format == 0) {
        using U = typename std::conditional_t<is_optional<T>::value, T, std::optional<T>>::value_type;
        return std::is_same_v<U, std::string> || std::is_same_v<U, std::string_view>;
    }
    return codec_accepts<T>(c.type, c.type_name);
}

/// Throws `pgring::error(ec, diagnostics{client_message = what})`.
[[noreturn]] void throw_decode_error(std::error_code ec, std::string what);

}  // namespace detail

/// One value of a row: its type, format and bytes, or NULL.
///
/// Lifetime: borrows the row's bytes; see row_view.
class field_view {
public:
    field_view() noexcept = default;
    /// `data` null means NULL; `format` 1 is binary, 0 text; `type_name` as column::type_name
    /// (it must outlive the view).
    field_view(oid_t type, const std::byte* data, std::size_t size, std::int16_t format = 1,
               std::string_view type_name = {}) noexcept
        : type_(type), format_(format), data_(data), size_(size), type_name_(type_name) {}

    /// True for SQL NULL.
    bool is_null() const noexcept { return data_ == nullptr; }
    /// The value's type OID.
    oid_t type() const noexcept { return type_; }
    /// The type's name for a type that is not built in (column::type_name), else empty.
    std::string_view type_name() const noexcept { return type_name_; }
    /// The format of bytes(): 1 binary (the usual case), 0 text (see column::format).
    std::int16_t format() const noexcept { return format_; }
    /// The raw bytes, in format(); empty for NULL.
    std::span<const std::byte> bytes() const noexcept { return {data_, data_ == nullptr ? 0 : size_}; }

    /// Decodes into `out`. A field in text format decodes only into a string type (its text).
    /// Errors: `errc::unexpected_null` for NULL into a non-optional, `errc::type_mismatch` when
    /// codec<T> does not take this type (or the field is text and T is not a string), and the
    /// codec's own errors.
    template <has_codec T>
    [[nodiscard]] std::error_code get(T& out) const {
        if (format_ == 0 && data_ != nullptr) {
            return get_text(out);
        }
        if constexpr (!detail::codec_type_name<T>().empty()) {
            if (!codec_accepts<T>(type_, type_name_)) {
                return make_error_code(errc::type_mismatch);
            }
        }
        return decode_nullable(type_, data_, size_, out);
    }
    /// Decodes and returns the value. Errors: throws `pgring::error` with the codes of get(T&).
    template <has_codec T>
    T as() const {
        T value{};
        if (const std::error_code ec = get(value)) {
            detail::throw_decode_error(ec, "cannot decode a value of type " + std::to_string(type_));
        }
        return value;
    }

private:
    template <typename T>
    std::error_code get_text(T& out) const {
        if constexpr (detail::is_optional<T>::value) {
            typename T::value_type v{};
            const std::error_code ec = get_text(v);
            if (!ec) {
                out = std::move(v);
            }
            return ec;
        } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
            out = T(reinterpret_cast<const char*>(data_), size_);
            return {};
        } else {
            return make_error_code(errc::type_mismatch);
        }
    }

    oid_t type_ = 0;
    std::int16_t format_ = 1;
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
    std::string_view type_name_;
};

/// A borrowed row: the fields of one DataRow and the columns describing them.
///
/// Field access by index walks the row from its start (fields have variable length); use
/// iteration or `as<Ts...>()` to read every field in one pass.
///
/// Lifetime: points into the `rows` (or `row`) it came from and dies with it.
/// Thread: the connection's loop thread.
class row_view {
public:
    row_view() noexcept = default;
    /// `fields`: the DataRow body after its Int16 count, already validated against `columns`.
    row_view(const std::vector<column>* columns, const std::byte* fields, std::size_t size) noexcept
        : columns_(columns), fields_(fields), size_(size) {}

    /// Number of fields (= columns).
    std::size_t size() const noexcept { return columns_ == nullptr ? 0 : columns_->size(); }
    /// The columns of this row.
    const std::vector<column>& columns() const noexcept { return *columns_; }

    /// Iterates the fields in order.
    class iterator {
    public:
        /// Forward-iterator interface over the fields.
        ///@{
        using value_type = field_view;
        using difference_type = std::ptrdiff_t;
        iterator() noexcept = default;
        iterator(const row_view* r, std::size_t index, const std::byte* p) noexcept : r_(r), i_(index), p_(p) {}
        field_view operator*() const noexcept {
            const std::int32_t len = detail::load_be<std::int32_t>(p_);
            const column& c = (*r_->columns_)[i_];
            return len < 0 ? field_view(c.type, nullptr, 0, c.format, c.type_name)
                           : field_view(c.type, p_ + 4, static_cast<std::size_t>(len), c.format, c.type_name);
        }
        iterator& operator++() noexcept {
            const std::int32_t len = detail::load_be<std::int32_t>(p_);
            p_ += 4 + (len < 0 ? 0 : len);
            ++i_;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator t = *this;
            ++*this;
            return t;
        }
        bool operator==(const iterator& o) const noexcept { return i_ == o.i_; }
        ///@}

    private:
        const row_view* r_ = nullptr;
        std::size_t i_ = 0;
        const std::byte* p_ = nullptr;
    };
    /// The fields, in column order.
    ///@{
    iterator begin() const noexcept { return iterator(this, 0, fields_); }
    iterator end() const noexcept { return iterator(this, size(), nullptr); }
    ///@}

    /// The field at `index`. Errors: throws `pgring::error(errc::invalid_state)` past the end.
    field_view operator[](std::size_t index) const {
        if (index >= size()) {
            detail::throw_decode_error(make_error_code(errc::invalid_state),
                                       "column index " + std::to_string(index) + " is out of range");
        }
        iterator it = begin();
        for (std::size_t i = 0; i < index; ++i) {
            ++it;
        }
        return *it;
    }
    /// The field of the column named `name` (the first, if several have it).
    /// Errors: throws `pgring::error(errc::invalid_state)` when no column has that name.
    field_view operator[](std::string_view name) const { return (*this)[index_of(name)]; }
    /// The index of the first column named `name`. Errors: as operator[](name).
    std::size_t index_of(std::string_view name) const;

    /// Decodes the field at `index` as T. Errors: as field_view::as().
    template <has_codec T>
    T get(std::size_t index) const {
        return (*this)[index].template as<T>();
    }
    /// Decodes the field named `name` as T.
    template <has_codec T>
    T get(std::string_view name) const {
        return (*this)[name].template as<T>();
    }

    /// Decodes every field, in one pass, into a tuple; the row must have exactly sizeof...(Ts)
    /// fields. Errors: `errc::type_mismatch` for a wrong field count; those of field_view::get.
    template <has_codec... Ts>
    [[nodiscard]] std::error_code get_all(std::tuple<Ts...>& out) const {
        if (size() != sizeof...(Ts)) {
            return make_error_code(errc::type_mismatch);
        }
        iterator it = begin();
        std::error_code ec;
        std::apply([&](auto&... v) { ((ec ? void() : (void)(ec = (*it++).get(v))), ...); }, out);
        return ec;
    }
    /// The throwing form of get_all().
    template <has_codec... Ts>
    std::tuple<Ts...> as() const {
        std::tuple<Ts...> out;
        if (const std::error_code ec = get_all(out)) {
            detail::throw_decode_error(ec, "cannot decode the row into " + std::to_string(sizeof...(Ts)) +
                                               " values (the row has " + std::to_string(size()) + " fields)");
        }
        return out;
    }

    /// The DataRow body after its count (for owning copies).
    std::span<const std::byte> raw() const noexcept;

private:
    const std::vector<column>* columns_ = nullptr;
    const std::byte* fields_ = nullptr;
    std::size_t size_ = 0;
};

/// An owned row: a copy of one row's bytes plus a share of its column description.
///
/// Lifetime: independent of the connection and of the `rows` it was copied from.
/// Thread: copies and destruction on the connection's loop thread (the column description is
/// shared without atomics); reading from any thread once made.
class row {
public:
    row() = default;
    /// Copies `v` (and shares its column description).
    explicit row(row_view v, detail::block_ptr<detail::column_set> columns);

    /// A view of this row. Lifetime: until this row is destroyed or assigned.
    row_view view() const noexcept {
        return columns_ ? row_view(&columns_->columns, bytes_.data(), bytes_.size()) : row_view();
    }
    /// The same as row_view's members of these names, on the owned copy.
    ///@{
    std::size_t size() const noexcept { return view().size(); }
    field_view operator[](std::size_t index) const { return view()[index]; }
    field_view operator[](std::string_view name) const { return view()[name]; }
    template <has_codec T>
    T get(std::size_t index) const {
        return view().get<T>(index);
    }
    template <has_codec T>
    T get(std::string_view name) const {
        return view().get<T>(name);
    }
    template <has_codec... Ts>
    std::tuple<Ts...> as() const {
        return view().as<Ts...>();
    }
    const std::vector<column>& columns() const noexcept { return columns_->columns; }
    ///@}

private:
    std::vector<std::byte> bytes_;
    detail::block_ptr<detail::column_set> columns_;
};

/// What one statement returned: its rows, its columns and its command tag.
///
/// The rows are not copied: they stay in the receive buffers they arrived in, which this object
/// keeps alive (a row that spanned two buffers, or arrived while receive buffers were scarce,
/// is copied into memory of its own).
///
/// Lifetime: row_views and field_views point into this object: they die when it is destroyed
/// or moved from. Keep `row` copies (to_row()) to outlive it. Holding many `rows` for long ties
/// up receive buffers of the loop; pgring copies new rows instead of borrowing when buffers run
/// low, so this costs memory, never progress.
/// Thread: the connection's loop thread (destruction included).
class rows {
public:
    /// An empty result.
    rows() = default;
    /// Move-only: the moved-from object is empty; views into it now belong to the target.
    ///@{
    rows(rows&&) noexcept;
    rows& operator=(rows&&) noexcept;
    ///@}
    rows(const rows&) = delete;
    rows& operator=(const rows&) = delete;
    ~rows();

    /// Number of rows.
    std::size_t size() const noexcept { return rows_.size(); }
    /// True when there are no rows.
    bool empty() const noexcept { return rows_.empty(); }
    /// The row at `index` (unchecked: index < size()).
    row_view operator[](std::size_t index) const noexcept {
        return row_view(&columns_->columns, rows_[index].data, rows_[index].size);
    }
    /// The row at `index`. Errors: throws `pgring::error(errc::invalid_state)` past the end.
    row_view at(std::size_t index) const;
    /// An owned copy of the row at `index`.
    row to_row(std::size_t index) const { return row(at(index), columns_); }

    /// Iterates the rows as row_views.
    class iterator {
    public:
        /// Forward-iterator interface over the rows.
        ///@{
        using value_type = row_view;
        using difference_type = std::ptrdiff_t;
        iterator() noexcept = default;
        iterator(const rows* r, std::size_t i) noexcept : r_(r), i_(i) {}
        row_view operator*() const noexcept { return (*r_)[i_]; }
        iterator& operator++() noexcept {
            ++i_;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator t = *this;
            ++i_;
            return t;
        }
        bool operator==(const iterator& o) const noexcept { return i_ == o.i_; }
        ///@}

    private:
        const rows* r_ = nullptr;
        std::size_t i_ = 0;
    };
    /// The rows, in the order the server sent them.
    ///@{
    iterator begin() const noexcept { return iterator(this, 0); }
    iterator end() const noexcept { return iterator(this, size()); }
    ///@}

    /// The columns (empty for a statement that returns no rows).
    const std::vector<column>& columns() const noexcept;
    /// The command tag ("SELECT 3", "INSERT 0 1", ...).
    const std::string& command_tag() const noexcept { return tag_; }
    /// Rows affected or returned, from the command tag; 0 when the tag carries no count.
    std::uint64_t rows_affected() const noexcept { return rows_affected_; }

    /// Decodes every row into a tuple, checking the column types against the codecs once
    /// (not per row). Errors: `errc::type_mismatch` when the column count differs or a codec
    /// does not take a column's type; those of the codecs. `out` holds the rows decoded so far.
    template <has_codec... Ts>
    [[nodiscard]] std::error_code get_all(std::vector<std::tuple<Ts...>>& out) const {
        if (const std::error_code ec = check_types<Ts...>()) {
            return ec;
        }
        out.reserve(out.size() + size());
        for (const row_view r : *this) {
            std::tuple<Ts...> t;
            if (const std::error_code ec = r.get_all(t)) {
                return ec;
            }
            out.push_back(std::move(t));
        }
        return {};
    }
    /// The throwing form of get_all().
    template <has_codec... Ts>
    std::vector<std::tuple<Ts...>> as() const {
        std::vector<std::tuple<Ts...>> out;
        if (const std::error_code ec = get_all(out)) {
            detail::throw_decode_error(ec, "cannot decode the rows into the requested types");
        }
        return out;
    }
    /// Checks that the columns can be decoded as Ts... (count and codec<T>::accepts per column).
    template <has_codec... Ts>
    [[nodiscard]] std::error_code check_types() const noexcept {
        const std::vector<column>& cols = columns();
        if (cols.size() != sizeof...(Ts)) {
            return make_error_code(errc::type_mismatch);
        }
        std::size_t i = 0;
        const bool ok = (detail::column_accepts<Ts>(cols[i++]) && ...);
        return ok ? std::error_code{} : make_error_code(errc::type_mismatch);
    }

    /// Receive-buffer bytes borrowed and bytes copied by this result (for benchmarks).
    std::size_t copied_bytes() const noexcept { return copied_; }

    /// Low level, for the driver: see src/driver.
    struct builder;

private:
    friend struct builder;
    struct entry {
        const std::byte* data;
        std::size_t size;
    };
    void reset() noexcept;

    std::vector<entry> rows_;
    std::vector<detail::shared_block*> buffers_;          // receive buffers this result holds
    std::vector<std::unique_ptr<std::byte[]>> arena_;     // copied rows
    std::size_t arena_room_ = 0;                          // free bytes at the end of arena_.back()
    std::size_t arena_used_ = 0;                          // bytes used in arena_.back()
    std::size_t copied_ = 0;
    detail::block_ptr<detail::column_set> columns_;
    std::string tag_;
    std::uint64_t rows_affected_ = 0;
};

/// What a statement that returns no rows reported.
struct command_result {
    std::string command_tag;          ///< "INSERT 0 1", "CREATE TABLE", ...
    std::uint64_t rows_affected = 0;  ///< from the tag; 0 when it carries no count
};

}  // namespace pgring
