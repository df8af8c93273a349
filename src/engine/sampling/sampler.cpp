// The sampling chain. The random generator is xoshiro256** seeded through splitmix64, written out
// here so the same seed gives the same tokens with any standard library.
#include "braid/engine/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "braid/engine/grammar_matcher.hpp"
#include "braid/error.hpp"

namespace braid::engine {

namespace sampling {

void softmax(std::vector<TokenProb>& c) {
    if (c.empty())
        return;
    std::sort(c.begin(), c.end(), [](const TokenProb& a, const TokenProb& b) { return a.logit > b.logit; });
    const float max = c.front().logit;
    double sum = 0;
    for (TokenProb& t : c) {
        t.p = std::exp(t.logit - max);
        sum += t.p;
    }
    for (TokenProb& t : c)
        t.p = static_cast<float>(t.p / sum);
}

void top_k(std::vector<TokenProb>& c, int k) {
    if (k <= 0 || static_cast<std::size_t>(k) >= c.size())
        return;
    std::partial_sort(c.begin(), c.begin() + k, c.end(), [](const TokenProb& a, const TokenProb& b) { return a.logit > b.logit; });
    c.resize(static_cast<std::size_t>(k));
}

void top_p(std::vector<TokenProb>& c, float p) {
    if (p >= 1.0f || c.empty())
        return;
    softmax(c);
    double cum = 0;
    std::size_t keep = c.size();
    for (std::size_t i = 0; i < c.size(); ++i) {
        cum += c[i].p;
        if (cum >= p) {
            keep = i + 1;
            break;
        }
    }
    c.resize(keep);
}

void min_p(std::vector<TokenProb>& c, float p) {
    if (p <= 0.0f || c.empty())
        return;
    softmax(c);
    const float threshold = p * c.front().p;
    std::size_t keep = 1;
    while (keep < c.size() && c[keep].p >= threshold)
        ++keep;
    c.resize(keep);
}

void typical(std::vector<TokenProb>& c, float p) {
    if (p >= 1.0f || c.size() < 2)
        return;
    softmax(c);
    double entropy = 0;
    for (const TokenProb& t : c)
        if (t.p > 0)
            entropy -= t.p * std::log(static_cast<double>(t.p));
    std::vector<std::pair<double, std::size_t>> shifted;
    shifted.reserve(c.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
        const double surprise = c[i].p > 0 ? -std::log(static_cast<double>(c[i].p)) : std::numeric_limits<double>::infinity();
        shifted.emplace_back(std::fabs(surprise - entropy), i);
    }
    std::stable_sort(shifted.begin(), shifted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<TokenProb> kept;
    double cum = 0;
    for (const auto& [score, i] : shifted) {
        kept.push_back(c[i]);
        cum += c[i].p;
        if (cum >= p)
            break;
    }
    c = std::move(kept);
}

void temperature(std::vector<TokenProb>& c, float t) {
    for (TokenProb& x : c)
        x.logit /= t;
}

void apply_mask(std::vector<TokenProb>& c, std::span<const std::uint32_t> mask) {
    std::erase_if(c, [&](const TokenProb& t) {
        const auto id = static_cast<std::size_t>(t.id);
        return id / 32 >= mask.size() || !((mask[id / 32] >> (id % 32)) & 1u);
    });
}

void penalties(std::vector<TokenProb>& c, std::span<const TokenId> recent, float repeat, float frequency, float presence) {
    if (recent.empty() || (repeat == 1.0f && frequency == 0.0f && presence == 0.0f))
        return;
    std::unordered_map<TokenId, int> count;
    for (TokenId id : recent)
        ++count[id];
    for (TokenProb& t : c) {
        auto it = count.find(t.id);
        if (it == count.end())
            continue;
        t.logit = t.logit > 0 ? t.logit / repeat : t.logit * repeat;
        t.logit -= static_cast<float>(it->second) * frequency + presence;
    }
}

} // namespace sampling

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

} // namespace

Sampler::Sampler(SamplingOptions options) : options_(std::move(options)) {
    const SamplingOptions& o = options_;
    auto unit = [](float v) { return v >= 0.0f && v <= 1.0f; };
    if (!std::isfinite(o.temperature) || !unit(o.top_p) || !unit(o.min_p) || !unit(o.typical_p))
        throw Error(errc::invalid_argument, "sampling: temperature must be finite, top_p, min_p and typical_p in [0, 1]");
    if (!(o.repeat_penalty > 0.0f) || !std::isfinite(o.repeat_penalty) || !std::isfinite(o.frequency_penalty) ||
        !std::isfinite(o.presence_penalty))
        throw Error(errc::invalid_argument, "sampling: repeat_penalty must be > 0, the penalties finite");
    if (o.penalty_last_n < 0)
        throw Error(errc::invalid_argument, "sampling: penalty_last_n must be ≥ 0");
    for (const auto& [id, bias] : o.logit_bias)
        if (id < 0 || std::isnan(bias))
            throw Error(errc::invalid_argument, "sampling: logit bias for token " + std::to_string(id) + " is invalid");
    reset();
}

void Sampler::reset() {
    recent_.clear();
    std::uint64_t s = options_.seed;
    for (std::uint64_t& x : state_)
        x = splitmix64(s);
}

double Sampler::uniform() {
    // xoshiro256**: 53 random bits → [0, 1).
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return static_cast<double>(result >> 11) * 0x1.0p-53;
}

void Sampler::accept(TokenId id) {
    if (options_.penalty_last_n == 0)
        return;
    recent_.push_back(id);
    if (recent_.size() > static_cast<std::size_t>(options_.penalty_last_n))
        recent_.erase(recent_.begin());
}

void Sampler::prepare(std::span<const float> logits) {
    if (logits.empty())
        throw Error(errc::invalid_argument, "sampling: empty logits");
    const SamplingOptions& o = options_;
    std::vector<TokenProb>& c = candidates_;
    c.resize(logits.size());
    for (std::size_t i = 0; i < logits.size(); ++i) // NaN (a broken model) would break the sorts: never chosen
        c[i] = {static_cast<TokenId>(i), std::isnan(logits[i]) ? -std::numeric_limits<float>::infinity() : logits[i], 0.0f};
    for (const auto& [id, bias] : o.logit_bias) {
        if (static_cast<std::size_t>(id) >= c.size())
            throw Error(errc::invalid_argument, "sampling: logit bias for token " + std::to_string(id) +
                                                    " outside the vocabulary of " + std::to_string(c.size()));
        c[static_cast<std::size_t>(id)].logit += bias;
    }
    sampling::penalties(c, recent_, o.repeat_penalty, o.frequency_penalty, o.presence_penalty);
}

// The chain after bias and penalties; greedy leaves the candidates as they are.
TokenId Sampler::draw() {
    const SamplingOptions& o = options_;
    std::vector<TokenProb>& c = candidates_;
    if (o.temperature <= 0.0f) {
        const auto best = std::max_element(c.begin(), c.end(), [](const TokenProb& a, const TokenProb& b) { return a.logit < b.logit; });
        return best->id;
    }
    sampling::top_k(c, o.top_k);
    sampling::typical(c, o.typical_p);
    sampling::top_p(c, o.top_p);
    sampling::min_p(c, o.min_p);
    sampling::temperature(c, o.temperature);
    sampling::softmax(c);
    // Draw from the remaining distribution.
    const double r = uniform();
    double cum = 0;
    for (const TokenProb& t : c) {
        cum += t.p;
        if (r < cum)
            return t.id;
    }
    return c.back().id;
}

TokenId Sampler::sample(std::span<const float> logits) {
    prepare(logits);
    return draw();
}

TokenId Sampler::sample(std::span<const float> logits, GrammarMatcher& grammar) {
    if (!grammar.is_active())
        return sample(logits);
    if (grammar.index().vocab_size() < logits.size())
        throw Error(errc::invalid_argument, "sampling: the grammar's vocabulary has " + std::to_string(grammar.index().vocab_size()) +
                                                " tokens, the logits " + std::to_string(logits.size()));
    prepare(logits);
    if (options_.temperature <= 0.0f) { // greedy: the unmasked choice stands when the grammar allows it
        const TokenId first = draw();
        if (grammar.is_token_allowed(first))
            return first;
    }
    grammar.fill_mask(mask_);
    sampling::apply_mask(candidates_, mask_);
    if (candidates_.empty())
        throw Error(errc::unsupported, "sampling: the grammar allows no token of the vocabulary here");
    return draw();
}

} // namespace braid::engine
