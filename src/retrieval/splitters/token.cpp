// TokenTextSplitter: LangChain's split_text_on_tokens (windows of chunk_size tokens advancing by
// chunk_size - chunk_overlap), over caller-given encode/decode functions.
#include "braid/error.hpp"
#include "braid/retrieval/text_splitter.hpp"

namespace braid::retrieval {

TokenTextSplitter::TokenTextSplitter(TokenTextSplitterOptions options) : options_(std::move(options)) {
    if (options_.chunk_size == 0)
        throw Error(errc::invalid_argument, "token text splitter: chunk_size must be positive");
    if (options_.chunk_overlap >= options_.chunk_size)
        throw Error(errc::invalid_argument, "token text splitter: chunk_overlap (" + std::to_string(options_.chunk_overlap) +
                                                ") must be smaller than chunk_size (" + std::to_string(options_.chunk_size) + ")");
    if (!options_.encode || !options_.decode)
        throw Error(errc::invalid_argument, "token text splitter: encode and decode functions are required");
}

std::vector<std::string> TokenTextSplitter::split_text(std::string_view text) const {
    const std::vector<std::int32_t> ids = options_.encode(text);
    std::vector<std::string> chunks;
    const std::size_t step = options_.chunk_size - options_.chunk_overlap;
    for (std::size_t start = 0; start < ids.size(); start += step) {
        const std::size_t end = std::min(ids.size(), start + options_.chunk_size);
        chunks.push_back(options_.decode(std::span<const std::int32_t>(ids).subspan(start, end - start)));
        if (end == ids.size())
            break;
    }
    return chunks;
}

Documents TokenTextSplitter::split_documents(const Documents& documents) const {
    Documents chunks;
    for (const Document& document : documents)
        for (std::string& text : split_text(document.page_content))
            chunks.push_back(Document{std::move(text), document.metadata, {}});
    return chunks;
}

} // namespace braid::retrieval
