// Context behaviour: sequences, batch splitting, cache edits, thread-count independence, every bad
// input as a clear error with nothing kept, and model files that are wrong.
#include <catch2/catch.hpp>

#include <cstring>
#include <exception>
#include <functional>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <thread>

#include "braid/engine/context.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/error.hpp"
#include "reference.hpp"

namespace engine = braid::engine;
using engine::Batch;
using engine::TokenId;
namespace fs = std::filesystem;

using engine_test::stories;

namespace {

std::vector<float> row_of(const engine::Context& ctx, std::size_t i) {
    const auto r = ctx.logits(i);
    return {r.begin(), r.end()};
}

braid::errc kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const braid::Error& e) {
        return e.kind();
    }
    return braid::errc::internal;
}

// A copy of stories260K written through gguf::Writer with @p edit applied to the tensor list.
fs::path rewritten(const std::string& name, const std::function<bool(const braid::gguf::TensorInfo&, braid::gguf::Writer&)>& edit) {
    const auto file = braid::gguf::File::open(stories);
    braid::gguf::Writer w;
    for (const auto& e : file.metadata())
        w.set(e.key, e.value);
    for (const auto& t : file.tensors())
        if (!edit(t, w))
            w.add_tensor(t.name, t.type, t.dims(), t.span());
    const fs::path out = fs::temp_directory_path() / ("braid-test-" + name + ".gguf");
    w.write(out);
    return out;
}

} // namespace

TEST_CASE("[context] sequences in one batch compute what they compute alone", "[engine]") {
    engine::Model model = engine::Model::load(stories);
    engine::ContextOptions o;
    o.n_seq_max = 2;
    engine::Context ctx = engine::Context::create(model, o);
    const auto a = model.tokenizer().tokenize("Once upon a time", true);
    const auto b = model.tokenizer().tokenize("The little dog ran", true);
    ctx.decode(Batch::sequence(a, 0, 0));
    const auto alone_a = row_of(ctx, 0);
    ctx.clear();
    ctx.decode(Batch::sequence(b, 0, 1));
    const auto alone_b = row_of(ctx, 0);
    ctx.clear();
    Batch mixed; // interleaved tokens of both sequences
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        if (i < a.size())
            mixed.add(a[i], static_cast<std::int32_t>(i), 0, i + 1 == a.size());
        if (i < b.size())
            mixed.add(b[i], static_cast<std::int32_t>(i), 1, i + 1 == b.size());
    }
    ctx.decode(mixed);
    REQUIRE(ctx.n_outputs() == 2);
    const auto both_first = row_of(ctx, 0), both_second = row_of(ctx, 1);
    // Output rows come in batch order: the sequence whose last token comes first gives row 0.
    const bool a_first = a.size() <= b.size();
    CHECK(engine_test::nmse(a_first ? both_first : both_second, alone_a) < 1e-6); // float-weight tiles sum in another order than single rows
    CHECK(engine_test::nmse(a_first ? both_second : both_first, alone_b) < 1e-6); // float-weight tiles sum in another order than single rows
    CHECK(ctx.next_position(0) == static_cast<std::int32_t>(a.size()));
    CHECK(ctx.next_position(1) == static_cast<std::int32_t>(b.size()));
}

TEST_CASE("[context] a long batch split by n_batch equals one batch, and remove() rewinds", "[engine]") {
    engine::Model model = engine::Model::load(stories);
    const auto tokens = model.tokenizer().tokenize("Lily and Tom were best friends. One day they found a big box in the garden.", true);
    engine::Context whole = engine::Context::create(model);
    whole.decode(Batch::sequence(tokens, 0, 0, true));
    engine::ContextOptions small;
    small.n_batch = 5;
    engine::Context split = engine::Context::create(model, small);
    split.decode(Batch::sequence(tokens, 0, 0, true));
    REQUIRE(split.n_outputs() == tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i)
        CHECK(engine_test::nmse(row_of(split, i), row_of(whole, i)) < 1e-6); // float-weight tiles sum in another order than single rows

    // Drop the last 4 positions and decode them again: the same logits.
    const auto last = row_of(whole, tokens.size() - 1);
    const std::int32_t keep = static_cast<std::int32_t>(tokens.size()) - 4;
    whole.remove(0, keep);
    CHECK(whole.next_position(0) == keep);
    CHECK(whole.n_used() == keep);
    whole.decode(Batch::sequence(std::span(tokens).subspan(static_cast<std::size_t>(keep)), keep, 0));
    CHECK(engine_test::nmse(row_of(whole, 0), last) < 1e-6); // float-weight tiles sum in another order than single rows
}

