// The shared worker pool. Workers claim items of task groups; whoever waits on a group claims the
// remaining items itself, so nested groups never wait on work that nobody runs.
#include "braid/core/detail/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace braid::detail {

struct TaskGroupState {
    std::function<void(std::size_t)> body;
    std::size_t count = 0;
    std::atomic<std::size_t> next{0};     // next unclaimed item
    std::atomic<std::size_t> finished{0}; // items run or skipped
    std::atomic<bool> stopped{false};
    std::mutex mutex;
    std::condition_variable all_done;
    std::exception_ptr first_error;

    // Claims and runs (or, once stopped, skips) one item. False when none is left.
    bool run_one() {
        const std::size_t item = next.fetch_add(1, std::memory_order_relaxed);
        if (item >= count)
            return false;
        if (!stopped.load(std::memory_order_relaxed)) {
            try {
                body(item);
            } catch (...) {
                const std::lock_guard lock(mutex);
                if (!first_error)
                    first_error = std::current_exception();
                stopped.store(true, std::memory_order_relaxed);
            }
        }
        if (finished.fetch_add(1, std::memory_order_acq_rel) + 1 == count) {
            const std::lock_guard lock(mutex);
            all_done.notify_all();
        }
        return true;
    }

    void run_all() {
        while (run_one()) {
        }
    }

    void wait_finished() {
        run_all();
        std::unique_lock lock(mutex);
        all_done.wait(lock, [this] { return finished.load(std::memory_order_acquire) >= count; });
    }
};

namespace {

class ThreadPool {
public:
    static ThreadPool& instance() {
        static ThreadPool pool;
        return pool;
    }

    // Queues @p copies worker entries for @p group, starting threads while none is idle.
    void submit(const std::shared_ptr<TaskGroupState>& group, std::size_t copies) {
        {
            const std::lock_guard lock(mutex_);
            for (std::size_t i = 0; i < copies; ++i)
                queue_.push_back(group);
            const std::size_t wanted = std::min(max_threads, threads_.size() + (queue_.size() > idle_ ? queue_.size() - idle_ : 0));
            while (threads_.size() < wanted)
                threads_.emplace_back([this] { work(); });
        }
        if (copies == 1)
            wake_.notify_one();
        else
            wake_.notify_all();
    }

    ~ThreadPool() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        for (std::thread& thread : threads_)
            thread.join();
    }

private:
    static constexpr std::size_t max_threads = 64;

    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            ++idle_;
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            --idle_;
            if (queue_.empty())
                return; // stopping
            std::shared_ptr<TaskGroupState> group = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            group->run_all();
            group.reset();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::shared_ptr<TaskGroupState>> queue_;
    std::vector<std::thread> threads_;
    std::size_t idle_ = 0;
    bool stopping_ = false;
};

} // namespace

TaskGroup::TaskGroup(std::size_t count, int max_workers, std::function<void(std::size_t)> body, bool caller_helps)
    : state_(std::make_shared<TaskGroupState>()) {
    state_->body = std::move(body);
    state_->count = count;
    const std::size_t workers = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, max_workers)));
    const std::size_t pool_workers = caller_helps ? workers - std::min<std::size_t>(workers, 1) : workers;
    if (pool_workers > 0)
        ThreadPool::instance().submit(state_, pool_workers);
}

TaskGroup::~TaskGroup() {
    stop();
    state_->wait_finished();
}

bool TaskGroup::run_one() { return state_->run_one(); }

void TaskGroup::stop() noexcept { state_->stopped.store(true, std::memory_order_relaxed); }

bool TaskGroup::done() const noexcept { return state_->finished.load(std::memory_order_acquire) >= state_->count; }

void TaskGroup::wait() {
    state_->wait_finished();
    std::exception_ptr error;
    {
        // Taken out of the state: a worker may drop the last reference to the state after this thread
        // has caught the error, and the exception must not be destroyed there while it is read here.
        const std::lock_guard lock(state_->mutex);
        error = std::exchange(state_->first_error, nullptr);
    }
    if (error)
        std::rethrow_exception(error);
}

int default_concurrency() noexcept {
    const unsigned hardware = std::thread::hardware_concurrency();
    return static_cast<int>(std::max(2u, hardware));
}

void parallel_for(std::size_t count, int max_workers, const std::function<void(std::size_t)>& body) {
    if (count == 0)
        return;
    if (count == 1 || max_workers <= 1) {
        for (std::size_t i = 0; i < count; ++i)
            body(i); // the first error propagates and no further item starts
        return;
    }
    TaskGroup group(count, max_workers, body, true);
    group.wait();
}

} // namespace braid::detail
