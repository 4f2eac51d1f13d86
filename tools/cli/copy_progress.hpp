#pragma once

/// @file
/// The progress line of a `\copy` on a terminal: rows, megabytes and MB/s on stderr, redrawn in
/// place with `\r` at most five times a second and erased at the end.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace pgring::cli {

/// The text of a progress line: `COPY: 1234 rows, 5.6 MB, 7.8 MB/s` (MB are 10^6 bytes; the rows
/// are left out when not counted, the rate while less than a millisecond has passed).
std::string format_copy_progress(std::optional<std::uint64_t> rows, std::uint64_t bytes,
                                 std::chrono::nanoseconds elapsed);

/// Counts the data of one COPY and draws its progress line on file descriptor 2 while enabled.
/// The first data draws at once, later data only when 200 ms have passed since the last drawing,
/// so a copy that moves any data shows its line at least once whatever its speed.
class copy_progress {
public:
    /// `enabled`: draw at all (the caller checks that stderr is a terminal); `count_rows`: show the
    /// rows (not for binary data coming from the client, whose rows this side does not see).
    copy_progress(bool enabled, bool count_rows);
    copy_progress(const copy_progress&) = delete;
    copy_progress& operator=(const copy_progress&) = delete;
    /// Erases the line if it is still drawn.
    ~copy_progress();

    /// Adds `bytes` of data, of which `rows` rows, and redraws when it is time.
    void add(std::uint64_t rows, std::uint64_t bytes);
    /// Erases the line (spaces over it, then `\r`): the cursor is back where the copy found it.
    void finish();

    /// Rows and bytes so far.
    std::uint64_t rows() const noexcept { return rows_; }
    std::uint64_t bytes() const noexcept { return bytes_; }

private:
    void draw(std::chrono::steady_clock::time_point now);

    bool enabled_;
    bool count_rows_;
    bool drawn_ = false;
    std::uint64_t rows_ = 0;
    std::uint64_t bytes_ = 0;
    std::size_t width_ = 0;  // of the line on screen
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace pgring::cli
