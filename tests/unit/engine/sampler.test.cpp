// Each sampling step's effect on a known distribution, the seeded draw, and option validation.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>

#include "braid/engine/sampler.hpp"
#include "braid/error.hpp"

namespace engine = braid::engine;
using engine::TokenProb;

namespace {

// Probabilities 0.5, 0.3, 0.15, 0.05 for tokens 0..3.
std::vector<TokenProb> known() {
    const float p[] = {0.5f, 0.3f, 0.15f, 0.05f};
    std::vector<TokenProb> c;
    for (int i = 0; i < 4; ++i)
        c.push_back({i, std::log(p[i]), 0.0f});
    return c;
}

std::vector<engine::TokenId> ids(const std::vector<TokenProb>& c) {
    std::vector<engine::TokenId> out;
    for (const TokenProb& t : c)
        out.push_back(t.id);
    return out;
}

std::vector<float> logits_of(const std::vector<TokenProb>& c) {
    std::vector<float> out(c.size());
    for (const TokenProb& t : c)
        out[static_cast<std::size_t>(t.id)] = t.logit;
    return out;
}

} // namespace

TEST_CASE("[sampler] softmax, top-k, top-p, min-p, typical, temperature on a known distribution", "[engine]") {
    auto c = known();
    engine::sampling::softmax(c);
    CHECK(c[0].p == Approx(0.5f));
    CHECK(c[3].p == Approx(0.05f));

    c = known();
    engine::sampling::top_k(c, 2);
    CHECK(ids(c) == std::vector<engine::TokenId>{0, 1});

    c = known();
    engine::sampling::top_p(c, 0.79f);
    CHECK(ids(c) == std::vector<engine::TokenId>{0, 1}); // 0.5 + 0.3 ≥ 0.79
    c = known();
    engine::sampling::top_p(c, 0.81f);
    CHECK(ids(c) == std::vector<engine::TokenId>{0, 1, 2});
    c = known();
    engine::sampling::top_p(c, 0.0f);
    CHECK(ids(c) == std::vector<engine::TokenId>{0}); // at least one token

    c = known();
    engine::sampling::min_p(c, 0.35f); // keeps p ≥ 0.175
    CHECK(ids(c) == std::vector<engine::TokenId>{0, 1});

    c = known();
    engine::sampling::typical(c, 0.5f); // entropy 1.14 nats: token 1 (surprise 1.20) is the most typical
    CHECK(c.front().id == 1);

    c = known();
    engine::sampling::temperature(c, 0.5f);
    engine::sampling::softmax(c);
    CHECK(c[0].p == Approx(0.25f / (0.25f + 0.09f + 0.0225f + 0.0025f)));
}

TEST_CASE("[sampler] penalties and logit bias", "[engine]") {
    std::vector<TokenProb> c = {{0, 2.0f, 0}, {1, -2.0f, 0}, {2, 1.0f, 0}};
    const engine::TokenId recent[] = {0, 1, 0};
    engine::sampling::penalties(c, recent, 2.0f, 0.5f, 0.25f);
    CHECK(c[0].logit == Approx(2.0f / 2 - 2 * 0.5f - 0.25f)); // seen twice
    CHECK(c[1].logit == Approx(-2.0f * 2 - 0.5f - 0.25f));
    CHECK(c[2].logit == 1.0f); // not seen

    engine::SamplingOptions o;
    o.temperature = 0;
    o.logit_bias = {{0, -std::numeric_limits<float>::infinity()}};
    engine::Sampler banned(o);
    CHECK(banned.sample(logits_of(known())) == 1);
    o.logit_bias = {{9, 1.0f}};
    engine::Sampler outside(o);
    CHECK_THROWS_AS(outside.sample(logits_of(known())), braid::Error);

    o = {};
    o.temperature = 0;
    o.repeat_penalty = 100.0f;
    engine::Sampler repeat(o);
    CHECK(repeat.sample(logits_of(known())) == 0);
    repeat.accept(0);
    CHECK(repeat.sample(logits_of(known())) == 1); // 0 is now penalized
}

TEST_CASE("[sampler] the draw follows the distribution and the seed", "[engine]") {
    engine::SamplingOptions o;
    o.temperature = 1.0f;
    o.top_k = 0;
    o.top_p = 1.0f;
    o.min_p = 0.0f;
    engine::Sampler s(o);
    const auto logits = logits_of(known());
    std::map<engine::TokenId, int> count;
    const int n = 40000;
    for (int i = 0; i < n; ++i)
        ++count[s.sample(logits)];
    CHECK(count[0] / double(n) == Approx(0.5).margin(0.015));
    CHECK(count[1] / double(n) == Approx(0.3).margin(0.015));
    CHECK(count[2] / double(n) == Approx(0.15).margin(0.01));
    CHECK(count[3] / double(n) == Approx(0.05).margin(0.01));

    auto draws = [&](std::uint64_t seed) {
        engine::SamplingOptions so = o;
        so.seed = seed;
        engine::Sampler sampler(so);
        std::vector<engine::TokenId> out;
        for (int i = 0; i < 64; ++i)
            out.push_back(sampler.sample(logits));
        return out;
    };
    CHECK(draws(1) == draws(1));
    CHECK(draws(1) != draws(2));

    o.top_k = 1; // top-k 1 is greedy whatever the seed
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        o.seed = seed;
        CHECK(engine::Sampler(o).sample(logits) == 0);
    }
    o = {};
    o.temperature = 0.0f;
    CHECK(engine::Sampler(o).sample(logits) == 0);
}

TEST_CASE("[sampler] bad options and NaN logits", "[engine]") {
    engine::SamplingOptions o;
    o.top_p = 1.5f;
    CHECK_THROWS_AS(engine::Sampler(o), braid::Error);
    o = {};
    o.repeat_penalty = 0.0f;
    CHECK_THROWS_AS(engine::Sampler(o), braid::Error);
    o = {};
    o.penalty_last_n = -1;
    CHECK_THROWS_AS(engine::Sampler(o), braid::Error);
    o = {};
    o.temperature = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_AS(engine::Sampler(o), braid::Error);
    engine::Sampler s{engine::SamplingOptions{}};
    const std::vector<float> nan_logits = {std::numeric_limits<float>::quiet_NaN(), 1.0f, 0.5f};
    const auto id = s.sample(nan_logits);
    CHECK((id == 1 || id == 2));
    CHECK_THROWS_AS(s.sample({}), braid::Error);
}
