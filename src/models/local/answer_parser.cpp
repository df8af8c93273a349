#include "models/local/answer_parser.hpp"

#include <string>

namespace braid::local_detail {

namespace {

// Every piece of text is content, passed on at once.
class PlainAnswerParser final : public AnswerParser {
public:
    std::vector<MessageChunk> push(std::string_view text) override {
        if (text.empty())
            return {};
        MessageChunk chunk;
        chunk.content = std::string(text);
        return {std::move(chunk)};
    }
    std::vector<MessageChunk> finish() override { return {}; }
};

} // namespace

std::unique_ptr<AnswerParser> make_answer_parser(const GenerationOptions&, std::string_view) {
    return std::make_unique<PlainAnswerParser>();
}

} // namespace braid::local_detail