TEST_CASE("[context] results do not depend on the number of threads", "[engine]") {
    engine::Model model = engine::Model::load(engine_test::test_models() / "tiny-llama-gqa-q4_k_m.gguf");
    const auto tokens = model.tokenizer().tokenize("One day, a girl named Sue went to the beach with her mom and dad.", true);
    std::vector<std::vector<float>> rows;
    for (int threads : {1, 2, 3}) {
        engine::ContextOptions o;
        o.threads = threads;
        engine::Context ctx = engine::Context::create(model, o);
        ctx.decode(Batch::sequence(tokens, 0, 0, true));
        std::vector<float> all;
        for (std::size_t i = 0; i < ctx.n_outputs(); ++i) {
            const auto r = ctx.logits(i);
            all.insert(all.end(), r.begin(), r.end());
        }
        rows.push_back(all);
    }
    CHECK(rows[0] == rows[1]);
    CHECK(rows[0] == rows[2]);
}

TEST_CASE("[context] one model, many contexts on many threads", "[engine]") {
    const engine::Model model = engine::Model::load(stories);
    const auto tokens = model.tokenizer().tokenize("Once upon a time", true);
    engine::ContextOptions o;
    o.threads = 1;
    engine::Context first = engine::Context::create(model, o);
    const auto want = [&] {
        auto r = first.eval(tokens);
        return std::vector<float>(r.begin(), r.end());
    }();
    std::vector<std::thread> threads;
    std::atomic<int> same{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            engine::Context ctx = engine::Context::create(model, o);
            for (int i = 0; i < 10; ++i) {
                ctx.clear();
                const auto r = ctx.eval(tokens);
                same += std::vector<float>(r.begin(), r.end()) == want;
            }
        });
    for (auto& t : threads)
        t.join();
    CHECK(same == 40);
}

TEST_CASE("[context] four contexts decoding on four threads compute what they compute one after another", "[engine]") {
    // The CPU twin of the Vulkan test (tests/unit/vulkan/concurrency.test.cpp), and what the TSan preset
    // runs: a prompt, then tokens one at a time, on each thread.
    const engine::Model model = engine::Model::load(stories);
    engine::ContextOptions o;
    o.threads = 2;
    o.n_ctx = 64;
    auto decode = [&](std::size_t t) {
        engine::Context ctx = engine::Context::create(model, o);
        return engine_test::decode_prompt_then_tokens(ctx, model.tokenizer().tokenize(engine_test::story_openings[t], true));
    };
    std::vector<std::vector<std::vector<float>>> concurrent(4);
    std::vector<std::exception_ptr> errors(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            try {
                concurrent[t] = decode(t);
            } catch (...) {
                errors[t] = std::current_exception();
            }
        });
    for (auto& thread : threads)
        thread.join();
    for (std::size_t t = 0; t < 4; ++t) {
        if (errors[t])
            std::rethrow_exception(errors[t]);
        CHECK(decode(t) == concurrent[t]);
    }
}

TEST_CASE("[context] bad batches are clear errors and keep nothing", "[engine]") {
    engine::Model model = engine::Model::load(stories);
    engine::ContextOptions o;
    o.n_ctx = 16;
    o.n_seq_max = 2;
    engine::Context ctx = engine::Context::create(model, o);
    ctx.decode(Batch::sequence(std::vector<TokenId>{1, 403, 407}, 0, 0));
    const auto used = ctx.n_used();
    Batch b;
    b.add(600, 3, 0, true); // outside the 512-token vocabulary
    CHECK(kind_of([&] { ctx.decode(b); }) == braid::errc::invalid_argument);
    b.tokens = {{5, 3, 2, true}}; // sequence 2 of 2
    CHECK(kind_of([&] { ctx.decode(b); }) == braid::errc::invalid_argument);
    b.tokens = {{5, 1, 0, true}}; // position 1 of sequence 0 is cached
    CHECK(kind_of([&] { ctx.decode(b); }) == braid::errc::invalid_argument);
    b.tokens = {{5, -1, 0, true}};
    CHECK(kind_of([&] { ctx.decode(b); }) == braid::errc::invalid_argument);
    b.tokens = {{5, 3, 1, false}, {6, 4, 0, false}, {7, 3, 1, true}}; // position 3 of sequence 1 twice
    CHECK(kind_of([&] { ctx.decode(b); }) == braid::errc::invalid_argument);
    CHECK(ctx.n_used() == used);
    CHECK(ctx.next_position(1) == 0);
    // More tokens than free cells: out_of_memory naming n_ctx, and the cache is as before.
    const std::vector<TokenId> long_prompt(20, 300);
    try {
        ctx.decode(Batch::sequence(long_prompt, 3, 0));
        FAIL("expected an error");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::out_of_memory);
        CHECK(std::string(e.what()).find("n_ctx 16") != std::string::npos);
    }
    CHECK(ctx.n_used() == used);
    CHECK(ctx.next_position(0) == 3);
    CHECK(kind_of([&] { ctx.logits(5); }) == braid::errc::invalid_argument);
    CHECK(kind_of([&] { ctx.embedding(0); }) == braid::errc::invalid_argument);
    CHECK(kind_of([&] { ctx.remove(7); }) == braid::errc::invalid_argument);
    engine::ContextOptions bad;
    bad.n_seq_max = 65;
    CHECK(kind_of([&] { engine::Context::create(model, bad); }) == braid::errc::invalid_argument);
    bad = {};
    bad.n_batch = 0;
    CHECK(kind_of([&] { engine::Context::create(model, bad); }) == braid::errc::invalid_argument);
    // The context still works.
    ctx.decode(Batch::sequence(std::vector<TokenId>{261}, 3, 0));
    CHECK(ctx.n_outputs() == 1);
}

