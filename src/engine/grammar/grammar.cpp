#include "braid/engine/grammar.hpp"

#include "braid/error.hpp"
#include "grammar_impl.hpp"
#include "recognizer.hpp"

namespace braid::engine {

Grammar::Grammar(std::unique_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}
Grammar::~Grammar() = default;

std::shared_ptr<const Grammar> Grammar::from_gbnf(std::string_view text, std::string_view root) {
    auto impl = std::make_unique<Impl>();
    grammar_detail::parse_gbnf(text, root, *impl);
    impl->source = std::string(text);
    return std::make_shared<const Grammar>(std::move(impl));
}

bool Grammar::accepts(std::string_view text) const {
    grammar_detail::Recognizer r(*impl_);
    const std::int32_t s = r.walk(r.initial(), text);
    return s != grammar_detail::Recognizer::dead && r.accepting(s);
}

std::size_t Grammar::rule_count() const noexcept { return impl_->rules.size(); }

const std::string& Grammar::source() const noexcept { return impl_->source; }

} // namespace braid::engine
