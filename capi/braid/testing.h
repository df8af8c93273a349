/**
 * @file
 * @brief Test doubles: a scripted fake chat model (braid::testing::FakeChatModel) as a runnable.
 *
 * The fake model answers with scripted responses in turn, whatever the prompt; it is what tests,
 * samples and benchmarks put between a prompt and a parser when no real model should run.
 */
#ifndef BRAID_TESTING_H
#define BRAID_TESTING_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/runnable.h"

BRAID_BEGIN_DECLS

/**
 * A fake chat model step. It takes a prompt (a string, a message, or an array of messages) and returns an
 * assistant message object; streamed, it emits message chunks. Settings bound with braid_runnable_bind()
 * (e.g. "stop", "max_tokens") apply.
 *
 * @param[out] out the model step; free with braid_runnable_free().
 * @param config_json an array of answers, or an object: `{"responses": [...], "chunking": "words"|"chars"|
 *        "whole", "chunk_size": 1, "chunk_delay_us": 0, "record": true, "name": "fake_chat_model"}`.
 *        An answer is a string, `{"content": "...", "tool_calls": [...]}`, or a scripted failure
 *        `{"error": "timeout", "message": "...", "after_chunks": 0, "partial": "..."}` (error names as
 *        braid_status_str() minus spaces: "invalid_argument", "parse", ..., "internal").
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming the bad key; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_fake_chat_model(braid_runnable **out, const char *config_json);

/**
 * What a fake model was asked so far: `{"call_count": n, "received": [[messages of call 1], ...],
 * "options": [{...}, ...]}` (the lists are empty when recording is off).
 *
 * @param[out] out_json the record; the caller frees it with braid_string_free().
 * @param model a runnable made by braid_fake_chat_model().
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT (NULL, or not a fake model).
 */
BRAID_API braid_status braid_fake_chat_model_calls(char **out_json, const braid_runnable *model);

/**
 * Forgets what a fake model recorded and restarts its script from the first answer.
 *
 * @param model a runnable made by braid_fake_chat_model().
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_fake_chat_model_reset(const braid_runnable *model);

BRAID_END_DECLS

#endif /* BRAID_TESTING_H */
