#include "braid/prompts/prompt_template.hpp"

#include <optional>

#include "braid/error.hpp"
#include "braid/prompts/prompt_step.hpp"
#include "prompts/template_parse.hpp"

namespace braid {

namespace detail {

namespace {

bool is_name_start(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name_char(char c) noexcept { return is_name_start(c) || (c >= '0' && c <= '9'); }

std::string quote(std::string_view text) {
    constexpr std::size_t limit = 60;
    if (text.size() <= limit) {
        return "'" + std::string(text) + "'";
    }
    return "'" + std::string(text.substr(0, limit)) + "...'";
}

} // namespace

ParsedTemplate parse_template(std::string_view text) {
    ParsedTemplate parsed;
    parsed.text = std::string(text);
    std::string literal;
    auto flush_literal = [&] {
        if (!literal.empty()) {
            parsed.literal_size += literal.size();
            parsed.segments.push_back(Segment{std::move(literal), Segment::no_variable});
            literal.clear();
        }
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '}') {
            if (i + 1 < text.size() && text[i + 1] == '}') {
                literal += '}';
                i += 2;
                continue;
            }
            throw Error(errc::template_error, "prompt template: single '}' at offset " + std::to_string(i) +
                                                  " (write '}}' for a literal brace) in " + quote(text));
        }
        if (c != '{') {
            literal += c;
            ++i;
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '{') {
            literal += '{';
            i += 2;
            continue;
        }
        const std::size_t close = text.find('}', i + 1);
        const std::size_t next_open = text.find('{', i + 1);
        if (close == std::string_view::npos || (next_open != std::string_view::npos && next_open < close)) {
            throw Error(errc::template_error, "prompt template: unmatched '{' at offset " + std::to_string(i) +
                                                  " (write '{{' for a literal brace) in " + quote(text));
        }
        const std::string_view name = text.substr(i + 1, close - i - 1);
        bool valid = !name.empty() && is_name_start(name[0]);
        for (char n : name) {
            valid = valid && is_name_char(n);
        }
        if (!valid) {
            throw Error(errc::template_error,
                        "prompt template: invalid placeholder " + quote(text.substr(i, close - i + 1)) +
                            " at offset " + std::to_string(i) +
                            ": a variable name is ASCII letters, digits and '_', not starting with a digit");
        }
        flush_literal();
        std::size_t index = 0;
        while (index < parsed.variables.size() && parsed.variables[index] != name) {
            ++index;
        }
        if (index == parsed.variables.size()) {
            parsed.variables.emplace_back(name);
        }
        parsed.segments.push_back(Segment{{}, index});
        i = close + 1;
    }
    flush_literal();
    parsed.partials.resize(parsed.variables.size());
    parsed.required = parsed.variables;
    return parsed;
}

void bind_partials(ParsedTemplate& parsed, PartialValues values, std::string_view owner) {
    for (auto& [name, value] : values) {
        std::size_t index = 0;
        while (index < parsed.variables.size() && parsed.variables[index] != name) {
            ++index;
        }
        if (index == parsed.variables.size()) {
            throw Error(errc::invalid_argument, std::string(owner) + ": partial variable '" + name +
                                                    "' is not a variable of the template");
        }
        if (const auto* fn = std::get_if<std::function<Value()>>(&value); fn != nullptr && !*fn) {
            throw Error(errc::invalid_argument, std::string(owner) + ": partial variable '" + name +
                                                    "' is bound to an empty function");
        }
        if (std::holds_alternative<std::function<Value()>>(value)) {
            parsed.has_computed_partials = true;
        }
        parsed.partials[index] = std::move(value);
    }
    parsed.required.clear();
    for (std::size_t i = 0; i < parsed.variables.size(); ++i) {
        if (!parsed.partials[i]) {
            parsed.required.push_back(parsed.variables[i]);
        }
    }
}

namespace {

void append_value(std::string& out, const Value& value) {
    if (value.is_string()) {
        out += value.get_ref<const std::string&>();
    } else {
        out += value.dump();
    }
}

[[noreturn]] void throw_missing(const ParsedTemplate& parsed, const std::string& name, std::string_view owner) {
    std::string needs;
    for (const std::string& v : parsed.required) {
        needs += needs.empty() ? "" : ", ";
        needs += v;
    }
    throw Error(errc::not_found, std::string(owner) + ": missing variable '" + name + "' (the template needs: " +
                                     needs + ")");
}

} // namespace

void format_parsed(const ParsedTemplate& parsed, std::string& out, const Value& variables, std::string_view owner) {
    if (!variables.is_object()) {
        throw Error(errc::invalid_argument, std::string(owner) + ": input must be a JSON object of variables, got " +
                                                variables.type_name());
    }
    // Resolve each variable once: a computed partial is called once per format even if it repeats.
    constexpr std::size_t inline_slots = 16;
    const Value* inline_values[inline_slots];
    std::vector<const Value*> heap_values;
    const Value** resolved = inline_values;
    if (parsed.variables.size() > inline_slots) {
        heap_values.resize(parsed.variables.size());
        resolved = heap_values.data();
    }
    std::vector<Value> computed;
    if (parsed.has_computed_partials) {
        computed.reserve(parsed.variables.size());
    }
    std::size_t size = parsed.literal_size;
    for (std::size_t i = 0; i < parsed.variables.size(); ++i) {
        const std::string& name = parsed.variables[i];
        auto it = variables.find(name);
        if (it != variables.end()) {
            resolved[i] = &*it;
        } else if (const std::optional<PartialValue>& partial = parsed.partials[i]) {
            if (const Value* fixed = std::get_if<Value>(&*partial)) {
                resolved[i] = fixed;
            } else {
                computed.push_back(std::get<std::function<Value()>>(*partial)());
                resolved[i] = &computed.back();
            }
        } else {
            throw_missing(parsed, name, owner);
        }
        if (resolved[i]->is_string()) {
            size += resolved[i]->get_ref<const std::string&>().size();
        }
    }
    out.reserve(out.size() + size);
    for (const Segment& s : parsed.segments) {
        if (s.variable == Segment::no_variable) {
            out += s.literal;
        } else {
            append_value(out, *resolved[s.variable]);
        }
    }
}

} // namespace detail

namespace {
constexpr std::string_view owner_name = "prompt template";
} // namespace

PartialValues partial_values(const Value& object) {
    PartialValues values;
    if (object.is_null()) {
        return values;
    }
    if (!object.is_object()) {
        throw Error(errc::invalid_argument,
                    std::string("partial values must be a JSON object of variables, got ") + object.type_name());
    }
    for (const auto& item : object.items()) {
        values.emplace(item.key(), PartialValue(item.value()));
    }
    return values;
}

PromptTemplate::PromptTemplate(std::string_view text)
    : parsed_(std::make_shared<const detail::ParsedTemplate>(detail::parse_template(text))) {
    bind_step();
}

void PromptTemplate::bind_step() { detail::bind_prompt_step(*this, "PromptTemplate"); }

const std::string& PromptTemplate::text() const noexcept { return parsed_->text; }

const std::vector<std::string>& PromptTemplate::input_variables() const noexcept { return parsed_->required; }

PromptTemplate PromptTemplate::partial(PartialValues values) const {
    auto copy = std::make_shared<detail::ParsedTemplate>(*parsed_);
    detail::bind_partials(*copy, std::move(values), owner_name);
    PromptTemplate result = *this;
    result.parsed_ = std::move(copy);
    result.bind_step();
    return result;
}

std::string PromptTemplate::format(const Value& variables) const {
    std::string out;
    detail::format_parsed(*parsed_, out, variables, owner_name);
    return out;
}

void PromptTemplate::format_to(std::string& out, const Value& variables) const {
    detail::format_parsed(*parsed_, out, variables, owner_name);
}

PromptValue PromptTemplate::format_prompt(const Value& variables) const { return PromptValue(format(variables)); }

} // namespace braid
