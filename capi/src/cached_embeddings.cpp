// The C functions of braid/retrieval.h for the SQLite embeddings cache: an embedder wrapped into a cached
// one (another braid_embeddings), and its hit and miss counts.
#include <memory>
#include <string>
#include <utility>

#include "embeddings_handle.hpp"
#include "braid/retrieval.h"
#include "braid/retrieval/cached_embeddings.hpp"

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_cached_embeddings_create(braid_embeddings** out, const braid_embeddings* inner, const char* path,
                                            const char* identity) {
    return guard([&] {
        out_param(out, "out");
        std::shared_ptr<const Embeddings> model = use(inner, "inner").embeddings;
        const std::string file = require(path, "path");
        if (file.empty())
            throw Error(errc::invalid_argument, "path is empty (an SQLite file, or \":memory:\")");
        const std::string name = require(identity, "identity");
        auto handle = std::make_unique<EmbeddingsHandle>();
        handle->embeddings = std::make_shared<const retrieval::CachedEmbeddings>(std::move(model), file, name);
        *out = to_handle<braid_embeddings>(handle.release());
    });
}

braid_status braid_cached_embeddings_stats(size_t* out_hits, size_t* out_misses, const braid_embeddings* embeddings) {
    return guard([&] {
        const Embeddings& embedder = *use(embeddings, "embeddings").embeddings;
        const auto* cache = dynamic_cast<const retrieval::CachedEmbeddings*>(&embedder);
        if (!cache)
            throw Error(errc::invalid_argument, "embeddings is not a cached embedder ('" + embedder.name() +
                                                    "'): make one with braid_cached_embeddings_create()");
        if (out_hits)
            *out_hits = cache->hits();
        if (out_misses)
            *out_misses = cache->misses();
    });
}

} // extern "C"
