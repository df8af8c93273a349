// LocalScheduler: continuous batching gives each request what it gets alone (text and logits), the
// queue is bounded, cancellation and deadlines stop one request only, the prompt cache reuses prefixes,
// sequences are bounded, destruction ends what is pending, and bad requests are clear errors.
#include <catch2/catch.hpp>

#include <thread>

#include "braid/error.hpp"
#include "braid/models/local_scheduler.hpp"
#include "local_test_util.hpp"

namespace engine = braid::engine;
using braid::LocalRequest;
using braid::LocalScheduler;
using braid::LocalSchedulerOptions;

namespace {

LocalSchedulerOptions options(int n_seq, std::int64_t per_seq = 256) {
    LocalSchedulerOptions o;
    o.n_seq_max = n_seq;
    o.n_ctx = per_seq * n_seq;
    o.threads = 2;
    return o;
}

struct Run {
    std::string text;
    std::vector<std::vector<float>> logits;
    braid::LocalResult result;
};

// Each opening alone, then all eight at once (with small prompt chunks, so that prompts and
// generation share passes): the same greedy text, logits within @p tolerance.
void check_alone_vs_together(const std::shared_ptr<const engine::Model>& model, double tolerance) {
    const auto& prompts = local_test::openings();
    std::vector<Run> alone(prompts.size()), together(prompts.size());
    {
        LocalSchedulerOptions o = options(8);
        o.prompt_cache = false;
        LocalScheduler scheduler(model, o);
        for (std::size_t i = 0; i < prompts.size(); ++i) {
            LocalRequest r = local_test::greedy(*model, prompts[i], 12);
            r.on_logits = [&, i](std::span<const float> l) { alone[i].logits.emplace_back(l.begin(), l.end()); };
            alone[i].result = scheduler.submit(std::move(r)).result();
        }
        CHECK(scheduler.stats().max_active == 1);
    }
    LocalSchedulerOptions o = options(8);
    o.prompt_chunk = 5;
    LocalScheduler scheduler(model, o);
    std::vector<braid::LocalRequestHandle> handles;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        LocalRequest r = local_test::greedy(*model, prompts[i], 12);
        r.on_logits = [&, i](std::span<const float> l) { together[i].logits.emplace_back(l.begin(), l.end()); };
        handles.push_back(scheduler.submit(std::move(r)));
    }
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        while (auto piece = handles[i].next())
            together[i].text += *piece;
        together[i].result = handles[i].result();
    }
    CHECK(scheduler.stats().max_active > 1);
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        INFO("prompt " << i << ": " << prompts[i]);
        CHECK(together[i].text == together[i].result.text);
        CHECK(together[i].result.text == alone[i].result.text);
        CHECK(together[i].result.completion_tokens == alone[i].result.completion_tokens);
        REQUIRE(together[i].logits.size() == alone[i].logits.size());
        for (std::size_t t = 0; t < alone[i].logits.size(); ++t)
            CHECK(local_test::nmse(together[i].logits[t], alone[i].logits[t]) <= tolerance);
    }
}

} // namespace

using local_test::kind_of;

TEST_CASE("[local_scheduler] a request's greedy text and logits are the same alone and beside 7 others", "[engine]") {
    SECTION("stories260K (F32)") { check_alone_vs_together(local_test::stories(), 1e-5); }
    SECTION("tiny-llama-gqa (Q4_K)") { check_alone_vs_together(local_test::tiny_llama(), 2e-3); }
    SECTION("tiny-qwen2 (Q8_0)") { check_alone_vs_together(local_test::model("tiny-qwen2-q8_0.gguf"), 2e-3); }
}

