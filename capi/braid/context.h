/**
 * @file
 * @brief Contexts: running a loaded model — text generation with sampling and streaming, and sentence
 * embeddings.
 *
 * A ::braid_context holds a KV cache and the working memory of one model on one backend (CPU or Vulkan).
 * It belongs to one caller at a time: a call on a context that another thread is using fails with
 * #BRAID_ERROR_INVALID_ARGUMENT instead of racing. Create one context per thread (they share the model's
 * weights).
 *
 * @code
 * braid_context *ctx = NULL;
 * braid_context_create(&ctx, model, NULL);
 * braid_generate_options gen = BRAID_GENERATE_OPTIONS_INIT;
 * gen.max_tokens = 64;
 * gen.temperature = 0.0f;                       // greedy
 * char *result = NULL;                          // {"text", "tokens", "stop_reason", ...}
 * braid_context_generate(&result, ctx, "Once upon a time", &gen, print_piece, NULL);
 * braid_string_free(result);
 * braid_context_free(ctx);
 * @endcode
 */
#ifndef BRAID_CONTEXT_H
#define BRAID_CONTEXT_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/model.h"
#include "braid/runnable.h"

BRAID_BEGIN_DECLS

/** A model's running state (KV cache, buffers) for one caller at a time; free with braid_context_free(). */
typedef struct braid_context braid_context;

/** Where a context computes. */
typedef enum braid_backend {
    BRAID_BACKEND_AUTO = 0,   /**< Vulkan when a GPU (not a CPU implementation) is present, else the CPU. */
    BRAID_BACKEND_CPU = 1,    /**< The CPU backend (multi-threaded SIMD kernels). */
    BRAID_BACKEND_VULKAN = 2, /**< The Vulkan backend (any Vulkan 1.2 device; `BRAID_VK_DEVICE` picks one). */
    BRAID_BACKEND_MAX_ENUM = 0x7FFFFFFF
} braid_backend;

/** braid_context_options flag: when Vulkan was asked for but cannot start, log it and use the CPU. */
#define BRAID_CONTEXT_CPU_FALLBACK 0x1u

/**
 * How braid_context_create() makes a context. Start from #BRAID_CONTEXT_OPTIONS_INIT; fields are only ever
 * appended.
 */
typedef struct braid_context_options {
    uint32_t struct_size;  /**< sizeof(braid_context_options). */
    uint32_t flags;        /**< #BRAID_CONTEXT_CPU_FALLBACK or 0. */
    uint32_t n_ctx;        /**< Tokens the KV cache holds; 0: the model's training context. */
    uint32_t n_batch;      /**< Most tokens decoded in one pass (longer prompts are split); 0: 512. */
    uint32_t threads;      /**< CPU threads; 0: one per core. */
    braid_backend backend; /**< Where to compute. */
} braid_context_options;

/** The size of version 1 of braid_context_options (what a caller must pass at least). */
#define BRAID_CONTEXT_OPTIONS_V1_SIZE 24u

/** The default context options. */
#define BRAID_CONTEXT_OPTIONS_INIT {sizeof(braid_context_options), 0u, 0u, 0u, 0u, BRAID_BACKEND_AUTO}

/**
 * Creates a context for a model loaded with its weights.
 *
 * @param[out] out_context the context; the caller frees it with braid_context_free(). It keeps the model
 *             alive: the model may be freed first.
 * @param model the model.
 * @param options NULL for the defaults, or the options.
 * @return #BRAID_OK; #BRAID_ERROR_UNSUPPORTED for a model loaded without weights
 *         (#BRAID_MODEL_METADATA_ONLY, or a file with no tensors); #BRAID_ERROR_OUT_OF_MEMORY naming what did
 *         not fit (e.g. a KV cache too large); #BRAID_ERROR_DEVICE when Vulkan cannot start (without
 *         #BRAID_CONTEXT_CPU_FALLBACK); #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_context_create(braid_context **out_context, const braid_model *model,
                                            const braid_context_options *options);

/**
 * Frees a context.
 *
 * @param context the context, or NULL (nothing happens). Not while another thread uses it.
 */
BRAID_API void braid_context_free(braid_context *context);

/**
 * A summary of the context: `{"backend": "cpu"|"vulkan", "device", "n_ctx", "n_used", "embedding"}`
 * (`n_used`: cells of the KV cache in use; `embedding`: whether the model gives embeddings rather than
 * text).
 *
 * @param[out] out_json the object; the caller frees it with braid_string_free().
 * @param context the context.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_context_info(char **out_json, const braid_context *context);

/**
 * Empties the KV cache (the next generation starts from nothing).
 *
 * @param context the context.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_context_clear(braid_context *context);

/**
 * Receives generated text as it is produced: whole UTF-8 characters, never a stop string or a part of one.
 *
 * @param piece the text, NUL-terminated (valid during the call only).
 * @param piece_len its length in bytes.
 * @param user_data the pointer given to braid_context_generate().
 * @return #BRAID_OK to go on; anything else stops the generation, which then returns the callback's own
 *         status when it is an error status (-1 to -14, or #BRAID_ERROR_CALLBACK: a binding's exception),
 *         else #BRAID_ERROR_CANCELLED.
 */
