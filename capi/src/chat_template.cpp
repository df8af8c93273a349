// The C functions of braid/chat_template.h: rendering a conversation with a Jinja chat template.
#include <string>

#include "handles.hpp"
#include "json_io.hpp"
#include "braid/chat_template.h"
#include "braid/engine/chat_template.hpp"

using namespace braid;
using namespace braid::capi;

namespace {

Value context_of(const char* context_json) {
    Value context = parse_json_or(context_json, "context_json", Value::object());
    if (!context.is_object())
        throw Error(errc::invalid_argument, std::string("context_json must be a JSON object of template variables, got ") +
                                                context.type_name());
    return context;
}

std::string model_template(const ModelData& model) {
    const gguf::Value* source = model.file().find("tokenizer.chat_template");
    if (!source)
        throw Error(errc::not_found, "the model file " + model.file().name() + " has no chat template (tokenizer.chat_template)");
    if (source->type() != gguf::ValueType::String)
        throw Error(errc::model_format, "the model file " + model.file().name() + ": tokenizer.chat_template is not a string");
    return std::string(source->as_string());
}

// The text of a special token, when the model's tokenizer has it.
void set_token_text(Value& context, const char* key, const engine::Tokenizer* tokenizer, std::optional<engine::TokenId> id) {
    if (context.contains(key) || !tokenizer || !id)
        return;
    context[key] = tokenizer->token_to_piece(*id, true);
}

} // namespace

extern "C" {

braid_status braid_chat_template_render(char** out_text, const char* template_text, const char* context_json) {
    return guard([&] {
        out_param(out_text, "out_text");
        require(template_text, "template_text");
        const Value context = context_of(context_json);
        put_string(out_text, engine::ChatTemplate(template_text).render(context));
    });
}

braid_status braid_model_chat_template(char** out_text, const braid_model* model) {
    return guard([&] {
        out_param(out_text, "out_text");
        put_string(out_text, model_template(*use(model, "model").data));
    });
}

braid_status braid_model_apply_chat_template(char** out_text, const braid_model* model, const char* context_json) {
    return guard([&] {
        out_param(out_text, "out_text");
        const ModelData& data = *use(model, "model").data;
        Value context = context_of(context_json);
        const std::string source = model_template(data);
        // What transformers' apply_chat_template passes when the caller does not say.
        for (const char* key : {"tools", "documents"})
            if (!context.contains(key))
                context[key] = nullptr;
        if (!context.contains("add_generation_prompt"))
            context["add_generation_prompt"] = false;
        const engine::Tokenizer* tokenizer = data.tokenizer.get();
        set_token_text(context, "bos_token", tokenizer, tokenizer ? tokenizer->bos() : std::nullopt);
        set_token_text(context, "eos_token", tokenizer, tokenizer ? tokenizer->eos() : std::nullopt);
        put_string(out_text, engine::ChatTemplate(source).render(context));
    });
}

} // extern "C"
