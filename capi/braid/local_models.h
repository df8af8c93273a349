/**
 * @file
 * @brief Local models: a chat model and an embedder running a loaded GGUF model (braid/model.h) in this
 * process, on the CPU or Vulkan.
 *
 * braid_local_chat_model_create() makes a ::braid_runnable (braid/runnable.h) that takes a prompt (a string,
 * a list of messages `[{"role": "user", "content": ...}]`, or a prompt value as JSON) and returns the
 * assistant message as JSON (`{"role": "assistant", "content": ..., "tool_calls": [...],
 * "response_metadata": {"finish_reason", "usage": {"prompt_tokens", "completion_tokens", ...}, "model"}}`);
 * streamed, its chunks are message chunks (`{"content": ...}`, the first with `"role": "assistant"`, tool
 * calls as `"tool_call_chunks"`), the last with `response_metadata`. A slow consumer may get several
 * decoded pieces in one chunk. Many threads may invoke it at once:
 * one scheduler batches their requests over `n_seq_max` sequences of one context. Cancellation and
 * deadlines come from the ::braid_run_options of each call.
 *
 * braid_local_embeddings_create() makes a ::braid_embeddings that embeds texts into a caller's buffer
 * (braid_embeddings_embed()), or a runnable (braid_embeddings_runnable()).
 *
 * Both keep the model alive: the ::braid_model may be freed first, and one model may serve many chat
 * models and embedders at once (the weights are shared, read-only).
 *
 * @code
 * braid_model *model = NULL;
 * braid_model_load(&model, "stories260K.gguf", NULL);
 * braid_local_chat_model_options o = BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT;
 * o.n_seq_max = 2;
 * o.defaults_json = "{\"temperature\": 0, \"max_tokens\": 32}";
 * braid_runnable *chat = NULL;
 * braid_local_chat_model_create(&chat, model, &o);
 * char *answer = NULL;                              // {"role": "assistant", "content": "...", ...}
 * braid_runnable_invoke(&answer, chat, "\"Once upon a time\"", NULL);
 * braid_string_free(answer);
 * braid_runnable_free(chat);
 * braid_model_free(model);
 * @endcode
 */
#ifndef BRAID_LOCAL_MODELS_H
#define BRAID_LOCAL_MODELS_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/context.h"
#include "braid/model.h"
#include "braid/runnable.h"

BRAID_BEGIN_DECLS

/** What a local chat model does with a conversation longer than its per-sequence context. */
typedef enum braid_context_overflow {
    BRAID_CONTEXT_OVERFLOW_ERROR = 0,             /**< Fail the request (#BRAID_ERROR_OUT_OF_MEMORY, naming the sizes). */
    BRAID_CONTEXT_OVERFLOW_DROP_OLDEST_TURNS = 1, /**< Drop the oldest turns after the system message until it fits. */
    BRAID_CONTEXT_OVERFLOW_MAX_ENUM = 0x7FFFFFFF
} braid_context_overflow;

/** braid_local_chat_model_options flag: do not keep finished conversations' caches for follow-up turns. */
#define BRAID_LOCAL_CHAT_NO_PROMPT_CACHE 0x1u
/** braid_local_chat_model_options flag: keys and values in the KV cache as fp32 instead of fp16. */
#define BRAID_LOCAL_CHAT_KV_F32 0x2u
/** braid_local_chat_model_options flag: when Vulkan was asked for but cannot start, log it and use the CPU. */
#define BRAID_LOCAL_CHAT_CPU_FALLBACK 0x4u
/** braid_local_chat_model_options flag: malformed tool calls become content instead of failing the request
 *  (streamed calls are then sent only once complete). */
#define BRAID_LOCAL_CHAT_MALFORMED_TOOL_CALLS_AS_CONTENT 0x8u

/**
 * How braid_local_chat_model_create() runs a model. Start from #BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT; fields
 * are only ever appended (the library reads `struct_size` bytes). Strings are copied during the call.
 */
