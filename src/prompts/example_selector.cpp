#include "braid/prompts/example_selector.hpp"

#include "braid/error.hpp"

namespace braid {

LengthBasedExampleSelector::LengthBasedExampleSelector(std::vector<Value> examples, PromptTemplate example_prompt,
                                                       std::size_t max_length, LengthFunction length)
    : examples_(std::move(examples)), max_length_(max_length), length_(std::move(length)) {
    if (!length_) {
        throw Error(errc::invalid_argument, "length-based example selector: the length function is empty");
    }
    lengths_.reserve(examples_.size());
    for (std::size_t i = 0; i < examples_.size(); ++i) {
        if (!examples_[i].is_object()) {
            throw Error(errc::invalid_argument, "length-based example selector: example " + std::to_string(i) +
                                                    " must be a JSON object, got " + examples_[i].type_name());
        }
        try {
            lengths_.push_back(length_(example_prompt.format(examples_[i])));
        } catch (const Error& e) {
            throw Error(e.kind(), "length-based example selector: example " + std::to_string(i) + ": " + e.what());
        }
    }
}

std::vector<Value> LengthBasedExampleSelector::select_examples(const Value& input) const {
    std::string input_text;
    if (input.is_object()) {
        for (const auto& [key, value] : input.items()) {
            if (!input_text.empty()) {
                input_text += ' ';
            }
            input_text += value.is_string() ? value.get<std::string>() : value.dump();
        }
    } else if (!input.is_null()) {
        input_text = input.is_string() ? input.get<std::string>() : input.dump();
    }
    const std::size_t input_length = length_(input_text);
    std::vector<Value> selected;
    if (input_length > max_length_) {
        return selected;
    }
    std::size_t remaining = max_length_ - input_length;
    for (std::size_t i = 0; i < examples_.size() && lengths_[i] <= remaining; ++i) {
        remaining -= lengths_[i];
        selected.push_back(examples_[i]);
    }
    return selected;
}

std::size_t LengthBasedExampleSelector::word_count(std::string_view text) noexcept {
    std::size_t words = 0;
    bool in_word = false;
    for (char c : text) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
        if (!space && !in_word) {
            ++words;
        }
        in_word = !space;
    }
    return words;
}

} // namespace braid
