#include "engine/template/pystring.hpp"

#include <algorithm>

#include "engine/template/budget.hpp"
#include "engine/template/utf8.hpp"
#include "engine/template/value.hpp"

namespace braid::jinja::pystr {

namespace {

bool in_set(char32_t cp, const std::vector<char32_t>& set) {
    return std::find(set.begin(), set.end(), cp) != set.end();
}

std::vector<char32_t> code_points(std::string_view s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        out.push_back(utf8::decode(s, i, n));
        i += n;
    }
    return out;
}

bool space_at(std::string_view s, std::size_t pos, std::size_t& n) {
    const char32_t cp = utf8::decode(s, pos, n);
    return cp != utf8::invalid && utf8::is_space(cp);
}

// Start of the code point that ends at @p end.
std::size_t previous_start(std::string_view s, std::size_t end) {
    std::size_t begin = end - 1;
    while (begin > 0 && end - begin < 4 && (static_cast<unsigned char>(s[begin]) & 0xC0) == 0x80) --begin;
    std::size_t n = 0;
    utf8::decode(s, begin, n);
    return begin + n == end ? begin : end - 1;
}

bool is_cased(char32_t cp) { return utf8::is_upper(cp) || utf8::is_lower(cp); }

bool is_line_break(char32_t cp) {
    return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x1C || cp == 0x1D || cp == 0x1E ||
           cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

template <class Pred>
bool all_of_text(std::string_view s, Pred pred) {
    if (s.empty()) return false;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        const char32_t cp = utf8::decode(s, i, n);
        if (cp == utf8::invalid || !pred(cp)) return false;
        i += n;
    }
    return true;
}

} // namespace

std::string strip(std::string_view s, const std::string* chars, bool left, bool right) {
    charge_steps(s.size() / 64);
    std::vector<char32_t> set;
    if (chars) set = code_points(*chars);
    auto strip_here = [&](std::size_t pos, std::size_t& n) {
        if (!chars) return space_at(s, pos, n);
        const char32_t cp = utf8::decode(s, pos, n);
        return in_set(cp, set);
    };
    std::size_t begin = 0;
    std::size_t end = s.size();
    if (left) {
        while (begin < end) {
            std::size_t n = 0;
            if (!strip_here(begin, n)) break;
            begin += n;
        }
    }
    if (right) {
        while (end > begin) {
            const std::size_t start = previous_start(s, end);
            std::size_t n = 0;
            if (!strip_here(start, n) || start + n != end) break;
            end = start;
        }
    }
    return std::string(s.substr(begin, end - begin));
}

std::vector<std::string> split(std::string_view s, const std::string* sep, std::int64_t maxsplit) {
    charge_steps(s.size() / 16);
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) fail(FailureKind::value, "empty separator");
        std::size_t pos = 0;
        while (maxsplit < 0 || static_cast<std::int64_t>(out.size()) < maxsplit) {
            const std::size_t hit = s.find(*sep, pos);
            if (hit == std::string_view::npos) break;
            out.emplace_back(s.substr(pos, hit - pos));
            pos = hit + sep->size();
        }
        out.emplace_back(s.substr(pos));
        check_item_count(out.size());
        return out;
    }
    std::size_t pos = 0;
    while (true) {
        std::size_t n = 0;
        while (pos < s.size() && space_at(s, pos, n)) pos += n;
        if (pos >= s.size()) break;
        if (maxsplit >= 0 && static_cast<std::int64_t>(out.size()) >= maxsplit) {
            // The remainder keeps its trailing whitespace, as Python's does.
            out.emplace_back(s.substr(pos));
            break;
        }
        std::size_t end = pos;
        while (end < s.size() && !space_at(s, end, n)) end += n;
        out.emplace_back(s.substr(pos, end - pos));
        pos = end;
    }
    check_item_count(out.size());
    return out;
}

