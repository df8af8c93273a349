// Sequence operations of a Context: copy_sequence (shared cells) against independent computations, and
// sessions (save_sequence / restore_sequence) — bit-exact continuations on the CPU, every malformed or
// mismatched session a clear error that leaves the context as it was, random damage never a crash.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "braid/engine/context.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/error.hpp"
#include "engine/context/session.hpp"
#include "reference.hpp"
#include "unit/error_text.hpp"

namespace engine = braid::engine;
using engine::Batch;
using engine::TokenId;
namespace fs = std::filesystem;
using engine_test::stories;
using Catch::Matchers::Contains;

namespace kv_sessions {

std::vector<float> copy_of(std::span<const float> row) { return {row.begin(), row.end()}; }

TokenId argmax_of(std::span<const float> row) {
    return static_cast<TokenId>(std::max_element(row.begin(), row.end()) - row.begin());
}

// Greedy tokens of sequence @p seq after @p logits, and the logits of every step.
std::pair<std::vector<TokenId>, std::vector<std::vector<float>>> greedy_steps(engine::Context& ctx, std::span<const float> logits, engine::SeqId seq,
                                                                      int n) {
    std::vector<TokenId> out;
    std::vector<std::vector<float>> rows{copy_of(logits)};
    for (int i = 0; i < n; ++i) {
        const TokenId next[] = {argmax_of(rows.back())};
        out.push_back(next[0]);
        rows.push_back(copy_of(ctx.eval(next, seq)));
    }
    return {out, rows};
}

engine::ContextOptions cpu_options(int n_seq = 1, std::int64_t n_ctx = 256, bool f16 = true) {
    engine::ContextOptions o;
    o.backend = engine::BackendKind::cpu;
    o.threads = 2;
    o.n_seq_max = n_seq;
    o.n_ctx = n_ctx;
    o.kv_f16 = f16;
    return o;
}

// stories260K rewritten with the first bytes of one tensor changed: the same shape, other weights.
fs::path altered_stories() {
    const auto file = braid::gguf::File::open(stories);
    braid::gguf::Writer w;
    for (const auto& e : file.metadata())
        w.set(e.key, e.value);
    bool changed = false;
    std::vector<std::byte> copy;
    for (const auto& t : file.tensors()) {
        if (!changed && t.name == "output_norm.weight") {
            copy.assign(t.span().begin(), t.span().end());
            copy[0] ^= std::byte{1};
            w.add_tensor(t.name, t.type, t.dims(), copy);
            changed = true;
        } else {
            w.add_tensor(t.name, t.type, t.dims(), t.span());
        }
    }
    const fs::path out = fs::temp_directory_path() / "braid-test-kv-altered.gguf";
    w.write(out);
    return out;
}

} // namespace kv_sessions

TEST_CASE("[context] copy_sequence then decoding equals two independent computations", "[engine]") {
    using namespace kv_sessions;
    engine::Model model = engine::Model::load(stories);
    const auto prefix = model.tokenizer().tokenize("Once upon a time, there was a little girl", true);
    const auto a = model.tokenizer().tokenize(" who liked cats.", false);
    const auto b = model.tokenizer().tokenize(" named Sue. She had a red hat", false);
    for (const bool f16 : {true, false}) {
        INFO("f16 cache: " << f16);
        engine::Context shared = engine::Context::create(model, cpu_options(3, 256, f16));
        shared.eval(prefix, 0);
        const std::int64_t used = shared.n_used();
        shared.copy_sequence(0, 1);
        CHECK(shared.n_used() == used); // cells are shared, not duplicated
        CHECK(shared.next_position(1) == shared.next_position(0));
        const auto after_a = copy_of(shared.eval(a, 0));
        const auto after_b = copy_of(shared.eval(b, 1));
        auto [greedy_a, rows_a] = greedy_steps(shared, after_a, 0, 6);
        auto [greedy_b, rows_b] = greedy_steps(shared, after_b, 1, 6);

        engine::Context alone = engine::Context::create(model, cpu_options(1, 256, f16));
        alone.eval(prefix, 0);
        CHECK(copy_of(alone.eval(a, 0)) == after_a);
        CHECK(greedy_steps(alone, after_a, 0, 6).second == rows_a);
        alone.clear();
        alone.eval(prefix, 0);
        CHECK(copy_of(alone.eval(b, 0)) == after_b);
        auto [alone_greedy_b, alone_rows_b] = greedy_steps(alone, after_b, 0, 6);
        CHECK(alone_greedy_b == greedy_b);
        CHECK(alone_rows_b == rows_b);

        // Removing the original leaves the copy intact: it still continues as the independent one. (Its
        // next token lands in a freed cell before its later ones, so attention sums the same terms in
        // another order: equal to rounding, not bit for bit.)
        shared.remove(0);
        CHECK(shared.next_position(0) == 0);
        CHECK(shared.next_position(1) == alone.next_position(0));
        const TokenId t[] = {greedy_b.back()};
        const auto next_shared = copy_of(shared.eval(t, 1));
        const auto next_alone = copy_of(alone.eval(t, 0));
        CHECK(engine_test::nmse(next_shared, next_alone) <= 1e-6);
        CHECK(argmax_of(next_shared) == argmax_of(next_alone));
    }
}

