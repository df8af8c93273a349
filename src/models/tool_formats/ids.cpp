// unique_tool_call_ids: a per-answer nonce (a process-wide random seed plus a counter, mixed) from
// which every call index derives its id's characters. The counter makes two answers of one process
// differ; the seed makes two processes (a conversation saved and resumed elsewhere) differ.
#include "braid/models/tool_call_ids.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>

namespace braid {

namespace {

constexpr std::string_view id_alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
// OpenAI's ids carry 24 characters after `call_`; Mistral's template wants exactly 9.
constexpr std::size_t openai_id_chars = 24;
constexpr std::size_t mistral_id_chars = 9;

// SplitMix64: a bijective mixer, so distinct inputs give distinct, well-spread outputs.
std::uint64_t splitmix(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

std::uint64_t process_seed() {
    static const std::uint64_t seed = [] {
        std::random_device device;
        const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        return splitmix((std::uint64_t{device()} << 32) ^ device() ^ splitmix(now));
    }();
    return seed;
}

std::uint64_t next_answer_nonce() {
    static std::atomic<std::uint64_t> answers{0};
    return splitmix(process_seed() + splitmix(answers.fetch_add(1, std::memory_order_relaxed)));
}

std::string random_chars(std::uint64_t state, std::size_t n) {
    std::string out(n, '0');
    for (std::size_t i = 0; i < n; ++i) {
        // 64 bits per character: the modulo bias is negligible.
        state = splitmix(state);
        out[i] = id_alphabet[state % id_alphabet.size()];
    }
    return out;
}

} // namespace

ToolCallIdMaker unique_tool_call_ids(ToolCallFormat format) {
    const std::uint64_t nonce = next_answer_nonce();
    const bool mistral = format == ToolCallFormat::mistral_nemo;
    return [nonce, mistral](std::size_t index, std::string_view) {
        const std::uint64_t state = splitmix(nonce ^ splitmix(static_cast<std::uint64_t>(index) + 1));
        return mistral ? random_chars(state, mistral_id_chars) : "call_" + random_chars(state, openai_id_chars);
    };
}

} // namespace braid
