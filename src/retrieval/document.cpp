#include "braid/retrieval/document.hpp"

#include "braid/error.hpp"

namespace braid::retrieval {

void to_json(Value& json, const Document& document) {
    json = Value::object();
    json["page_content"] = document.page_content;
    json["metadata"] = document.metadata;
    if (!document.id.empty())
        json["id"] = document.id;
}

void from_json(const Value& json, Document& document) {
    if (json.is_string()) {
        document = Document{json.get<std::string>(), Value::object(), {}};
        return;
    }
    if (!json.is_object())
        throw Error(errc::parse, "document: expected an object or a string, got " + std::string(json.type_name()));
    Document read;
    const auto content = json.find("page_content");
    if (content == json.end() || !content->is_string())
        throw Error(errc::parse, "document: 'page_content' must be a string");
    read.page_content = content->get<std::string>();
    if (const auto metadata = json.find("metadata"); metadata != json.end() && !metadata->is_null()) {
        if (!metadata->is_object())
            throw Error(errc::parse, "document: 'metadata' must be an object, got " + std::string(metadata->type_name()));
        read.metadata = *metadata;
    }
    if (const auto id = json.find("id"); id != json.end() && !id->is_null()) {
        if (!id->is_string())
            throw Error(errc::parse, "document: 'id' must be a string, got " + std::string(id->type_name()));
        read.id = id->get<std::string>();
    }
    document = std::move(read);
}

} // namespace braid::retrieval
