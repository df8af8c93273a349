// The object behind a braid_embeddings handle: any Embeddings (a LocalEmbeddings of braid/local_models.h,
// the deterministic test double of braid/testing.h), shared by the stores and runnables made from it.
#pragma once

#include <memory>

#include "handles.hpp"
#include "braid/local_models.h"
#include "braid/models/embeddings.hpp"

namespace braid::capi {

/// "BREB" (not "BREM": that is the entity memory's tag, and two handle types must never share one).
struct EmbeddingsHandle {
    static constexpr Tag tag_value = static_cast<Tag>(0x42455242);
    static constexpr const char* type_name = "braid_embeddings";
    Tag tag = tag_value;
    std::shared_ptr<const Embeddings> embeddings;
};

template <> struct Internal<braid_embeddings> { using type = EmbeddingsHandle; };

} // namespace braid::capi