std::vector<std::string> rsplit(std::string_view s, const std::string* sep, std::int64_t maxsplit) {
    charge_steps(s.size() / 16);
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) fail(FailureKind::value, "empty separator");
        std::size_t end = s.size();
        while (maxsplit < 0 || static_cast<std::int64_t>(out.size()) < maxsplit) {
            if (end < sep->size()) break;
            const std::size_t hit = s.rfind(*sep, end - sep->size());
            if (hit == std::string_view::npos) break;
            out.emplace_back(s.substr(hit + sep->size(), end - hit - sep->size()));
            end = hit;
        }
        out.emplace_back(s.substr(0, end));
        std::reverse(out.begin(), out.end());
        check_item_count(out.size());
        return out;
    }
    std::size_t end = s.size();
    while (true) {
        while (end > 0) {
            const std::size_t start = previous_start(s, end);
            std::size_t n = 0;
            if (!space_at(s, start, n) || start + n != end) break;
            end = start;
        }
        if (end == 0) break;
        if (maxsplit >= 0 && static_cast<std::int64_t>(out.size()) >= maxsplit) {
            out.emplace_back(s.substr(0, end));
            break;
        }
        std::size_t begin = end;
        while (begin > 0) {
            const std::size_t start = previous_start(s, begin);
            std::size_t n = 0;
            if (space_at(s, start, n) && start + n == begin) break;
            begin = start;
        }
        out.emplace_back(s.substr(begin, end - begin));
        end = begin;
    }
    std::reverse(out.begin(), out.end());
    check_item_count(out.size());
    return out;
}

std::vector<std::string> splitlines(std::string_view s, bool keepends) {
    charge_steps(s.size() / 16);
    std::vector<std::string> out;
    std::size_t start = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t n = 0;
        const char32_t cp = utf8::decode(s, i, n);
        if (cp != utf8::invalid && is_line_break(cp)) {
            std::size_t end = i + n;
            if (cp == '\r' && end < s.size() && s[end] == '\n') ++end;
            out.emplace_back(s.substr(start, (keepends ? end : i) - start));
            start = i = end;
        } else {
            i += n;
        }
    }
    if (start < s.size()) out.emplace_back(s.substr(start));
    check_item_count(out.size());
    return out;
}

namespace {

// U+00DF (sharp s) is the one full case mapping templates meet: its upper case is "SS", its title case "Ss".
constexpr char32_t sharp_s = 0xDF;

// Maps each code point with @p f; a sharp s becomes @p sharp where @p f upper-cases.
template <class F>
std::string map_sharp(std::string_view s, F f, const char* sharp) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        const char32_t cp = utf8::decode(s, i, n);
        if (cp == utf8::invalid) {
            out.push_back(s[i]);
        } else if (cp == sharp_s) {
            // Ask @p f what it does to an 's' (it may keep state): upper-casing gives @p sharp.
            if (f(U's') == U'S') {
                out += sharp;
            } else {
                out += "\xC3\x9F";
            }
        } else {
            utf8::append(out, f(cp));
        }
        i += n;
    }
    return out;
}

} // namespace

std::string upper(std::string_view s) {
    return map_sharp(s, [](char32_t cp) { return utf8::to_upper(cp); }, "SS");
}

std::string lower(std::string_view s) { return utf8::map(s, utf8::to_lower); }
std::string swapcase(std::string_view s) {
    return utf8::map(s, [](char32_t cp) { return utf8::is_upper(cp) ? utf8::to_lower(cp) : utf8::to_upper(cp); });
}

std::string capitalize(std::string_view s) {
    bool first = true;
    return map_sharp(s, [&](char32_t cp) {
        const char32_t out = first ? utf8::to_upper(cp) : utf8::to_lower(cp);
        first = false;
        return out;
    }, "Ss");
}

std::string title(std::string_view s) {
    bool previous_cased = false;
    return map_sharp(s, [&](char32_t cp) {
        const char32_t out = previous_cased ? utf8::to_lower(cp) : utf8::to_upper(cp);
        previous_cased = is_cased(cp);
        return out;
    }, "Ss");
}

std::string replace(std::string_view s, std::string_view old, std::string_view replacement, std::int64_t count) {
    charge_steps(s.size() / 64);
    std::string out;
    if (old.empty()) {
        // Python inserts the replacement before every code point and at the end.
        const auto offsets = utf8::offsets(s);
        const std::size_t slots = offsets.size();
        const std::size_t n = count < 0 ? slots : std::min<std::size_t>(slots, static_cast<std::size_t>(count));
        check_string_size(s.size() + n * replacement.size());
        for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
            if (i < n) out += replacement;
            out.append(s, offsets[i], offsets[i + 1] - offsets[i]);
        }
        if (n == slots) out += replacement;
        return out;
    }
    std::size_t pos = 0;
    std::int64_t done = 0;
    while (count < 0 || done < count) {
        const std::size_t hit = s.find(old, pos);
        if (hit == std::string_view::npos) break;
        check_string_size(out.size() + (hit - pos) + replacement.size());
        out.append(s, pos, hit - pos);
        out += replacement;
        pos = hit + old.size();
        ++done;
    }
    check_string_size(out.size() + s.size() - pos);
    out.append(s, pos, std::string_view::npos);
    return out;
}

