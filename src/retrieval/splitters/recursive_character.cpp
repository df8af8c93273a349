// RecursiveCharacterTextSplitter: LangChain's algorithm (separator choice, split keeping the separator,
// _merge_splits with overlap, recursion into long pieces), measured in code points by default.
#include <algorithm>
#include <regex>

#include "braid/error.hpp"
#include "braid/retrieval/text_splitter.hpp"
#include "utf8.hpp"

namespace braid::retrieval {

std::size_t code_point_length(std::string_view text) noexcept {
    std::size_t count = 0;
    for (std::size_t pos = 0; pos < text.size(); pos += detail::code_point_bytes(text, pos))
        ++count;
    return count;
}

namespace {

/// One separator, literal or compiled.
struct Separator {
    std::string text;
    std::optional<std::regex> pattern; // set when the separators are regular expressions

    /// [begin, end) byte ranges of the non-overlapping, non-empty matches in @p text.
    std::vector<std::pair<std::size_t, std::size_t>> matches(std::string_view text) const {
        std::vector<std::pair<std::size_t, std::size_t>> found;
        if (pattern) {
            using It = std::regex_iterator<std::string_view::const_iterator>;
            for (It it(text.begin(), text.end(), *pattern), end; it != end; ++it) {
                if (it->length(0) == 0)
                    continue;
                const auto begin = static_cast<std::size_t>(it->position(0));
                found.emplace_back(begin, begin + static_cast<std::size_t>(it->length(0)));
            }
            return found;
        }
        for (std::size_t pos = text.find(this->text); pos != std::string_view::npos;
             pos = text.find(this->text, pos + this->text.size()))
            found.emplace_back(pos, pos + this->text.size());
        return found;
    }

