#include "parsers/describe.hpp"

#include <cstdio>

namespace braid::parsers_detail {

std::string describe_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) {
        return std::string("'") + c + "'";
    }
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "byte 0x%02X", u);
    return buffer;
}

std::string line_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (is_space(text.front()) || text.front() == '\f' || text.front() == '\v')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (is_space(text.back()) || text.back() == '\f' || text.back() == '\v')) {
        text.remove_suffix(1);
    }
    return text;
}

} // namespace braid::parsers_detail
