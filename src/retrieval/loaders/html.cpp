// HTML loader: gumbo parses the page; a walk over the tree collects the visible text with line breaks at
// block elements and white space collapsed, and the <title>.
#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "braid/retrieval/loaders.hpp"
#include "common.hpp"

namespace braid::retrieval {

namespace {

enum class Break { none, line, paragraph };

bool is_skipped(GumboTag tag) {
    return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT || tag == GUMBO_TAG_TEMPLATE ||
           tag == GUMBO_TAG_HEAD;
}

Break break_of(GumboTag tag) {
    switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_TABLE: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HR:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FORM: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_ADDRESS:
        return Break::paragraph;
    case GUMBO_TAG_DIV: case GUMBO_TAG_BR: case GUMBO_TAG_LI: case GUMBO_TAG_TR: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_BODY: case GUMBO_TAG_CENTER: case GUMBO_TAG_OPTION:
        return Break::line;
    default:
        return Break::none;
    }
}

/// Builds the text: words joined by single spaces, breaks emitted lazily (only between visible text).
class TextBuilder {
public:
    void text(std::string_view s, bool preformatted) {
        if (preformatted) {
            if (!s.empty()) {
                flush();
                out_.append(s);
                space_ = false;
            }
            return;
        }
        for (char c : s) {
            if (std::isspace(static_cast<unsigned char>(c))) {
                space_ = true;
                continue;
            }
            flush();
            out_ += c;
        }
    }
    void request(Break b) { pending_ = std::max(pending_, b); }
    std::string take() { return std::move(out_); }

private:
    void flush() {
        if (!out_.empty()) {
            if (pending_ == Break::paragraph)
                out_ += "\n\n";
            else if (pending_ == Break::line)
                out_ += '\n';
            else if (space_)
                out_ += ' ';
        }
        pending_ = Break::none;
        space_ = false;
    }
    std::string out_;
    Break pending_ = Break::none;
    bool space_ = false;
};

void walk(const GumboNode* node, TextBuilder& builder, bool preformatted, int depth) {
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
        builder.text(node->v.text.text, preformatted);
        return;
    }
    if (node->type == GUMBO_NODE_WHITESPACE) {
        builder.text(node->v.text.text, preformatted);
        return;
    }
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT)
        return;
    const GumboVector* children = node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children : &node->v.element.children;
    Break b = Break::none;
    if (node->type == GUMBO_NODE_ELEMENT) {
        const GumboTag tag = node->v.element.tag;
        if (is_skipped(tag))
            return;
        b = break_of(tag);
        if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_TEXTAREA)
            preformatted = true;
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH)
            builder.text(" ", false);
    }
    if (depth > 2000) // gumbo nests unclosed elements; deeper than this is not a page anyone reads
        return;
    builder.request(b);
    for (unsigned i = 0; i < children->length; ++i)
        walk(static_cast<const GumboNode*>(children->data[i]), builder, preformatted, depth + 1);
    builder.request(b);
}

const GumboNode* find_title(const GumboNode* node, int depth) {
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT)
        return nullptr;
    if (node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == GUMBO_TAG_TITLE)
        return node;
    if (node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == GUMBO_TAG_SVG)
        return nullptr;
    if (depth > 2000)
        return nullptr;
    const GumboVector* children = node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children : &node->v.element.children;
    for (unsigned i = 0; i < children->length; ++i)
        if (const GumboNode* found = find_title(static_cast<const GumboNode*>(children->data[i]), depth + 1))
            return found;
    return nullptr;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// @p bytes as UTF-8: as they are when valid; converted from Latin-1 when the page declares an ISO-8859-1 or
/// windows-1252 charset; otherwise a parse error with the offset.
std::string html_utf8(std::string bytes, const std::string& source) {
    const std::size_t bom = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    if (!detail::first_invalid_utf8(std::string_view(bytes).substr(bom)))
        return bom ? bytes.substr(bom) : std::move(bytes);
    const std::string head = lower(std::string_view(bytes).substr(0, 4096));
    const std::size_t charset = head.find("charset=");
    if (charset != std::string::npos) {
        std::string_view name = std::string_view(head).substr(charset + 8);
        if (!name.empty() && (name.front() == '"' || name.front() == '\''))
            name.remove_prefix(1);
        if (name.starts_with("iso-8859-1") || name.starts_with("latin1") || name.starts_with("windows-1252")) {
            std::string out;
            out.reserve(bytes.size() + bytes.size() / 8);
            for (unsigned char c : bytes) {
                if (c < 0x80) {
                    out += static_cast<char>(c);
                } else {
                    out += static_cast<char>(0xC0 | (c >> 6));
                    out += static_cast<char>(0x80 | (c & 0x3F));
                }
            }
            return out;
        }
    }
    return detail::checked_utf8(std::move(bytes), source); // throws with the offset
}

} // namespace

Stream<Document> load_html_string(std::string html, std::string source) {
    const std::string text = html_utf8(std::move(html), source);
    const std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> output(
        gumbo_parse_with_options(&kGumboDefaultOptions, text.data(), text.size()),
        [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
    if (!output)
        throw Error(errc::parse, source + ": gumbo could not parse the page");
    Document document = detail::make_document({}, detail::source_metadata(source));
    if (const GumboNode* title = find_title(output->document, 0)) {
        TextBuilder builder;
        for (unsigned i = 0; i < title->v.element.children.length; ++i) {
            const auto* child = static_cast<const GumboNode*>(title->v.element.children.data[i]);
            if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE)
                builder.text(child->v.text.text, false);
        }
        document.metadata["title"] = builder.take();
    }
    TextBuilder builder;
    walk(output->document, builder, false, 0);
    document.page_content = builder.take();
    co_yield std::move(document);
}

Stream<Document> load_html(std::filesystem::path path) {
    std::string bytes = read_file_bytes(path);
    for (Document& document : load_html_string(std::move(bytes), detail::source_of(path)))
        co_yield std::move(document);
}

} // namespace braid::retrieval
