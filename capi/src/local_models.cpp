// The C functions of braid/local_models.h: LocalChatModel as a runnable and LocalEmbeddings as a handle
// (and a runnable), both sharing the loaded model of a braid_model handle.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "buffers.hpp"
#include "embeddings_handle.hpp"
#include "handles.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "braid/local_models.h"
#include "braid/models/local_chat_model.hpp"
#include "braid/models/local_embeddings.hpp"

namespace braid::capi {

namespace {

// The engine model of a model handle, sharing ownership of the handle's data (so the handle may be freed
// first). Error(errc::unsupported) for a model loaded without weights.
std::shared_ptr<const engine::Model> local_weights_of(const braid_model* model) {
    const std::shared_ptr<const ModelData>& data = use(model, "model").data;
    if (!data->engine)
        throw Error(errc::unsupported, "the model " + data->file().name() +
                                           " was loaded without weights (BRAID_MODEL_METADATA_ONLY, or a file without "
                                           "tensors): a local model needs them");
    return std::shared_ptr<const engine::Model>(data, &*data->engine);
}

// The backend of a local model's options: AUTO leaves the model's default.
std::optional<engine::BackendKind> local_backend_of(braid_backend backend) {
    switch (backend) {
    case BRAID_BACKEND_AUTO: return std::nullopt;
    case BRAID_BACKEND_CPU: return engine::BackendKind::cpu;
    case BRAID_BACKEND_VULKAN: return engine::BackendKind::vulkan;
    case BRAID_BACKEND_MAX_ENUM: break;
    }
    throw Error(errc::invalid_argument, "options->backend " + std::to_string(static_cast<long long>(backend)) +
                                            " is not a braid_backend");
}

ContextOverflow local_overflow_of(braid_context_overflow overflow) {
    switch (overflow) {
    case BRAID_CONTEXT_OVERFLOW_ERROR: return ContextOverflow::error;
    case BRAID_CONTEXT_OVERFLOW_DROP_OLDEST_TURNS: return ContextOverflow::drop_oldest_turns;
    case BRAID_CONTEXT_OVERFLOW_MAX_ENUM: break;
    }
    throw Error(errc::invalid_argument, "options->overflow " + std::to_string(static_cast<long long>(overflow)) +
                                            " is not a braid_context_overflow");
}

std::optional<bool> local_normalize_of(braid_embeddings_normalize normalize) {
    switch (normalize) {
    case BRAID_EMBEDDINGS_NORMALIZE_DEFAULT: return std::nullopt;
    case BRAID_EMBEDDINGS_NORMALIZE_ON: return true;
    case BRAID_EMBEDDINGS_NORMALIZE_OFF: return false;
    case BRAID_EMBEDDINGS_NORMALIZE_MAX_ENUM: break;
    }
    throw Error(errc::invalid_argument, "options->normalize " + std::to_string(static_cast<long long>(normalize)) +
                                            " is not a braid_embeddings_normalize");
}

std::optional<engine::Pooling> local_pooling_of(braid_embeddings_pooling pooling) {
    switch (pooling) {
    case BRAID_EMBEDDINGS_POOLING_DEFAULT: return std::nullopt;
    case BRAID_EMBEDDINGS_POOLING_MEAN: return engine::Pooling::mean;
    case BRAID_EMBEDDINGS_POOLING_CLS: return engine::Pooling::cls;
    case BRAID_EMBEDDINGS_POOLING_LAST: return engine::Pooling::last;
    case BRAID_EMBEDDINGS_POOLING_MAX_ENUM: break;
    }
    throw Error(errc::invalid_argument, "options->pooling " + std::to_string(static_cast<long long>(pooling)) +
                                            " is not a braid_embeddings_pooling (0 default, 1 mean, 2 cls, 3 last)");
}

LocalChatModelOptions local_chat_options(const braid_local_chat_model_options& o) {
    check_flags(o.flags,
                BRAID_LOCAL_CHAT_NO_PROMPT_CACHE | BRAID_LOCAL_CHAT_KV_F32 | BRAID_LOCAL_CHAT_CPU_FALLBACK |
                    BRAID_LOCAL_CHAT_MALFORMED_TOOL_CALLS_AS_CONTENT,
                "options->flags");
    LocalChatModelOptions options;
    LocalSchedulerOptions& s = options.scheduler;
    s.backend = local_backend_of(o.backend);
    s.threads = static_cast<int>(o.threads > 4096 ? 4096 : o.threads);
    s.n_ctx = o.n_ctx;
    if (o.n_seq_max > 0)
        s.n_seq_max = static_cast<int>(o.n_seq_max > 4096 ? 4096 : o.n_seq_max);
    if (o.n_batch > 0)
        s.n_batch = o.n_batch;
    if (o.prompt_chunk > 0)
        s.prompt_chunk = o.prompt_chunk;
    if (o.max_queue > 0)
        s.max_queue = o.max_queue;
    s.prompt_cache = !(o.flags & BRAID_LOCAL_CHAT_NO_PROMPT_CACHE);
    s.kv_f16 = !(o.flags & BRAID_LOCAL_CHAT_KV_F32);
    s.cpu_fallback = (o.flags & BRAID_LOCAL_CHAT_CPU_FALLBACK) != 0;
    options.overflow = local_overflow_of(o.overflow);
    if (o.chat_template)
        options.chat_template = std::string(o.chat_template);
    if (o.defaults_json) {
        const Value defaults = parse_json(o.defaults_json, "options->defaults_json");
        require_object(defaults, "options->defaults_json");
        options.defaults = defaults.get<GenerationOptions>();
    }
    if (o.name)
        options.name = o.name;
    if (o.tool_call_format) {
        tool_call_format_from_name(o.tool_call_format); // Error(errc::invalid_argument) listing the names
        options.tool_call_format = std::string(o.tool_call_format);
    }
    options.malformed_tool_calls_as_content = (o.flags & BRAID_LOCAL_CHAT_MALFORMED_TOOL_CALLS_AS_CONTENT) != 0;
    if (o.grammar_cache_size > 0)
        options.grammar_cache_size = o.grammar_cache_size;
    return options;
}

LocalEmbeddingsOptions local_embeddings_options(const braid_local_embeddings_options& o) {
    check_flags(o.flags, BRAID_LOCAL_EMBEDDINGS_CPU_FALLBACK, "options->flags");
    LocalEmbeddingsOptions options;
    options.backend = local_backend_of(o.backend);
    options.threads = static_cast<int>(o.threads > 4096 ? 4096 : o.threads);
    if (o.batch_size > 0)
        options.batch_size = o.batch_size;
    if (o.max_sequences > 0)
        options.max_sequences = static_cast<int>(o.max_sequences > 65536 ? 65536 : o.max_sequences);
    if (o.contexts > 0)
        options.contexts = static_cast<int>(o.contexts > 1024 ? 1024 : o.contexts);
    options.normalize = local_normalize_of(o.normalize);
    options.pooling = local_pooling_of(o.pooling);
    options.cpu_fallback = (o.flags & BRAID_LOCAL_EMBEDDINGS_CPU_FALLBACK) != 0;
    return options;
}

// The texts of braid_embeddings_embed(): one string or an array of strings.
std::vector<std::string> local_texts_of(const Value& texts) {
    if (texts.is_string())
        return {texts.get<std::string>()};
    if (!texts.is_array())
        throw Error(errc::invalid_argument,
                    "texts_json must be a string or an array of strings, got " + std::string(texts.type_name()));
    std::vector<std::string> result;
    result.reserve(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        if (!texts[i].is_string())
            throw Error(errc::invalid_argument, "texts_json[" + std::to_string(i) + "] is " +
                                                    std::string(texts[i].type_name()) + ", not a string");
        result.push_back(texts[i].get<std::string>());
    }
    return result;
}

// The LocalChatModel behind a runnable made by braid_local_chat_model_create().
std::shared_ptr<const LocalChatModel> local_chat_of(const braid_runnable* runnable) {
    const AnyRunnable& step = use(runnable, "chat_model").runnable;
    std::shared_ptr<const LocalChatModel> chat = find_impl<LocalChatModel>(step);
    if (!chat)
        throw Error(errc::invalid_argument, "chat_model is the runnable '" + step.name() +
                                                "', not one made by braid_local_chat_model_create()");
    return chat;
}

} // namespace

} // namespace braid::capi

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_local_chat_model_create(braid_runnable** out, const braid_model* model,
                                           const braid_local_chat_model_options* options) {
    return guard([&] {
        out_param(out, "out");
        std::shared_ptr<const engine::Model> weights = local_weights_of(model);
        static constexpr braid_local_chat_model_options defaults = BRAID_LOCAL_CHAT_MODEL_OPTIONS_INIT;
        const braid_local_chat_model_options o =
            read_options(options, defaults, BRAID_LOCAL_CHAT_MODEL_OPTIONS_V1_SIZE, "options");
        LocalChatModelOptions chat = local_chat_options(o);
        if (weights->info().is_embedding_model())
            throw Error(errc::unsupported, "the model " + weights->file().name() +
                                               " gives embeddings, not text: use braid_local_embeddings_create()");
        auto impl = std::make_shared<const LocalChatModel>(std::move(weights), std::move(chat));
        put_runnable(out, Runnable<PromptValue, Message>(std::move(impl)));
    });
}