TEST_CASE("[local_scheduler] greedy text equals engine generate", "[engine]") {
    const auto model = local_test::stories();
    LocalScheduler scheduler(model, options(2));
    const LocalRequest r = local_test::greedy(*model, "Once upon a time", 32);
    engine::ContextOptions co;
    co.n_ctx = 256;
    co.threads = 2;
    engine::Context ctx = engine::Context::create(*model, co);
    engine::GenerateOptions g;
    g.max_tokens = 32;
    g.sampling.temperature = 0.0f;
    const engine::GenerateResult expected = engine::generate(*model, ctx, r.prompt, g);
    const braid::LocalResult got = scheduler.submit(r).result();
    CHECK(got.text == expected.text);
    CHECK(got.text == ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw");
    CHECK(got.completion_tokens == 32);
    CHECK(got.prompt_tokens == r.prompt.size());
    CHECK(got.finish_reason == braid::FinishReason::length);
}

TEST_CASE("[local_scheduler] a full queue is refused at once, naming its size", "[engine]") {
    const auto model = local_test::stories();
    LocalSchedulerOptions o = options(1, 1024);
    o.max_queue = 1;
    LocalScheduler scheduler(model, o);
    LocalRequest long_one = local_test::greedy(*model, "Once upon a time", 1000);
    long_one.ignore_eos = true;
    braid::LocalRequestHandle a = scheduler.submit(long_one);             // holds the one sequence
    braid::LocalRequestHandle b = scheduler.submit(local_test::greedy(*model, "Tom", 4)); // waits
    try {
        (void)scheduler.submit(local_test::greedy(*model, "Lily", 4));
        FAIL("a third request was accepted");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::out_of_memory);
        CHECK_THAT(e.what(), Catch::Contains("queue is full") && Catch::Contains("1 requests"));
    }
    a.cancel();
    CHECK(kind_of([&] { (void)a.result(); }) == braid::errc::cancelled);
    const braid::LocalResult rb = b.result();
    CHECK(rb.completion_tokens >= 1);
    CHECK(rb.completion_tokens <= 4);
    // Room again: the queue takes requests once the first has left.
    CHECK(scheduler.submit(local_test::greedy(*model, "Lily", 2)).result().completion_tokens >= 1);
}

TEST_CASE("[local_scheduler] cancelling one request stops it within a token and the others finish", "[engine]") {
    const auto model = local_test::stories();
    LocalScheduler scheduler(model, options(4, 512));
    braid::CancellationToken token;
    std::vector<braid::LocalRequestHandle> handles;
    for (int i = 0; i < 4; ++i) {
        LocalRequest r = local_test::greedy(*model, local_test::openings()[static_cast<std::size_t>(i)], 200);
        r.ignore_eos = true;
        if (i == 0)
            r.control.cancellation = token;
        handles.push_back(scheduler.submit(std::move(r)));
    }
    REQUIRE(handles[0].next().has_value());
    token.cancel();
    const std::size_t at_cancel = handles[0].peek().completion_tokens;
    try {
        while (handles[0].next()) {
        }
        FAIL("the cancelled request ended normally");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::cancelled);
    }
    const braid::LocalResult cancelled = handles[0].peek();
    CHECK(cancelled.finish_reason == braid::FinishReason::cancelled);
    CHECK(cancelled.completion_tokens <= at_cancel + 1);
    CHECK(cancelled.completion_tokens < 200);
    for (std::size_t i = 1; i < handles.size(); ++i) {
        const braid::LocalResult r = handles[i].result();
        CHECK(r.finish_reason == braid::FinishReason::length);
        CHECK(r.completion_tokens == 200);
    }
}

TEST_CASE("[local_scheduler] a deadline stops its request with errc timeout", "[engine]") {
    const auto model = local_test::stories();
    LocalScheduler scheduler(model, options(2, 1024));
    LocalRequest r = local_test::greedy(*model, "Once upon a time", 1000);
    r.ignore_eos = true;
    r.control.set_timeout(std::chrono::milliseconds(5));
    braid::LocalRequestHandle h = scheduler.submit(std::move(r));
    CHECK(kind_of([&] { (void)h.result(); }) == braid::errc::timeout);
    CHECK(h.peek().completion_tokens < 1000);
    // The scheduler goes on serving.
    CHECK(scheduler.submit(local_test::greedy(*model, "Tom", 3)).result().completion_tokens >= 1);
}

