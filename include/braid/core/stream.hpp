/// @file
/// @brief Stream<T>: a pull-based, move-only generator of chunks (a C++20 coroutine).
#pragma once

#include <coroutine>
#include <exception>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

namespace braid {

/// A lazily produced sequence of chunks of type T, pulled one at a time.
///
/// Write one as a coroutine returning `Stream<T>` that uses `co_yield`:
/// @code
/// braid::Stream<std::string> words() {
///     co_yield "hello";
///     co_yield " world";
/// }
/// for (std::string& chunk : words()) std::cout << chunk;   // or: while (auto c = s.next()) ...
/// @endcode
/// Nothing runs until the first chunk is pulled; an exception thrown inside the coroutine propagates
/// from next() / the iterator. Destroying a stream before its end stops the producer at its current
/// `co_yield` (its locals are destroyed normally). A stream is single-pass and must be consumed from one
/// thread at a time. Arguments of a coroutine are copied into it only when passed by value: a coroutine
/// must not take references that may dangle before the stream is consumed.
///
/// A stream also says whether its chunks are pieces of the output or snapshots of it (snapshots(), see
/// braid::ChunkKind); the run machinery sets this for the streams that flow between steps.
template <class T>
class Stream {
public:
    /// The chunk type.
    using value_type = T;

    /// The coroutine promise (used by the compiler).
    struct promise_type {
        std::optional<T> current;  ///< The chunk last yielded, until the consumer takes it.
        std::exception_ptr error;  ///< What the producer threw, rethrown to the consumer.

        /// The Stream that owns this coroutine.
        Stream get_return_object() noexcept {
            return Stream(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        /// Lazy start: the producer runs only when the consumer asks for a chunk.
        std::suspend_always initial_suspend() noexcept { return {}; }
        /// Stays suspended at the end so the Stream can read the outcome and destroy the frame.
        std::suspend_always final_suspend() noexcept { return {}; }
        /// `co_yield value`: hands a copy of @p value to the consumer.
        std::suspend_always yield_value(const T& value) {
            current.emplace(value);
            return {};
        }
        /// `co_yield value`: hands @p value to the consumer.
        std::suspend_always yield_value(T&& value) {
            current.emplace(std::move(value));
            return {};
        }
        /// `co_return` or the end of the body: the stream ends.
        void return_void() noexcept {}
        /// Keeps what the producer threw for the consumer.
        void unhandled_exception() noexcept { error = std::current_exception(); }
        // co_await is not meaningful inside a stream: only co_yield / co_return.
        template <class U>
        std::suspend_never await_transform(U&&) = delete;
    };

    /// An empty stream (no coroutine): yields nothing.
    Stream() noexcept = default;
    /// Streams are move-only.
    Stream(Stream&& other) noexcept
        : handle_(std::exchange(other.handle_, {})), snapshots_(std::exchange(other.snapshots_, false)) {}
    /// Move assignment: destroys the current producer first.
    Stream& operator=(Stream&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
            snapshots_ = std::exchange(other.snapshots_, false);
        }
        return *this;
    }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    /// Destroys the producer (stopping it where it is suspended).
    ~Stream() { reset(); }

    /// The next chunk, or nothing at the end. Rethrows what the producer threw (then the stream is over).
    std::optional<T> next() {
        if (!handle_ || handle_.done())
            return std::nullopt;
        auto& promise = handle_.promise();
        promise.current.reset();
        handle_.resume();
        if (promise.error) {
            std::exception_ptr error = std::exchange(promise.error, nullptr);
            reset();
            std::rethrow_exception(error);
        }
        if (handle_.done())
            return std::nullopt;
        return std::move(promise.current);
    }

    /// True when each chunk is the whole output so far and replaces the previous one (ChunkKind::snapshot);
    /// false when chunks are pieces to combine (the default).
    bool snapshots() const noexcept { return snapshots_; }
    /// Says whether the chunks are snapshots (see snapshots()).
    void set_snapshots(bool snapshots) noexcept { snapshots_ = snapshots; }

    /// Input iterator over the chunks (range-for support). Dereferencing gives the current chunk.
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag; ///< Single pass.
        using difference_type = std::ptrdiff_t;            ///< Required by the iterator concepts.
        using value_type = T;                              ///< The chunk type.

        iterator() = default;
        /// The current chunk (may be moved from).
        T& operator*() const { return *stream_->pending_; }
        /// Pulls the next chunk.
        iterator& operator++() {
            stream_->advance();
            return *this;
        }
        /// Pulls the next chunk.
        void operator++(int) { ++*this; }
        /// True at the end.
        friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.at_end(); }

    private:
        friend class Stream;
        explicit iterator(Stream* stream) : stream_(stream) {}
        bool at_end() const noexcept { return !stream_ || !stream_->pending_; }
        Stream* stream_ = nullptr;
    };

    /// Starts pulling: the iterator holds the first chunk (if any).
    iterator begin() {
        advance();
        return iterator(this);
    }
    /// The end sentinel.
    std::default_sentinel_t end() const noexcept { return {}; }

    /// Pulls every remaining chunk into a vector.
    std::vector<T> collect() {
        std::vector<T> chunks;
        while (auto chunk = next())
            chunks.push_back(std::move(*chunk));
        return chunks;
    }

    /// A stream of the given chunks, in order.
    static Stream of(std::vector<T> chunks) {
        for (T& chunk : chunks)
            co_yield std::move(chunk);
    }

    /// A stream of one chunk.
    static Stream single(T value) { co_yield std::move(value); }

private:
    explicit Stream(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
    void reset() noexcept {
        if (handle_) {
            handle_.destroy();
            handle_ = {};
        }
    }
    void advance() { pending_ = next(); }

    std::coroutine_handle<promise_type> handle_;
    std::optional<T> pending_;
    bool snapshots_ = false;
};

} // namespace braid
