// WorkerPool: a queue of (call, index) tasks served by kept threads and by waiting callers.
#include "worker_pool.hpp"

#include <exception>

namespace braid::retrieval::detail {

struct WorkerPool::Call {
    const std::function<void(std::size_t)>* job;
    std::vector<std::exception_ptr> errors;
    std::size_t pending; // tasks queued or running (guarded by the pool's mutex)
};

WorkerPool& WorkerPool::shared() {
    static WorkerPool pool;
    return pool;
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    for (auto& t : workers_) t.join();
}

bool WorkerPool::run_one(std::unique_lock<std::mutex>& lock) {
    if (queue_.empty()) return false;
    const Task task = queue_.front();
    queue_.pop_front();
    lock.unlock();
    try {
        (*task.call->job)(task.index);
    } catch (...) {
        task.call->errors[task.index] = std::current_exception();
    }
    lock.lock();
    --task.call->pending;
    changed_.notify_all();
    return true;
}

void WorkerPool::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        run_one(lock);
    }
}

void WorkerPool::run(std::size_t count, const std::function<void(std::size_t)>& job) {
    if (count == 0) return;
    Call call{&job, std::vector<std::exception_ptr>(count), count - 1};
    {
        std::lock_guard lock(mutex_);
        while (workers_.size() < count - 1) workers_.emplace_back([this] { work(); });
        for (std::size_t i = 1; i < count; ++i) queue_.push_back(Task{&call, i});
    }
    changed_.notify_all();
    try {
        job(0);
    } catch (...) {
        call.errors[0] = std::current_exception();
    }
    {
        std::unique_lock lock(mutex_);
        while (call.pending > 0)
            if (!run_one(lock)) changed_.wait(lock, [&] { return call.pending == 0 || !queue_.empty(); });
    }
    for (auto& e : call.errors)
        if (e) std::rethrow_exception(e);
}

} // namespace braid::retrieval::detail