typedef braid_status (*braid_text_fn)(const char *piece, size_t piece_len, void *user_data);

/** braid_generate_options flag: keep generating past end-of-generation tokens. */
#define BRAID_GENERATE_IGNORE_EOS 0x1u
/** braid_generate_options flag: control-token text in the prompt (e.g. `<|im_start|>`) stands for the
 *  tokens, as in a prompt rendered by a chat template. Never set it for text a user typed. */
#define BRAID_GENERATE_PARSE_SPECIAL 0x2u
/** braid_generate_options flag: continue the context's sequence (its KV cache is kept and the prompt
 *  follows it, without BOS) instead of clearing it and starting with BOS. */
#define BRAID_GENERATE_CONTINUE 0x4u

/**
 * How braid_context_generate() samples and when it stops; the defaults are llama.cpp's. Start from
 * #BRAID_GENERATE_OPTIONS_INIT; fields are only ever appended, after an explicit `_reserved` field where
 * the previous version ended in padding (so a grown struct always grows `sizeof`). Version 1 is
 * #BRAID_GENERATE_OPTIONS_V1_SIZE bytes (up to `_reserved0`); version 2 adds `cancel` and `timeout_ms`.
 */
typedef struct braid_generate_options {
    uint32_t struct_size;      /**< sizeof(braid_generate_options). */
    uint32_t flags;            /**< #BRAID_GENERATE_IGNORE_EOS, #BRAID_GENERATE_PARSE_SPECIAL, #BRAID_GENERATE_CONTINUE. */
    int32_t max_tokens;        /**< Most tokens to generate (≥ 0). */
    float temperature;         /**< Divides the logits; ≤ 0: greedy (argmax). */
    int32_t top_k;             /**< Keep the k most likely tokens; ≤ 0: off. */
    float top_p;               /**< Keep the most likely tokens up to this probability mass; 1: off. */
    float min_p;               /**< Drop tokens below min_p × the most likely one's probability; 0: off. */
    float typical_p;           /**< Locally typical sampling mass; 1: off. */
    float repeat_penalty;      /**< Penalty on the last penalty_last_n tokens; 1: off. */
    float frequency_penalty;   /**< Subtracted per occurrence in the last penalty_last_n tokens. */
    float presence_penalty;    /**< Subtracted once if present in the last penalty_last_n tokens. */
    int32_t penalty_last_n;    /**< How many recent tokens the penalties look at; 0: off. */
    uint64_t seed;             /**< The sampler's seed: same seed, same backend, same text. */
    const char *const *stop;   /**< Stop strings (UTF-8; they end the text and are not part of it), or NULL. */
    uint32_t stop_count;       /**< Number of @ref stop strings. */
    uint32_t _reserved0;       /**< Version 1's tail padding, named: ignored; set 0. */
    /* Version 2. */
    const braid_cancel_token *cancel; /**< Cancels the generation from another thread (between graph steps of the
                                           prompt and before every token): #BRAID_ERROR_CANCELLED. NULL: none. */
    uint32_t timeout_ms;       /**< Deadline from the start of the call (prompt decoding included):
                                    #BRAID_ERROR_TIMEOUT once passed. 0: none. */
    uint32_t _reserved1;       /**< Keeps the struct free of tail padding: set 0. */
} braid_generate_options;

/** The size of version 1 of braid_generate_options (up to `_reserved0`, before `cancel`). */
#define BRAID_GENERATE_OPTIONS_V1_SIZE 72u

/** The default generation options (llama.cpp's sampling defaults, 256 tokens, no stop strings). */
#define BRAID_GENERATE_OPTIONS_INIT                                                                          \
    {sizeof(braid_generate_options), 0u, 256, 0.8f, 40, 0.95f, 0.05f, 1.0f, 1.0f, 0.0f, 0.0f, 64, 0u, NULL, 0u, \
     0u, NULL, 0u, 0u}