TEST_CASE("[local_scheduler] dropping a handle cancels its request and frees its sequence", "[engine]") {
    const auto model = local_test::stories();
    LocalScheduler scheduler(model, options(1, 1024));
    {
        LocalRequest r = local_test::greedy(*model, "Once upon a time", 1000);
        r.ignore_eos = true;
        braid::LocalRequestHandle h = scheduler.submit(std::move(r));
        REQUIRE(h.next().has_value());
    }
    const braid::LocalResult r = scheduler.submit(local_test::greedy(*model, "Tom", 3)).result();
    CHECK(r.completion_tokens >= 1);
}

TEST_CASE("[local_scheduler] the prompt cache reuses the longest prefix and gives the cold text", "[engine]") {
    const auto model = local_test::stories();
    const auto& tok = model->tokenizer();
    const std::vector<engine::TokenId> first = tok.tokenize(local_test::openings()[0], true);
    const std::vector<engine::TokenId> other = tok.tokenize(local_test::openings()[2], true);
    LocalScheduler warm(model, options(2));
    LocalRequest r1 = local_test::greedy(*model, "", 8);
    r1.prompt = first;
    const braid::LocalResult a = warm.submit(r1).result();
    CHECK(a.prompt_tokens_cached == 0);
    LocalRequest r2 = r1;
    r2.prompt = other;
    // Only BOS is shared: not worth the first prompt's cache, so the other (free, older) slot is taken.
    CHECK(warm.submit(r2).result().prompt_tokens_cached == 0);

    // The follow-up: the first prompt, its answer and more text.
    std::vector<engine::TokenId> follow = first;
    const auto answer = tok.tokenize(a.text);
    follow.insert(follow.end(), answer.begin(), answer.end());
    const auto more = tok.tokenize(" Then she went home.");
    follow.insert(follow.end(), more.begin(), more.end());
    LocalRequest r3 = local_test::greedy(*model, "", 16);
    r3.prompt = follow;
    const auto before = warm.stats();
    const braid::LocalResult hot = warm.submit(r3).result();
    const auto after = warm.stats();
    CHECK(hot.prompt_tokens_cached >= first.size());
    CHECK(after.prompt_tokens - before.prompt_tokens == follow.size() - hot.prompt_tokens_cached);

    LocalSchedulerOptions o = options(2);
    o.prompt_cache = false;
    LocalScheduler cold(model, o);
    const braid::LocalResult c = cold.submit(r3).result();
    CHECK(c.prompt_tokens_cached == 0);
    CHECK(cold.stats().prompt_tokens == follow.size());
    CHECK(hot.text == c.text);

    // The same prompt again: all but its last token come from the cache.
    const braid::LocalResult again = warm.submit(r3).result();
    CHECK(again.prompt_tokens_cached == follow.size() - 1);
    CHECK(again.text == c.text);
}

TEST_CASE("[local_scheduler] sequences are bounded: long prompts are refused, long answers end with length", "[engine]") {
    const auto model = local_test::stories();
    LocalScheduler scheduler(model, options(2, 32));
    CHECK(scheduler.seq_capacity() == 32);
    LocalRequest r = local_test::greedy(*model, "", 100);
    r.prompt.assign(40, 300);
    try {
        (void)scheduler.submit(r);
        FAIL("an over-long prompt was accepted");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::out_of_memory);
        CHECK_THAT(e.what(), Catch::Contains("40 tokens") && Catch::Contains("32"));
    }
    r.prompt.assign(20, 300);
    r.ignore_eos = true;
    const braid::LocalResult res = scheduler.submit(r).result();
    CHECK(res.finish_reason == braid::FinishReason::length);
    CHECK(res.completion_tokens == 32 - 20 + 1); // positions 20…31 decoded, the last token sampled only
}

