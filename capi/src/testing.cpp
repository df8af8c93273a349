// The C functions of braid/testing.h.
#include "embeddings_handle.hpp"
#include "handles.hpp"
#include "json_io.hpp"
#include "braid/testing.h"
#include "braid/testing/deterministic_embeddings.hpp"
#include "braid/testing/fake_chat_model.hpp"

#include <memory>
#include <optional>

using namespace braid;
using namespace braid::capi;

namespace {

testing::FakeChatModel fake_of(const braid_runnable* model) {
    const AnyRunnable& runnable = use(model, "model").runnable;
    std::optional<testing::FakeChatModel> fake = testing::FakeChatModel::find(runnable);
    if (!fake)
        throw Error(errc::invalid_argument, "model is not a fake chat model (it is '" + runnable.name() + "')");
    return *std::move(fake);
}

} // namespace

extern "C" {

braid_status braid_fake_chat_model(braid_runnable** out, const char* config_json) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, testing::FakeChatModel(parse_json(config_json, "config_json").get<testing::FakeChatModel::Config>()));
    });
}

braid_status braid_fake_chat_model_calls(char** out_json, const braid_runnable* model) {
    return guard([&] {
        out_param(out_json, "out_json");
        const testing::FakeChatModel fake = fake_of(model);
        Value received = Value::array();
        for (const Messages& messages : fake.received())
            received.push_back(Value(messages));
        Value options = Value::array();
        for (const GenerationOptions& o : fake.received_options())
            options.push_back(Value(o));
        put_string(out_json, dump_json({{"call_count", fake.call_count()}, {"received", std::move(received)},
                                        {"options", std::move(options)}}));
    });
}

braid_status braid_fake_chat_model_reset(const braid_runnable* model) {
    // The records are the model's own (thread-safe) state: reset() is allowed on a const handle.
    return guard([&] { fake_of(model).reset(); });
}

braid_status braid_deterministic_embeddings(braid_embeddings** out, size_t dimension) {
    return guard([&] {
        out_param(out, "out");
        auto handle = std::make_unique<EmbeddingsHandle>();
        handle->embeddings = std::make_shared<const testing::DeterministicEmbeddings>(dimension);
        *out = to_handle<braid_embeddings>(handle.release());
    });
}

} // extern "C"
