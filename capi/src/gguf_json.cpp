#include "gguf_json.hpp"

#include <string>

#include "braid/engine/tensor_type.hpp"

namespace braid::capi {

Value gguf_value_json(const gguf::Value& value, std::uint64_t max_items) {
    switch (value.type()) {
    case gguf::ValueType::Bool: return value.as_bool();
    case gguf::ValueType::F32:
    case gguf::ValueType::F64: return value.as_double();
    case gguf::ValueType::U8:
    case gguf::ValueType::U16:
    case gguf::ValueType::U32:
    case gguf::ValueType::U64: return value.as_uint();
    case gguf::ValueType::I8:
    case gguf::ValueType::I16:
    case gguf::ValueType::I32:
    case gguf::ValueType::I64: return value.as_int();
    case gguf::ValueType::String: return std::string(value.as_string());
    case gguf::ValueType::Array: {
        const gguf::ArrayView array = value.as_array();
        Value items = Value::array();
        for (gguf::Value item : array) {
            if (items.size() >= max_items)
                break;
            items.push_back(gguf_value_json(item, max_items));
        }
        if (array.size() <= max_items)
            return items;
        return {{"element_type", std::string(gguf::value_type_name(array.element_type()))},
                {"count", array.size()},
                {"first", std::move(items)}};
    }
    }
    return Value(); // unreachable: File validated every type tag
}

Value gguf_metadata_json(const gguf::File& file, std::uint64_t max_items) {
    Value metadata = Value::object();
    for (const gguf::MetadataEntry& entry : file.metadata())
        metadata[std::string(entry.key)] = gguf_value_json(entry.value, max_items);
    return metadata;
}

Value gguf_tensors_json(const gguf::File& file) {
    Value tensors = Value::array();
    for (const gguf::TensorInfo& t : file.tensors())
        tensors.push_back({{"name", std::string(t.name)},
                           {"type", std::string(engine::tensor_type_name(t.type))},
                           {"dims", std::vector<std::int64_t>(t.dims().begin(), t.dims().end())},
                           {"elements", t.elements},
                           {"offset", t.file_offset},
                           {"bytes", t.bytes},
                           {"supported", engine::is_supported(t.type)}});
    return tensors;
}

Value gguf_info_json(const gguf::File& file) {
    std::uint64_t parameters = 0;
    std::uint64_t tensor_bytes = 0;
    for (const gguf::TensorInfo& t : file.tensors()) {
        parameters += static_cast<std::uint64_t>(t.elements);
        tensor_bytes += t.bytes;
    }
    return {{"path", file.name()},
            {"version", file.version()},
            {"size", file.bytes().size()},
            {"alignment", file.alignment()},
            {"data_offset", file.data_offset()},
            {"metadata_count", file.metadata().size()},
            {"tensor_count", file.tensors().size()},
            {"parameters", parameters},
            {"tensor_bytes", tensor_bytes}};
}

} // namespace braid::capi
