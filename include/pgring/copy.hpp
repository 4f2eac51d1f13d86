#pragma once

/// @file
/// Ready-made sources and sinks for raw COPY (connection::copy_in(), connection::copy_out()):
/// a file, and a range of chunks.
///
///     co_await conn.copy_in("COPY items FROM STDIN (FORMAT csv)", pgring::copy_from_file("items.csv"));
///     co_await conn.copy_out("COPY items TO STDOUT (FORMAT csv)", pgring::copy_to_file("out.csv"));
///     std::vector<std::string> lines = {"1,apple\n", "2,pear\n"};
///     co_await conn.copy_in("COPY items FROM STDIN (FORMAT csv)", pgring::copy_from_range(lines));

#include <pgring/connection.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace pgring {

/// A copy_in() source that reads the file at `path` from its start, in the format the COPY
/// statement names. The file is opened now: throws std::system_error (naming the file) when it
/// cannot be. A read error later throws from the source, which aborts the COPY with a CopyFail:
/// nothing is inserted and the connection stays usable. The file is closed when the last copy of
/// the source is destroyed.
/// Thread: reads run on the loop thread with read(2), meant for regular files and pipes that
/// have data; read a socket or a slow pipe from a copy_generator instead.
connection::copy_source copy_from_file(const std::string& path);

/// A copy_out() sink that writes the data to the file at `path`, created (mode 0666 less the
/// umask) or truncated now: throws std::system_error (naming the file) when it cannot be. A
/// write error later throws from the sink, which stops the COPY (see connection::copy_sink).
/// The file is closed when the last copy of the sink is destroyed.
connection::copy_sink copy_to_file(const std::string& path);

namespace detail {

template <class T>
concept copy_chunk = std::convertible_to<T, std::string_view> || std::convertible_to<T, std::span<const std::byte>>;

template <class T>
std::span<const std::byte> chunk_bytes(const T& chunk) noexcept {
    if constexpr (std::convertible_to<const T&, std::string_view>) {
        const std::string_view text = chunk;
        return std::as_bytes(std::span<const char>(text.data(), text.size()));
    } else {
        return std::span<const std::byte>(chunk);
    }
}

// The state of copy_from_range(): the view, where it stands and what is left of the current chunk.
template <class V>
struct range_source_state {
    using reference = std::ranges::range_reference_t<V>;
    using held = std::remove_cvref_t<reference>;

    explicit range_source_state(V v) : view(std::move(v)) {}

    std::size_t fill(std::span<std::byte> buffer) {
        std::size_t filled = 0;
        while (filled < buffer.size()) {
            if (rest.empty() && !next_chunk()) {
                break;
            }
            const std::size_t n = std::min(rest.size(), buffer.size() - filled);
            std::memcpy(buffer.data() + filled, rest.data(), n);
            rest = rest.subspan(n);
            filled += n;
        }
        return filled;
    }

private:
    // Steps to the next chunk; false at the end of the range.
    bool next_chunk() {
        if (!started) {
            it.emplace(std::ranges::begin(view));
            started = true;
        } else if (*it != std::ranges::end(view)) {
            ++*it;
        }
        while (*it != std::ranges::end(view)) {
            if constexpr (std::is_reference_v<reference>) {
                rest = chunk_bytes(**it);
            } else {
                current.emplace(**it);  // a chunk made on the fly: keep it while it is sent
                rest = chunk_bytes(*current);
            }
            if (!rest.empty()) {
                return true;
            }
            ++*it;
        }
        return false;
    }

    V view;
    std::optional<std::ranges::iterator_t<V>> it;
    bool started = false;
    std::optional<held> current;
    std::span<const std::byte> rest;
};

}  // namespace detail

/// A copy_in() source that sends the chunks of `chunks` one after the other: each element is
/// text (std::string, std::string_view, const char*) or bytes (std::span<const std::byte>,
/// std::vector<std::byte>), in the format the COPY statement names; chunks need not end at row
/// boundaries. An input range works too (a generator, a transform over rows): it is iterated
/// once, as the COPY pulls data. An exception while iterating aborts the COPY (see copy_in()).
/// Lifetime: an lvalue range is referred to and must outlive the COPY; an rvalue one is moved
/// into the source.
template <std::ranges::input_range R>
    requires std::ranges::viewable_range<R> && detail::copy_chunk<std::ranges::range_reference_t<R>>
connection::copy_source copy_from_range(R&& chunks) {
    using view_type = std::views::all_t<R>;
    auto state = std::make_shared<detail::range_source_state<view_type>>(std::views::all(std::forward<R>(chunks)));
    return [state](std::span<std::byte> buffer) { return state->fill(buffer); };
}

}  // namespace pgring
