// PDF loader: poppler-cpp opens the file; each page's text is one document, pulled page by page.
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>
#include <mutex>

#include "braid/retrieval/loaders.hpp"
#include "common.hpp"

namespace braid::retrieval {

namespace {

/// Poppler writes its syntax warnings to stderr by default; a loader reports through exceptions instead.
void quiet_poppler() {
    static std::once_flag once;
    std::call_once(once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

std::string utf8_of(const poppler::ustring& text) {
    const poppler::byte_array bytes = text.to_utf8();
    return std::string(bytes.begin(), bytes.end());
}

/// The page's text as UTF-8. Poppler's text may hold malformed UTF-8 from broken font maps: such bytes are
/// replaced by U+FFFD.
std::string page_text(const poppler::page& page) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    const std::string raw = utf8_of(page.text());
    std::string text;
    text.reserve(raw.size());
    for (std::size_t pos = 0; pos < raw.size();) {
        const std::size_t length = detail::utf8_sequence_length(raw, pos);
        if (length == 0) {
            text += kReplacement;
            ++pos;
        } else {
            text.append(raw, pos, length);
            pos += length;
        }
    }
    return text;
}

Stream<Document> pages_of(std::unique_ptr<poppler::document> document, std::string source) {
    const int total = document->pages();
    for (int index = 0; index < total; ++index) {
        const std::unique_ptr<poppler::page> page(document->create_page(index));
        if (!page)
            throw Error(errc::parse, source + ": page " + std::to_string(index) + " cannot be read");
        std::string text = page_text(*page);
        Value metadata = detail::source_metadata(source);
        metadata["page"] = index;
        metadata["total_pages"] = total;
        Document document = detail::make_document(std::move(text), std::move(metadata));
        co_yield std::move(document);
    }
}

std::unique_ptr<poppler::document> checked(poppler::document* opened, const std::string& source) {
    std::unique_ptr<poppler::document> document(opened);
    if (!document)
        throw Error(errc::parse, source + ": not a readable PDF (poppler could not open it)");
    if (document->is_locked())
        throw Error(errc::unsupported, source + ": the PDF is encrypted with a password");
    return document;
}

} // namespace

Stream<Document> load_pdf_bytes(std::string bytes, std::string source) {
    quiet_poppler();
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
        throw Error(errc::unsupported, source + ": PDF larger than 2 GiB");
    // poppler reads the bytes in place: they live in this coroutine frame until the last page is pulled.
    auto document = checked(poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())), source);
    for (Document& page : pages_of(std::move(document), source))
        co_yield std::move(page);
}

Stream<Document> load_pdf(std::filesystem::path path) {
    quiet_poppler();
    const std::string source = detail::source_of(path);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        (void)read_file_bytes(path); // throws the io error naming the path (missing, a directory, ...)
    auto document = checked(poppler::document::load_from_file(path.string()), source);
    for (Document& page : pages_of(std::move(document), source))
        co_yield std::move(page);
}

} // namespace braid::retrieval