    bool found_in(std::string_view text) const {
        if (pattern) {
            std::match_results<std::string_view::const_iterator> match;
            return std::regex_search(text.begin(), text.end(), match, *pattern);
        }
        return text.find(this->text) != std::string_view::npos;
    }
};

/// LangChain's _split_text_with_regex: the pieces of @p text around @p separator, the separator kept as
/// asked, empty pieces dropped. "" splits between code points.
std::vector<std::string_view> split_on(std::string_view text, const Separator& separator, KeepSeparator keep) {
    std::vector<std::string_view> pieces;
    if (separator.text.empty()) {
        for (std::size_t pos = 0; pos < text.size();) {
            const std::size_t length = detail::code_point_bytes(text, pos);
            pieces.push_back(text.substr(pos, length));
            pos += length;
        }
        return pieces;
    }
    std::size_t start = 0;
    for (const auto& [begin, end] : separator.matches(text)) {
        std::size_t cut_end = begin, next_start = end;
        if (keep == KeepSeparator::start)
            next_start = begin;
        else if (keep == KeepSeparator::end)
            cut_end = next_start = end;
        if (cut_end > start)
            pieces.push_back(text.substr(start, cut_end - start));
        start = next_start;
    }
    if (start < text.size())
        pieces.push_back(text.substr(start));
    return pieces;
}

} // namespace

struct RecursiveCharacterTextSplitter::Separators {
    std::vector<Separator> list;
};

RecursiveCharacterTextSplitter::RecursiveCharacterTextSplitter(TextSplitterOptions options) : options_(std::move(options)) {
    if (options_.chunk_size == 0)
        throw Error(errc::invalid_argument, "text splitter: chunk_size must be positive");
    if (options_.chunk_overlap > options_.chunk_size)
        throw Error(errc::invalid_argument, "text splitter: chunk_overlap (" + std::to_string(options_.chunk_overlap) +
                                                ") is larger than chunk_size (" + std::to_string(options_.chunk_size) + ")");
    if (options_.separators.empty())
        throw Error(errc::invalid_argument, "text splitter: the separator list is empty");
    if (!options_.length_function)
        options_.length_function = [](std::string_view text) { return code_point_length(text); };
    auto compiled = std::make_shared<Separators>();
    for (const std::string& text : options_.separators) {
        Separator separator{text, std::nullopt};
        if (options_.is_separator_regex && !text.empty()) {
            try {
                separator.pattern.emplace(text, std::regex::ECMAScript);
            } catch (const std::regex_error& e) {
                throw Error(errc::invalid_argument, "text splitter: separator '" + text + "' is not a valid regular expression: " + e.what());
            }
        }
        compiled->list.push_back(std::move(separator));
    }
    compiled_ = std::move(compiled);
}

RecursiveCharacterTextSplitter RecursiveCharacterTextSplitter::from_language(Language language, TextSplitterOptions options) {
    options.separators = separators_for_language(language);
    options.is_separator_regex = language == Language::markdown;
    return RecursiveCharacterTextSplitter(std::move(options));
}

// LangChain's _merge_splits: pieces are appended to the current chunk while it stays within chunk_size;
// when the next one does not fit, the chunk is emitted and pieces are dropped from its front until what
// remains is at most chunk_overlap and leaves room for the next piece.
std::vector<std::string> RecursiveCharacterTextSplitter::merge(const std::vector<std::string_view>& splits,
                                                               std::string_view separator) const {
    const std::size_t separator_length = options_.length_function(separator);
    std::vector<std::string> chunks;
    std::vector<std::string_view> current;
    std::vector<std::size_t> lengths; // of the pieces in current
    std::size_t first = 0;            // current[first..] is the chunk being built
    std::size_t total = 0;
    const auto join = [&] {
        std::string text;
        for (std::size_t i = first; i < current.size(); ++i) {
            if (i > first)
                text += separator;
            text += current[i];
        }
        std::string_view kept = text;
        if (options_.strip_whitespace)
            kept = detail::strip_unicode_space(kept);
        if (!kept.empty())
            chunks.emplace_back(kept);
    };
    for (std::string_view piece : splits) {
        const std::size_t length = options_.length_function(piece);
        const auto count = [&] { return current.size() - first; };
        if (total + length + (count() > 0 ? separator_length : 0) > options_.chunk_size) {
            if (count() > 0) {
                join();
                while (total > options_.chunk_overlap ||
                       (total + length + (count() > 0 ? separator_length : 0) > options_.chunk_size && total > 0)) {
                    total -= lengths[first] + (count() > 1 ? separator_length : 0);
                    ++first;
                }
            }
        }
        current.push_back(piece);
        lengths.push_back(length);
        total += length + (count() > 1 ? separator_length : 0);
    }
    join();
    return chunks;
}

// LangChain's _split_text: the first separator present in the text (or the last one), the pieces it gives,
// runs of short pieces merged, long pieces split again with the separators after it.
std::vector<std::string> RecursiveCharacterTextSplitter::split(std::string_view text, std::size_t first_separator) const {
    const auto& separators = compiled_->list;
    std::size_t chosen = separators.size() - 1;
    std::size_t next = separators.size(); // no separators left to recurse with
    for (std::size_t i = first_separator; i < separators.size(); ++i) {
        if (separators[i].text.empty()) {
            chosen = i;
            break;
        }
        if (separators[i].found_in(text)) {
            chosen = i;
            next = i + 1;
            break;
        }
    }
    const Separator& separator = separators[chosen];
    const std::vector<std::string_view> pieces = split_on(text, separator, options_.keep_separator);
    // Joined back with the separator only when it was dropped (a regular expression is joined with nothing).
    const std::string_view joiner =
        options_.keep_separator != KeepSeparator::none || separator.pattern ? std::string_view{} : std::string_view{separator.text};
    std::vector<std::string> chunks;
    std::vector<std::string_view> good;
    const auto flush = [&] {
        if (good.empty())
            return;
        for (std::string& chunk : merge(good, joiner))
            chunks.push_back(std::move(chunk));
        good.clear();
    };
    for (std::string_view piece : pieces) {
        if (options_.length_function(piece) < options_.chunk_size) {
            good.push_back(piece);
            continue;
        }
        flush();
        if (next >= separators.size()) {
            chunks.emplace_back(piece);
        } else {
            for (std::string& chunk : split(piece, next))
                chunks.push_back(std::move(chunk));
        }
    }
    flush();
    return chunks;
}

std::vector<std::string> RecursiveCharacterTextSplitter::split_text(std::string_view text) const { return split(text, 0); }

namespace {

/// Converts between code-point and byte offsets of one text, with a checkpoint every kStride code points.
class CodePointIndex {
public:
    explicit CodePointIndex(std::string_view text) : text_(text) {
        std::size_t count = 0;
        for (std::size_t pos = 0; pos < text.size(); pos += detail::code_point_bytes(text, pos), ++count)
            if (count % kStride == 0)
                checkpoints_.push_back(pos);
        length_ = count;
    }
    std::size_t length() const noexcept { return length_; }
    std::size_t byte_of(std::size_t code_point) const noexcept {
        if (code_point >= length_)
            return text_.size();
        std::size_t pos = checkpoints_[code_point / kStride];
        for (std::size_t i = code_point % kStride; i > 0; --i)
            pos += detail::code_point_bytes(text_, pos);
        return pos;
    }
    std::size_t code_point_of(std::size_t byte) const noexcept {
        const auto after = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), byte);
        const auto block = static_cast<std::size_t>(after - checkpoints_.begin()) - 1;
        std::size_t pos = checkpoints_[block], count = block * kStride;
        while (pos < byte) {
            pos += detail::code_point_bytes(text_, pos);
            ++count;
        }
        return count;
    }

private:
    static constexpr std::size_t kStride = 64; // a lookup walks at most 63 code points
    std::string_view text_;
    std::vector<std::size_t> checkpoints_;
    std::size_t length_ = 0;
};

} // namespace

