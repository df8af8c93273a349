// braid computes the same function as llama.cpp on the same files: identical tokens, logits within the
// tolerances of shared/reference/README.md at every prompt position, identical greedy continuations
// on the F32 models, bert embeddings with the required cosine. The models in tests/data always run;
// every other model of ../shared runs when that folder exists.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "braid/engine/context.hpp"
#include "reference.hpp"

using namespace engine_test;
namespace engine = braid::engine;

namespace {

struct Tolerance {
    double nmse = 2e-3;
    double top1 = 0.95;
    bool greedy = false;
    double cosine = 0.999;
};

Tolerance tolerance_for(const std::string& name) {
    Tolerance t;
    if (name == "stories260K" || name.find("f32") != std::string::npos) {
        t.nmse = 1e-5;
        t.top1 = 0.99;
        t.cosine = 0.9999;
        t.greedy = name == "stories260K" || name == "tiny-llama-gqa-f32";
    } else if (name.find("f16") != std::string::npos || name == "llama-2-tiny-random") {
        t.nmse = 2e-4;
        t.top1 = 0.98;
    }
    return t;
}

struct Figures {
    double worst_nmse = 0;
    std::size_t rows = 0, top1 = 0;
    std::size_t greedy_cases = 0, greedy_equal = 0;
    double worst_cosine = 1;
};

Figures check_model(const fs::path& model_path, const fs::path& ref_path, const Tolerance& tol,
                    engine::CpuKernels kernels = engine::CpuKernels::fast) {
    const std::vector<RefCase> cases = read_reference(ref_path);
    REQUIRE(!cases.empty());
    engine::Model model = engine::Model::load(model_path);
    engine::ContextOptions options;
    options.threads = 2;
    options.kernels = kernels;
    engine::Context ctx = engine::Context::create(model, options);
    Figures f;
    for (const RefCase& c : cases) {
        INFO(model_path.filename().string() << ": " << c.prompt);
        const auto tokens = model.tokenizer().tokenize(c.prompt, true, false);
        REQUIRE(tokens == c.tokens);
        ctx.clear();
        ctx.decode(engine::Batch::sequence(tokens, 0, 0, true));
        if (model.info().is_embedding_model()) {
            const auto e = ctx.embedding(0);
            const std::vector<float> ours(e.begin(), e.end());
            f.worst_cosine = std::min(f.worst_cosine, cosine(ours, c.embedding_normalized));
            f.worst_nmse = std::max(f.worst_nmse, nmse(ours, c.embedding_mean));
            continue;
        }
        REQUIRE(ctx.n_outputs() == c.logits.size());
        for (std::size_t i = 0; i < c.logits.size(); ++i) {
            const auto row = ctx.logits(i);
            const std::vector<float> ours(row.begin(), row.end());
            const RefRow& ref = c.logits[i];
            if (!ref.full.empty()) {
                f.worst_nmse = std::max(f.worst_nmse, nmse(ours, ref.full));
                f.top1 += argmax(ours) == argmax(ref.full);
            } else {
                std::vector<float> a, b;
                for (const auto& [id, logit] : ref.top) {
                    a.push_back(ours[static_cast<std::size_t>(id)]);
                    b.push_back(logit);
                }
                f.worst_nmse = std::max(f.worst_nmse, nmse(a, b));
                f.top1 += static_cast<engine::TokenId>(argmax(ours)) == ref.top.front().first;
            }
            ++f.rows;
        }
        // Greedy continuation, stopping at an end-of-generation token as the reference does.
        std::vector<engine::TokenId> greedy;
        const auto last = ctx.logits(ctx.n_outputs() - 1);
        engine::TokenId next = static_cast<engine::TokenId>(argmax(std::vector<float>(last.begin(), last.end())));
        while (greedy.size() < c.greedy.size()) {
            greedy.push_back(next);
            if (model.is_end_of_generation(next) || greedy.size() == c.greedy.size())
                break;
            const engine::TokenId one[] = {next};
            const auto row = ctx.eval(one);
            next = static_cast<engine::TokenId>(argmax(std::vector<float>(row.begin(), row.end())));
        }
        ++f.greedy_cases;
        f.greedy_equal += greedy == c.greedy;
        if (tol.greedy)
            CHECK(greedy == c.greedy);
    }
    const std::string name = model_path.stem().string();
    if (model.info().is_embedding_model()) {
        std::printf("reference %-28s embeddings: worst cosine %.7f, worst NMSE (raw) %.2e\n", name.c_str(), f.worst_cosine,
                    f.worst_nmse);
        CHECK(f.worst_cosine >= tol.cosine);
    } else {
        std::printf("reference %-28s logits: worst-row NMSE %.2e, top-1 %.1f%% of %zu rows, greedy identical %zu/%zu\n",
                    name.c_str(), f.worst_nmse, 100.0 * static_cast<double>(f.top1) / static_cast<double>(f.rows), f.rows,
                    f.greedy_equal, f.greedy_cases);
        CHECK(f.worst_nmse <= tol.nmse);
        CHECK(static_cast<double>(f.top1) >= tol.top1 * static_cast<double>(f.rows));
    }
    return f;
}

void check_folder(const fs::path& models, const fs::path& refs, const std::vector<std::string>& names,
                  engine::CpuKernels kernels = engine::CpuKernels::fast) {
    for (const std::string& name : names) {
        fs::path model = models / (name + ".gguf");
        if (!fs::exists(model))
            model = models / "synthetic" / (name + ".gguf");
        DYNAMIC_SECTION(name) { check_model(model, refs / (name + ".cpu.jsonl"), tolerance_for(name), kernels); }
    }
}

const std::vector<std::string> bundled = {"stories260K", "tiny-llama-gqa-q4_k_m", "tiny-qwen2-q8_0", "tiny-bert-f16"};

} // namespace

TEST_CASE("[reference] bundled models agree with llama.cpp", "[engine]") {
    check_folder(test_models(), test_models(), bundled);
}

TEST_CASE("[reference] reference kernels agree with llama.cpp", "[engine]") {
    check_folder(test_models(), test_models(), {"stories260K", "tiny-llama-gqa-q4_k_m", "tiny-bert-f16"},
                 engine::CpuKernels::reference);
}

TEST_CASE("[reference] every model and weight type of shared/ agrees with llama.cpp", "[engine]") {
    const auto shared = shared_dir();
    if (!shared) {
        WARN("../shared is absent: only the bundled models were checked");
        return;
    }
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(*shared / "reference"))
        if (entry.path().extension() == ".jsonl")
            names.push_back(entry.path().stem().stem().string());
    std::sort(names.begin(), names.end());
    REQUIRE(names.size() >= 10);
    check_folder(*shared / "models", *shared / "reference", names);
}