/**
 * Generates a continuation of a prompt, streaming it through @p on_text.
 *
 * The prompt is tokenized with the model's tokenizer (BOS added as the vocabulary says, unless
 * #BRAID_GENERATE_CONTINUE), decoded in batches of n_batch, then tokens are sampled one at a time until
 * max_tokens, an end-of-generation token, a stop string, a full context or @p on_text says stop.
 *
 * @param[out] out_json `{"text", "tokens": [ids], "stop_reason": "length" | "end_of_generation" |
 *             "stop_string" | "context_full", "prompt_tokens", "prompt_ms", "generate_ms"}` (`text` without
 *             the stop string or end token); the caller frees it with braid_string_free().
 * @param context the context (of a text model).
 * @param prompt the prompt (UTF-8, NUL-terminated).
 * @param options NULL for the defaults, or the options.
 * @param on_text NULL, or called with each piece of text as it is generated, on the calling thread.
 * @param user_data passed to @p on_text.
 * @return #BRAID_OK; #BRAID_ERROR_CANCELLED when options->cancel was cancelled or @p on_text stopped it
 *         (see ::braid_text_fn; the text so far was delivered); #BRAID_ERROR_TIMEOUT when
 *         options->timeout_ms passed;
 *         #BRAID_ERROR_OUT_OF_MEMORY when the prompt does not fit the context (the cache is left as it
 *         was); #BRAID_ERROR_UNSUPPORTED for an embedding model; #BRAID_ERROR_INVALID_ARGUMENT (also a
 *         context in use by another thread, out-of-range options or unknown flags).
 */
BRAID_API braid_status braid_context_generate(char **out_json, braid_context *context, const char *prompt,
                                              const braid_generate_options *options, braid_text_fn on_text,
                                              void *user_data);

/** braid_context_embed() flag: the pooled embedding as computed, not scaled to unit length. */
#define BRAID_EMBED_RAW 0x1u

/**
 * The embedding of a text with an embedding model (bert family): the sequence pooled as the model says
 * (mean, CLS or last token), L2-normalized unless #BRAID_EMBED_RAW. Follows the caller-buffer pattern of
 * braid/tokenizer.h: the size is always written; capacity 0 with a NULL buffer asks for it.
 *
 * @param[out] out_count the number of values (the model's embedding length).
 * @param[out] embedding NULL when @p capacity is 0, else room for @p capacity floats.
 * @param capacity the room in @p embedding.
 * @param context the context (of an embedding model); its cache is cleared.
 * @param text the text (UTF-8, NUL-terminated); [CLS]/[SEP] are added as the vocabulary says.
 * @param flags #BRAID_EMBED_RAW or 0.
 * @return #BRAID_OK; #BRAID_ERROR_BUFFER_TOO_SMALL; #BRAID_ERROR_UNSUPPORTED for a model that does not
 *         give embeddings; #BRAID_ERROR_OUT_OF_MEMORY for a text longer than the context;
 *         #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_context_embed(size_t *out_count, float *embedding, size_t capacity,
                                           braid_context *context, const char *text, uint32_t flags);

/**
 * How braid_context_embed_v2() embeds a text. Start from #BRAID_EMBED_OPTIONS_INIT; fields are only ever
 * appended.
 */
typedef struct braid_embed_options {
    uint32_t struct_size;             /**< sizeof(braid_embed_options). */
    uint32_t flags;                   /**< #BRAID_EMBED_RAW or 0. */
    const braid_cancel_token *cancel; /**< Cancels the decode between graph steps: #BRAID_ERROR_CANCELLED. NULL: none. */
    uint32_t timeout_ms;              /**< Deadline from the start of the call: #BRAID_ERROR_TIMEOUT. 0: none. */
    uint32_t _reserved0;              /**< Keeps the struct free of tail padding: set 0. */
} braid_embed_options;

/** The size of version 1 of braid_embed_options. */
#define BRAID_EMBED_OPTIONS_V1_SIZE 24u

/** The default embedding options: normalized, no cancellation, no deadline. */
#define BRAID_EMBED_OPTIONS_INIT {sizeof(braid_embed_options), 0u, NULL, 0u, 0u}

/**
 * braid_context_embed() with options: a cancel token and a deadline besides the flags.
 *
 * @param[out] out_count as braid_context_embed().
 * @param[out] embedding as braid_context_embed().
 * @param capacity as braid_context_embed().
 * @param context as braid_context_embed().
 * @param text as braid_context_embed().
 * @param options NULL for the defaults, or the options.
 * @return what braid_context_embed() returns; #BRAID_ERROR_CANCELLED or #BRAID_ERROR_TIMEOUT when the
 *         token or the deadline stopped it (nothing is written to @p embedding then).
 */
BRAID_API braid_status braid_context_embed_v2(size_t *out_count, float *embedding, size_t capacity,
                                              braid_context *context, const char *text,
                                              const braid_embed_options *options);

BRAID_END_DECLS

#endif /* BRAID_CONTEXT_H */
