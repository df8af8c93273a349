#include "braid/core/callbacks.hpp"

#include <cstdio>
#include <random>

#include "braid/core/detail/event_collector.hpp"
#include "braid/core/runnable_impl.hpp"
#include "braid/error.hpp"

namespace braid {

RunId RunId::generate() noexcept {
    // One generator per thread, seeded from the OS once: no lock, no shared state.
    thread_local std::mt19937_64 engine = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();
    RunId id{engine(), engine()};
    id.high = (id.high & ~0xF000ULL) | 0x4000ULL;                       // version 4
    id.low = (id.low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL; // RFC 4122 variant
    return id;
}

std::string RunId::str() const {
    if (!*this)
        return {};
    char text[37];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                  static_cast<unsigned>((high >> 16) & 0xFFFF), static_cast<unsigned>(high & 0xFFFF),
                  static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
    return text;
}

const char* event_kind_name(EventKind kind) noexcept {
    switch (kind) {
    case EventKind::start: return "start";
    case EventKind::chunk: return "chunk";
    case EventKind::end: return "end";
    case EventKind::error: return "error";
    }
    return "unknown";
}

Value Event::to_json() const {
    Value out = Value::object();
    out["event"] = event_kind_name(kind);
    out["run_id"] = run_id.str();
    out["parent_run_id"] = parent_run_id.str();
    out["name"] = name;
    out["tags"] = tags;
    out["metadata"] = metadata;
    out["data"] = data;
    out["depth"] = depth;
    return out;
}

Value describe_error(const std::exception_ptr& error) {
    Value out = Value::object();
    try {
        if (error)
            std::rethrow_exception(error);
        out["kind"] = "exception";
        out["message"] = "";
    } catch (const Error& e) {
        out["kind"] = errc_name(e.kind());
        out["message"] = e.what();
    } catch (const std::exception& e) {
        out["kind"] = "exception";
        out["message"] = e.what();
    } catch (...) {
        out["kind"] = "exception";
        out["message"] = "unknown exception";
    }
    return out;
}

void RunContext::emit_start(const Value& input) const {
    const RunInfo run = info();
    for (const auto& handler : config_->callbacks)
        handler->on_start(run, input);
}

void RunContext::emit_chunk(const Value& chunk) const {
    const RunInfo run = info();
    for (const auto& handler : config_->callbacks)
        handler->on_chunk(run, chunk);
}

void RunContext::emit_end(const Value& output) const {
    const RunInfo run = info();
    for (const auto& handler : config_->callbacks)
        handler->on_end(run, output);
}

void RunContext::emit_error(const std::exception_ptr& error) const {
    const RunInfo run = info();
    for (const auto& handler : config_->callbacks)
        handler->on_error(run, error);
}

namespace detail {

void EventCollector::push(EventKind kind, const RunInfo& run, const Value& data) {
    Event event;
    event.kind = kind;
    event.run_id = run.run_id;
    event.parent_run_id = run.parent_run_id;
    event.name = std::string(run.name);
    event.tags = run.tags;
    event.metadata = run.metadata;
    event.data = data;
    event.depth = run.depth;
    const std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
}

std::deque<Event> EventCollector::drain() {
    const std::lock_guard lock(mutex_);
    return std::exchange(events_, {});
}

} // namespace detail
} // namespace braid
