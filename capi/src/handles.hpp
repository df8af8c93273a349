// The objects behind the opaque handles of the C ABI. Each starts with a tag that identifies its type,
// so a handle of the wrong type (or a stray pointer to zeroed memory) is reported, not used.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "boundary.hpp"
#include "braid/callback.h"
#include "braid/gguf.h"
#include "braid/model.h"
#include "braid/context.h"
#include "braid/runnable.h"
#include "braid/tokenizer.h"
#include "braid/core/callbacks.hpp"
#include "braid/core/cancellation.hpp"
#include "braid/core/runnable.hpp"
#include "braid/core/stream.hpp"
#include "braid/engine/context.hpp"
#include "braid/engine/gguf_file.hpp"
#include "braid/engine/model.hpp"
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
    context = 0x58435242,
    freed = 0xDEADB4A1,
};

/// What a loaded model holds: the engine's model (weights, validated; the file and tokenizer are its
/// own), or for a model loaded without weights the validated file and, when it has one, its tokenizer.
struct ModelData {
    std::optional<engine::Model> engine;
    std::optional<gguf::File> metadata_only;
    std::shared_ptr<const engine::Tokenizer> tokenizer;

    const gguf::File& file() const { return engine ? engine->file() : *metadata_only; }
};

/// The objects behind the public handles. The C types stay incomplete everywhere (as in the headers):
/// a handle is a pointer to one of these, cast, so that the ABI (and abidiff) sees opaque pointers only.
struct RunnableHandle {
    static constexpr Tag tag_value = Tag::runnable;
    static constexpr const char* type_name = "braid_runnable";
    Tag tag = tag_value;
    AnyRunnable runnable;
};

struct CancelTokenHandle {
    static constexpr Tag tag_value = Tag::cancel_token;
    static constexpr const char* type_name = "braid_cancel_token";
    Tag tag = tag_value;
    CancellationToken token;
};

struct StreamHandle {
    static constexpr Tag tag_value = Tag::stream;
    static constexpr const char* type_name = "braid_stream";
    Tag tag = tag_value;
    std::variant<Stream<Value>, Stream<Event>> items;
    bool finished = false;
    std::atomic<bool> busy{false}; // a stream is pulled by one thread at a time
};

struct GgufHandle {
    static constexpr Tag tag_value = Tag::gguf;
    static constexpr const char* type_name = "braid_gguf";
    Tag tag = tag_value;
    std::shared_ptr<const gguf::File> file;
};

struct TokenizerHandle {
    static constexpr Tag tag_value = Tag::tokenizer;
    static constexpr const char* type_name = "braid_tokenizer";
    Tag tag = tag_value;
    std::shared_ptr<const engine::Tokenizer> tokenizer;
};

struct ModelHandle {
    static constexpr Tag tag_value = Tag::model;
    static constexpr const char* type_name = "braid_model";
    Tag tag = tag_value;
    std::shared_ptr<const ModelData> data;
};

/// A context and the model it runs (kept alive). One caller at a time: `busy` turns a second one away.
struct ContextHandle {
    static constexpr Tag tag_value = Tag::context;
    static constexpr const char* type_name = "braid_context";
    Tag tag = tag_value;
    std::shared_ptr<const ModelData> model;
    engine::Context context;
    std::atomic<bool> busy{false};

    ContextHandle(std::shared_ptr<const ModelData> m, engine::Context c) : model(std::move(m)), context(std::move(c)) {}
};

struct CallState; // callback_step.hpp

/// The object behind each public handle type.
template <class C>
struct Internal;
template <> struct Internal<braid_runnable> { using type = RunnableHandle; };
template <> struct Internal<braid_cancel_token> { using type = CancelTokenHandle; };
template <> struct Internal<braid_stream> { using type = StreamHandle; };
template <> struct Internal<braid_gguf> { using type = GgufHandle; };
template <> struct Internal<braid_tokenizer> { using type = TokenizerHandle; };
template <> struct Internal<braid_model> { using type = ModelHandle; };
template <> struct Internal<braid_context> { using type = ContextHandle; };
template <> struct Internal<braid_call> { using type = CallState; };

/// The internal type of public handle C, with C's constness.
template <class C>
using internal_t = std::conditional_t<std::is_const_v<C>, const typename Internal<std::remove_const_t<C>>::type,
                                      typename Internal<std::remove_const_t<C>>::type>;

/// The public handle for @p object.
template <class C>
C* to_handle(typename Internal<C>::type* object) noexcept {
    return reinterpret_cast<C*>(object);
}

/// The object behind @p handle, checked: Error(errc::invalid_argument) naming @p what when it is NULL or
/// not a live handle of its type.
template <class C>
internal_t<C>& use(C* handle, const char* what) {
    require(handle, what);
    auto* object = reinterpret_cast<internal_t<C>*>(handle);
    using H = std::remove_const_t<internal_t<C>>;
    if (object->tag != H::tag_value)
        throw Error(errc::invalid_argument, std::string(what) + " is not a live " + H::type_name +
                                                (object->tag == Tag::freed ? " (it was freed)" : " (wrong or corrupted handle)"));
    return *object;
}

/// Frees the object behind a handle (NULL and handles of another type are ignored).
template <class C>
void release(C* handle) noexcept {
    auto* object = reinterpret_cast<internal_t<C>*>(handle);
    if (!object || object->tag != internal_t<C>::tag_value)
        return;
    object->tag = Tag::freed;
    delete object;
}

/// A new runnable handle for @p runnable, written to @p out.
void put_runnable(braid_runnable** out, AnyRunnable runnable);

} // namespace braid::capi