typedef struct braid_local_chat_model_options {
    uint32_t struct_size;            /**< sizeof(braid_local_chat_model_options). */
    uint32_t flags;                  /**< #BRAID_LOCAL_CHAT_NO_PROMPT_CACHE, #BRAID_LOCAL_CHAT_KV_F32, #BRAID_LOCAL_CHAT_CPU_FALLBACK,
                                          #BRAID_LOCAL_CHAT_MALFORMED_TOOL_CALLS_AS_CONTENT. */
    braid_backend backend;           /**< Where to compute (#BRAID_BACKEND_AUTO: the model's default). */
    uint32_t threads;                /**< CPU threads; 0: one per hardware thread. */
    uint32_t n_ctx;                  /**< KV cells of the shared context (split over the sequences); 0: the model's training context × n_seq_max, capped. */
    uint32_t n_seq_max;              /**< Requests decoded together; 0: 4. */
    uint32_t n_batch;                /**< Most tokens per decode step; 0: 512. */
    uint32_t prompt_chunk;           /**< Most prompt tokens of one request per step (keeps others generating); 0: 256. */
    uint32_t max_queue;              /**< Requests that may wait for a sequence before new ones fail; 0: 64. */
    braid_context_overflow overflow; /**< What a conversation longer than a sequence's context does. */
    const char *chat_template;       /**< NULL: the model's (`tokenizer.chat_template`, else plain ChatML); else a Jinja template. */
    const char *defaults_json;       /**< NULL, or generation options as a JSON object (`temperature`, `max_tokens`,
                                          `top_k`, `top_p`, `stop`, `seed`, ...) used where a call's options say nothing. */
    const char *name;                /**< NULL: "LocalChatModel"; else the runnable's name. */
    const char *tool_call_format;    /**< NULL: detected from the chat template; else a format name of
                                          braid_tool_calls_parse() ("hermes", "llama3", ...). */
    uint32_t grammar_cache_size;     /**< Compiled grammars kept for reuse (response_format, tools); 0: 32. */
    uint32_t _reserved0;             /**< Keeps the struct free of tail padding: set 0. */
} braid_local_chat_model_options;

/** The size of version 1 of braid_local_chat_model_options (what a caller must pass at least). */
#define BRAID_LOCAL_CHAT_MODEL_OPTIONS_V1_SIZE 80u

/** The default local chat model options. */
#define BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT                                                                     \
    {sizeof(braid_local_chat_model_options), 0u, BRAID_BACKEND_AUTO, 0u, 0u, 0u, 0u, 0u, 0u,                    \
     BRAID_CONTEXT_OVERFLOW_ERROR, NULL, NULL, NULL, NULL, 0u, 0u}

/**
 * Makes a chat model runnable over a loaded model: input a string (one user message), an array of
 * messages, or a prompt value; output the assistant message (content, tool_calls, response_metadata with
 * finish_reason and usage). Structured output comes from the generation options: `response_format`
 * (`{"type": "json_object"}`, `{"type": "json_schema", "json_schema": {"schema": ...}}` or a bare schema),
 * `extra.grammar` (GBNF), or bound `tools` (calls constrained to their schemas). Generation options bound with braid_bind() (e.g.
 * `{"temperature": 0, "stop": ["\n"]}`) apply per call over @p options' defaults.
 *
 * @param[out] out the runnable; the caller frees it with braid_runnable_free(). It keeps the model alive.
 *             Thread-safe: calls from many threads are scheduled together.
 * @param model a model loaded with its weights (a text model: llama, qwen2, ...).
 * @param options NULL for the defaults, or the options.
 * @return #BRAID_OK; #BRAID_ERROR_UNSUPPORTED for a model without weights or an embedding model;
 *         #BRAID_ERROR_PARSE for defaults_json that is not JSON; #BRAID_ERROR_TEMPLATE for a chat template
 *         that does not compile; #BRAID_ERROR_OUT_OF_MEMORY naming what did not fit; #BRAID_ERROR_DEVICE
 *         when Vulkan cannot start (without #BRAID_LOCAL_CHAT_CPU_FALLBACK); #BRAID_ERROR_INVALID_ARGUMENT
 *         (NULL model, unknown flags or enum values, defaults_json that is not generation options).
 */
BRAID_API braid_status braid_local_chat_model_create(braid_runnable **out, const braid_model *model,
                                                     const braid_local_chat_model_options *options);

