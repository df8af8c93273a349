// What braid-cli index and search share: the record manager's namespace, the identity of an embedding
// model, which the store records so a search with another model is refused, and where the BM25 index of a
// store is saved.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "braid/engine/model.hpp"
#include "braid/models/local_embeddings.hpp"

namespace braid::cli {

/// The record manager namespace of the stores braid-cli index writes.
inline constexpr std::string_view record_namespace = "braid-cli index";

/// The BM25 index braid-cli index saves beside @p store (search --bm25 loads it): "<store>.bm25".
inline std::filesystem::path bm25_index_path(const std::filesystem::path& store) {
    return std::filesystem::path(store.string() + ".bm25");
}

/// "<file name> (<general.name or architecture>, <bytes> bytes, dim <n>, normalized|raw)": what changes
/// when the vectors would (another file, another quantization, another normalization), and not where the
/// file lies, so a moved model still matches.
inline std::string embedding_model_identity(const std::string& path, const engine::Model& model, const LocalEmbeddings& embeddings) {
    const std::filesystem::path file(path);
    const std::string name = model.info().name.empty() ? model.info().architecture : model.info().name;
    return file.filename().string() + " (" + name + ", " + std::to_string(std::filesystem::file_size(file)) + " bytes, dim " +
           std::to_string(embeddings.dimension()) + ", " + (embeddings.normalizes() ? "normalized" : "raw") + ")";
}

} // namespace braid::cli
