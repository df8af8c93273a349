#include "braid/memory/file_chat_history.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "braid/error.hpp"
#include "braid/run_control.hpp"

namespace braid::memory {

namespace {

/// Bytes read at a time when looking backwards for the start of the last line.
constexpr std::size_t tail_chunk = 4096;

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

[[noreturn]] void throw_io(const std::filesystem::path& path, const char* what, int error) {
    throw Error(errc::io, "chat history file " + quoted(path) + ": " + what + ": " + std::strerror(error));
}

/// An open descriptor holding a flock(), both released by the destructor (closing drops the lock).
class LockedFile {
public:
    LockedFile(const std::filesystem::path& path, int flags, int lock) : path_(path) {
        fd_ = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
        if (fd_ < 0)
            return; // the caller decides whether a missing file is an error
        while (::flock(fd_, lock) != 0) {
            if (errno != EINTR) {
                const int error = errno;
                ::close(fd_);
                throw_io(path_, "cannot lock", error);
            }
        }
    }
    ~LockedFile() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    LockedFile(const LockedFile&) = delete;
    LockedFile& operator=(const LockedFile&) = delete;

    int fd() const noexcept { return fd_; }
    bool is_open() const noexcept { return fd_ >= 0; }

    off_t size() const {
        struct stat st {};
        if (::fstat(fd_, &st) != 0)
            throw_io(path_, "cannot stat", errno);
        return st.st_size;
    }

    /// Reads exactly @p count bytes at @p offset.
    std::string read_at(off_t offset, std::size_t count) const {
        std::string bytes(count, '\0');
        std::size_t done = 0;
        while (done < count) {
            const ssize_t n = ::pread(fd_, bytes.data() + done, count - done, offset + static_cast<off_t>(done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                throw_io(path_, "cannot read", errno);
            if (n == 0)
                break; // the file shrank: another process without our lock truncated it
            done += static_cast<std::size_t>(n);
        }
        bytes.resize(done);
        return bytes;
    }

    void truncate(off_t size) const {
        if (::ftruncate(fd_, size) != 0)
            throw_io(path_, "cannot truncate", errno);
    }

    void sync() const {
        if (::fsync(fd_) != 0)
            throw_io(path_, "cannot fsync", errno);
    }

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

/// The message on @p line, or nothing if it is not valid JSON or not a message (with the reason).
std::optional<Message> parse_line(std::string_view line, std::string& reason) {
    try {
        return Value::parse(line.begin(), line.end()).get<Message>();
    } catch (const nlohmann::json::exception& e) {
        reason = e.what();
    } catch (const Error& e) {
        reason = e.what();
    }
    return std::nullopt;
}

/// The warning for a torn last line; @p line is its number, 0 where it is not counted.
std::string warn_torn(const std::filesystem::path& path, std::size_t line, std::string_view why) {
    const std::string which = line == 0 ? "last line" : "last line " + std::to_string(line);
    return "chat history file " + quoted(path) + ": dropped torn " + which + " (" + std::string(why) +
           "), probably left by a crash during a write";
}

/// Where the last line of a file of @p size bytes starts (after the last '\n' before its final byte).
off_t last_line_start(const LockedFile& file, off_t size) {
    off_t end = size - 1; // the final byte may be the last line's own newline: skip it
    while (end > 0) {
        const off_t begin = end > static_cast<off_t>(tail_chunk) ? end - static_cast<off_t>(tail_chunk) : 0;
        const std::string chunk = file.read_at(begin, static_cast<std::size_t>(end - begin));
        if (const auto newline = chunk.rfind('\n'); newline != std::string::npos)
            return begin + static_cast<off_t>(newline) + 1;
        end = begin;
    }
    return 0;
}

/// Cuts a torn last line (no newline, or not a message) off the file before an append, so that it
/// does not become a corrupt line in the middle of the history.
void repair_tail(const LockedFile& file, const std::filesystem::path& path) {
    const off_t size = file.size();
    if (size == 0)
        return;
    const off_t start = last_line_start(file, size);
    const std::string last = file.read_at(start, static_cast<std::size_t>(size - start));
    std::string reason;
    if (last.empty() || last.back() != '\n') {
        reason = "no newline at its end";
    } else if (last.find_first_not_of(" \t\r\n") == std::string::npos || parse_line(last, reason)) {
        return;
    }
    file.truncate(start);
    log(LogLevel::warning, "memory", warn_torn(path, 0, reason) + "; cut off before appending");
}

} // namespace

FileChatHistory::FileChatHistory(std::filesystem::path path) : path_(std::move(path)) {}

std::vector<Message> FileChatHistory::messages() const {
    const LockedFile file(path_, O_RDONLY, LOCK_SH);
    if (!file.is_open()) {
        if (errno == ENOENT)
            return {};
        throw_io(path_, "cannot open", errno);
    }
    const std::string text = file.read_at(0, static_cast<std::size_t>(file.size()));

    std::vector<Message> messages;
    std::size_t line_number = 0;
    for (std::size_t begin = 0; begin < text.size();) {
        ++line_number;
        const std::size_t newline = text.find('\n', begin);
        const bool complete = newline != std::string::npos;
        const std::size_t end = complete ? newline : text.size();
        const std::string_view line(text.data() + begin, end - begin);
        begin = complete ? newline + 1 : text.size();
        const bool last = begin >= text.size();
        if (line.find_first_not_of(" \t\r") == std::string_view::npos)
            continue; // blank lines (a hand edit) carry nothing
        if (!complete) {
            log(LogLevel::warning, "memory", warn_torn(path_, line_number, "no newline at its end"));
            break;
        }
        std::string reason;
        if (std::optional<Message> message = parse_line(line, reason)) {
            messages.push_back(std::move(*message));
        } else if (last) {
            log(LogLevel::warning, "memory", warn_torn(path_, line_number, reason));
        } else {
            throw Error(errc::parse, "chat history file " + quoted(path_) + ", line " + std::to_string(line_number) +
                                         ": not a valid message (" + reason + ")");
        }
    }
    return messages;
}

void FileChatHistory::add_messages(std::span<const Message> turn) {
    if (turn.empty())
        return;
    std::string lines;
    for (const Message& message : turn) {
        lines += Value(message).dump(); // dump() escapes newlines: one message is one line
        lines += '\n';
    }
    const LockedFile file(path_, O_RDWR | O_CREAT | O_APPEND, LOCK_EX);
    if (!file.is_open())
        throw_io(path_, "cannot open for appending", errno);
    repair_tail(file, path_);
    const off_t before = file.size();
    // One write() normally takes the whole turn; a short write (a full disk) is retried, and a failure
    // cuts the partial turn off again so that nothing of it is stored.
    std::size_t done = 0;
    while (done < lines.size()) {
        const ssize_t n = ::write(file.fd(), lines.data() + done, lines.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int error = n < 0 ? errno : ENOSPC;
            (void)::ftruncate(file.fd(), before);
            throw_io(path_, "cannot append a turn", error);
        }
        done += static_cast<std::size_t>(n);
    }
    file.sync();
}

void FileChatHistory::clear() {
    const LockedFile file(path_, O_WRONLY | O_CREAT, LOCK_EX);
    if (!file.is_open())
        throw_io(path_, "cannot open for clearing", errno);
    file.truncate(0);
    file.sync();
}

} // namespace braid::memory