std::pair<std::size_t, std::size_t> byte_range(std::string_view s, std::optional<std::int64_t> start,
                                               std::optional<std::int64_t> end) {
    if (!start && !end) return {0, s.size()};
    const auto offsets = utf8::offsets(s);
    const auto n = static_cast<std::int64_t>(offsets.size() - 1);
    auto clamp = [&](std::int64_t i) {
        if (i < 0) i = std::max<std::int64_t>(0, i + n);
        return std::min(i, n);
    };
    const std::int64_t b = start ? clamp(*start) : 0;
    const std::int64_t e = end ? clamp(*end) : n;
    if (e < b) return {offsets[static_cast<std::size_t>(b)], offsets[static_cast<std::size_t>(b)]};
    return {offsets[static_cast<std::size_t>(b)], offsets[static_cast<std::size_t>(e)]};
}

std::int64_t find(std::string_view s, std::string_view sub, std::optional<std::int64_t> start,
                  std::optional<std::int64_t> end, bool reverse) {
    charge_steps(s.size() / 64);
    const auto [b, e] = byte_range(s, start, end);
    if (start && *start > static_cast<std::int64_t>(utf8::length(s))) return -1;
    const std::string_view window = s.substr(b, e - b);
    const std::size_t hit = reverse ? window.rfind(sub) : window.find(sub);
    if (hit == std::string_view::npos) return -1;
    return static_cast<std::int64_t>(utf8::length(s.substr(0, b + hit)));
}

std::int64_t count(std::string_view s, std::string_view sub, std::optional<std::int64_t> start,
                   std::optional<std::int64_t> end) {
    charge_steps(s.size() / 64);
    const auto [b, e] = byte_range(s, start, end);
    const std::string_view window = s.substr(b, e - b);
    if (sub.empty()) return static_cast<std::int64_t>(utf8::length(window)) + 1;
    std::int64_t n = 0;
    for (std::size_t pos = window.find(sub); pos != std::string_view::npos; pos = window.find(sub, pos + sub.size()))
        ++n;
    return n;
}

std::string pad(std::string_view s, std::int64_t width, std::string_view fill, int align) {
    const auto len = static_cast<std::int64_t>(utf8::length(s));
    if (width <= len) return std::string(s);
    const auto total = static_cast<std::size_t>(width - len);
    check_string_size(s.size() + total * fill.size());
    std::size_t left = 0;
    if (align > 0) {
        left = total;
    } else if (align == 0) {
        // CPython: the extra space goes left when both the padding and the width are odd.
        left = total / 2 + (total & static_cast<std::size_t>(width) & 1);
    }
    std::string out;
    for (std::size_t i = 0; i < left; ++i) out += fill;
    out += s;
    for (std::size_t i = left; i < total; ++i) out += fill;
    return out;
}

std::string zfill(std::string_view s, std::int64_t width) {
    const auto len = static_cast<std::int64_t>(utf8::length(s));
    if (width <= len) return std::string(s);
    check_string_size(s.size() + static_cast<std::size_t>(width - len));
    std::string out;
    std::size_t sign = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    out.append(s.substr(0, sign));
    out.append(static_cast<std::size_t>(width - len), '0');
    out.append(s.substr(sign));
    return out;
}

bool is_alnum(std::string_view s) {
    return all_of_text(s, [](char32_t cp) { return utf8::is_alpha(cp) || utf8::is_digit(cp); });
}
bool is_alpha(std::string_view s) { return all_of_text(s, utf8::is_alpha); }
bool is_digit(std::string_view s) { return all_of_text(s, utf8::is_digit); }
bool is_space(std::string_view s) { return all_of_text(s, utf8::is_space); }

bool is_lower(std::string_view s) {
    bool cased = false;
    for (char32_t cp : code_points(s)) {
        if (utf8::is_upper(cp)) return false;
        if (utf8::is_lower(cp)) cased = true;
    }
    return cased;
}

bool is_upper(std::string_view s) {
    bool cased = false;
    for (char32_t cp : code_points(s)) {
        if (utf8::is_lower(cp)) return false;
        if (utf8::is_upper(cp)) cased = true;
    }
    return cased;
}

bool is_title(std::string_view s) {
    bool cased = false;
    bool previous_cased = false;
    for (char32_t cp : code_points(s)) {
        if (utf8::is_upper(cp)) {
            if (previous_cased) return false;
            previous_cased = cased = true;
        } else if (utf8::is_lower(cp)) {
            if (!previous_cased) return false;
            previous_cased = cased = true;
        } else {
            previous_cased = false;
        }
    }
    return cased;
}

} // namespace braid::jinja::pystr
