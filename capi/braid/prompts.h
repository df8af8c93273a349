/**
 * @file
 * @brief Prompt templates as runnables: a text template (`{variable}` placeholders) and a chat prompt
 * (message templates, fixed messages and message placeholders).
 *
 * Both take a JSON object of variables. A text template returns a JSON string; a chat prompt returns a
 * JSON array of messages (`[{"role": "system", "content": "..."}, ...]`), what a chat model step takes.
 */
#ifndef BRAID_PROMPTS_H
#define BRAID_PROMPTS_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/runnable.h"

BRAID_BEGIN_DECLS

/**
 * A text template: `{name}` placeholders, `{{` and `}}` for literal braces. String variables are
 * inserted as they are, other values as their JSON text.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param template_text the template (parsed now).
 * @param partial_json NULL, or a JSON object of variables bound ahead.
 * @return #BRAID_OK; #BRAID_ERROR_TEMPLATE for a malformed template (message names the offset);
 *         #BRAID_ERROR_INVALID_ARGUMENT (NULL, or a partial variable the template lacks); #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_prompt_template(braid_runnable **out, const char *template_text,
                                             const char *partial_json);

/**
 * A chat prompt from a JSON array of parts, in order:
 * - `["system", "You are {role}."]` or `{"role": "user", "content": "{q}"}`: a message template;
 * - `{"placeholder": "history", "optional": true}`: the messages in variable "history" (an array of
 *   message objects, `[role, content]` pairs or strings);
 * - `{"message": {"role": "assistant", "content": "..."}}`: a fixed message, not formatted.
 *
 * @param[out] out the step; free with braid_runnable_free().
 * @param messages_json the parts.
 * @param partial_json NULL, or a JSON object of variables bound ahead.
 * @return #BRAID_OK; #BRAID_ERROR_TEMPLATE; #BRAID_ERROR_INVALID_ARGUMENT (naming the bad part);
 *         #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_chat_prompt_template(braid_runnable **out, const char *messages_json,
                                                  const char *partial_json);

/**
 * The variables a prompt needs from its caller, in order of first appearance.
 *
 * @param[out] out_json a JSON array of names; the caller frees it with braid_string_free().
 * @param prompt a runnable made by braid_prompt_template() or braid_chat_prompt_template().
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT (NULL, or not a prompt).
 */
BRAID_API braid_status braid_prompt_variables(char **out_json, const braid_runnable *prompt);

BRAID_END_DECLS

#endif /* BRAID_PROMPTS_H */