/**
 * Saves a conversation's prompt state (its KV cache) as a session file, so that braid_local_chat_model_load_session()
 * — in this process or a later one, with the same model and cache type — lets the next request with this
 * conversation skip its prefill. Runs the prefill first when no free sequence holds the prompt. Written
 * atomically.
 *
 * @param[out] out_tokens the number of tokens saved (may be NULL).
 * @param chat_model a runnable made by braid_local_chat_model_create() (not a chain or a bound copy).
 * @param messages_json the conversation: a string, an array of messages or a prompt value.
 * @param path the file to write (UTF-8).
 * @param options_json NULL, or generation options as a JSON object (their tools render into the prompt, as a
 *        request's would).
 * @return #BRAID_OK; #BRAID_ERROR_IO when the file cannot be written; #BRAID_ERROR_OUT_OF_MEMORY when
 *         every sequence stays busy or the prompt does not fit; #BRAID_ERROR_PARSE; #BRAID_ERROR_INVALID_ARGUMENT
 *         (also a runnable that is not a local chat model).
 */
BRAID_API braid_status braid_local_chat_model_save_session(size_t *out_tokens, const braid_runnable *chat_model,
                                                           const char *messages_json, const char *path,
                                                           const char *options_json);

/**
 * Restores a session file written by braid_local_chat_model_save_session() into a free sequence as a cached
 * prefix: the next request whose prompt starts with it decodes only the rest.
 *
 * @param[out] out_tokens the number of tokens restored (may be NULL).
 * @param chat_model a runnable made by braid_local_chat_model_create().
 * @param path the session file (UTF-8).
 * @return #BRAID_OK; #BRAID_ERROR_IO for a file that cannot be read; #BRAID_ERROR_INVALID_ARGUMENT for a
 *         corrupt file or one of another model or cache type (the message names what was wrong), or a
 *         runnable that is not a local chat model; #BRAID_ERROR_OUT_OF_MEMORY when every sequence is busy.
 */
BRAID_API braid_status braid_local_chat_model_load_session(size_t *out_tokens, const braid_runnable *chat_model,
                                                           const char *path);

/** An embedder: texts to vectors. Thread-safe; free with braid_embeddings_free(). */
typedef struct braid_embeddings braid_embeddings;

/** Whether a local embedder scales vectors to unit length. */
typedef enum braid_embeddings_normalize {
    BRAID_EMBEDDINGS_NORMALIZE_DEFAULT = 0, /**< As the model says (sentence-transformers models: yes). */
    BRAID_EMBEDDINGS_NORMALIZE_ON = 1,      /**< L2-normalized. */
    BRAID_EMBEDDINGS_NORMALIZE_OFF = 2,     /**< The pooled vectors as computed. */
    BRAID_EMBEDDINGS_NORMALIZE_MAX_ENUM = 0x7FFFFFFF
} braid_embeddings_normalize;

/** How a local embedder pools a text's token states into one vector. */
typedef enum braid_embeddings_pooling {
    BRAID_EMBEDDINGS_POOLING_DEFAULT = 0, /**< The model's own: a bert model's metadata; a decoder's
                                               `<arch>.pooling_type` (1 mean, 2 cls, 3 last), else mean. */
    BRAID_EMBEDDINGS_POOLING_MEAN = 1,    /**< The mean over every token of the text. */
    BRAID_EMBEDDINGS_POOLING_CLS = 2,     /**< The state of the first token. */
    BRAID_EMBEDDINGS_POOLING_LAST = 3,    /**< The state of the last token (decoder embedding models such as
                                               Qwen3-Embedding are trained for it). */
    BRAID_EMBEDDINGS_POOLING_MAX_ENUM = 0x7FFFFFFF
} braid_embeddings_pooling;

/** braid_local_embeddings_options flag: when Vulkan was asked for but cannot start, log it and use the CPU. */
#define BRAID_LOCAL_EMBEDDINGS_CPU_FALLBACK 0x1u

/**
 * How braid_local_embeddings_create() runs a model. Start from #BRAID_LOCAL_EMBEDDINGS_OPTIONS_INIT; fields
 * are only ever appended.
 */
