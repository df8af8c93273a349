/**
 * @file
 * @brief Models: a GGUF model loaded once and shared read-only: its weights, metadata, a summary and its
 * tokenizer.
 *
 * A ::braid_model is immutable after loading and may be used from many threads at once. Generation and
 * embeddings run in per-caller contexts created from a model (braid/context.h); its chat template renders
 * conversations into prompts (braid/chat_template.h).
 */
#ifndef BRAID_MODEL_H
#define BRAID_MODEL_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/tokenizer.h"

BRAID_BEGIN_DECLS

/** A loaded model. Immutable and thread-safe; free with braid_model_free(). */
typedef struct braid_model braid_model;

/**
 * Reports the progress of a load.
 *
 * @param progress from 0 to 1, increasing.
 * @param user_data the pointer given in the options.
 * @return #BRAID_OK to go on; anything else cancels the load (#BRAID_ERROR_CANCELLED).
 */
typedef braid_status (*braid_progress_fn)(float progress, void *user_data);

/** braid_model_options flag: read only the metadata and the tokenizer, not the weights (any GGUF file,
 *  e.g. a vocabulary-only file or one of an architecture braid does not run; no context can be made). */
#define BRAID_MODEL_METADATA_ONLY 0x1u

/**
 * How braid_model_load() loads a model. Start from #BRAID_MODEL_OPTIONS_INIT; fields are only ever
 * appended (the library reads `struct_size` bytes).
 */
typedef struct braid_model_options {
    uint32_t struct_size;         /**< sizeof(braid_model_options). */
    uint32_t flags;               /**< #BRAID_MODEL_METADATA_ONLY or 0. */
    braid_progress_fn progress;   /**< NULL, or called on the loading thread as the load advances. */
    void *progress_user_data;     /**< Passed to @ref progress. */
} braid_model_options;

/** The size of version 1 of braid_model_options (what a caller must pass at least). */
#define BRAID_MODEL_OPTIONS_V1_SIZE 24u

/** The default model options. */
#define BRAID_MODEL_OPTIONS_INIT {sizeof(braid_model_options), 0u, NULL, NULL}

/**
 * Loads a GGUF model: validates the file, builds its tokenizer from the `tokenizer.ggml.*` metadata (a file
 * without one loads, and braid_model_tokenizer() then says so) and, unless #BRAID_MODEL_METADATA_ONLY or
 * the file has no tensors (a vocabulary file), loads its weights for the architecture it names (llama,
 * qwen2, bert), checking every tensor the architecture needs.
 *
 * @param[out] out_model the model; the caller frees it with braid_model_free().
 * @param path the path (UTF-8).
 * @param options NULL for the defaults, or the options.
 * @return #BRAID_OK; #BRAID_ERROR_IO; #BRAID_ERROR_MODEL_FORMAT (also a missing or malformed weight);
 *         #BRAID_ERROR_UNSUPPORTED (an architecture or tensor type braid does not run: load it with
 *         #BRAID_MODEL_METADATA_ONLY to read its metadata); #BRAID_ERROR_CANCELLED when the progress
 *         callback stopped it; #BRAID_ERROR_INVALID_ARGUMENT (also unknown flags).
 */
BRAID_API braid_status braid_model_load(braid_model **out_model, const char *path,
                                        const braid_model_options *options);

/**
 * Frees a model. Tokenizers taken from it keep working.
 *
 * @param model the model, or NULL (nothing happens).
 */
BRAID_API void braid_model_free(braid_model *model);

/**
 * A summary of the model: `{"path", "architecture", "name", "context_length", "embedding_length",
 * "block_count", "head_count", "head_count_kv", "vocab_size", "tensor_count", "parameters",
 * "tensor_bytes", "has_tokenizer", "has_weights", "embedding", "has_chat_template"}` (null for what the
 * file does not say; `embedding`: whether the model gives embeddings rather than text).
 *
 * @param[out] out_json the object; the caller frees it with braid_string_free().
 * @param model the model.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_model_info(char **out_json, const braid_model *model);

/**
 * The model file's metadata as a JSON object (see braid_gguf_metadata()).
 *
 * @param[out] out_json the object; the caller frees it with braid_string_free().
 * @param model the model.
 * @param max_array_items the longest array written whole (UINT32_MAX: all).
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_model_metadata(char **out_json, const braid_model *model, uint32_t max_array_items);

/**
 * The model's tokenizer, as a handle of its own (it shares the model's tokenizer and stays valid after
 * braid_model_free()).
 *
 * @param[out] out_tokenizer the tokenizer; the caller frees it with braid_tokenizer_free().
 * @param model the model.
 * @return #BRAID_OK; #BRAID_ERROR_NOT_FOUND when the file has no tokenizer; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_model_tokenizer(braid_tokenizer **out_tokenizer, const braid_model *model);

BRAID_END_DECLS

#endif /* BRAID_MODEL_H */
