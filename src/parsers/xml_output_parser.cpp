#include <braid/parsers/xml_output_parser.hpp>

#include <braid/error.hpp>

#include "parsers/describe.hpp"

namespace braid {

using parsers_detail::is_space;
using parsers_detail::line_column;
using parsers_detail::trim;

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Decodes the five predefined entities and character references; anything else stays as written.
void append_decoded(std::string& out, std::string_view raw) {
    std::size_t i = 0;
    while (i < raw.size()) {
        const std::size_t amp = raw.find('&', i);
        out.append(raw.substr(i, amp == std::string_view::npos ? raw.size() - i : amp - i));
        if (amp == std::string_view::npos) return;
        i = amp;
        const std::size_t semi = raw.find(';', amp);
        const std::string_view name =
            semi == std::string_view::npos || semi - amp > 12 ? std::string_view() : raw.substr(amp + 1, semi - amp - 1);
        std::string decoded;
        if (name == "lt") decoded = "<";
        else if (name == "gt") decoded = ">";
        else if (name == "amp") decoded = "&";
        else if (name == "quot") decoded = "\"";
        else if (name == "apos") decoded = "'";
        else if (name.size() >= 2 && name[0] == '#') {
            const bool hex = name[1] == 'x' || name[1] == 'X';
            std::uint32_t cp = 0;
            bool ok = name.size() > (hex ? 2u : 1u);
            for (std::size_t k = hex ? 2 : 1; ok && k < name.size(); ++k) {
                const char c = name[k];
                int digit = -1;
                if (c >= '0' && c <= '9') digit = c - '0';
                else if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
                else if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
                ok = digit >= 0 && cp <= 0x10FFFF;
                cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit < 0 ? 0 : digit);
            }
            if (ok && cp > 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) append_utf8(decoded, cp);
        }
        if (decoded.empty()) { // not an entity: keep the '&' as written
            out += '&';
            i = amp + 1;
        } else {
            out += decoded;
            i = semi + 1;
        }
    }
}

struct Element {
    std::string tag;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::vector<std::string> texts; // trimmed non-blank pieces between children
    std::string pending;            // text since the last child or markup boundary
    std::vector<Element> children;
    bool closed = false;
    std::size_t opened_at = 0;

    void flush_text() {
        const std::string_view piece = trim(pending);
        if (!piece.empty()) texts.emplace_back(piece);
        pending.clear();
    }
};

std::string joined_text(const Element& element) {
    std::string out;
    for (const auto& piece : element.texts) out += (out.empty() ? "" : " ") + piece;
    return out;
}

// The JSON of an element; an open element shows only what is closed inside it (nullopt if nothing).
std::optional<Value> to_value(const Element& element) {
    if (element.closed && element.children.empty() && element.attributes.empty()) {
        return Value(joined_text(element));
    }
    Value out = Value::object();
    for (const auto& [name, value] : element.attributes) out["@" + name] = value;
    for (const auto& child : element.children) {
        std::optional<Value> value = to_value(child);
        if (!value) continue;
        auto found = out.find(child.tag);
        if (found == out.end()) {
            out[child.tag] = std::move(*value);
        } else if (found->is_array()) {
            found->push_back(std::move(*value));
        } else {
            Value both = Value::array();
            both.push_back(std::move(*found));
            both.push_back(std::move(*value));
            *found = std::move(both);
        }
    }
    if (element.closed && !element.texts.empty()) out["#text"] = joined_text(element);
    if (!element.closed && out.empty()) return std::nullopt;
    return out;
}

} // namespace

struct detail::XmlState {
    std::string text;
    std::size_t pos = 0;
    std::size_t scan = 0;        // where the search for the current terminator goes on
    char quote = 0;              // quote open while scanning a start tag
    bool in_root = false;
    bool done = false;
    bool changed = false;
    bool finished = false;
    Element root;
    std::vector<Element*> open;
    bool emitted = false;
    Value last;
    Value result;

    [[noreturn]] void fail(std::size_t at, const std::string& what) {
        finished = true;
        throw Error(errc::parse, "invalid XML at " + line_column(text, at) + ": " + what);
    }

    // Position of `needle` at or after `from`, remembering how far the text was searched.
    std::size_t find(std::string_view needle, std::size_t from) {
        const std::size_t start = std::max(from, scan);
        const std::size_t found = text.find(needle, start);
        if (found == std::string::npos) {
            scan = text.size() >= needle.size() ? std::max(start, text.size() - needle.size() + 1) : start;
        }
        return found;
    }

