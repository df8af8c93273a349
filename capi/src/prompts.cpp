// The C functions of braid/prompts.h.
#include "handles.hpp"
#include "json_io.hpp"
#include "steps/prompt_steps.hpp"
#include "braid/prompts.h"

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_prompt_template(braid_runnable** out, const char* template_text, const char* partial_json) {
    return guard([&] {
        out_param(out, "out");
        const std::string text(require(template_text, "template_text"));
        put_runnable(out, make_prompt_template(text, parse_json_or(partial_json, "partial_json", Value())));
    });
}

braid_status braid_chat_prompt_template(braid_runnable** out, const char* messages_json, const char* partial_json) {
    return guard([&] {
        out_param(out, "out");
        const Value parts = parse_json(messages_json, "messages_json");
        put_runnable(out, make_chat_prompt(parts, parse_json_or(partial_json, "partial_json", Value())));
    });
}

braid_status braid_prompt_variables(char** out_json, const braid_runnable* prompt) {
    return guard([&] {
        out_param(out_json, "out_json");
        const AnyRunnable& runnable = use(prompt, "prompt").runnable;
        const auto* step = dynamic_cast<const PromptStep*>(runnable.impl().get());
        if (!step)
            throw Error(errc::invalid_argument, "prompt is not a prompt template (it is '" + runnable.name() + "')");
        put_string(out_json, dump_json(Value(step->input_variables())));
    });
}

} // extern "C"