TEST_CASE("[context] copy_sequence of a range, onto a sequence that held positions, and its errors", "[engine]") {
    using namespace kv_sessions;
    engine::Model model = engine::Model::load(stories);
    const auto prompt = model.tokenizer().tokenize("Once upon a time, there was a little girl", true);
    engine::Context ctx = engine::Context::create(model, cpu_options(3));
    ctx.eval(prompt, 0);
    const auto other = model.tokenizer().tokenize("The dog ran fast", true);
    ctx.eval(other, 1);
    // Positions [0, 4) of sequence 0 replace those of sequence 1; its later positions stay.
    ctx.copy_sequence(0, 1, 0, 4);
    CHECK(ctx.next_position(1) == static_cast<std::int32_t>(other.size()));
    ctx.copy_sequence(0, 2, 0, 5);
    CHECK(ctx.next_position(2) == 5);
    // Continuing sequence 2 equals computing those 5 tokens and the next one alone.
    const TokenId next[] = {prompt[5]};
    const auto continued = copy_of(ctx.eval(next, 2));
    engine::Context alone = engine::Context::create(model, cpu_options(1));
    alone.eval(std::span(prompt).first(5));
    CHECK(copy_of(alone.eval(next)) == continued);
    ctx.copy_sequence(1, 1); // to itself: nothing
    CHECK_THAT(braid_test::error_of([&] { ctx.copy_sequence(0, 3); }), Contains("invalid_argument") && Contains("sequence 3"));
    CHECK_THAT(braid_test::error_of([&] { ctx.copy_sequence(-1, 0); }), Contains("sequence -1"));
}

TEST_CASE("[context] a restored sequence continues bit-exactly on the CPU", "[engine]") {
    using namespace kv_sessions;
    engine::Model model = engine::Model::load(stories);
    const auto prompt = model.tokenizer().tokenize("Tom had a big red ball. He liked to kick it in the park", true);
    for (const bool f16 : {true, false}) {
        INFO("f16 cache: " << f16);
        engine::Context original = engine::Context::create(model, cpu_options(1, 256, f16));
        const auto logits = copy_of(original.eval(prompt));
        const std::vector<std::byte> session = original.save_sequence(0, prompt);
        auto [tokens, rows] = greedy_steps(original, logits, 0, 12);

        // Another context, another sequence, with something else already in the cache.
        engine::Context other = engine::Context::create(model, cpu_options(2, 256, f16));
        other.eval(model.tokenizer().tokenize("One day", true), 0);
        const std::int64_t used = other.n_used();
        CHECK(other.restore_sequence(1, session) == prompt);
        CHECK(other.n_used() == used + static_cast<std::int64_t>(prompt.size()));
        CHECK(other.next_position(1) == static_cast<std::int32_t>(prompt.size()));
        // The next token's logits and the greedy continuation are those of the original.
        auto [restored_tokens, restored_rows] = greedy_steps(other, logits, 1, 12);
        CHECK(restored_tokens == tokens);
        CHECK(restored_rows == rows);
    }
}

