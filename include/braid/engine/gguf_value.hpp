/// @file
/// @brief braid::gguf::Value and braid::gguf::ArrayView: typed, zero-copy views of GGUF metadata values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "braid/error.hpp"

namespace braid::gguf {

/// The type tag of a GGUF metadata value (the ids the file stores).
enum class ValueType : std::uint32_t {
    U8 = 0,      ///< uint8
    I8 = 1,      ///< int8
    U16 = 2,     ///< uint16
    I16 = 3,     ///< int16
    U32 = 4,     ///< uint32
    I32 = 5,     ///< int32
    F32 = 6,     ///< float32
    Bool = 7,    ///< bool (one byte, 0 or 1)
    String = 8,  ///< uint64 length + UTF-8 bytes (no terminator)
    Array = 9,   ///< uint32 element type + uint64 count + elements
    U64 = 10,    ///< uint64
    I64 = 11,    ///< int64
    F64 = 12,    ///< float64
};

/// The type's name as GGUF spells it ("uint32", "string", "array", ...); "?" for an unknown tag.
std::string_view value_type_name(ValueType type) noexcept;

/// Bytes of one value of a fixed-size type (1 for U8/I8/Bool, ... 8 for U64/I64/F64); 0 for String/Array.
std::size_t value_type_size(ValueType type) noexcept;

/// True for the integer types (not Bool).
bool is_integer_type(ValueType type) noexcept;

class ArrayView;

/// One metadata value: a view into the bytes of a File (valid while that File lives; a moved File keeps it
/// valid). Accessors check the type and convert integers when the value fits the requested type.
class Value {
public:
    /// An empty U8 value (0); Values normally come from File::find() and ArrayView.
    Value() = default;

    /// The value's type.
    ValueType type() const noexcept { return type_; }

    /// The value as @p T: any integer type (from any integer value that fits, else a model_format Error),
    /// float/double (from F32/F64, or from an integer), bool (from Bool), std::string_view (from String),
    /// std::string (a copy), ArrayView (from Array). Throws Error(errc::model_format) on a type mismatch.
    template <typename T>
    T as() const;

    /// The value as a signed 64-bit integer (any integer type; a uint64 above INT64_MAX is an Error).
    std::int64_t as_int() const;
    /// The value as an unsigned 64-bit integer (any integer type; a negative value is an Error).
    std::uint64_t as_uint() const;
    /// The value as a double (F32, F64 or any integer type).
    double as_double() const;
    /// The value of a Bool.
    bool as_bool() const;
    /// The bytes of a String (not NUL-terminated).
    std::string_view as_string() const;
    /// The elements of an Array.
    ArrayView as_array() const;

    /// The value's encoded bytes as the file stores them after the type tag (for arrays: element type,
    /// count and elements; for strings: length and bytes). gguf::Writer::set() copies a Value from these.
    std::span<const std::byte> encoded() const noexcept { return {begin_, end_}; }

    /// A short human-readable rendering ("42", "\"llama\"", "[string × 32000]"), for messages and inspect.
    std::string to_display_string(std::size_t max_array_items = 0) const;

    /// Makes a view of an encoded value of @p type spanning [@p begin, @p end) (already validated).
    /// Used by File and ArrayView; not for decoding untrusted bytes.
    static Value from_encoded(ValueType type, const std::byte* begin, const std::byte* end) noexcept {
        Value v;
        v.type_ = type;
        v.begin_ = begin;
        v.end_ = end;
        return v;
    }

private:
    [[noreturn]] void mismatch(const char* wanted) const;

    ValueType type_ = ValueType::U8;
    const std::byte* begin_ = nullptr;
    const std::byte* end_ = nullptr;
};

/// The elements of a GGUF array value, without copying: random access for fixed-size element types,
/// forward iteration for every element type (strings and nested arrays included).
class ArrayView {
public:
    /// An empty array of U8.
    ArrayView() = default;

    /// Makes a view of @p count elements of @p element_type stored in [@p begin, @p end) (validated).
    ArrayView(ValueType element_type, std::uint64_t count, const std::byte* begin, const std::byte* end) noexcept
        : element_type_(element_type), count_(count), begin_(begin), end_(end) {}

