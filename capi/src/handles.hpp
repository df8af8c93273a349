// The structs behind the opaque handles of the C ABI. Each starts with a tag that identifies its type,
// so a handle of the wrong type (or a stray pointer to zeroed memory) is reported, not used.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "boundary.hpp"
#include "braid/core/callbacks.hpp"
#include "braid/core/cancellation.hpp"
#include "braid/core/runnable.hpp"
#include "braid/core/stream.hpp"
#include "braid/engine/gguf_file.hpp"
#include "braid/engine/tokenizer.hpp"

namespace braid::capi {

/// Tags of the handle types ("BRRN", "BRCT", ...), and the value a freed handle gets.
enum class Tag : std::uint32_t {
    runnable = 0x4E525242,
    cancel_token = 0x54435242,
    stream = 0x54535242,
    gguf = 0x47475242,
    tokenizer = 0x4B545242,
    model = 0x444D5242,
    call = 0x4C435242,
    freed = 0xDEADB4A1,
};

/// What a loaded model holds: the validated file and, when the file has one, its tokenizer.
struct ModelData {
    gguf::File file;
    std::shared_ptr<const engine::Tokenizer> tokenizer;
};

} // namespace braid::capi

struct braid_runnable {
    static constexpr braid::capi::Tag tag_value = braid::capi::Tag::runnable;
    static constexpr const char* type_name = "braid_runnable";
    braid::capi::Tag tag = tag_value;
    braid::AnyRunnable runnable;
};

struct braid_cancel_token {
    static constexpr braid::capi::Tag tag_value = braid::capi::Tag::cancel_token;
    static constexpr const char* type_name = "braid_cancel_token";
    braid::capi::Tag tag = tag_value;
    braid::CancellationToken token;
};

struct braid_stream {
    static constexpr braid::capi::Tag tag_value = braid::capi::Tag::stream;
    static constexpr const char* type_name = "braid_stream";
    braid::capi::Tag tag = tag_value;
    std::variant<braid::Stream<braid::Value>, braid::Stream<braid::Event>> items;
    bool finished = false;
    std::atomic<bool> busy{false}; // a stream is pulled by one thread at a time
};

struct braid_gguf {
    static constexpr braid::capi::Tag tag_value = braid::capi::Tag::gguf;
    static constexpr const char* type_name = "braid_gguf";
    braid::capi::Tag tag = tag_value;
    std::shared_ptr<const braid::gguf::File> file;
};

struct braid_tokenizer {
    static constexpr braid::capi::Tag tag_value = braid::capi::Tag::tokenizer;
    static constexpr const char* type_name = "braid_tokenizer";
    braid::capi::Tag tag = tag_value;
    std::shared_ptr<const braid::engine::Tokenizer> tokenizer;
};

struct braid_model {
    static constexpr braid::capi::Tag tag_value = braid::capi::Tag::model;
    static constexpr const char* type_name = "braid_model";
    braid::capi::Tag tag = tag_value;
    std::shared_ptr<const braid::capi::ModelData> data;
};

namespace braid::capi {

/// The handle @p handle, checked: Error(errc::invalid_argument) naming @p what when it is NULL or not a
/// live handle of type H.
template <class H>
H& use(H* handle, const char* what) {
    require(handle, what);
    if (handle->tag != H::tag_value)
        throw Error(errc::invalid_argument, std::string(what) + " is not a live " + H::type_name +
                                                (handle->tag == Tag::freed ? " (it was freed)" : " (wrong or corrupted handle)"));
    return *handle;
}

/// Frees a handle made with new (NULL and handles of another type are ignored).
template <class H>
void release(H* handle) noexcept {
    if (!handle || handle->tag != H::tag_value)
        return;
    handle->tag = Tag::freed;
    delete handle;
}

/// A new runnable handle for @p runnable, written to @p out.
void put_runnable(braid_runnable** out, AnyRunnable runnable);

} // namespace braid::capi
