#include <braid/parsers/list_output_parser.hpp>

#include "parsers/describe.hpp"

namespace braid {

using parsers_detail::is_space;
using parsers_detail::trim;

namespace {

// "12. item" or "12) item": the item text, or empty when the line is not a numbered item.
std::string_view numbered_item(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    if (i == 0 || i + 1 >= line.size() || (line[i] != '.' && line[i] != ')') || !is_space(line[i + 1])) {
        return {};
    }
    return trim(line.substr(i + 2));
}

// "- item", "* item", "+ item": the item text, or empty ("---" and "**bold**" are not items).
std::string_view bullet_item(std::string_view line) {
    if (line.size() < 2 || (line[0] != '-' && line[0] != '*' && line[0] != '+') || !is_space(line[1])) {
        return {};
    }
    return trim(line.substr(2));
}

} // namespace

void ListOutputParser::Stream::end_line(std::vector<std::string>& out) {
    const std::string_view line = trim(current_);
    std::string_view item;
    switch (style_) {
    case ListStyle::newline: item = line; break;
    case ListStyle::numbered: item = numbered_item(line); break;
    case ListStyle::markdown: item = bullet_item(line); break;
    case ListStyle::comma: break;
    }
    if (!item.empty()) {
        out.emplace_back(item);
    }
    current_.clear();
}

void ListOutputParser::Stream::end_field(std::vector<std::string>& out) {
    const std::string_view item = trim(current_);
    if (!item.empty() || was_quoted_) {
        out.emplace_back(item);
    }
    current_.clear();
    quoted_ = quote_seen_ = was_quoted_ = false;
}

std::vector<std::string> ListOutputParser::Stream::feed(std::string_view chunk) {
    std::vector<std::string> out;
    if (style_ != ListStyle::comma) {
        for (const char c : chunk) {
            if (c == '\n') {
                end_line(out);
            } else {
                current_ += c;
            }
        }
        return out;
    }
    for (const char c : chunk) {
        if (quote_seen_) { // the previous '"' inside quotes: "" is a quote, anything else closes
            quote_seen_ = false;
            if (c == '"') {
                current_ += '"';
                continue;
            }
            quoted_ = false;
        }
        if (quoted_) {
            if (c == '"') {
                quote_seen_ = true;
            } else {
                current_ += c;
            }
        } else if (c == ',') {
            end_field(out);
        } else if (c == '"' && trim(current_).empty() && !was_quoted_) {
            current_.clear(); // spaces before the opening quote are not part of the item
            quoted_ = was_quoted_ = true;
        } else {
            current_ += is_space(c) ? ' ' : c;
        }
    }
    return out;
}

std::vector<std::string> ListOutputParser::Stream::finish() {
    std::vector<std::string> out;
    if (style_ == ListStyle::comma) {
        end_field(out);
    } else {
        end_line(out);
    }
    return out;
}

std::vector<std::string> ListOutputParser::parse(std::string_view text) const {
    Stream stream(style_);
    std::vector<std::string> items = stream.feed(text);
    for (auto& item : stream.finish()) {
        items.push_back(std::move(item));
    }
    return items;
}

std::string ListOutputParser::format_instructions() const {
    switch (style_) {
    case ListStyle::comma:
        return "Answer with the items on one line, separated by commas, and nothing else. "
               "For example: red, green, blue";
    case ListStyle::newline:
        return "Answer with one item per line and nothing else.";
    case ListStyle::numbered:
        return "Answer with a numbered list, one item per line, for example:\n1. red\n2. green\n3. blue";
    case ListStyle::markdown:
        return "Answer with a Markdown bullet list, one item per line, for example:\n- red\n- green\n- blue";
    }
    return {};
}

} // namespace braid