    /// The type of every element.
    ValueType element_type() const noexcept { return element_type_; }
    /// The number of elements.
    std::uint64_t size() const noexcept { return count_; }
    /// True when the array has no elements.
    bool empty() const noexcept { return count_ == 0; }
    /// The encoded elements.
    std::span<const std::byte> bytes() const noexcept { return {begin_, end_}; }

    /// Element @p i of a fixed-size element type as @p T (converted as Value::as<T>() does), O(1).
    /// Throws Error(errc::invalid_argument) when @p i is out of range and Error(errc::model_format) when the
    /// elements are strings or arrays (iterate those instead).
    template <typename T>
    T at(std::uint64_t i) const {
        return element(i).as<T>();
    }

    /// Element @p i of a fixed-size element type as a Value, O(1) (see at()).
    Value element(std::uint64_t i) const;

    /// Every element as @p T (a number type, or std::string_view for string arrays), in order.
    template <typename T>
    std::vector<T> to_vector() const {
        std::vector<T> out;
        out.reserve(static_cast<std::size_t>(count_));
        for (Value v : *this) out.push_back(v.as<T>());
        return out;
    }

    /// Every element of a string array as a view into the file (one pass, no string copies).
    /// Throws Error(errc::model_format) when the elements are not strings.
    std::vector<std::string_view> strings() const;

    /// Forward iterator over the elements as Values.
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag; ///< Forward only (elements may vary in size).
        using value_type = Value;                            ///< Each element is a Value view.
        using difference_type = std::ptrdiff_t;              ///< Distance type.
        using pointer = const Value*;                        ///< Pointer to the current element.
        using reference = Value;                             ///< Dereferencing yields a Value by copy.

        iterator() = default;
        /// Positions at the element starting at @p at, with @p left elements remaining.
        iterator(ValueType type, const std::byte* at, std::uint64_t left) noexcept;
        /// The current element.
        Value operator*() const noexcept { return current_; }
        /// Pointer to the current element.
        const Value* operator->() const noexcept { return &current_; }
        /// Advances to the next element.
        iterator& operator++() noexcept;
        /// Advances to the next element (postfix).
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        /// Equal when both have the same number of elements left.
        friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.left_ == b.left_; }

    private:
        void load() noexcept;
        ValueType type_ = ValueType::U8;
        const std::byte* at_ = nullptr;
        std::uint64_t left_ = 0;
        Value current_;
    };

    /// The first element.
    iterator begin() const noexcept { return iterator(element_type_, begin_, count_); }
    /// Past the last element.
    iterator end() const noexcept { return iterator(element_type_, end_, 0); }

private:
    ValueType element_type_ = ValueType::U8;
    std::uint64_t count_ = 0;
    const std::byte* begin_ = nullptr;
    const std::byte* end_ = nullptr;
};

template <typename T>
T Value::as() const {
    if constexpr (std::is_same_v<T, bool>) {
        return as_bool();
    } else if constexpr (std::is_integral_v<T>) {
        if constexpr (std::is_signed_v<T>) {
            std::int64_t v = as_int();
            if (v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
                v > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
                mismatch("an integer in the range of the requested type");
            return static_cast<T>(v);
        } else {
            std::uint64_t v = as_uint();
            if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
                mismatch("an integer in the range of the requested type");
            return static_cast<T>(v);
        }
    } else if constexpr (std::is_floating_point_v<T>) {
        return static_cast<T>(as_double());
    } else if constexpr (std::is_same_v<T, std::string_view>) {
        return as_string();
    } else if constexpr (std::is_same_v<T, std::string>) {
        return std::string(as_string());
    } else if constexpr (std::is_same_v<T, ArrayView>) {
        return as_array();
    } else if constexpr (std::is_same_v<T, Value>) {
        return *this;
    } else {
        static_assert(std::is_same_v<T, bool>, "Value::as<T>: T must be a number, bool, string, ArrayView or Value");
    }
}

} // namespace braid::gguf