braid_status braid_local_chat_model_save_session(size_t* out_tokens, const braid_runnable* chat_model,
                                                 const char* messages_json, const char* path, const char* options_json) {
    return guard([&] {
        if (out_tokens)
            *out_tokens = 0;
        const std::shared_ptr<const LocalChatModel> chat = local_chat_of(chat_model);
        const Messages messages = parse_json(messages_json, "messages_json").get<PromptValue>().to_messages();
        require(path, "path");
        GenerationOptions options;
        if (options_json) {
            const Value json = parse_json(options_json, "options_json");
            require_object(json, "options_json");
            options = json.get<GenerationOptions>();
        }
        const std::size_t saved = chat->save_session(messages, std::filesystem::path(path), options);
        if (out_tokens)
            *out_tokens = saved;
    });
}

braid_status braid_local_chat_model_load_session(size_t* out_tokens, const braid_runnable* chat_model, const char* path) {
    return guard([&] {
        if (out_tokens)
            *out_tokens = 0;
        const std::shared_ptr<const LocalChatModel> chat = local_chat_of(chat_model);
        require(path, "path");
        const std::size_t restored = chat->load_session(std::filesystem::path(path));
        if (out_tokens)
            *out_tokens = restored;
    });
}

braid_status braid_local_embeddings_create(braid_embeddings** out, const braid_model* model,
                                           const braid_local_embeddings_options* options) {
    return guard([&] {
        out_param(out, "out");
        std::shared_ptr<const engine::Model> weights = local_weights_of(model);
        static constexpr braid_local_embeddings_options defaults = BRAID_LOCAL_EMBEDDINGS_OPTIONS_INIT;
        const braid_local_embeddings_options o =
            read_options(options, defaults, BRAID_LOCAL_EMBEDDINGS_OPTIONS_V1_SIZE, "options");
        auto handle = std::make_unique<EmbeddingsHandle>();
        handle->embeddings = std::make_shared<const LocalEmbeddings>(std::move(weights), local_embeddings_options(o));
        *out = to_handle<braid_embeddings>(handle.release());
    });
}

