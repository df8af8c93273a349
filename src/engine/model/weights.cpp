#include "engine/model/weights.hpp"

#include "braid/error.hpp"

namespace braid::engine {

namespace {

std::string shape_text(std::initializer_list<std::int64_t> shape) {
    std::string s = "[";
    for (std::int64_t d : shape)
        s += (s.size() > 1 ? ", " : "") + std::to_string(d);
    return s + "]";
}

} // namespace

WeightTable::WeightTable(const gguf::File& file) {
    weights_.reserve(file.tensors().size());
    for (const gguf::TensorInfo& t : file.tensors()) {
        Weight w;
        w.name = std::string(t.name);
        w.type = t.type;
        w.ne0 = t.ne[0];
        w.ne1 = t.ne[1] * t.ne[2] * t.ne[3];
        w.data = t.data;
        w.bytes = t.bytes;
        w.row_bytes = t.row_bytes();
        index_.emplace(w.name, static_cast<int>(weights_.size()));
        weights_.push_back(std::move(w));
    }
}

int WeightTable::find(std::string_view name) const {
    auto it = index_.find(std::string(name));
    return it == index_.end() ? -1 : it->second;
}

int WeightTable::optional(std::string_view name, std::initializer_list<std::int64_t> shape) const {
    const int i = find(name);
    if (i < 0)
        return -1;
    const Weight& w = weights_[static_cast<std::size_t>(i)];
    const std::int64_t* dims = shape.begin();
    const std::int64_t ne0 = dims[0];
    const std::int64_t ne1 = shape.size() > 1 ? dims[1] : 1;
    if (w.ne0 != ne0 || w.ne1 != ne1)
        throw Error(errc::model_format, "tensor '" + w.name + "' has shape [" + std::to_string(w.ne0) +
                                            (w.ne1 != 1 ? ", " + std::to_string(w.ne1) : std::string()) +
                                            "], expected " + shape_text(shape));
    if (!is_supported(w.type))
        throw Error(errc::unsupported, "tensor '" + w.name + "' has type " + std::string(tensor_type_name(w.type)) +
                                           ", which braid cannot compute with");
    return i;
}

int WeightTable::require(std::string_view name, std::initializer_list<std::int64_t> shape) const {
    const int i = optional(name, shape);
    if (i < 0)
        throw Error(errc::model_format, "the model has no tensor '" + std::string(name) + "' " + shape_text(shape));
    return i;
}

} // namespace braid::engine
