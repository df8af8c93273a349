/**
 * @file
 * @brief Chat templates: turning a conversation into a model's prompt text with the Jinja template of its
 * GGUF file (`tokenizer.chat_template`) or any template text, rendered as Hugging Face transformers does.
 *
 * The context is a JSON object of template variables: `messages` (OpenAI-style, with tool calls and tool
 * results), `tools`, `add_generation_prompt`, `bos_token`, `eos_token`, `documents` and any other key.
 * Rendering is thread-safe. See docs/guides/chat_templates.md for the supported Jinja subset.
 *
 * @code
 * char *prompt = NULL;
 * braid_model_apply_chat_template(&prompt, model,
 *     "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi!\"}], \"add_generation_prompt\": true}");
 * // generate from `prompt` with BRAID_GENERATE_PARSE_SPECIAL, then braid_string_free(prompt)
 * @endcode
 */
#ifndef BRAID_CHAT_TEMPLATE_H
#define BRAID_CHAT_TEMPLATE_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/model.h"

BRAID_BEGIN_DECLS

/**
 * Renders a template text with a context.
 *
 * @param[out] out_text the rendered text; the caller frees it with braid_string_free().
 * @param template_text the Jinja template (UTF-8, NUL-terminated).
 * @param context_json a JSON object of variables, or NULL for none.
 * @return #BRAID_OK; #BRAID_ERROR_PARSE for a template syntax error (the message gives its line and
 *         column) or malformed JSON; #BRAID_ERROR_TEMPLATE for an error while rendering (an undefined
 *         variable used, a type error, `raise_exception(...)` in the template, a size or step limit);
 *         #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_chat_template_render(char **out_text, const char *template_text, const char *context_json);

/**
 * The model's own chat template (`tokenizer.chat_template`).
 *
 * @param[out] out_text the template text; the caller frees it with braid_string_free().
 * @param model the model.
 * @return #BRAID_OK; #BRAID_ERROR_NOT_FOUND when the file has none; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_model_chat_template(char **out_text, const braid_model *model);

/**
 * Renders the model's own chat template as transformers' `apply_chat_template` does: variables the context
 * does not give default to `add_generation_prompt` false, `tools` and `documents` null, and `bos_token` /
 * `eos_token` the texts of the vocabulary's BOS and EOS tokens.
 *
 * @param[out] out_text the prompt text; the caller frees it with braid_string_free().
 * @param model the model.
 * @param context_json a JSON object of variables (at least `messages`), or NULL.
 * @return as braid_chat_template_render(), and #BRAID_ERROR_NOT_FOUND when the model has no template.
 */
BRAID_API braid_status braid_model_apply_chat_template(char **out_text, const braid_model *model, const char *context_json);

BRAID_END_DECLS

#endif /* BRAID_CHAT_TEMPLATE_H */