    // End ('>') of the start tag at pos, outside quoted attribute values; npos while incomplete.
    std::size_t start_tag_end() {
        std::size_t i = std::max(pos + 1, scan);
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i;
            } else if (c == '<') {
                return i; // a '<' cannot be inside a tag: reported by parse_start_tag
            }
        }
        scan = i;
        return std::string::npos;
    }

    void consumed(std::size_t next) {
        pos = next;
        scan = 0;
        quote = 0;
    }

    // Parses "<name a='v' ...>" in text[pos, end]; false if it is not a well-formed start tag.
    bool parse_start_tag(std::size_t end, Element& element, bool& self_closing) {
        if (text[end] != '>') return false;
        std::size_t i = pos + 1;
        while (i < end && is_name_char(text[i])) ++i;
        element.tag = text.substr(pos + 1, i - pos - 1);
        self_closing = false;
        for (;;) {
            while (i < end && is_space(text[i])) ++i;
            if (i == end) return true;
            if (text[i] == '/' && i + 1 == end) {
                self_closing = true;
                return true;
            }
            if (!is_name_start(text[i])) return false;
            const std::size_t name_start = i;
            while (i < end && is_name_char(text[i])) ++i;
            std::string name = text.substr(name_start, i - name_start);
            while (i < end && is_space(text[i])) ++i;
            std::string value;
            if (i == end || text[i] != '=') return false; // XML attributes always have a value
            {
                ++i;
                while (i < end && is_space(text[i])) ++i;
                if (i == end || (text[i] != '"' && text[i] != '\'')) return false;
                const char q = text[i];
                const std::size_t close = text.find(q, i + 1);
                if (close == std::string::npos || close >= end) return false;
                append_decoded(value, std::string_view(text).substr(i + 1, close - i - 1));
                i = close + 1;
            }
            element.attributes.emplace_back(std::move(name), std::move(value));
        }
    }

    void close_top() {
        Element* top = open.back();
        top->flush_text();
        top->closed = true;
        open.pop_back();
        changed = true;
        if (open.empty()) done = true;
    }

    // Handles the markup at pos ('<' seen). Returns false to wait for more text.
    bool markup() {
        if (pos + 1 >= text.size()) return false;
        const char next = text[pos + 1];
        Element* top = open.back();
        if (next == '/') {
            const std::size_t end = find(">", pos + 2);
            if (end == std::string::npos) return false;
            const std::string_view name = trim(std::string_view(text).substr(pos + 2, end - pos - 2));
            if (name != top->tag) {
                fail(pos, "closing tag </" + std::string(name.substr(0, 80)) + "> does not match the open <" +
                              top->tag + "> (opened at " + line_column(text, top->opened_at) + ")");
            }
            consumed(end + 1);
            close_top();
            return true;
        }
        if (next == '!' || next == '?') {
            const std::string_view rest = std::string_view(text).substr(pos);
            std::string_view terminator = ">";
            if (next == '?') {
                terminator = "?>";
            } else if (rest.size() < 4 && std::string_view("<!--").substr(0, rest.size()) == rest) {
                return false;
            } else if (rest.substr(0, 4) == "<!--") {
                terminator = "-->";
            } else if (rest.size() < 9 && std::string_view("<![CDATA[").substr(0, rest.size()) == rest) {
                return false;
            } else if (rest.substr(0, 9) == "<![CDATA[") {
                const std::size_t end = find("]]>", pos + 9);
                if (end == std::string::npos) return false;
                top->pending.append(text, pos + 9, end - pos - 9);
                consumed(end + 3);
                return true;
            }
            const std::size_t end = find(terminator, pos + 2);
            if (end == std::string::npos) return false;
            consumed(end + terminator.size());
            return true;
        }
        if (!is_name_start(next)) { // "1 < 2": a '<' that starts no tag is text
            top->pending += '<';
            consumed(pos + 1);
            return true;
        }
        const std::size_t end = start_tag_end();
        if (end == std::string::npos) return false;
        Element child;
        bool self_closing = false;
        if (!parse_start_tag(end, child, self_closing)) {
            fail(pos, "malformed tag <" + std::string(std::string_view(text).substr(pos + 1, std::min<std::size_t>(end - pos - 1, 40))) +
                          (text[end] == '<' ? " (a '<' inside a tag)" : ""));
        }
        if (open.size() >= XmlOutputParser::max_depth) {
            fail(pos, "elements nested deeper than " + std::to_string(XmlOutputParser::max_depth) + " levels");
        }
        child.opened_at = pos;
        top->flush_text();
        top->children.push_back(std::move(child));
        open.push_back(&top->children.back());
        consumed(end + 1);
        if (self_closing) close_top();
        return true;
    }

    void advance() {
        while (pos < text.size() && !done) {
            if (!in_root) {
                const std::size_t lt = text.find('<', pos);
                if (lt == std::string::npos) {
                    consumed(text.size());
                    return;
                }
                if (lt != pos) consumed(lt); // (keeps the scan state of a start tag still arriving)
                if (pos + 1 >= text.size()) return;
                if (!is_name_start(text[pos + 1])) {
                    consumed(pos + 1);
                    continue;
                }
                const std::size_t end = start_tag_end();
                if (end == std::string::npos) return;
                bool self_closing = false;
                Element candidate;
                candidate.opened_at = pos;
                if (!parse_start_tag(end, candidate, self_closing)) { // prose such as "a <b then"
                    consumed(pos + 1);
                    continue;
                }
                root = std::move(candidate);
                in_root = true;
                open.push_back(&root);
                consumed(end + 1);
                if (self_closing) close_top();
                continue;
            }
            if (text[pos] != '<') {
                std::size_t lt = find("<", pos);
                if (lt == std::string::npos) return; // the text run may go on
                append_decoded(open.back()->pending, std::string_view(text).substr(pos, lt - pos));
                consumed(lt);
                continue;
            }
            if (!markup()) return;
        }
    }

    Value snapshot() const {
        Value out = Value::object();
        out[root.tag] = to_value(root).value_or(Value::object());
        return out;
    }
};

