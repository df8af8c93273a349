/**
 * @file
 * @brief Test doubles: a scripted fake chat model (braid::testing::FakeChatModel) as a runnable, and a
 * deterministic embedder (braid::testing::DeterministicEmbeddings).
 *
 * The fake model answers with scripted responses in turn, whatever the prompt; it is what tests,
 * samples and benchmarks put between a prompt and a parser when no real model should run. The
 * deterministic embedder stands in for an embedding model in retrieval tests (braid/retrieval.h).
 */
#ifndef BRAID_TESTING_H
#define BRAID_TESTING_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/local_models.h"
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

/**
 * A test double of an embedding model: a text's vector hashes its words (ASCII letters and digits,
 * lowercased) into @p dimension components with signs, scaled to unit length. Texts sharing words get a
 * positive cosine similarity, the same words give the same vector on every machine, and a text without
 * words gives the zero vector. The vectors mean nothing beyond shared words: use a real model
 * (braid_local_embeddings_create()) for anything but tests, samples and benchmarks.
 *
 * @param[out] out the embedder; the caller frees it with braid_embeddings_free().
 * @param dimension the vectors' length, from 1 to 65536.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT (NULL out, or a dimension out of range).
 */
BRAID_API braid_status braid_deterministic_embeddings(braid_embeddings **out, size_t dimension);

BRAID_END_DECLS

#endif /* BRAID_TESTING_H */
