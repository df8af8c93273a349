// libFuzzer target: the GBNF parser and the recognizer. The input is a grammar, optionally followed
// by a NUL byte and a text to match. Checks, beyond "no crash, no hang": every failure is
// Error(errc::parse), and a compiled grammar (immutable) answers accepts() the same way twice.
#include <braid/engine/grammar.hpp>
#include <braid/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) // larger grammars only repeat what smaller ones exercise, and slowly
        return 0;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view text = input.substr(0, nul);
    const std::string_view sample = nul == std::string_view::npos ? std::string_view{} : input.substr(nul + 1);
    std::shared_ptr<const braid::engine::Grammar> g;
    try {
        g = braid::engine::Grammar::from_gbnf(text);
    } catch (const braid::Error& e) {
        if (e.kind() != braid::errc::parse)
            std::abort();
        return 0;
    }
    const bool whole = g->accepts(sample);
    if (whole != g->accepts(sample)) // the compiled grammar is immutable: same answer twice
        std::abort();
    return 0;
}