TEST_CASE("[context] sessions go to files atomically and come back", "[engine]") {
    using namespace kv_sessions;
    engine::Model model = engine::Model::load(stories);
    const auto prompt = model.tokenizer().tokenize("The sun was hot, so Mia went to the beach", true);
    engine::Context ctx = engine::Context::create(model, cpu_options());
    const auto logits = copy_of(ctx.eval(prompt));
    const fs::path dir = fs::temp_directory_path() / "braid-test-kv-sessions";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path file = dir / "npc.session";
    {
        std::ofstream old(file);
        old << "an older session";
    }
    ctx.save_sequence_to(0, file, prompt);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
        ++entries;
    CHECK(entries == 1); // no temporary file left beside it
    CHECK(fs::file_size(file) == ctx.save_sequence(0, prompt).size());
    ctx.clear();
    CHECK(ctx.restore_sequence_from(0, file) == prompt);
    const TokenId next[] = {argmax_of(logits)};
    const auto after = copy_of(ctx.eval(next));
    engine::Context fresh = engine::Context::create(model, cpu_options());
    fresh.eval(prompt);
    CHECK(copy_of(fresh.eval(next)) == after);
    CHECK_THAT(braid_test::error_of([&] { ctx.restore_sequence_from(0, dir / "missing.session"); }), Contains("io") && Contains("missing.session"));
    CHECK_THAT(braid_test::error_of([&] { ctx.save_sequence_to(0, dir / "no-such-dir" / "x.session"); }), Contains("io"));
    fs::remove_all(dir);
}

TEST_CASE("[context] malformed, mismatched and misplaced sessions are errors that change nothing", "[engine]") {
    using namespace kv_sessions;
    engine::Model model = engine::Model::load(stories);
    const auto prompt = model.tokenizer().tokenize("Once upon a time, there was a little girl named Lily", true);
    engine::Context saver = engine::Context::create(model, cpu_options());
    saver.eval(prompt);
    const std::vector<std::byte> good = saver.save_sequence(0, prompt);

    engine::Context ctx = engine::Context::create(model, cpu_options(2, 64));
    ctx.eval(model.tokenizer().tokenize("One day", true), 1);
    const std::int64_t used = ctx.n_used();
    auto rejected = [&](std::span<const std::byte> bytes, engine::SeqId seq = 0) {
        const std::string e = braid_test::error_of([&] { ctx.restore_sequence(seq, bytes); });
        CHECK(ctx.n_used() == used);
        CHECK(ctx.next_position(0) == 0);
        return e;
    };
    auto edited = [&](std::size_t at, std::byte value) {
        std::vector<std::byte> b = good;
        b.at(at) = value;
        return b;
    };
    CHECK_THAT(rejected(edited(0, std::byte{'X'})), Contains("invalid_argument") && Contains("magic"));
    CHECK_THAT(rejected(edited(8, std::byte{9})), Contains("version 9"));
    CHECK_THAT(rejected(std::span(good).first(good.size() - 1)), Contains("truncated"));
    CHECK_THAT(rejected(std::span(good).first(30)), Contains("truncated"));
    CHECK_THAT(rejected({}), Contains("magic"));
    std::vector<std::byte> longer = good;
    longer.push_back(std::byte{0});
    CHECK_THAT(rejected(longer), Contains("unexpected bytes"));
    CHECK_THAT(rejected(edited(good.size() / 2, good[good.size() / 2] ^ std::byte{0x10})), Contains("checksum"));
    CHECK_THAT(rejected(edited(good.size() - 1, good.back() ^ std::byte{1})), Contains("checksum"));
    // The sequence must be empty; enough cells must be free; the sequence must exist.
    CHECK_THAT(rejected(good, 1), Contains("sequence 1 is not empty"));
    CHECK_THAT(braid_test::error_of([&] { ctx.restore_sequence(2, good); }), Contains("sequence 2"));
    engine::Context small = engine::Context::create(model, cpu_options(1, 8));
    CHECK_THAT(braid_test::error_of([&] { small.restore_sequence(0, good); }), Contains("out_of_memory") && Contains("do not fit"));
    CHECK(small.n_used() == 0);
    // Another cache type, another model of another shape, another model of the same shape.
    engine::Context f32 = engine::Context::create(model, cpu_options(1, 256, false));
    CHECK_THAT(braid_test::error_of([&] { f32.restore_sequence(0, good); }), Contains("f16 cache") && Contains("kv_f16"));
    CHECK(f32.n_used() == 0);
    engine::Model gqa = engine::Model::load(engine_test::test_models() / "tiny-llama-gqa-q4_k_m.gguf");
    engine::Context gqa_ctx = engine::Context::create(gqa, cpu_options());
    CHECK_THAT(braid_test::error_of([&] { gqa_ctx.restore_sequence(0, good); }), Contains("layers"));
    const fs::path altered = altered_stories();
    {
        engine::Model twin = engine::Model::load(altered);
        engine::Context twin_ctx = engine::Context::create(twin, cpu_options());
        CHECK_THAT(braid_test::error_of([&] { twin_ctx.restore_sequence(0, good); }), Contains("another model"));
        CHECK(twin_ctx.n_used() == 0);
    }
    fs::remove(altered);
    engine::Model bert = engine::Model::load(engine_test::test_models() / "tiny-bert-f16.gguf");
    engine::Context bert_ctx = engine::Context::create(bert, cpu_options());
    CHECK_THAT(braid_test::error_of([&] { bert_ctx.restore_sequence(0, good); }), Contains("embedding model"));
    CHECK_THAT(braid_test::error_of([&] { bert_ctx.save_sequence(0); }), Contains("embedding model"));
    // Saving: tokens must be of the vocabulary.
    const TokenId bad[] = {1, 100000};
    CHECK_THAT(braid_test::error_of([&] { saver.save_sequence(0, bad); }), Contains("token 1") && Contains("100000"));
    // The good session still restores after all that.
    CHECK(ctx.restore_sequence(0, good) == prompt);
}

