// The file source and sink of <pgring/copy.hpp>: read(2) and write(2) on a descriptor shared by
// the copies of the std::function, closed with the last of them.

#include <pgring/copy.hpp>

#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <system_error>
#include <unistd.h>

namespace pgring {

namespace {

struct file_descriptor {
    int fd = -1;
    std::string path;
    file_descriptor(int f, std::string p) : fd(f), path(std::move(p)) {}
    file_descriptor(const file_descriptor&) = delete;
    file_descriptor& operator=(const file_descriptor&) = delete;
    ~file_descriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

std::shared_ptr<file_descriptor> open_file(const std::string& path, int flags, const char* what) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0666);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), std::string(what) + " " + path);
    }
    return std::make_shared<file_descriptor>(fd, path);
}

}  // namespace

connection::copy_source copy_from_file(const std::string& path) {
    std::shared_ptr<file_descriptor> file = open_file(path, O_RDONLY, "cannot open");
    return [file](std::span<std::byte> buffer) -> std::size_t {
        for (;;) {
            const ssize_t n = ::read(file->fd, buffer.data(), buffer.size());
            if (n >= 0) {
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR) {
                throw std::system_error(errno, std::generic_category(), "cannot read " + file->path);
            }
        }
    };
}

connection::copy_sink copy_to_file(const std::string& path) {
    std::shared_ptr<file_descriptor> file = open_file(path, O_WRONLY | O_CREAT | O_TRUNC, "cannot create");
    return [file](std::span<const std::byte> data) {
        while (!data.empty()) {
            const ssize_t n = ::write(file->fd, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                throw std::system_error(errno, std::generic_category(), "cannot write " + file->path);
            }
            data = data.subspan(static_cast<std::size_t>(n));
        }
    };
}

}  // namespace pgring
