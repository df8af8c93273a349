// The architecture registry: one file per model family (llama.cpp, qwen2.cpp, bert.cpp) that reads the
// family's hyper-parameters, binds and validates its weights, and builds its forward-pass graph.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/model.hpp"
#include "engine/graph/graph.hpp"
#include "engine/model/weights.hpp"

namespace braid::engine {

/// An architecture bound to one model's weights: builds the graph of a batch.
class ModelGraph {
public:
    virtual ~ModelGraph() = default;
    /// Adds the forward pass for g.shape() to @p g and sets its output: logits [n_vocab, n_outputs]
    /// (decoders) or pooled states [n_embd, n_pooled] (embedding models).
    virtual void build(Graph& g) const = 0;
};

struct Architecture {
    std::string_view name;
    /// Reads `<name>.*` metadata into @p info (throws Error(errc::model_format) for missing or bad keys).
    void (*read_info)(const gguf::File& file, ModelInfo& info);
    /// Binds the weights (checking every tensor's presence and shape) to a graph builder.
    std::unique_ptr<ModelGraph> (*bind)(const WeightTable& weights, const ModelInfo& info);
};

/// The architecture named @p name (`general.architecture`), or nullptr.
const Architecture* find_architecture(std::string_view name);
/// The names braid runs.
std::vector<std::string_view> architecture_names();

// One per family file.
const Architecture& llama_architecture();
const Architecture& qwen2_architecture();
const Architecture& bert_architecture();

/// Reads the hyper-parameters every transformer family stores under `<arch>.` (embedding_length,
/// block_count, attention.head_count, ...), with the norm epsilon key @p eps_key.
void read_common_info(const gguf::File& file, ModelInfo& info, std::string_view eps_key);

} // namespace braid::engine