TEST_CASE("[local_scheduler] stop strings and end-of-generation end a request with stop", "[engine]") {
    const auto model = local_test::stories();
    LocalScheduler scheduler(model, options(2));
    LocalRequest r = local_test::greedy(*model, "Once upon a time", 31);
    r.stop = {"Lily"};
    const braid::LocalResult res = scheduler.submit(r).result();
    CHECK(res.finish_reason == braid::FinishReason::stop);
    CHECK(res.text == ", there was a little girl named ");
}

TEST_CASE("[local_scheduler] destruction ends pending requests with errc cancelled", "[engine]") {
    const auto model = local_test::stories();
    auto scheduler = std::make_unique<LocalScheduler>(model, options(1, 1024));
    std::vector<braid::LocalRequestHandle> handles;
    for (int i = 0; i < 3; ++i) {
        LocalRequest r = local_test::greedy(*model, "Once upon a time", 1000);
        r.ignore_eos = true;
        handles.push_back(scheduler->submit(std::move(r)));
    }
    scheduler.reset();
    for (auto& h : handles)
        CHECK(kind_of([&] { (void)h.result(); }) == braid::errc::cancelled);
}

TEST_CASE("[local_scheduler] bad options and requests are clear errors", "[engine]") {
    const auto model = local_test::stories();
    CHECK(kind_of([&] { LocalScheduler s(nullptr); }) == braid::errc::invalid_argument);
    CHECK(kind_of([&] { LocalScheduler s(model, options(0)); }) == braid::errc::invalid_argument);
    CHECK(kind_of([&] { LocalScheduler s(model, options(65)); }) == braid::errc::invalid_argument);
    CHECK(kind_of([&] { LocalScheduler s(local_test::model("tiny-bert-f16.gguf"), options(1)); }) ==
          braid::errc::invalid_argument);
    LocalSchedulerOptions tiny = options(4);
    tiny.n_batch = 2;
    CHECK(kind_of([&] { LocalScheduler s(model, tiny); }) == braid::errc::invalid_argument);

    LocalScheduler scheduler(model, options(1));
    LocalRequest empty;
    CHECK(kind_of([&] { (void)scheduler.submit(empty); }) == braid::errc::invalid_argument);
    LocalRequest r = local_test::greedy(*model, "Tom", 4);
    r.prompt.push_back(100000);
    CHECK(kind_of([&] { (void)scheduler.submit(r); }) == braid::errc::invalid_argument);
    r = local_test::greedy(*model, "Tom", 0);
    CHECK(kind_of([&] { (void)scheduler.submit(r); }) == braid::errc::invalid_argument);
    r = local_test::greedy(*model, "Tom", 4);
    r.sampling.top_p = 2.0f;
    CHECK(kind_of([&] { (void)scheduler.submit(r); }) == braid::errc::invalid_argument);
    r = local_test::greedy(*model, "Tom", 4);
    r.sampling.logit_bias = {{-1, 1.0f}};
    CHECK(kind_of([&] { (void)scheduler.submit(r); }) == braid::errc::invalid_argument);
    // Still serving after the refusals.
    CHECK(scheduler.submit(local_test::greedy(*model, "Tom", 2)).result().completion_tokens >= 1);
}

TEST_CASE("[local_scheduler] a sequence's logits do not depend on where its cells lie in the shared cache", "[engine]") {
    // The cause of the flaky "16 threads" test: a finished request's freed cells are reused by the
    // others, so a sequence's later positions can sit in cells before its earlier ones; attention that
    // summed in cell order (with the fp16 accumulator) then gave another answer beside other requests.
    const auto model = local_test::stories();
    engine::ContextOptions co;
    co.n_ctx = 128;
    co.n_seq_max = 2;
    co.threads = 2;
    local_test::check_logits_ignore_cell_layout(*model, model->tokenizer().tokenize(local_test::openings()[0], true), co);
}
