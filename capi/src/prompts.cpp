// The C functions of braid/prompts.h.
#include "handles.hpp"
#include "json_io.hpp"
#include "braid/prompts.h"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/prompt_step.hpp"
#include "braid/prompts/prompt_template.hpp"

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_prompt_template(braid_runnable** out, const char* template_text, const char* partial_json) {
    return guard([&] {
        out_param(out, "out");
        const std::string text(require(template_text, "template_text"));
        const PartialValues partial = partial_values(parse_json_or(partial_json, "partial_json", Value()));
        PromptTemplate prompt(text);
        put_runnable(out, partial.empty() ? prompt : prompt.partial(partial));
    });
}

braid_status braid_chat_prompt_template(braid_runnable** out, const char* messages_json, const char* partial_json) {
    return guard([&] {
        out_param(out, "out");
        const ChatPromptTemplate prompt = ChatPromptTemplate::from_json(parse_json(messages_json, "messages_json"));
        const PartialValues partial = partial_values(parse_json_or(partial_json, "partial_json", Value()));
        put_runnable(out, partial.empty() ? prompt : prompt.partial(partial));
    });
}

braid_status braid_prompt_variables(char** out_json, const braid_runnable* prompt) {
    return guard([&] {
        out_param(out_json, "out_json");
        const AnyRunnable& runnable = use(prompt, "prompt").runnable;
        const auto step = find_impl<PromptImpl>(runnable);
        if (!step)
            throw Error(errc::invalid_argument, "prompt is not a prompt template (it is '" + runnable.name() + "')");
        put_string(out_json, dump_json(Value(step->input_variables())));
    });
}

} // extern "C"
