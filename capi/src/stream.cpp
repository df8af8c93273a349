// Streaming a run: chunk and event callbacks on the calling thread, and pull streams (braid_stream).
#include <string>
#include <type_traits>

#include "handles.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "braid/runnable.h"

namespace braid::capi {

namespace {

[[noreturn]] void stopped_by_callback(const char* what, braid_status returned) {
    throw_callback_stop(returned, std::string("the ") + what + " callback stopped the stream");
}

template <class T>
std::string item_json(const T& item) {
    if constexpr (std::is_same_v<T, Event>)
        return dump_json(item.to_json());
    else
        return dump_json(item);
}

// Pulls every item of @p items into @p callback; a non-OK return stops the run (destroying the stream
// stops its producers).
template <class T>
void drain(Stream<T> items, braid_chunk_fn callback, void* user_data, const char* what) {
    while (auto item = items.next()) {
        const std::string text = item_json(*item);
        const braid_status returned = callback(text.c_str(), user_data);
        if (returned != BRAID_OK)
            stopped_by_callback(what, returned);
    }
}

// Clears the busy flag of a stream when the pull ends.
struct Busy {
    std::atomic<bool>& flag;
    ~Busy() { flag.store(false, std::memory_order_release); }
};

} // namespace

} // namespace braid::capi

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_runnable_stream(const braid_runnable* runnable, const char* input_json,
                                   const braid_run_options* options, braid_chunk_fn on_chunk, void* user_data) {
    return guard([&] {
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        Value input = parse_json(input_json, "input_json");
        require(on_chunk, "on_chunk");
        drain(step.stream(std::move(input), run_config(options)), on_chunk, user_data, "chunk");
    });
}

braid_status braid_runnable_events(const braid_runnable* runnable, const char* input_json,
                                   const braid_run_options* options, braid_chunk_fn on_event, void* user_data) {
    return guard([&] {
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        Value input = parse_json(input_json, "input_json");
        require(on_event, "on_event");
        drain(step.events(std::move(input), run_config(options)), on_event, user_data, "event");
    });
}

braid_status braid_runnable_stream_open(braid_stream** out_stream, const braid_runnable* runnable,
                                        const char* input_json, const braid_run_options* options) {
    return guard([&] {
        out_param(out_stream, "out_stream");
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        Value input = parse_json(input_json, "input_json");
        auto stream = std::make_unique<StreamHandle>();
        stream->items = step.stream(std::move(input), run_config(options));
        *out_stream = to_handle<braid_stream>(stream.release());
    });
}

braid_status braid_runnable_events_open(braid_stream** out_stream, const braid_runnable* runnable,
                                        const char* input_json, const braid_run_options* options) {
    return guard([&] {
        out_param(out_stream, "out_stream");
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        Value input = parse_json(input_json, "input_json");
        auto stream = std::make_unique<StreamHandle>();
        stream->items = step.events(std::move(input), run_config(options));
        *out_stream = to_handle<braid_stream>(stream.release());
    });
}

braid_status braid_stream_next(char** out_json, braid_stream* stream) {
    return guard([&]() -> braid_status {
        out_param(out_json, "out_json");
        StreamHandle& s = use(stream, "stream");
        if (s.busy.exchange(true, std::memory_order_acquire))
            throw Error(errc::invalid_argument, "stream is being pulled by another thread");
        const Busy busy{s.busy};
        if (s.finished)
            return BRAID_DONE;
        try {
            return std::visit(
                [&](auto& items) -> braid_status {
                    auto item = items.next();
                    if (!item) {
                        s.finished = true;
                        return BRAID_DONE;
                    }
                    put_string(out_json, item_json(*item));
                    return BRAID_OK;
                },
                s.items);
        } catch (...) {
            s.finished = true; // a failed stream is over
            throw;
        }
    });
}

// Destroying the coroutines stops the run where it is (producer threads are told to stop and joined).
void braid_stream_free(braid_stream* stream) { release(stream); }

} // extern "C"
