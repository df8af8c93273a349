#include "braid/core/chunk.hpp"

namespace braid {

Value value_concat(Value first, const Value& next) {
    if (next.is_null())
        return first;
    if (first.is_null())
        return next;
    if (first.is_string() && next.is_string()) {
        first.get_ref<std::string&>() += next.get_ref<const std::string&>();
        return first;
    }
    if (first.is_array() && next.is_array()) {
        for (const Value& item : next)
            first.push_back(item);
        return first;
    }
    if (first.is_object() && next.is_object()) {
        for (const auto& [key, value] : next.items()) {
            auto found = first.find(key);
            if (found == first.end())
                first[key] = value;
            else
                *found = value_concat(std::move(*found), value);
        }
        return first;
    }
    return next;
}

} // namespace braid
