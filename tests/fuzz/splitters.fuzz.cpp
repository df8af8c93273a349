// libFuzzer target: the recursive character splitter and the CSV / JSON Lines loaders on fuzzed text (and
// the HTML and Markdown loaders with the Markdown header splitter).
// Checks, beyond "no crash, no hang": every chunk is non-empty, cut on code-point boundaries of valid input,
// at most chunk_size code points (the separators end with ""), and found at its start_index when the
// separator is kept; the loaders
// either yield documents or throw braid::Error, nothing else.
#include <braid/error.hpp>
#include <braid/retrieval/loaders.hpp>
#include <braid/retrieval/markdown_header_splitter.hpp>
#include <braid/retrieval/text_splitter.hpp>

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
        if (n == 0 || i + n > s.size())
            return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        // Overlongs and surrogates (E0 80-9F, ED A0-BF, F0 80-8F, F4 90-BF).
        const auto d = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
        if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F) || (c == 0xF0 && d < 0x90) || (c == 0xF4 && d > 0x8F))
            return false;
        i += n;
    }
    return true;
}

void check(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "splitters fuzz: %s\n", what);
        std::abort();
    }
}

void split(std::string_view text, std::uint8_t a, std::uint8_t b) {
    using namespace braid::retrieval;
    const std::size_t size = 1 + a % 40;
    const std::size_t overlap = b % (size + 1);
    const auto keep = static_cast<KeepSeparator>(b % 3);
    const RecursiveCharacterTextSplitter splitter(
        {.chunk_size = size, .chunk_overlap = overlap, .keep_separator = keep, .add_start_index = true});
    const bool valid = valid_utf8(text);
    const Documents docs = splitter.create_documents({std::string(text)});
    for (const Document& doc : docs) {
        check(!doc.page_content.empty(), "empty chunk");
        check(code_point_length(doc.page_content) <= size, "chunk longer than chunk_size");
        if (valid)
            check(valid_utf8(doc.page_content), "chunk cuts a UTF-8 sequence");
        // With the separator dropped, pieces around an empty one are joined by a single separator (LangChain
        // drops empty pieces), so such a chunk need not occur in the text: start_index is then -1, as in
        // LangChain. Kept separators leave every chunk a substring.
        if (keep != KeepSeparator::none)
            check(doc.metadata["start_index"].get<long long>() >= 0, "chunk not found in the text");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3)
        return 0;
    const std::uint8_t mode = data[0], a = data[1], b = data[2];
    const std::string text(reinterpret_cast<const char*>(data + 3), size - 3);
    try {
        switch (mode % 5) {
        case 0:
            split(text, a, b);
            break;
        case 1: {
            braid::retrieval::CsvLoaderOptions options;
            options.delimiter = (a & 1) ? ';' : ',';
            options.has_header = (a & 2) != 0;
            for (auto& doc : braid::retrieval::load_csv_string(text, "fuzz.csv", options))
                check(doc.metadata.contains("row"), "CSV row without metadata.row");
            break;
        }
        case 3: // HTML: visible text is valid UTF-8 whatever the page
            for (auto& doc : braid::retrieval::load_html_string(text, "fuzz.html"))
                check(valid_utf8(doc.page_content), "HTML text is not UTF-8");
            break;
        case 4: { // Markdown: front matter, then header sections
            const braid::retrieval::MarkdownHeaderTextSplitter splitter({.return_each_line = (a & 1) != 0, .strip_headers = (a & 2) != 0});
            for (auto& doc : braid::retrieval::load_markdown_string(text, "fuzz.md"))
                (void)splitter.split_documents({doc});
            break;
        }
        default: {
            braid::retrieval::JsonLoaderOptions options;
            if (a & 1)
                options.content_pointer = "/text";
            for (auto& doc : braid::retrieval::load_json_lines_string(text, "fuzz.jsonl", options))
                check(doc.metadata.contains("line"), "JSON Lines document without metadata.line");
            break;
        }
        }
    } catch (const braid::Error&) {
        // A clear error is the expected answer to malformed input.
    }
    return 0;
}
