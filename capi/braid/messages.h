/**
 * @file
 * @brief Chat messages as JSON (OpenAI style): normalizing, rendering as text, adding up streamed chunks.
 *
 * A message is `{"role": "system"|"user"|"assistant"|"tool"|(any other role), "content": "...",
 * "tool_calls": [{"id", "type": "function", "function": {"name", "arguments": {...}}}],
 * "tool_call_id": "...", "name": "..."}`; empty fields are left out. A streamed chunk is
 * `{"role", "content", "tool_call_chunks": [{"index", "id", "name", "arguments": "<JSON text piece>"}]}`.
 */
#ifndef BRAID_MESSAGES_H
#define BRAID_MESSAGES_H

#include "braid/common.h"
#include "braid/errors.h"

BRAID_BEGIN_DECLS

/**
 * Checks messages and writes them in canonical form ("human" → "user", "ai" → "assistant", tool-call
 * arguments given as JSON text parsed, content parts joined).
 *
 * @param[out] out_json the canonical message (for an object) or array of messages (for an array); the caller
 *             frees it with braid_string_free().
 * @param messages_json a message object or an array of them.
 * @return #BRAID_OK; #BRAID_ERROR_PARSE naming the bad field; #BRAID_ERROR_TOOL for invalid tool
 *         arguments; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_messages_normalize(char **out_json, const char *messages_json);

/**
 * Renders messages as one text, a line per message prefixed by its role ("System: ...", "Human: ...",
 * "AI: ...").
 *
 * @param[out] out_text the text; the caller frees it with braid_string_free().
 * @param messages_json an array of messages.
 * @param human_prefix NULL for "Human", or the prefix of user messages.
 * @param ai_prefix NULL for "AI", or the prefix of assistant messages.
 * @return #BRAID_OK; #BRAID_ERROR_PARSE; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_messages_to_text(char **out_text, const char *messages_json,
                                              const char *human_prefix, const char *ai_prefix);

/**
 * Adds up the streamed chunks of one answer into the whole message (content appended, tool-call
 * fragments merged by index and their arguments parsed).
 *
 * @param[out] out_json the message; the caller frees it with braid_string_free().
 * @param chunks_json an array of chunk objects.
 * @return #BRAID_OK; #BRAID_ERROR_PARSE; #BRAID_ERROR_TOOL when tool arguments are not valid JSON;
 *         #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_message_chunks_concat(char **out_json, const char *chunks_json);

BRAID_END_DECLS

#endif /* BRAID_MESSAGES_H */