void braid_embeddings_free(braid_embeddings* embeddings) { release(embeddings); }

size_t braid_embeddings_dimension(const braid_embeddings* embeddings) {
    std::size_t dimension = 0;
    (void)guard([&] { dimension = use(embeddings, "embeddings").embeddings->dimension(); });
    return dimension;
}

braid_status braid_embeddings_embed(size_t* out_count, float* out, size_t capacity, const braid_embeddings* embeddings,
                                    const char* texts_json, const braid_run_options* options) {
    return guard([&]() -> braid_status {
        *require(out_count, "out_count") = 0;
        check_buffer(out, capacity, "out");
        const Embeddings& embedder = *use(embeddings, "embeddings").embeddings;
        const std::vector<std::string> texts = local_texts_of(parse_json(texts_json, "texts_json"));
        static constexpr braid_run_options defaults = BRAID_RUN_OPTIONS_INIT;
        const braid_run_options o = read_options(options, defaults, BRAID_RUN_OPTIONS_V1_SIZE, "options");
        const std::size_t needed = texts.size() * embedder.dimension();
        *out_count = needed;
        if (!out && capacity == 0)
            return BRAID_OK; // a size query: nothing is computed
        if (needed > capacity)
            return fail(BRAID_ERROR_BUFFER_TOO_SMALL, "out has room for " + std::to_string(capacity) + " floats, " +
                                                          std::to_string(needed) + " needed (" +
                                                          std::to_string(texts.size()) + " texts × " +
                                                          std::to_string(embedder.dimension()) + ")");
        const std::vector<std::vector<float>> vectors = embedder.embed_documents(texts, run_control(o.cancel, o.timeout_ms));
        std::vector<float> flat;
        flat.reserve(needed);
        for (const std::vector<float>& v : vectors) {
            if (v.size() != embedder.dimension())
                throw Error(errc::internal, "an embedding has " + std::to_string(v.size()) + " values, not " +
                                                std::to_string(embedder.dimension()));
            flat.insert(flat.end(), v.begin(), v.end());
        }
        return deliver(out, capacity, flat.data(), flat.size(), "out");
    });
}

braid_status braid_embeddings_runnable(braid_runnable** out, const braid_embeddings* embeddings) {
    return guard([&] {
        out_param(out, "out");
        std::shared_ptr<const Embeddings> embedder = use(embeddings, "embeddings").embeddings;
        put_runnable(out, AnyRunnable(std::move(embedder)));
    });
}

} // extern "C"
