// The progress line writes with write(2) straight to file descriptor 2: stderr is unbuffered,
// and the line must not wait behind anything buffered in stdio.

#include "copy_progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace pgring::cli {
namespace {

constexpr std::chrono::milliseconds redraw_interval{200};

void write_all(const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(STDERR_FILENO, s.data() + done, s.size() - done);
        if (n <= 0) {
            return;  // a progress line is not worth an error
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

std::string format_copy_progress(std::optional<std::uint64_t> rows, std::uint64_t bytes,
                                 std::chrono::nanoseconds elapsed) {
    const double mb = static_cast<double>(bytes) / 1e6;
    std::string line = "COPY: ";
    char text[64];
    if (rows) {
        const int n = std::snprintf(text, sizeof text, "%llu rows, ", static_cast<unsigned long long>(*rows));
        line.append(text, static_cast<std::size_t>(n));
    }
    int n = std::snprintf(text, sizeof text, "%.1f MB", mb);
    line.append(text, static_cast<std::size_t>(n));
    if (elapsed >= std::chrono::milliseconds(1)) {
        n = std::snprintf(text, sizeof text, ", %.1f MB/s",
                          mb / std::chrono::duration<double>(elapsed).count());
        line.append(text, static_cast<std::size_t>(n));
    }
    return line;
}

copy_progress::copy_progress(bool enabled, bool count_rows)
    : enabled_(enabled), count_rows_(count_rows), start_(std::chrono::steady_clock::now()) {}

copy_progress::~copy_progress() {
    finish();
}

void copy_progress::add(std::uint64_t rows, std::uint64_t bytes) {
    rows_ += rows;
    bytes_ += bytes;
    if (!enabled_) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!drawn_ || now - last_draw_ >= redraw_interval) {
        draw(now);
    }
}

void copy_progress::draw(std::chrono::steady_clock::time_point now) {
    std::string line = format_copy_progress(count_rows_ ? std::optional<std::uint64_t>(rows_) : std::nullopt,
                                            bytes_, now - start_);
    const std::size_t width = line.size();
    if (width < width_) {
        line.append(width_ - width, ' ');  // over the end of a longer previous line
    }
    write_all("\r" + line);
    width_ = width > width_ ? width : width_;
    drawn_ = true;
    last_draw_ = now;
}

void copy_progress::finish() {
    if (!drawn_) {
        return;
    }
    write_all("\r" + std::string(width_, ' ') + "\r");
    drawn_ = false;
    width_ = 0;
}

}  // namespace pgring::cli