XmlOutputParser::Stream::Stream() : state_(std::make_unique<detail::XmlState>()) {}
XmlOutputParser::Stream::~Stream() = default;
XmlOutputParser::Stream::Stream(Stream&&) noexcept = default;
XmlOutputParser::Stream& XmlOutputParser::Stream::operator=(Stream&&) noexcept = default;

std::optional<Value> XmlOutputParser::Stream::feed(std::string_view chunk) {
    auto& s = *state_;
    if (s.finished) throw Error(errc::invalid_argument, "XmlOutputParser::Stream::feed called after finish() or an error");
    if (s.done) return std::nullopt; // text after the root element is ignored
    s.text.append(chunk);
    s.advance();
    if (!s.changed) return std::nullopt;
    s.changed = false;
    Value value = s.snapshot();
    if (s.emitted && value == s.last) return std::nullopt;
    s.emitted = true;
    s.last = value;
    return value;
}

std::optional<Value> XmlOutputParser::Stream::finish() {
    auto& s = *state_;
    if (s.finished) throw Error(errc::invalid_argument, "XmlOutputParser::Stream::finish called twice or after an error");
    s.finished = true;
    if (!s.in_root) throw Error(errc::parse, "no XML element found in the model output");
    if (!s.done) {
        const Element* top = s.open.back();
        throw Error(errc::parse, "incomplete XML at " + line_column(s.text, s.text.size()) + ": the output ended inside <" +
                                     top->tag + "> (opened at " + line_column(s.text, top->opened_at) + ")");
    }
    s.result = s.snapshot();
    if (s.emitted && s.result == s.last) return std::nullopt;
    s.emitted = true;
    s.last = s.result;
    return s.result;
}

const Value& XmlOutputParser::Stream::result() const {
    if (!state_->finished || !state_->done) {
        throw Error(errc::invalid_argument, "XmlOutputParser::Stream::result called before a successful finish()");
    }
    return state_->result;
}

Value XmlOutputParser::parse(std::string_view text) const {
    Stream stream;
    stream.feed(text);
    stream.finish();
    return stream.result();
}

std::string XmlOutputParser::format_instructions() const {
    std::string text = "Answer with one well-formed XML element that contains the whole answer, and nothing "
                       "outside it. Escape '<' and '&' in text as &lt; and &amp;.";
    if (!tags_.empty()) {
        text += " Use these tags:";
        for (const auto& tag : tags_) text += " <" + tag + ">";
        text += ".";
    }
    text += "\nFor example:\n<answer>\n  <item>first</item>\n  <item>second</item>\n</answer>";
    return text;
}

} // namespace braid
