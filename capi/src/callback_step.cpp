#include "callback_step.hpp"

#include "json_io.hpp"
#include "braid/core/chunk.hpp"

namespace braid::capi {

namespace {

[[noreturn]] void throw_failure(braid_status status, const std::optional<std::string>& message, const std::string& step) {
    const std::string text = "callback step '" + step + "' failed" +
                             (message ? ": " + *message
                                      : " with status " + std::to_string(static_cast<int>(status)) + " (" +
                                            braid_status_str(status) + ")");
    errc kind{};
    if (kind_of(status, kind))
        throw Error(kind, text);
    throw CallbackError(BRAID_ERROR_CALLBACK, text);
}

} // namespace

CallbackStep::CallbackStep(std::string name, braid_step_fn fn, void* user_data, braid_destroy_fn destroy,
                           bool transform) noexcept
    : name_(std::move(name)), fn_(fn), user_data_(user_data), destroy_(destroy), transform_(transform) {}

CallbackStep::~CallbackStep() {
    if (destroy_)
        destroy_(user_data_);
}

void CallbackStep::call(CallState& call, const Value& input) const {
    const std::string text = dump_json(input);
    const braid_status status = fn_(to_handle<braid_call>(&call), text.c_str(), user_data_);
    call.tag = Tag::freed; // the call is over: later uses of the pointer are refused
    if (status != BRAID_OK)
        throw_failure(status, call.error, name_);
}

Value CallbackStep::invoke(const Value& input, const RunContext& ctx) const {
    CallState c;
    c.ctx = &ctx;
    c.transform = transform_;
    call(c, input);
    if (!transform_)
        return c.output ? std::move(*c.output) : Value();
    // A transform step invoked once: its chunks add up to the output.
    Value total;
    for (Value& chunk : c.chunks)
        total = value_concat(std::move(total), chunk);
    return total;
}

Stream<Value> CallbackStep::transform(Stream<Value> input, const RunContext& ctx) const {
    if (!transform_)
        return RunnableImpl<Value, Value>::transform(std::move(input), ctx);
    return transform_chunks(this, std::move(input), ctx);
}

Stream<Value> CallbackStep::transform_chunks(const CallbackStep* self, Stream<Value> input, const RunContext& ctx) {
    while (auto chunk = input.next()) {
        CallState c;
        c.ctx = &ctx;
        c.transform = true;
        self->call(c, *chunk);
        for (Value& out : c.chunks)
            co_yield std::move(out);
    }
}

} // namespace braid::capi
