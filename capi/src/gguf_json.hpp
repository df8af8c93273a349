// GGUF metadata and tensor lists as JSON, for braid_gguf_* and braid_model_*.
#pragma once

#include <cstdint>

#include "braid/core/value.hpp"
#include "braid/engine/gguf_file.hpp"

namespace braid::capi {

/// @p value as JSON; arrays longer than @p max_items become {"element_type", "count", "first": [...]}.
Value gguf_value_json(const gguf::Value& value, std::uint64_t max_items);

/// Every metadata entry of @p file: key → gguf_value_json(value, max_items).
Value gguf_metadata_json(const gguf::File& file, std::uint64_t max_items);

/// The tensors of @p file: [{"name", "type", "dims", "elements", "offset", "bytes", "supported"}, ...].
Value gguf_tensors_json(const gguf::File& file);

/// The header of @p file: {"path", "version", "size", "alignment", ...}.
Value gguf_info_json(const gguf::File& file);

} // namespace braid::capi
