#include "braid/prompts/few_shot_prompt_template.hpp"

#include <algorithm>

#include "braid/error.hpp"
#include "braid/prompts/prompt_step.hpp"

namespace braid {

namespace {

void check_examples(const std::vector<Value>& examples, bool has_selector, const char* owner) {
    if (has_selector && !examples.empty()) {
        throw Error(errc::invalid_argument,
                    std::string(owner) + ": give either examples or an example selector, not both");
    }
    for (std::size_t i = 0; i < examples.size(); ++i) {
        if (!examples[i].is_object()) {
            throw Error(errc::invalid_argument, std::string(owner) + ": example " + std::to_string(i) +
                                                    " must be a JSON object, got " + examples[i].type_name());
        }
    }
}

template <class Format>
auto format_example(const char* owner, std::size_t index, Format&& format) {
    try {
        return format();
    } catch (const Error& e) {
        throw Error(e.kind(), std::string(owner) + ": example " + std::to_string(index) + ": " + e.what());
    }
}

constexpr const char* text_owner = "few-shot prompt template";
constexpr const char* chat_owner = "few-shot chat prompt template";

} // namespace

FewShotPromptTemplate::FewShotPromptTemplate(Config config)
    : config_(std::move(config)), prefix_(config_.prefix), suffix_(config_.suffix) {
    check_examples(config_.examples, config_.example_selector != nullptr, text_owner);
    for (std::size_t i = 0; i < config_.examples.size(); ++i) {
        fixed_examples_.push_back(
            format_example(text_owner, i, [&] { return config_.example_prompt.format(config_.examples[i]); }));
    }
    input_variables_ = prefix_.input_variables();
    for (const std::string& v : suffix_.input_variables()) {
        if (std::find(input_variables_.begin(), input_variables_.end(), v) == input_variables_.end()) {
            input_variables_.push_back(v);
        }
    }
    bind_step();
}

void FewShotPromptTemplate::bind_step() { detail::bind_prompt_step(*this, "FewShotPromptTemplate"); }

std::string FewShotPromptTemplate::format(const Value& variables) const {
    if (!variables.is_object()) {
        throw Error(errc::invalid_argument, std::string(text_owner) + ": input must be a JSON object of variables, got " +
                                                variables.type_name());
    }
    std::string out;
    auto separate = [&] {
        if (!out.empty()) {
            out += config_.example_separator;
        }
    };
    prefix_.format_to(out, variables);
    if (config_.example_selector) {
        const std::vector<Value> chosen = config_.example_selector->select_examples(variables);
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            separate();
            format_example(text_owner, i, [&] {
                config_.example_prompt.format_to(out, chosen[i]);
                return 0;
            });
        }
    } else {
        for (const std::string& example : fixed_examples_) {
            separate();
            out += example;
        }
    }
    separate();
    suffix_.format_to(out, variables);
    return out;
}

FewShotChatMessagePromptTemplate::FewShotChatMessagePromptTemplate(Config config) : config_(std::move(config)) {
    check_examples(config_.examples, config_.example_selector != nullptr, chat_owner);
    for (std::size_t i = 0; i < config_.examples.size(); ++i) {
        format_example(chat_owner, i, [&] {
            config_.example_prompt.format_messages_to(fixed_messages_, config_.examples[i]);
            return 0;
        });
    }
    bind_step();
}

void FewShotChatMessagePromptTemplate::bind_step() {
    detail::bind_prompt_step(*this, "FewShotChatMessagePromptTemplate");
}

Messages FewShotChatMessagePromptTemplate::format_messages(const Value& variables) const {
    Messages out;
    format_messages_to(out, variables);
    return out;
}

void FewShotChatMessagePromptTemplate::format_messages_to(Messages& out, const Value& variables) const {
    if (!config_.example_selector) {
        out.insert(out.end(), fixed_messages_.begin(), fixed_messages_.end());
        return;
    }
    const std::vector<Value> chosen = config_.example_selector->select_examples(variables);
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        format_example(chat_owner, i, [&] {
            config_.example_prompt.format_messages_to(out, chosen[i]);
            return 0;
        });
    }
}

} // namespace braid
