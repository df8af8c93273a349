// The C functions of braid/context.h: contexts over a loaded model, generation with streaming, and
// embeddings.
#include <cmath>
#include <string>
#include <vector>

#include "buffers.hpp"
#include "handles.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "braid/context.h"
#include "braid/engine/embedding.hpp"
#include "braid/engine/generator.hpp"

using namespace braid;
using namespace braid::capi;

namespace {

engine::BackendKind backend_of(braid_backend backend) {
    switch (backend) {
    case BRAID_BACKEND_AUTO: return engine::BackendKind::automatic;
    case BRAID_BACKEND_CPU: return engine::BackendKind::cpu;
    case BRAID_BACKEND_VULKAN: return engine::BackendKind::vulkan;
    case BRAID_BACKEND_MAX_ENUM: break;
    }
    throw Error(errc::invalid_argument, "options->backend " + std::to_string(static_cast<long long>(backend)) +
                                            " is not a braid_backend");
}

// Marks a context in use for the life of a call; a second caller is turned away, not raced.
class Exclusive {
public:
    explicit Exclusive(ContextHandle& handle) : handle_(handle) {
        if (handle_.busy.exchange(true, std::memory_order_acquire))
            throw Error(errc::invalid_argument, "context is in use by another call (a context belongs to one caller "
                                                "at a time: create one per thread)");
    }
    ~Exclusive() { handle_.busy.store(false, std::memory_order_release); }
    Exclusive(const Exclusive&) = delete;
    Exclusive& operator=(const Exclusive&) = delete;

private:
    ContextHandle& handle_;
};

engine::GenerateOptions generate_options(const braid_generate_options& o) {
    check_flags(o.flags, BRAID_GENERATE_IGNORE_EOS | BRAID_GENERATE_PARSE_SPECIAL | BRAID_GENERATE_CONTINUE,
                "options->flags");
    auto in_range = [](bool ok, const char* field, const std::string& value, const char* range) {
        if (!ok)
            throw Error(errc::invalid_argument, std::string("options->") + field + " is " + value + ", not " + range);
    };
    in_range(o.max_tokens >= 0, "max_tokens", std::to_string(o.max_tokens), "≥ 0");
    in_range(std::isfinite(o.temperature), "temperature", std::to_string(o.temperature), "a finite number");
    in_range(o.top_p >= 0 && o.top_p <= 1, "top_p", std::to_string(o.top_p), "in [0, 1]");
    in_range(o.min_p >= 0 && o.min_p <= 1, "min_p", std::to_string(o.min_p), "in [0, 1]");
    in_range(o.typical_p > 0 && o.typical_p <= 1, "typical_p", std::to_string(o.typical_p), "in (0, 1]");
    in_range(std::isfinite(o.repeat_penalty) && o.repeat_penalty > 0, "repeat_penalty", std::to_string(o.repeat_penalty), "> 0");
    in_range(std::isfinite(o.frequency_penalty), "frequency_penalty", std::to_string(o.frequency_penalty), "a finite number");
    in_range(std::isfinite(o.presence_penalty), "presence_penalty", std::to_string(o.presence_penalty), "a finite number");
    in_range(o.penalty_last_n >= 0, "penalty_last_n", std::to_string(o.penalty_last_n), "≥ 0");
    if (!o.stop && o.stop_count > 0)
        throw Error(errc::invalid_argument, "options->stop is NULL but stop_count is " + std::to_string(o.stop_count));

    engine::GenerateOptions g;
    g.max_tokens = o.max_tokens;
    g.ignore_eos = (o.flags & BRAID_GENERATE_IGNORE_EOS) != 0;
    g.sampling.temperature = o.temperature;
    g.sampling.top_k = o.top_k;
    g.sampling.top_p = o.top_p;
    g.sampling.min_p = o.min_p;
    g.sampling.typical_p = o.typical_p;
    g.sampling.repeat_penalty = o.repeat_penalty;
    g.sampling.frequency_penalty = o.frequency_penalty;
    g.sampling.presence_penalty = o.presence_penalty;
    g.sampling.penalty_last_n = o.penalty_last_n;
    g.sampling.seed = o.seed;
    for (std::uint32_t i = 0; i < o.stop_count; ++i) {
        if (!o.stop[i])
            throw Error(errc::invalid_argument, "options->stop[" + std::to_string(i) + "] is NULL");
        if (!*o.stop[i])
            throw Error(errc::invalid_argument, "options->stop[" + std::to_string(i) + "] is empty");
        g.stop.emplace_back(o.stop[i]);
    }
    return g;
}

const engine::Model& weights_of(const ModelData& model) {
    if (!model.engine)
        throw Error(errc::unsupported, "the model " + model.file().name() +
                                           " was loaded without weights (BRAID_MODEL_METADATA_ONLY, or a file "
                                           "without tensors): it cannot run");
    return *model.engine;
}

} // namespace

