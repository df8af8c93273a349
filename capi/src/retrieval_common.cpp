#include "retrieval_common.hpp"

#include <cmath>

#include "json_io.hpp"

namespace braid::capi {

namespace {

[[noreturn]] void bad_option(const std::string& what, const char* key, const char* expected, const Value& got) {
    throw Error(errc::invalid_argument, what + "'s \"" + key + "\" must be " + expected + ", got " + dump_json(got));
}

const Value* option_of(const Value& options, const char* key) {
    const auto found = options.find(key);
    return found == options.end() || found->is_null() ? nullptr : &*found;
}

} // namespace

Value options_object(const char* text, const char* what, std::initializer_list<std::string_view> known) {
    Value options = parse_json_or(text, what, Value::object());
    require_object(options, what);
    reject_unknown_keys(options, known, what);
    return options;
}

std::size_t size_option(const Value& options, const char* key, std::size_t fallback, const std::string& what) {
    const Value* value = option_of(options, key);
    if (!value)
        return fallback;
    if (!value->is_number_unsigned() && !(value->is_number_integer() && value->get<long long>() >= 0))
        bad_option(what, key, "a whole number ≥ 0", *value);
    return value->get<std::size_t>();
}

double number_option(const Value& options, const char* key, double fallback, const std::string& what) {
    return optional_number_option(options, key, what).value_or(fallback);
}

std::optional<double> optional_number_option(const Value& options, const char* key, const std::string& what) {
    const Value* value = option_of(options, key);
    if (!value)
        return std::nullopt;
    if (!value->is_number() || !std::isfinite(value->get<double>()))
        bad_option(what, key, "a number", *value);
    return value->get<double>();
}

bool flag_option(const Value& options, const char* key, bool fallback, const std::string& what) {
    const Value* value = option_of(options, key);
    if (!value)
        return fallback;
    if (!value->is_boolean())
        bad_option(what, key, "true or false", *value);
    return value->get<bool>();
}

std::string text_option(const Value& options, const char* key, std::string fallback, const std::string& what) {
    const Value* value = option_of(options, key);
    if (!value)
        return fallback;
    if (!value->is_string())
        bad_option(what, key, "a string", *value);
    return value->get<std::string>();
}

std::optional<std::vector<std::string>> strings_option(const Value& options, const char* key, const std::string& what) {
    const Value* value = option_of(options, key);
    if (!value)
        return std::nullopt;
    if (!value->is_array())
        bad_option(what, key, "an array of strings", *value);
    std::vector<std::string> strings;
    for (const Value& item : *value) {
        if (!item.is_string())
            bad_option(what, key, "an array of strings", *value);
        strings.push_back(item.get<std::string>());
    }
    return strings;
}

retrieval::MetadataFilter filter_option(const Value& options, const std::string& what) {
    const Value* value = option_of(options, "filter");
    if (!value)
        return {};
    try {
        return retrieval::MetadataFilter::parse(*value);
    } catch (const Error& error) {
        throw Error(error.kind(), what + "'s \"filter\": " + error.what());
    }
}

retrieval::Documents documents_of(const Value& json, const std::string& what) {
    const Value* list = &json;
    if (json.is_object() && json.contains("documents"))
        list = &json["documents"];
    if (!list->is_array())
        throw Error(errc::parse, what + " must be a JSON array of documents (or an object with \"documents\"), got " +
                                     list->type_name());
    retrieval::Documents documents;
    documents.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        try {
            documents.push_back((*list)[i].get<retrieval::Document>());
        } catch (const Error& error) {
            throw Error(error.kind(), what + "[" + std::to_string(i) + "]: " + error.what());
        }
    }
    return documents;
}

retrieval::Documents parse_documents(const char* text, const char* what) {
    return documents_of(parse_json(text, what), what);
}

Value documents_value(const retrieval::Documents& documents) {
    Value list = Value::array();
    for (const retrieval::Document& document : documents)
        list.push_back(Value(document));
    return list;
}

std::vector<std::string> parse_strings(const char* text, const char* what) {
    const Value list = parse_json(text, what);
    if (!list.is_array())
        throw Error(errc::parse, std::string(what) + " must be a JSON array of strings, got " + list.type_name());
    std::vector<std::string> strings;
    strings.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_string())
            throw Error(errc::parse, std::string(what) + "[" + std::to_string(i) + "] must be a string, got " +
                                         list[i].type_name());
        strings.push_back(list[i].get<std::string>());
    }
    return strings;
}

} // namespace braid::capi
