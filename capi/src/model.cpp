// The C functions of braid/model.h: a loaded GGUF model (the engine's model with its weights, or the
// validated file and its tokenizer alone). Contexts (context.cpp) run it.
#include "gguf_json.hpp"
#include "handles.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "braid/engine/tokenizer_vocab.hpp"
#include "braid/model.h"

using namespace braid;
using namespace braid::capi;

namespace {

// Reports progress; a non-OK answer cancels the load.
class LoadProgress {
public:
    explicit LoadProgress(const braid_model_options& options) : fn_(options.progress), user_data_(options.progress_user_data) {}
    void report(float done) const {
        if (!fn_)
            return;
        const braid_status answer = fn_(done, user_data_);
        if (answer != BRAID_OK)
            throw Error(errc::cancelled, "the progress callback cancelled the load (it returned " +
                                             std::to_string(static_cast<int>(answer)) + ")");
    }

private:
    braid_progress_fn fn_;
    void* user_data_;
};

// The value of @p key as JSON, or null when the file does not have it.
Value metadata_or_null(const gguf::File& file, const std::string& key) {
    const gguf::Value* value = file.find(key);
    return value ? gguf_value_json(*value, 64) : Value();
}

Value model_info(const ModelData& model) {
    const gguf::File& file = model.file();
    const Value info = gguf_info_json(file);
    const Value architecture = metadata_or_null(file, "general.architecture");
    const std::string prefix = architecture.is_string() ? architecture.get<std::string>() + "." : std::string("?.");
    return {{"path", file.name()},
            {"architecture", architecture},
            {"name", metadata_or_null(file, "general.name")},
            {"context_length", metadata_or_null(file, prefix + "context_length")},
            {"embedding_length", metadata_or_null(file, prefix + "embedding_length")},
            {"block_count", metadata_or_null(file, prefix + "block_count")},
            {"head_count", metadata_or_null(file, prefix + "attention.head_count")},
            {"head_count_kv", metadata_or_null(file, prefix + "attention.head_count_kv")},
            {"vocab_size", model.tokenizer ? Value(model.tokenizer->vocab_size()) : Value()},
            {"tensor_count", info["tensor_count"]},
            {"parameters", info["parameters"]},
            {"tensor_bytes", info["tensor_bytes"]},
            {"has_tokenizer", static_cast<bool>(model.tokenizer)},
            {"has_weights", model.engine.has_value()},
            {"embedding", model.engine ? Value(model.engine->info().is_embedding_model()) : Value()},
            {"has_chat_template", file.contains("tokenizer.chat_template")}};
}

} // namespace

extern "C" {

braid_status braid_model_load(braid_model** out_model, const char* path, const braid_model_options* options) {
    return guard([&] {
        out_param(out_model, "out_model");
        require(path, "path");
        static constexpr braid_model_options defaults = BRAID_MODEL_OPTIONS_INIT;
        const braid_model_options o = read_options(options, defaults, BRAID_MODEL_OPTIONS_V1_SIZE, "options");
        check_flags(o.flags, BRAID_MODEL_METADATA_ONLY, "options->flags");
        const LoadProgress progress(o);
        progress.report(0.0f);
        auto data = std::make_shared<ModelData>();
        bool weights = false;
        {
            gguf::File file = gguf::File::open(path);
            weights = !(o.flags & BRAID_MODEL_METADATA_ONLY) && !file.tensors().empty();
            if (!weights) { // metadata and tokenizer only (a vocabulary file has no tensors)
                progress.report(0.5f);
                if (file.contains("tokenizer.ggml.model"))
                    data->tokenizer = engine::make_tokenizer(engine::Vocab::from_gguf(path));
                data->metadata_only.emplace(std::move(file));
            }
        }
        if (weights) { // the engine maps the file itself and checks every tensor its architecture needs
            engine::ModelOptions options;
            options.progress = [&](float done) {
                progress.report(done);
                return true;
            };
            data->engine.emplace(engine::Model::load(path, options));
            // The model's own tokenizer, sharing ownership of the model.
            data->tokenizer = std::shared_ptr<const engine::Tokenizer>(data->engine->impl(), &data->engine->tokenizer());
        }
        progress.report(1.0f);
        auto* handle = new ModelHandle;
        handle->data = std::move(data);
        *out_model = to_handle<braid_model>(handle);
    });
}

void braid_model_free(braid_model* model) { release(model); }

braid_status braid_model_info(char** out_json, const braid_model* model) {
    return guard([&] {
        out_param(out_json, "out_json");
        put_string(out_json, dump_json(model_info(*use(model, "model").data)));
    });
}

braid_status braid_model_metadata(char** out_json, const braid_model* model, uint32_t max_array_items) {
    return guard([&] {
        out_param(out_json, "out_json");
        const std::uint64_t limit = max_array_items == UINT32_MAX ? UINT64_MAX : max_array_items;
        put_string(out_json, dump_json(gguf_metadata_json(use(model, "model").data->file(), limit)));
    });
}

braid_status braid_model_tokenizer(braid_tokenizer** out_tokenizer, const braid_model* model) {
    return guard([&] {
        out_param(out_tokenizer, "out_tokenizer");
        const ModelData& data = *use(model, "model").data;
        if (!data.tokenizer)
            throw Error(errc::not_found, "the model file " + data.file().name() + " has no tokenizer (tokenizer.ggml.*)");
        auto* handle = new TokenizerHandle;
        handle->tokenizer = data.tokenizer;
        *out_tokenizer = to_handle<braid_tokenizer>(handle);
    });
}

} // extern "C"
