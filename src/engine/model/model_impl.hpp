// What a loaded Model holds; contexts share it (std::shared_ptr), so it outlives the Model handle.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "braid/engine/model.hpp"
#include "braid/engine/token_index.hpp"
#include "engine/arch/architecture.hpp"
#include "engine/model/weights.hpp"

namespace braid::engine {

struct Model::Impl {
    gguf::File file;
    ModelInfo info;
    std::unique_ptr<Tokenizer> tokenizer;
    WeightTable weights;
    const Architecture* architecture = nullptr;
    std::unique_ptr<ModelGraph> graph;
    BackendKind backend = BackendKind::automatic;
    double load_ms = 0;
    std::vector<TokenId> end_of_generation; // EOS, EOT and the chat end markers of the vocabulary
    mutable std::once_flag token_index_once; // token_index(model): built on first use
    mutable std::shared_ptr<const TokenIndex> token_index;

    explicit Impl(gguf::File f) : file(std::move(f)) {}
    bool is_end_of_generation(TokenId id) const;
};

} // namespace braid::engine
