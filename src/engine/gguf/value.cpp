// gguf::Value / gguf::ArrayView: decoding of metadata values that File has already validated.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "braid/engine/gguf_value.hpp"
#include "engine/gguf/encoding.hpp"

namespace braid::gguf {

std::string_view value_type_name(ValueType type) noexcept {
    switch (type) {
    case ValueType::U8: return "uint8";
    case ValueType::I8: return "int8";
    case ValueType::U16: return "uint16";
    case ValueType::I16: return "int16";
    case ValueType::U32: return "uint32";
    case ValueType::I32: return "int32";
    case ValueType::F32: return "float32";
    case ValueType::Bool: return "bool";
    case ValueType::String: return "string";
    case ValueType::Array: return "array";
    case ValueType::U64: return "uint64";
    case ValueType::I64: return "int64";
    case ValueType::F64: return "float64";
    }
    return "?";
}

std::size_t value_type_size(ValueType type) noexcept {
    switch (type) {
    case ValueType::U8: case ValueType::I8: case ValueType::Bool: return 1;
    case ValueType::U16: case ValueType::I16: return 2;
    case ValueType::U32: case ValueType::I32: case ValueType::F32: return 4;
    case ValueType::U64: case ValueType::I64: case ValueType::F64: return 8;
    case ValueType::String: case ValueType::Array: return 0;
    }
    return 0;
}

bool is_integer_type(ValueType type) noexcept {
    switch (type) {
    case ValueType::U8: case ValueType::I8: case ValueType::U16: case ValueType::I16:
    case ValueType::U32: case ValueType::I32: case ValueType::U64: case ValueType::I64: return true;
    default: return false;
    }
}

void Value::mismatch(const char* wanted) const {
    throw Error(errc::model_format,
                "value of type " + std::string(value_type_name(type_)) + " (" + to_display_string(3) + ") is not " + wanted);
}

std::int64_t Value::as_int() const {
    using detail::load;
    switch (type_) {
    case ValueType::U8: return load<std::uint8_t>(begin_);
    case ValueType::I8: return load<std::int8_t>(begin_);
    case ValueType::U16: return load<std::uint16_t>(begin_);
    case ValueType::I16: return load<std::int16_t>(begin_);
    case ValueType::U32: return load<std::uint32_t>(begin_);
    case ValueType::I32: return load<std::int32_t>(begin_);
    case ValueType::I64: return load<std::int64_t>(begin_);
    case ValueType::U64: {
        auto v = load<std::uint64_t>(begin_);
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            mismatch("an integer in the range of int64");
        return static_cast<std::int64_t>(v);
    }
    default: mismatch("an integer");
    }
}

std::uint64_t Value::as_uint() const {
    if (type_ == ValueType::U64) return detail::load<std::uint64_t>(begin_);
    if (!is_integer_type(type_)) mismatch("an integer");
    std::int64_t v = as_int();
    if (v < 0) mismatch("a non-negative integer");
    return static_cast<std::uint64_t>(v);
}

double Value::as_double() const {
    if (type_ == ValueType::F32) return detail::load<float>(begin_);
    if (type_ == ValueType::F64) return detail::load<double>(begin_);
    if (type_ == ValueType::U64) return static_cast<double>(detail::load<std::uint64_t>(begin_));
    if (is_integer_type(type_)) return static_cast<double>(as_int());
    mismatch("a number");
}

bool Value::as_bool() const {
    if (type_ != ValueType::Bool) mismatch("a bool");
    return detail::load<std::uint8_t>(begin_) != 0;
}

std::string_view Value::as_string() const {
    if (type_ != ValueType::String) mismatch("a string");
    const auto n = detail::load<std::uint64_t>(begin_);
    return {reinterpret_cast<const char*>(begin_ + 8), static_cast<std::size_t>(n)};
}

ArrayView Value::as_array() const {
    if (type_ != ValueType::Array) mismatch("an array");
    const auto element_type = static_cast<ValueType>(detail::load<std::uint32_t>(begin_));
    const auto count = detail::load<std::uint64_t>(begin_ + 4);
    return ArrayView(element_type, count, begin_ + 12, end_);
}

namespace {

void append_quoted(std::string& out, std::string_view s, std::size_t max_chars) {
    out.push_back('"');
    std::size_t shown = 0;
    for (char c : s) {
        if (max_chars && shown++ >= max_chars) {
            out += "…";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

std::string format_double(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

} // namespace

std::string Value::to_display_string(std::size_t max_array_items) const {
    switch (type_) {
    case ValueType::Bool: return as_bool() ? "true" : "false";
    case ValueType::F32: case ValueType::F64: return format_double(as_double());
    case ValueType::U64: return std::to_string(detail::load<std::uint64_t>(begin_));
    case ValueType::String: {
        std::string out;
        append_quoted(out, as_string(), 200);
        return out;
    }
    case ValueType::Array: {
        ArrayView a = as_array();
        std::string out = "[";
        std::size_t shown = 0;
        for (Value v : a) {
            if (shown == max_array_items) break;
            if (shown) out += ", ";
            out += v.to_display_string(max_array_items);
            ++shown;
        }
        if (shown < a.size()) {
            if (shown) out += ", ";
            out += "… " + std::to_string(a.size()) + " × " + std::string(value_type_name(a.element_type()));
        }
        return out + "]";
    }
    default: return std::to_string(as_int());
    }
}

Value ArrayView::element(std::uint64_t i) const {
    const std::size_t size = value_type_size(element_type_);
    if (size == 0)
        throw Error(errc::model_format, "array elements of type " + std::string(value_type_name(element_type_)) +
                                            " have no random access; iterate the array instead");
    if (i >= count_)
        throw Error(errc::invalid_argument,
                    "array index " + std::to_string(i) + " out of range (size " + std::to_string(count_) + ")");
    const std::byte* p = begin_ + i * size;
    return Value::from_encoded(element_type_, p, p + size);
}

std::vector<std::string_view> ArrayView::strings() const {
    if (element_type_ != ValueType::String)
        throw Error(errc::model_format,
                    "array of " + std::string(value_type_name(element_type_)) + " is not an array of strings");
    std::vector<std::string_view> out;
    out.reserve(static_cast<std::size_t>(count_));
    for (Value v : *this) out.push_back(v.as_string());
    return out;
}

ArrayView::iterator::iterator(ValueType type, const std::byte* at, std::uint64_t left) noexcept
    : type_(type), at_(at), left_(left) {
    load();
}

void ArrayView::iterator::load() noexcept {
    if (left_ == 0) return;
    current_ = Value::from_encoded(type_, at_, at_ + detail::encoded_extent(type_, at_));
}

ArrayView::iterator& ArrayView::iterator::operator++() noexcept {
    at_ = current_.encoded().data() + current_.encoded().size();
    --left_;
    load();
    return *this;
}

} // namespace braid::gguf
