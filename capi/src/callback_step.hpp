// A step written by the caller: a C function called through braid_call (see braid/callback.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "handles.hpp"
#include "braid/callback.h"
#include "braid/core/runnable_impl.hpp"

namespace braid::capi {

/// What a braid_call handle points to: one call of a callback step, alive while the function runs.
struct CallState {
    static constexpr Tag tag_value = Tag::call;
    static constexpr const char* type_name = "braid_call";
    Tag tag = tag_value;
    const RunContext* ctx = nullptr;
    bool transform = false;          // emits chunks instead of setting one output
    std::optional<Value> output;     // braid_call_set_output
    std::vector<Value> chunks;       // braid_call_emit
    std::optional<std::string> error; // braid_call_set_error
    std::string configurable;        // text handed out by braid_call_configurable
};

/// The step: calls the function once per input (plain), or once per input chunk when streamed
/// (transform). Owns the user data: destroy(user_data) runs with the destructor.
class CallbackStep final : public RunnableImpl<Value, Value> {
public:
    /// Takes ownership of @p user_data (released with @p destroy).
    CallbackStep(std::string name, braid_step_fn fn, void* user_data, braid_destroy_fn destroy, bool transform) noexcept;
    ~CallbackStep() override;
    CallbackStep(const CallbackStep&) = delete;
    CallbackStep& operator=(const CallbackStep&) = delete;

    Value invoke(const Value& input, const RunContext& ctx) const override;
    Stream<Value> transform(Stream<Value> input, const RunContext& ctx) const override;
    StreamMode stream_mode() const override { return transform_ ? StreamMode::transform : StreamMode::buffer; }
    std::string name() const override { return name_; }

private:
    // Calls the function on @p input; its outcome is in @p call. Throws the error it returned.
    void call(CallState& call, const Value& input) const;
    static Stream<Value> transform_chunks(const CallbackStep* self, Stream<Value> input, const RunContext& ctx);

    std::string name_;
    braid_step_fn fn_;
    void* user_data_;
    braid_destroy_fn destroy_;
    bool transform_;
};

} // namespace braid::capi
