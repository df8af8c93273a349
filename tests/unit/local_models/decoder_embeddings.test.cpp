// Embeddings of decoder models (llama, qwen2): the pooled vector checked against the logits path (the
// output projection is linear, so W·mean(h) is the mean of the logits rows and W·h_last the last row),
// batches against one text at a time, the pooling defaults and overrides, and the errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "braid/engine/batch.hpp"
#include "braid/engine/context.hpp"
#include "braid/engine/embedding.hpp"
#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/models/local_embeddings.hpp"
#include "local_test_util.hpp"
#include "unit/error_text.hpp"

namespace engine = braid::engine;
using braid::LocalEmbeddings;
using braid::LocalEmbeddingsOptions;
using Catch::Matchers::Contains;

namespace kv_decoder_embeddings {

// The bundled decoders: a real trained llama (F32), a synthetic llama with GQA (Q4_K) and a synthetic
// qwen2 (Q8_0, attention biases).
const std::vector<std::string> decoders = {"stories260K.gguf", "tiny-llama-gqa-q4_k_m.gguf", "tiny-qwen2-q8_0.gguf"};

const std::vector<std::string> texts = {"Once upon a time", "Tom had a big red ball.", "The little dog ran to the park and",
                                        "Lily", "One day, a small bird flew into the garden and sang a happy song."};

engine::ContextOptions reference_options(std::optional<engine::Pooling> pooling = std::nullopt) {
    engine::ContextOptions o;
    o.backend = engine::BackendKind::cpu;
    o.kernels = engine::CpuKernels::reference; // float arithmetic: the identities below hold to rounding
    o.threads = 2;
    o.n_ctx = 256;
    o.n_batch = 256;
    o.n_seq_max = 8;
    o.pooling = pooling;
    return o;
}

// The output projection [n_vocab rows of n_embd] as floats: output.weight, or the tied token embedding.
std::vector<float> output_matrix(const engine::Model& model) {
    const braid::gguf::File& file = model.file();
    const braid::gguf::TensorInfo* t = file.find_tensor("output.weight");
    return file.dequantize(t ? *t : file.tensor("token_embd.weight"));
}

// W · h: the logits a hidden state (after the final norm) gives.
std::vector<double> project(const std::vector<float>& w, std::span<const float> h) {
    const std::size_t n = h.size(), rows = w.size() / n;
    std::vector<double> out(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        double s = 0;
        for (std::size_t i = 0; i < n; ++i)
            s += static_cast<double>(w[r * n + i]) * h[i];
        out[r] = s;
    }
    return out;
}

double worst_difference(const std::vector<double>& a, const std::vector<double>& b) {
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

double largest(const std::vector<double>& a) {
    double m = 0;
    for (double x : a)
        m = std::max(m, std::abs(x));
    return m;
}

LocalEmbeddingsOptions cpu_options() {
    LocalEmbeddingsOptions o;
    o.backend = engine::BackendKind::cpu;
    o.threads = 2;
    return o;
}

// stories260K with `llama.pooling_type` set to @p type, as llama.cpp's converter writes it for decoder
// embedding models; written to a file of its own (other test processes may run at once), loaded, removed.
std::shared_ptr<const engine::Model> stories_with_pooling_type(std::uint32_t type) {
    const auto stories = local_test::stories();
    braid::gguf::Writer w;
    for (const auto& e : stories->file().metadata())
        w.set(e.key, e.value);
    w.set("llama.pooling_type", type);
    for (const auto& t : stories->file().tensors())
        w.add_tensor(t.name, t.type, t.dims(), t.span());
    const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                       ("braid-test-pooling-type-" + std::to_string(type) + "-" + std::to_string(std::random_device{}()) + ".gguf");
    w.write(path);
    auto model = std::make_shared<const engine::Model>(engine::Model::load(path));
    std::filesystem::remove(path); // the mapping stays valid
    return model;
}

} // namespace kv_decoder_embeddings

TEST_CASE("[local_embeddings] a decoder's pooled vector is the mean or last of its final hidden states", "[local_models]") {
    using namespace kv_decoder_embeddings;
    for (const std::string& file : decoders) {
        DYNAMIC_SECTION(file) {
            const auto model = local_test::model(file);
            const std::vector<float> w = output_matrix(*model);
            engine::Context logits_ctx = engine::Context::create(*model, reference_options());
            engine::Context mean_ctx = engine::Context::create(*model, reference_options(engine::Pooling::mean));
            engine::Context last_ctx = engine::Context::create(*model, reference_options(engine::Pooling::last));
            for (const std::string& text : texts) {
                INFO(text);
                const std::vector<engine::TokenId> tokens = model->tokenizer().tokenize(text, true, false);
                // The other way: every token's logits from the ordinary decode.
                logits_ctx.clear();
                logits_ctx.decode(engine::Batch::sequence(tokens, 0, 0, true));
                REQUIRE(logits_ctx.n_outputs() == tokens.size());
                std::vector<double> mean_logits(static_cast<std::size_t>(model->info().n_vocab), 0.0);
                for (std::size_t t = 0; t < tokens.size(); ++t) {
                    const auto row = logits_ctx.logits(t);
                    for (std::size_t r = 0; r < row.size(); ++r)
                        mean_logits[r] += row[r] / static_cast<double>(tokens.size());
                }
                const auto last_row = logits_ctx.logits(tokens.size() - 1);
                const std::vector<double> last_logits(last_row.begin(), last_row.end());

                const engine::TextEmbedding mean = engine::embed(mean_ctx, text, false);
                const engine::TextEmbedding last = engine::embed(last_ctx, text, false);
                CHECK(mean.tokens == tokens.size());
                REQUIRE(mean.values.size() == static_cast<std::size_t>(model->info().n_embd));
                const double scale = 1.0 + largest(last_logits);
                CHECK(worst_difference(project(w, mean.values), mean_logits) <= 1e-4 * scale);
                CHECK(worst_difference(project(w, last.values), last_logits) <= 1e-4 * scale);
                if (tokens.size() > 1)
                    CHECK(local_test::cosine(mean.values, last.values) < 0.9999); // the two poolings really differ
                // Nothing stays in an embedding context's cache.
                CHECK(mean_ctx.n_used() == 0);
            }
        }
    }
}

TEST_CASE("[local_embeddings] a batch of texts through a decoder equals one text at a time", "[local_models]") {
    using namespace kv_decoder_embeddings;
    for (const std::string& file : decoders) {
        for (const engine::Pooling pooling : {engine::Pooling::mean, engine::Pooling::last}) {
            DYNAMIC_SECTION(file << ' ' << engine::pooling_name(pooling)) {
                auto options = cpu_options();
                options.pooling = pooling;
                options.max_sequences = 3; // 5 texts: two passes, several sequences in each
                options.batch_size = 64;
                const LocalEmbeddings embedder(local_test::model(file), options);
                CHECK(embedder.pooling() == pooling);
                CHECK(embedder.dimension() == static_cast<std::size_t>(local_test::model(file)->info().n_embd));
                const auto batched = embedder.embed_documents(texts);
                REQUIRE(batched.size() == texts.size());
                for (std::size_t i = 0; i < texts.size(); ++i) {
                    INFO("text " << i << ": " << texts[i]);
                    const std::vector<float> alone = embedder.embed_query(texts[i]);
                    REQUIRE(alone.size() == embedder.dimension());
                    CHECK(local_test::cosine(batched[i], alone) >= 0.99999);
                    double norm = 0, worst = 0;
                    for (std::size_t k = 0; k < alone.size(); ++k) {
                        norm += static_cast<double>(batched[i][k]) * batched[i][k];
                        worst = std::max(worst, std::abs(static_cast<double>(batched[i][k]) - alone[k]));
                    }
                    CHECK(std::abs(norm - 1.0) < 1e-4);
                    CHECK(worst < 2e-3); // the kernels quantize activations per row; the packing changes only the order of sums
                }
            }
        }
    }
}

TEST_CASE("[local_embeddings] a decoder's pooling: metadata default, override, and what is refused", "[local_models]") {
    using namespace kv_decoder_embeddings;
    const auto stories = local_test::stories();
    // stories260K has no llama.pooling_type: mean, as documented.
    CHECK_FALSE(stories->file().contains("llama.pooling_type"));
    CHECK(braid::embedding_pooling(*stories) == engine::Pooling::mean);
    const LocalEmbeddings by_default(stories, cpu_options());
    CHECK(by_default.pooling() == engine::Pooling::mean);
    CHECK(by_default.normalizes());
    // A bert model keeps its metadata's pooling.
    const auto bert = local_test::model("tiny-bert-f16.gguf");
    CHECK(braid::embedding_pooling(*bert) == bert->info().pooling);

    // The override reaches the engine: last-token vectors equal the engine's last pooling.
    auto last_options = cpu_options();
    last_options.pooling = engine::Pooling::last;
    const LocalEmbeddings last(stories, last_options);
    auto co = reference_options(engine::Pooling::last);
    co.kernels = engine::CpuKernels::fast;
    engine::Context ctx = engine::Context::create(*stories, co);
    CHECK(local_test::cosine(last.embed_query(texts[1]), engine::embed(ctx, texts[1]).values) >= 0.99999);
    CHECK(local_test::cosine(last.embed_query(texts[1]), by_default.embed_query(texts[1])) < 0.9999);

    auto none = cpu_options();
    none.pooling = engine::Pooling::none;
    CHECK_THAT(braid_test::error_of([&] { LocalEmbeddings e(stories, none); }), Contains("invalid_argument") && Contains("pooling none"));
    // A context without pooling gives logits, not embeddings; one with pooling gives no logits.
    engine::Context plain = engine::Context::create(*stories, reference_options());
    CHECK_THAT(braid_test::error_of([&] { engine::embed(plain, "x"); }), Contains("ContextOptions::pooling"));
    CHECK_THAT(braid_test::error_of([&] { (void)ctx.logits(0); }), Contains("no logits"));
    CHECK_THAT(braid_test::error_of([&] { (void)ctx.save_sequence(0); }), Contains("keeps nothing"));
    // A bert model always pools.
    CHECK_THAT(braid_test::error_of([&] { engine::Context::create(*bert, reference_options(engine::Pooling::none)); }),
               Contains("invalid_argument") && Contains("pooling none"));
}

TEST_CASE("[local_embeddings] a decoder's <arch>.pooling_type picks its pooling", "[local_models]") {
    using namespace kv_decoder_embeddings;
    auto override_with = [](engine::Pooling pooling) {
        auto o = cpu_options();
        o.pooling = pooling;
        return LocalEmbeddings(local_test::stories(), o).embed_query(texts[2]);
    };
    const std::vector<float> mean = override_with(engine::Pooling::mean), last = override_with(engine::Pooling::last);
    // 3 (last) and 1 (mean): the vectors of that pooling; 0 (none: not an embedding model) is mean.
    const LocalEmbeddings by_last(stories_with_pooling_type(3), cpu_options());
    CHECK(by_last.pooling() == engine::Pooling::last);
    CHECK(by_last.embed_query(texts[2]) == last);
    const LocalEmbeddings by_mean(stories_with_pooling_type(1), cpu_options());
    CHECK(by_mean.pooling() == engine::Pooling::mean);
    CHECK(by_mean.embed_query(texts[2]) == mean);
    CHECK(LocalEmbeddings(stories_with_pooling_type(0), cpu_options()).pooling() == engine::Pooling::mean);
    // The option overrides the metadata.
    auto o = cpu_options();
    o.pooling = engine::Pooling::mean;
    CHECK(LocalEmbeddings(stories_with_pooling_type(3), o).embed_query(texts[2]) == mean);
    // 4 is llama.cpp's rank (a reranker's head), which braid does not run.
    const auto rank = stories_with_pooling_type(4);
    CHECK_THAT(braid_test::error_of([&] { LocalEmbeddings e(rank, cpu_options()); }),
               Contains("unsupported") && Contains("llama.pooling_type 4"));
    CHECK(LocalEmbeddings(rank, o).pooling() == engine::Pooling::mean);
}