Documents RecursiveCharacterTextSplitter::create_documents(const std::vector<std::string>& texts,
                                                           const std::vector<Value>& metadatas) const {
    if (!metadatas.empty() && metadatas.size() != texts.size())
        throw Error(errc::invalid_argument, "text splitter: " + std::to_string(texts.size()) + " texts but " +
                                                std::to_string(metadatas.size()) + " metadatas");
    Documents documents;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const std::string& text = texts[i];
        std::optional<CodePointIndex> index;
        if (options_.add_start_index && !text.empty())
            index.emplace(text);
        // LangChain: search each chunk from (previous start + previous length - overlap), in code points.
        long long start = 0;
        std::size_t previous_length = 0;
        for (std::string& chunk : split_text(text)) {
            Document document{std::move(chunk), metadatas.empty() ? Value::object() : metadatas[i], {}};
            if (!document.metadata.is_object())
                throw Error(errc::invalid_argument, "text splitter: metadata " + std::to_string(i) + " is not an object");
            if (index) {
                const long long from = std::max(0LL, start + static_cast<long long>(previous_length) -
                                                         static_cast<long long>(options_.chunk_overlap));
                const std::size_t found = text.find(document.page_content, index->byte_of(static_cast<std::size_t>(from)));
                start = found == std::string::npos ? -1 : static_cast<long long>(index->code_point_of(found));
                document.metadata["start_index"] = start;
                previous_length = code_point_length(document.page_content);
            }
            documents.push_back(std::move(document));
        }
    }
    return documents;
}

Documents RecursiveCharacterTextSplitter::split_documents(const Documents& documents) const {
    std::vector<std::string> texts;
    std::vector<Value> metadatas;
    texts.reserve(documents.size());
    metadatas.reserve(documents.size());
    for (const Document& document : documents) {
        texts.push_back(document.page_content);
        metadatas.push_back(document.metadata);
    }
    return create_documents(texts, metadatas);
}

} // namespace braid::retrieval
