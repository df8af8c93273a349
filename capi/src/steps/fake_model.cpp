#include "fake_model.hpp"

#include <chrono>
#include <memory>

#include "../json_io.hpp"
#include "chat_model_step.hpp"

namespace braid::capi {

namespace {

using testing::Chunking;
using testing::FakeChatModel;
using testing::FakeResponse;

std::size_t count_field(const Value& object, const char* key, std::size_t fallback, const std::string& where) {
    const auto found = object.find(key);
    if (found == object.end())
        return fallback;
    if (!found->is_number_unsigned())
        throw Error(errc::invalid_argument, where + "." + key + " must be a non-negative integer, got " + dump_json(*found));
    return found->get<std::size_t>();
}

std::string string_field(const Value& object, const char* key, const std::string& where) {
    const auto found = object.find(key);
    if (found == object.end())
        return {};
    if (!found->is_string())
        throw Error(errc::invalid_argument, where + "." + key + " must be a string, got " + dump_json(*found));
    return found->get<std::string>();
}

FakeResponse response_of(const Value& answer, const std::string& where) {
    if (answer.is_string())
        return FakeResponse::text(answer.get<std::string>());
    if (!answer.is_object())
        throw Error(errc::invalid_argument, where + " must be a string or an object, got " + std::string(answer.type_name()));
    if (answer.contains("error")) {
        reject_unknown_keys(answer, {"error", "message", "after_chunks", "partial"}, where);
        return FakeResponse::failure(kind_named(answer["error"], where + ".error"), string_field(answer, "message", where),
                                     count_field(answer, "after_chunks", 0, where), string_field(answer, "partial", where));
    }
    reject_unknown_keys(answer, {"content", "tool_calls"}, where);
    std::string content = string_field(answer, "content", where);
    const auto calls = answer.find("tool_calls");
    if (calls == answer.end())
        return FakeResponse::text(std::move(content));
    if (!calls->is_array())
        throw Error(errc::invalid_argument, where + ".tool_calls must be an array");
    return FakeResponse::tool_calls(calls->get<std::vector<ToolCall>>(), std::move(content));
}

Chunking chunking_named(const Value& name, const std::string& where) {
    if (name == "words")
        return Chunking::words;
    if (name == "chars")
        return Chunking::chars;
    if (name == "whole")
        return Chunking::whole;
    throw Error(errc::invalid_argument, where + " must be \"words\", \"chars\" or \"whole\", got " + dump_json(name));
}

} // namespace

errc kind_named(const Value& name, const std::string& what) {
    for (int k = static_cast<int>(errc::invalid_argument); k <= static_cast<int>(errc::internal); ++k)
        if (name.is_string() && name.get<std::string>() == errc_name(static_cast<errc>(k)))
            return static_cast<errc>(k);
    throw Error(errc::invalid_argument, what + " is not an error kind (\"invalid_argument\", \"parse\", ..., "
                                               "\"internal\"): " + dump_json(name));
}

AnyRunnable make_fake_chat_model(const Value& config) {
    const std::string where = "config";
    const Value& answers = config.is_object() ? config.value("responses", Value()) : config;
    if (config.is_object())
        reject_unknown_keys(config, {"responses", "chunking", "chunk_size", "chunk_delay_us", "record", "name"}, where);
    else if (!config.is_array())
        throw Error(errc::invalid_argument, "config must be an array of answers or an object, got " +
                                                std::string(config.type_name()));
    if (!answers.is_array() || answers.empty())
        throw Error(errc::invalid_argument, where + ".responses must be a non-empty array of answers");
    FakeChatModel::Config script;
    for (std::size_t i = 0; i < answers.size(); ++i)
        script.responses.push_back(response_of(answers[i], "responses[" + std::to_string(i) + "]"));
    if (config.is_object()) {
        if (const auto chunking = config.find("chunking"); chunking != config.end())
            script.chunking = chunking_named(*chunking, where + ".chunking");
        script.chunk_size = count_field(config, "chunk_size", 1, where);
        script.chunk_delay = std::chrono::microseconds(count_field(config, "chunk_delay_us", 0, where));
        if (const auto record = config.find("record"); record != config.end()) {
            if (!record->is_boolean())
                throw Error(errc::invalid_argument, where + ".record must be true or false");
            script.record = record->get<bool>();
        }
        if (config.contains("name"))
            script.name = string_field(config, "name", where);
    }
    return AnyRunnable(std::make_shared<ChatModelStep>(std::make_shared<FakeChatModel>(std::move(script))));
}

const testing::FakeChatModel* fake_chat_model_of(const AnyRunnable& runnable) noexcept {
    const auto* step = dynamic_cast<const ChatModelStep*>(runnable.impl().get());
    return step ? dynamic_cast<const FakeChatModel*>(&step->model()) : nullptr;
}

} // namespace braid::capi
