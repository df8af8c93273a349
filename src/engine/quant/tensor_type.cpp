// Block geometry and names of the GGUF tensor types (sizes from the GGUF spec / ggml block layouts).
#include "braid/engine/tensor_type.hpp"

#include <array>
#include <cctype>
#include <limits>
#include <string>

#include "braid/error.hpp"

namespace braid::engine {

namespace {

struct TypeTraits {
    TensorType type;
    std::string_view name;
    std::int64_t block_elements;
    std::int64_t block_bytes;
    bool supported;
    bool quantizable;
};

constexpr std::array<TypeTraits, 32> kTypes{{
    {TensorType::F32, "f32", 1, 4, true, true},
    {TensorType::F16, "f16", 1, 2, true, true},
    {TensorType::Q4_0, "q4_0", 32, 18, true, true},
    {TensorType::Q4_1, "q4_1", 32, 20, true, false},
    {TensorType::Q5_0, "q5_0", 32, 22, true, false},
    {TensorType::Q5_1, "q5_1", 32, 24, true, false},
    {TensorType::Q8_0, "q8_0", 32, 34, true, true},
    {TensorType::Q2_K, "q2_k", 256, 84, true, false},
    {TensorType::Q3_K, "q3_k", 256, 110, true, false},
    {TensorType::Q4_K, "q4_k", 256, 144, true, true},
    {TensorType::Q5_K, "q5_k", 256, 176, true, false},
    {TensorType::Q6_K, "q6_k", 256, 210, true, true},
    {TensorType::BF16, "bf16", 1, 2, true, true},
    {TensorType::Q8_1, "q8_1", 32, 36, false, false},
    {TensorType::Q8_K, "q8_k", 256, 292, false, false},
    {TensorType::IQ2_XXS, "iq2_xxs", 256, 66, false, false},
    {TensorType::IQ2_XS, "iq2_xs", 256, 74, false, false},
    {TensorType::IQ3_XXS, "iq3_xxs", 256, 98, false, false},
    {TensorType::IQ1_S, "iq1_s", 256, 50, false, false},
    {TensorType::IQ4_NL, "iq4_nl", 32, 18, false, false},
    {TensorType::IQ3_S, "iq3_s", 256, 110, false, false},
    {TensorType::IQ2_S, "iq2_s", 256, 82, false, false},
    {TensorType::IQ4_XS, "iq4_xs", 256, 136, false, false},
    {TensorType::I8, "i8", 1, 1, false, false},
    {TensorType::I16, "i16", 1, 2, false, false},
    {TensorType::I32, "i32", 1, 4, false, false},
    {TensorType::I64, "i64", 1, 8, false, false},
    {TensorType::F64, "f64", 1, 8, false, false},
    {TensorType::IQ1_M, "iq1_m", 256, 56, false, false},
    {TensorType::TQ1_0, "tq1_0", 256, 54, false, false},
    {TensorType::TQ2_0, "tq2_0", 256, 66, false, false},
    {TensorType::MXFP4, "mxfp4", 32, 17, false, false},
}};

const TypeTraits* traits(TensorType type) noexcept {
    for (const auto& t : kTypes)
        if (t.type == type) return &t;
    return nullptr;
}

} // namespace

std::optional<TensorType> tensor_type_from_id(std::uint32_t id) noexcept {
    auto type = static_cast<TensorType>(id);
    if (traits(type)) return type;
    return std::nullopt;
}

std::string_view tensor_type_name(TensorType type) noexcept {
    const TypeTraits* t = traits(type);
    return t ? t->name : std::string_view("unknown");
}

std::optional<TensorType> tensor_type_from_name(std::string_view name) noexcept {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& t : kTypes)
        if (t.name == lower) return t.type;
    return std::nullopt;
}

std::int64_t block_elements(TensorType type) noexcept {
    const TypeTraits* t = traits(type);
    return t ? t->block_elements : 0;
}

std::int64_t block_bytes(TensorType type) noexcept {
    const TypeTraits* t = traits(type);
    return t ? t->block_bytes : 0;
}

bool is_supported(TensorType type) noexcept {
    const TypeTraits* t = traits(type);
    return t && t->supported;
}

bool can_quantize(TensorType type) noexcept {
    const TypeTraits* t = traits(type);
    return t && t->quantizable;
}

std::int64_t row_bytes(TensorType type, std::int64_t n) {
    const TypeTraits* t = traits(type);
    if (!t) throw Error(errc::invalid_argument, "unknown tensor type id " + std::to_string(tensor_type_id(type)));
    if (n < 0) throw Error(errc::invalid_argument, "negative element count " + std::to_string(n));
    if (n % t->block_elements != 0)
        throw Error(errc::invalid_argument, "a row of " + std::to_string(n) + " elements is not a whole number of " +
                                                std::string(t->name) + " blocks of " +
                                                std::to_string(t->block_elements));
    std::int64_t blocks = n / t->block_elements;
    if (blocks > std::numeric_limits<std::int64_t>::max() / t->block_bytes)
        throw Error(errc::invalid_argument, "row of " + std::to_string(n) + " elements is too large");
    return blocks * t->block_bytes;
}

} // namespace braid::engine
