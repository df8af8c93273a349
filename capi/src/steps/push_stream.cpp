#include "push_stream.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "braid/error.hpp"

namespace braid::capi {

namespace {

struct Channel {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Value> items;
    bool done = false;       // the producer returned
    bool stopped = false;    // the consumer is gone
    std::exception_ptr error;
};

// Runs the producer on its own thread; when the consuming coroutine goes away, tells it to stop and
// joins it.
class Producer {
public:
    Producer(std::shared_ptr<Channel> channel, std::function<void(const Emit&)> produce, std::size_t capacity)
        : channel_(std::move(channel)) {
        thread_ = std::thread([channel = channel_, capacity, produce = std::move(produce)] {
            const Emit emit = [&](Value item) {
                std::unique_lock lock(channel->mutex);
                channel->changed.wait(lock, [&] { return channel->stopped || channel->items.size() < capacity; });
                if (channel->stopped)
                    throw Error(errc::cancelled, "the stream was closed by its consumer");
                channel->items.push_back(std::move(item));
                channel->changed.notify_all();
            };
            std::exception_ptr error;
            try {
                produce(emit);
            } catch (...) {
                error = std::current_exception();
            }
            const std::lock_guard lock(channel->mutex);
            channel->error = error;
            channel->done = true;
            channel->changed.notify_all();
        });
    }
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;
    ~Producer() {
        {
            const std::lock_guard lock(channel_->mutex);
            channel_->stopped = true;
        }
        channel_->changed.notify_all();
        thread_.join();
    }

private:
    std::shared_ptr<Channel> channel_;
    std::thread thread_;
};

} // namespace

Stream<Value> pull_from_push(std::function<void(const Emit&)> produce, std::size_t capacity) {
    auto channel = std::make_shared<Channel>();
    const Producer producer(channel, std::move(produce), capacity == 0 ? 1 : capacity);
    for (;;) {
        Value item;
        {
            std::unique_lock lock(channel->mutex);
            channel->changed.wait(lock, [&] { return !channel->items.empty() || channel->done; });
            if (channel->items.empty()) {
                if (channel->error)
                    std::rethrow_exception(channel->error);
                break;
            }
            item = std::move(channel->items.front());
            channel->items.pop_front();
        }
        channel->changed.notify_all();
        co_yield std::move(item);
    }
}

} // namespace braid::capi
