// The weights of a loaded model: every tensor of the GGUF file as a 2-D matrix view [ne0, ne1] into
// the memory map, looked up by name when an architecture binds its graph, by index afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/tensor_type.hpp"

namespace braid::engine {

struct Weight {
    std::string name;
    TensorType type = TensorType::F32;
    std::int64_t ne0 = 0; // row length (elements)
    std::int64_t ne1 = 0; // rows (higher dims folded in)
    const std::byte* data = nullptr;
    std::uint64_t bytes = 0;
    std::uint64_t row_bytes = 0;
};

class WeightTable {
public:
    WeightTable() = default;
    explicit WeightTable(const gguf::File& file);

    std::size_t size() const noexcept { return weights_.size(); }
    const Weight& operator[](int index) const { return weights_.at(static_cast<std::size_t>(index)); }
    const std::vector<Weight>& all() const noexcept { return weights_; }

    /// The index of tensor @p name with shape {ne0, ne1} (1-D: {ne0}). Throws Error(errc::model_format)
    /// when it is missing or has another shape, Error(errc::unsupported) for a type braid cannot compute with.
    int require(std::string_view name, std::initializer_list<std::int64_t> shape) const;
    /// As require(), or -1 when the tensor is absent.
    int optional(std::string_view name, std::initializer_list<std::int64_t> shape) const;
    /// The index of @p name, or -1.
    int find(std::string_view name) const;

private:
    std::vector<Weight> weights_;
    std::unordered_map<std::string, int> index_;
};

} // namespace braid::engine