TEST_CASE("[context] random damage to a session never crashes", "[engine]") {
    using namespace kv_sessions;
    engine::Model model = engine::Model::load(stories);
    const auto prompt = model.tokenizer().tokenize("Tom had a big red ball", true);
    engine::Context ctx = engine::Context::create(model, cpu_options(2, 64));
    ctx.eval(prompt);
    const std::vector<std::byte> good = ctx.save_sequence(0, prompt);
    const std::size_t payload = good.size() - 8;
    std::mt19937 rng(1234);
    int unsealed_restored = 0;
    for (int round = 0; round < 600; ++round) {
        std::vector<std::byte> b = good;
        const int flips = 1 + static_cast<int>(rng() % 4);
        // A third of the rounds damages the header and counts (where parsing decides), the rest anywhere.
        const std::size_t range = round % 3 == 0 ? std::min<std::size_t>(payload, 128) : payload;
        for (int f = 0; f < flips; ++f)
            b[rng() % range] ^= static_cast<std::byte>(1u << (rng() % 8));
        if (round % 7 == 6)
            b.resize(rng() % b.size());
        // Every other round recomputes the checksum, so that the damage reaches the checks behind it.
        const bool resealed = round % 2 == 1 && b.size() >= 8;
        if (resealed) {
            const std::uint64_t sum = engine::session::checksum(std::span(b).first(b.size() - 8));
            std::memcpy(b.data() + b.size() - 8, &sum, 8);
        }
        try {
            ctx.restore_sequence(1, b);
            if (!resealed)
                ++unsealed_restored;
            ctx.remove(1);
        } catch (const braid::Error&) {
        }
        CHECK(ctx.next_position(1) == 0);
        CHECK(ctx.n_used() == static_cast<std::int64_t>(prompt.size()));
    }
    CHECK(unsealed_restored == 0); // any change breaks the checksum (or the header before it)
}
