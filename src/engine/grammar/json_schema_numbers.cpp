// The GBNF rule builder, and integer ranges as exact digit grammars.
#include <algorithm>
#include <cctype>

#include "braid/error.hpp"
#include "json_schema_detail.hpp"

namespace braid::engine::detail {

// ---- GbnfBuilder ----

std::string GbnfBuilder::reserve(std::string_view hint) {
    std::string base;
    for (char c : hint) {
        if (std::isalnum(static_cast<unsigned char>(c))) base.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        else if (!base.empty() && base.back() != '-') base.push_back('-');
        if (base.size() >= 40) break;
    }
    while (!base.empty() && base.back() == '-') base.pop_back();
    if (base.empty()) base = "r";
    std::string name = base;
    for (int i = 1; rules_.count(name) != 0; ++i) name = base + "-" + std::to_string(i);
    rules_[name];
    return name;
}

void GbnfBuilder::define(const std::string& name, std::string body) {
    if (rules_.count(name) == 0 || rules_[name].empty()) order_.push_back(name);
    size_ += name.size() + body.size() + 6;
    by_body_.emplace(body, name);
    rules_[name] = std::move(body);
}

std::string GbnfBuilder::rule(std::string_view hint, std::string body) {
    if (auto it = by_body_.find(body); it != by_body_.end()) return it->second;
    std::string name = reserve(hint);
    define(name, std::move(body));
    return name;
}

std::string GbnfBuilder::text(const std::string& root) const {
    std::string out;
    auto emit = [&](const std::string& name) {
        auto it = rules_.find(name);
        if (it == rules_.end() || it->second.empty()) return;
        out += name + " ::= " + it->second + "\n";
    };
    emit(root);
    for (const auto& name : order_)
        if (name != root) emit(name);
    return out;
}

std::string json_char_rule_body() {
    // Raw characters, short escapes, \u escapes of non-surrogates, and surrogate pairs (one character).
    return "[^\"\\\\\\x00-\\x1F] | \"\\\\\" [\"\\\\/bfnrt] | \"\\\\u\" ([0-9a-cA-CeEfF] [0-9a-fA-F]{3} | [dD] [0-7] "
           "[0-9a-fA-F]{2}) | \"\\\\u\" [dD] [89abAB] [0-9a-fA-F]{2} \"\\\\u\" [dD] [c-fC-F] [0-9a-fA-F]{2}";
}

// ---- integer ranges ----

namespace {

std::string digits_any(std::size_t n) {
    if (n == 0) return "";
    if (n == 1) return "[0-9]";
    return "[0-9]{" + std::to_string(n) + "}";
}

std::string digit_class(char lo, char hi) {
    if (lo == hi) return std::string("\"") + lo + "\"";
    return std::string("[") + lo + "-" + hi + "]";
}

bool all_of_char(std::string_view s, char c) {
    return std::all_of(s.begin(), s.end(), [c](char x) { return x == c; });
}

// Alternatives for the digit strings in [a, b], a and b of the same length, a <= b.
void same_length(std::string_view a, std::string_view b, const std::string& prefix, std::vector<std::string>& out) {
    auto join = [](const std::string& x, const std::string& y) {
        if (x.empty()) return y;
        if (y.empty()) return x;
        return x + " " + y;
    };
    if (a.empty()) {
        out.push_back(prefix.empty() ? "\"\"" : prefix);
        return;
    }
    if (a[0] == b[0]) {
        same_length(a.substr(1), b.substr(1), join(prefix, digit_class(a[0], a[0])), out);
        return;
    }
    const std::size_t rest = a.size() - 1;
    const bool a_zero = all_of_char(a.substr(1), '0');
    const bool b_nine = all_of_char(b.substr(1), '9');
    char mid_lo = static_cast<char>(a[0] + 1), mid_hi = static_cast<char>(b[0] - 1);
    if (a_zero) mid_lo = a[0];
    else same_length(a.substr(1), std::string(rest, '9'), join(prefix, digit_class(a[0], a[0])), out);
    if (b_nine) mid_hi = b[0];
    if (mid_lo <= mid_hi) out.push_back(join(join(prefix, digit_class(mid_lo, mid_hi)), digits_any(rest)));
    if (!b_nine) same_length(std::string(rest, '0'), b.substr(1), join(prefix, digit_class(b[0], b[0])), out);
}

} // namespace

std::string natural_range_expr(std::uint64_t lo, std::optional<std::uint64_t> hi) {
    std::vector<std::string> alts;
    const std::string los = std::to_string(lo);
    if (hi) {
        if (*hi < lo) return {};
        const std::string his = std::to_string(*hi);
        for (std::size_t len = los.size(); len <= his.size(); ++len) {
            std::string a = len == los.size() ? los : "1" + std::string(len - 1, '0');
            std::string b = len == his.size() ? his : std::string(len, '9');
            same_length(a, b, "", alts);
        }
    } else {
        same_length(los, std::string(los.size(), '9'), "", alts);
        alts.push_back("[1-9] [0-9]{" + std::to_string(los.size()) + ",}");
    }
    std::string out;
    for (std::size_t i = 0; i < alts.size(); ++i) out += (i ? " | " : "") + alts[i];
    return alts.size() > 1 ? "(" + out + ")" : out;
}

std::string integer_range_expr(std::optional<std::int64_t> lo, std::optional<std::int64_t> hi) {
    if (lo && hi && *lo > *hi) return {};
    std::vector<std::string> alts;
    auto magnitude = [](std::int64_t v) { return static_cast<std::uint64_t>(-(v + 1)) + 1; };
    if (!lo || *lo < 0) { // negatives
        std::uint64_t mlo = (!hi || *hi >= 0) ? 1 : magnitude(*hi);
        std::optional<std::uint64_t> mhi;
        if (lo) mhi = magnitude(*lo);
        std::string e = natural_range_expr(mlo, mhi);
        if (!e.empty()) alts.push_back("\"-\" " + e);
    }
    if (!hi || *hi >= 0) {
        std::uint64_t nlo = lo && *lo > 0 ? static_cast<std::uint64_t>(*lo) : 0;
        std::optional<std::uint64_t> nhi;
        if (hi) nhi = static_cast<std::uint64_t>(*hi);
        std::string e = natural_range_expr(nlo, nhi);
        if (!e.empty()) alts.push_back(e);
    }
    if (alts.empty()) return {};
    if (alts.size() == 1) return alts[0];
    return "(" + alts[0] + " | " + alts[1] + ")";
}

} // namespace braid::engine::detail