TEST_CASE("[context] wrong model files are clear errors", "[engine]") {
    SECTION("a missing tensor is named") {
        const auto path = rewritten("missing", [](const braid::gguf::TensorInfo& t, braid::gguf::Writer&) {
            return t.name == "blk.2.ffn_up.weight"; // dropped
        });
        try {
            engine::Model::load(path);
            FAIL("expected an error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::model_format);
            CHECK(std::string(e.what()).find("blk.2.ffn_up.weight") != std::string::npos);
        }
        fs::remove(path);
    }
    SECTION("a tensor of the wrong shape is named with both shapes") {
        const auto path = rewritten("shape", [](const braid::gguf::TensorInfo& t, braid::gguf::Writer& w) {
            if (t.name != "blk.0.attn_k.weight")
                return false;
            const std::int64_t dims[] = {32, 64}; // transposed
            w.add_tensor(t.name, t.type, dims, t.span());
            return true;
        });
        try {
            engine::Model::load(path);
            FAIL("expected an error");
        } catch (const braid::Error& e) {
            CHECK(e.kind() == braid::errc::model_format);
            CHECK(std::string(e.what()).find("blk.0.attn_k.weight") != std::string::npos);
            CHECK(std::string(e.what()).find("expected [64, 32]") != std::string::npos);
        }
        fs::remove(path);
    }
    SECTION("an unknown architecture, a truncated file, a cancelled load") {
        const auto file = braid::gguf::File::open(stories);
        braid::gguf::Writer w;
        for (const auto& e : file.metadata())
            w.set(e.key, e.value);
        w.set("general.architecture", std::string_view("mamba"));
        const fs::path path = fs::temp_directory_path() / "braid-test-arch.gguf";
        w.write(path);
        CHECK(kind_of([&] { engine::Model::load(path); }) == braid::errc::unsupported);
        // Truncated: half of stories260K.
        std::ifstream in(stories, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
        std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
        CHECK(kind_of([&] { engine::Model::load(path); }) == braid::errc::model_format);
        fs::remove(path);
        engine::ModelOptions cancel;
        int calls = 0;
        cancel.progress = [&](float f) {
            ++calls;
            return f < 0.5f;
        };
        CHECK(kind_of([&] { engine::Model::load(stories, cancel); }) == braid::errc::cancelled);
        CHECK(calls > 1);
        CHECK(kind_of([&] { engine::Model::load("/nonexistent/model.gguf"); }) == braid::errc::io);
    }
}

TEST_CASE("[context] model info and end-of-generation tokens", "[engine]") {
    engine::Model model = engine::Model::load(stories);
    const engine::ModelInfo& info = model.info();
    CHECK(info.architecture == "llama");
    CHECK(info.n_vocab == 512);
    CHECK(info.n_embd == 64);
    CHECK(info.n_layer == 5);
    CHECK(info.n_head == 8);
    CHECK(info.n_head_kv == 4);
    CHECK(info.n_rot == 8);
    CHECK(info.n_params == 292800);
    CHECK(!info.is_embedding_model());
    CHECK(model.is_end_of_generation(2));
    CHECK(!model.is_end_of_generation(1));
    CHECK(model.token_text(1) == "<s>");
    CHECK(!model.chat_template());
    engine::Model bert = engine::Model::load(engine_test::test_models() / "tiny-bert-f16.gguf");
    CHECK(bert.info().pooling == engine::Pooling::mean);
    CHECK(!bert.info().causal);
}
