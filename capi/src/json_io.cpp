#include "json_io.hpp"

#include "boundary.hpp"

namespace braid::capi {

Value parse_json(const char* text, const char* what) {
    require(text, what);
    try {
        return Value::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann's message starts with "[json.exception.parse_error.101] parse error at ...": keep the rest.
        std::string message = e.what();
        const auto at = message.find("] ");
        if (at != std::string::npos)
            message.erase(0, at + 2);
        throw Error(errc::parse, std::string(what) + " is not valid JSON: " + message);
    }
}

Value parse_json_or(const char* text, const char* what, Value fallback) {
    return text ? parse_json(text, what) : std::move(fallback);
}

std::string dump_json(const Value& value) { return value.dump(-1, ' ', false, Value::error_handler_t::replace); }

const Value& require_object(const Value& value, const std::string& what) {
    if (!value.is_object())
        throw Error(errc::invalid_argument, what + " must be a JSON object, got " + value.type_name());
    return value;
}

void reject_unknown_keys(const Value& object, std::initializer_list<std::string_view> known, const std::string& what) {
    for (const auto& item : object.items()) {
        bool found = false;
        for (std::string_view key : known)
            found = found || key == item.key();
        if (found)
            continue;
        std::string names;
        for (std::string_view key : known)
            names += (names.empty() ? "" : ", ") + std::string(key);
        throw Error(errc::invalid_argument, what + " has an unknown key '" + item.key() + "' (known: " + names + ")");
    }
}

} // namespace braid::capi