typedef struct braid_local_embeddings_options {
    uint32_t struct_size;                 /**< sizeof(braid_local_embeddings_options). */
    uint32_t flags;                       /**< #BRAID_LOCAL_EMBEDDINGS_CPU_FALLBACK or 0. */
    braid_backend backend;                /**< Where to compute (#BRAID_BACKEND_AUTO: the model's default). */
    uint32_t threads;                     /**< CPU threads; 0: one per hardware thread. */
    uint32_t batch_size;                  /**< Most tokens per decode (texts are packed up to it); 0: 512. */
    uint32_t max_sequences;               /**< Most texts per decode; 0: 32. */
    uint32_t contexts;                    /**< Contexts kept for concurrent callers; 0: 1. */
    braid_embeddings_normalize normalize; /**< Unit-length vectors or not. */
    braid_embeddings_pooling pooling;     /**< How token states are pooled (since version 2; a version-1 caller
                                               gets #BRAID_EMBEDDINGS_POOLING_DEFAULT). */
} braid_local_embeddings_options;

/** The size of version 1 of braid_local_embeddings_options (without `pooling`). */
#define BRAID_LOCAL_EMBEDDINGS_OPTIONS_V1_SIZE 32u

/** The default local embeddings options. */
#define BRAID_LOCAL_EMBEDDINGS_OPTIONS_INIT                                                                     \
    {sizeof(braid_local_embeddings_options), 0u, BRAID_BACKEND_AUTO, 0u, 0u, 0u, 0u,                          \
     BRAID_EMBEDDINGS_NORMALIZE_DEFAULT, BRAID_EMBEDDINGS_POOLING_DEFAULT}

/**
 * Makes an embedder over a loaded model: a bert-family embedding model (pooled as its metadata says), or a
 * decoder model (llama, qwen2) whose final hidden states are pooled by `<arch>.pooling_type` when the file
 * has it (1 mean, 2 cls, 3 last), else by mean; `options->pooling` overrides either.
 *
 * @param[out] out the embedder; the caller frees it with braid_embeddings_free(). It keeps the model alive.
 * @param model a model loaded with its weights that gives embeddings.
 * @param options NULL for the defaults, or the options.
 * @return #BRAID_OK; #BRAID_ERROR_UNSUPPORTED for a model without weights or a pooling_type braid does not run;
 *         #BRAID_ERROR_OUT_OF_MEMORY; #BRAID_ERROR_DEVICE; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_local_embeddings_create(braid_embeddings **out, const braid_model *model,
                                                     const braid_local_embeddings_options *options);

/**
 * Frees an embedder. Runnables made from it (braid_embeddings_runnable()) keep working.
 *
 * @param embeddings the embedder, or NULL (nothing happens).
 */
BRAID_API void braid_embeddings_free(braid_embeddings *embeddings);

/**
 * The length of the vectors.
 *
 * @param embeddings the embedder.
 * @return the dimension, or 0 for a NULL or invalid handle.
 */
BRAID_API size_t braid_embeddings_dimension(const braid_embeddings *embeddings);

/**
 * Embeds texts into the caller's buffer, one vector after the other (row-major, `count × dimension`
 * floats). Follows the caller-buffer pattern of braid/tokenizer.h: the size needed is always written;
 * capacity 0 with a NULL buffer asks for it.
 *
 * @param[out] out_count the number of floats: texts × braid_embeddings_dimension().
 * @param[out] out NULL when @p capacity is 0, else room for @p capacity floats.
 * @param capacity the room in @p out.
 * @param embeddings the embedder.
 * @param texts_json a JSON array of strings (or one string).
 * @param options NULL, or run options: `cancel` and `timeout_ms` are honoured.
 * @return #BRAID_OK; #BRAID_ERROR_BUFFER_TOO_SMALL (nothing written to @p out); #BRAID_ERROR_PARSE for
 *         texts_json that is not JSON; #BRAID_ERROR_INVALID_ARGUMENT for JSON that is not strings;
 *         #BRAID_ERROR_OUT_OF_MEMORY for a text longer than the context; #BRAID_ERROR_CANCELLED;
 *         #BRAID_ERROR_TIMEOUT; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_embeddings_embed(size_t *out_count, float *out, size_t capacity,
                                              const braid_embeddings *embeddings, const char *texts_json,
                                              const braid_run_options *options);

/**
 * The embedder as a runnable: a string gives one vector, an array of strings gives an array of vectors.
 *
 * @param[out] out the runnable; the caller frees it with braid_runnable_free(). It keeps the embedder alive.
 * @param embeddings the embedder.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_embeddings_runnable(braid_runnable **out, const braid_embeddings *embeddings);

BRAID_END_DECLS

#endif /* BRAID_LOCAL_MODELS_H */
