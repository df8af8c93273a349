// Shared helpers of the core tests.
#pragma once

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "braid/core/lambda.hpp"
#include "braid/core/runnable.hpp"

// Step types live in a named namespace: GCC 12 warns (-Wsubobject-linkage) when a coroutine frame is
// instantiated for a type from an anonymous namespace.
namespace core_test {

/// The kind of the braid::Error thrown by f (fails the test if none is thrown).
template <class F>
braid::errc error_kind_of(F&& f) {
    try {
        f();
    } catch (const braid::Error& e) {
        return e.kind();
    }
    FAIL("no braid::Error thrown");
    return braid::errc::internal;
}

/// The message of the braid::Error thrown by f.
template <class F>
std::string error_message_of(F&& f) {
    try {
        f();
    } catch (const braid::Error& e) {
        return e.what();
    }
    FAIL("no braid::Error thrown");
    return {};
}

/// A streaming step splitting its (whole) text input into words, one chunk per word (like a model).
inline braid::Runnable<std::string, std::string> word_model(std::string name = "model") {
    return braid::Lambda<std::string, std::string>::generator(
        [](std::string text, const braid::RunContext&) -> braid::Stream<std::string> {
            std::size_t start = 0;
            while (start < text.size()) {
                std::size_t end = text.find(' ', start);
                end = end == std::string::npos ? text.size() : end + 1;
                co_yield text.substr(start, end - start);
                start = end;
            }
        },
        std::move(name));
}

/// A transforming step upper-casing each chunk as it comes.
inline braid::Runnable<std::string, std::string> upper_parser(std::string name = "upper") {
    return braid::Lambda<std::string, std::string>::transformer(
        [](braid::Stream<std::string> input, const braid::RunContext&) -> braid::Stream<std::string> {
            for (std::string& chunk : input) {
                for (char& c : chunk)
                    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
                co_yield std::move(chunk);
            }
        },
        std::move(name));
}

} // namespace core_test