extern "C" {

braid_status braid_context_create(braid_context** out_context, const braid_model* model, const braid_context_options* options) {
    return guard([&] {
        out_param(out_context, "out_context");
        const std::shared_ptr<const ModelData>& data = use(model, "model").data;
        static constexpr braid_context_options defaults = BRAID_CONTEXT_OPTIONS_INIT;
        const braid_context_options o = read_options(options, defaults, BRAID_CONTEXT_OPTIONS_V1_SIZE, "options");
        check_flags(o.flags, BRAID_CONTEXT_CPU_FALLBACK, "options->flags");
        engine::ContextOptions c;
        c.n_ctx = o.n_ctx;
        if (o.n_batch > 0)
            c.n_batch = o.n_batch;
        c.threads = static_cast<int>(std::min<std::uint32_t>(o.threads, 1024));
        c.backend = backend_of(o.backend);
        c.cpu_fallback = (o.flags & BRAID_CONTEXT_CPU_FALLBACK) != 0;
        auto* handle = new ContextHandle(data, engine::Context::create(weights_of(*data), c));
        *out_context = to_handle<braid_context>(handle);
    });
}

void braid_context_free(braid_context* context) { release(context); }

braid_status braid_context_info(char** out_json, const braid_context* context) {
    return guard([&] {
        out_param(out_json, "out_json");
        const ContextHandle& handle = use(context, "context");
        const engine::Context& ctx = handle.context;
        const Value info = {{"backend", std::string(engine::backend_name(ctx.backend()))},
                            {"device", ctx.device_name()},
                            {"n_ctx", ctx.n_ctx()},
                            {"n_used", ctx.n_used()},
                            {"embedding", ctx.info().is_embedding_model()}};
        put_string(out_json, dump_json(info));
    });
}

braid_status braid_context_clear(braid_context* context) {
    return guard([&] {
        ContextHandle& handle = use(context, "context");
        const Exclusive exclusive(handle);
        handle.context.clear();
    });
}

braid_status braid_context_generate(char** out_json, braid_context* context, const char* prompt,
                                    const braid_generate_options* options, braid_text_fn on_text, void* user_data) {
    return guard([&] {
        out_param(out_json, "out_json");
        ContextHandle& handle = use(context, "context");
        require(prompt, "prompt");
        static constexpr braid_generate_options defaults = BRAID_GENERATE_OPTIONS_INIT;
        const braid_generate_options o = read_options(options, defaults, BRAID_GENERATE_OPTIONS_V1_SIZE, "options");
        engine::GenerateOptions g = generate_options(o);
        g.control = run_control(o.cancel, o.timeout_ms);
        const engine::Model& model = weights_of(*handle.model);
        if (model.info().is_embedding_model())
            throw Error(errc::unsupported, "the model " + model.file().name() +
                                               " gives embeddings, not text: use braid_context_embed()");
        const Exclusive exclusive(handle);
        const bool continuing = (o.flags & BRAID_GENERATE_CONTINUE) != 0;
        if (!continuing)
            handle.context.clear();
        const std::vector<engine::TokenId> tokens =
            model.tokenizer().tokenize(prompt, !continuing, (o.flags & BRAID_GENERATE_PARSE_SPECIAL) != 0);
        std::string piece_text; // NUL-terminated copy of each piece for the callback
        braid_status stopped_by = BRAID_OK;
        if (on_text)
            g.on_text = [&](std::string_view piece) {
                piece_text.assign(piece);
                stopped_by = on_text(piece_text.c_str(), piece_text.size(), user_data);
                return stopped_by == BRAID_OK;
            };
        const engine::GenerateResult r = engine::generate(model, handle.context, tokens, g);
        if (r.stop_reason == engine::StopReason::cancelled)
            throw_callback_stop(stopped_by, "the text callback stopped the generation after " + std::to_string(r.tokens.size()) + " tokens");
        const Value result = {{"text", r.text},
                              {"tokens", r.tokens},
                              {"stop_reason", engine::stop_reason_name(r.stop_reason)},
                              {"prompt_tokens", r.prompt_tokens},
                              {"prompt_ms", r.prompt_ms},
                              {"generate_ms", r.generate_ms}};
        put_string(out_json, dump_json(result));
    });
}

braid_status braid_context_embed(size_t* out_count, float* embedding, size_t capacity, braid_context* context,
                                 const char* text, uint32_t flags) {
    braid_embed_options options = BRAID_EMBED_OPTIONS_INIT;
    options.flags = flags;
    return braid_context_embed_v2(out_count, embedding, capacity, context, text, &options);
}

braid_status braid_context_embed_v2(size_t* out_count, float* embedding, size_t capacity, braid_context* context,
                                    const char* text, const braid_embed_options* options) {
    return guard([&]() -> braid_status {
        *require(out_count, "out_count") = 0;
        check_buffer(embedding, capacity, "embedding");
        ContextHandle& handle = use(context, "context");
        require(text, "text");
        static constexpr braid_embed_options defaults = BRAID_EMBED_OPTIONS_INIT;
        const braid_embed_options o = read_options(options, defaults, BRAID_EMBED_OPTIONS_V1_SIZE, "options");
        check_flags(o.flags, BRAID_EMBED_RAW, "options->flags");
        const RunControl control = run_control(o.cancel, o.timeout_ms);
        const engine::Model& model = weights_of(*handle.model);
        if (!model.info().is_embedding_model())
            throw Error(errc::unsupported, "the model " + model.file().name() + " is a " + model.info().architecture +
                                               " model without pooling: it gives text, not embeddings (its pooled "
                                               "hidden states come from braid_local_embeddings_create())");
        const Exclusive exclusive(handle);
        const std::vector<float> values = engine::embed(handle.context, text, !(o.flags & BRAID_EMBED_RAW), control).values;
        *out_count = values.size();
        return deliver(embedding, capacity, values.data(), values.size(), "embedding");
    });
}

} // extern "C"
