// The C functions of braid/callback.h: creating callback steps and what a callback may do with its call.
#include <memory>

#include "callback_step.hpp"
#include "json_io.hpp"

namespace braid::capi {

namespace {

braid_status make_callback_step(braid_runnable** out, const char* name, braid_step_fn fn, void* user_data,
                                braid_destroy_fn destroy, bool transform) {
    // Until the step owns user_data, a failure must release it (the documented contract).
    struct Pending {
        braid_destroy_fn destroy;
        void* user_data;
        ~Pending() {
            if (destroy)
                destroy(user_data);
        }
    } pending{destroy, user_data};
    return guard([&] {
        out_param(out, "out");
        require(fn, "fn");
        std::string step_name = name ? name : "callback";
        if (step_name.empty())
            throw Error(errc::invalid_argument, "name must not be empty (NULL gives \"callback\")");
        auto step = std::make_shared<CallbackStep>(std::move(step_name), fn, user_data, destroy, transform);
        pending.destroy = nullptr; // the step owns user_data now, even if what follows fails
        put_runnable(out, AnyRunnable(std::move(step)));
    });
}

// The call of a running callback, checked.
CallState& live_call(braid_call* call) {
    CallState& c = use(call, "call");
    if (!c.ctx)
        throw Error(errc::invalid_argument, "call is not a running callback's call");
    return c;
}

} // namespace

} // namespace braid::capi

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_runnable_from_callback(braid_runnable** out, const char* name, braid_step_fn fn, void* user_data,
                                          braid_destroy_fn destroy) {
    return make_callback_step(out, name, fn, user_data, destroy, false);
}

braid_status braid_runnable_from_transform_callback(braid_runnable** out, const char* name, braid_step_fn fn,
                                                    void* user_data, braid_destroy_fn destroy) {
    return make_callback_step(out, name, fn, user_data, destroy, true);
}

braid_status braid_call_set_output(braid_call* call, const char* output_json) {
    return guard([&] {
        CallState& c = live_call(call);
        if (c.transform)
            throw Error(errc::invalid_argument, "a transform step emits chunks with braid_call_emit, not braid_call_set_output");
        c.output = parse_json(output_json, "output_json");
    });
}

braid_status braid_call_emit(braid_call* call, const char* chunk_json) {
    return guard([&] {
        CallState& c = live_call(call);
        if (!c.transform)
            throw Error(errc::invalid_argument, "a plain callback step sets its output with braid_call_set_output, not braid_call_emit");
        c.chunks.push_back(parse_json(chunk_json, "chunk_json"));
    });
}

braid_status braid_call_set_error(braid_call* call, const char* message) {
    return guard([&] { live_call(call).error = std::string(require(message, "message")); });
}

braid_status braid_call_check(const braid_call* call) {
    return guard([&] {
        const CallState& c = use(call, "call");
        if (!c.ctx)
            throw Error(errc::invalid_argument, "call is not a running callback's call");
        c.ctx->check();
    });
}

const char* braid_call_configurable(braid_call* call) {
    try {
        CallState& c = live_call(call);
        c.configurable = dump_json(c.ctx->configurable());
        return c.configurable.c_str();
    } catch (...) {
        return "{}";
    }
}

braid_status braid_call_invoke(char** out_json, braid_call* call, const braid_runnable* runnable, const char* input_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        const CallState& c = live_call(call);
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        const Value input = parse_json(input_json, "input_json");
        put_string(out_json, dump_json(c.ctx->invoke(step, input)));
    });
}

} // extern "C"
