// index() (see indexing.hpp): LangChain's indexing algorithm over braid's RecordManager and VectorStore.
#include "braid/retrieval/indexing.hpp"

#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "braid/error.hpp"
#include "retrieval/indexing/sha256.hpp"

namespace braid::retrieval {

std::string_view to_string(Cleanup cleanup) noexcept {
    switch (cleanup) {
    case Cleanup::none: return "none";
    case Cleanup::incremental: return "incremental";
    case Cleanup::full: return "full";
    case Cleanup::scoped_full: return "scoped_full";
    }
    return "none";
}

Cleanup cleanup_from_string(std::string_view text) {
    for (Cleanup c : {Cleanup::none, Cleanup::incremental, Cleanup::full, Cleanup::scoped_full})
        if (text == to_string(c))
            return c;
    throw Error(errc::invalid_argument, "unknown cleanup mode '" + std::string(text) +
                                            "' (expected none, incremental, full or scoped_full)");
}

void to_json(Value& json, const IndexResult& result) {
    json = Value{{"num_added", result.num_added},
                 {"num_updated", result.num_updated},
                 {"num_skipped", result.num_skipped},
                 {"num_deleted", result.num_deleted}};
}

std::string document_hash(const Document& document) {
    // nlohmann::json (not ordered_json) keeps object keys sorted: the canonical form.
    const nlohmann::json sorted = nlohmann::json::parse(document.metadata.dump());
    std::string bytes = document.page_content;
    bytes += '\0';
    bytes += sorted.dump();
    return detail::sha256_hex(bytes);
}

namespace {

std::string source_of(const Document& document, const std::string& key) {
    if (key.empty() || !document.metadata.is_object())
        return {};
    const auto found = document.metadata.find(key);
    if (found == document.metadata.end() || found->is_null())
        return {};
    return found->is_string() ? found->get<std::string>() : found->dump();
}

void check_options(const IndexOptions& options) {
    if (options.batch_size == 0 || options.cleanup_batch_size == 0)
        throw Error(errc::invalid_argument, "index: batch_size and cleanup_batch_size must be at least 1");
    if ((options.cleanup == Cleanup::incremental || options.cleanup == Cleanup::scoped_full) &&
        options.source_id_key.empty())
        throw Error(errc::invalid_argument, std::string("index: cleanup mode ") +
                                                std::string(to_string(options.cleanup)) + " needs a source_id_key");
}

void delete_all(RecordManager& records, VectorStore& store, const std::vector<std::string>& keys, IndexResult& result) {
    if (keys.empty())
        return;
    store.remove(keys);
    records.delete_keys(keys);
    result.num_deleted += keys.size();
}

} // namespace

IndexResult index(const Documents& documents, RecordManager& records, VectorStore& store, const IndexOptions& options,
                  const RunControl& control) {
    check_options(options);
    const bool needs_source = options.cleanup == Cleanup::incremental || options.cleanup == Cleanup::scoped_full;
    const std::int64_t start = records.get_time();
    IndexResult result;
    std::unordered_set<std::string> scoped_sources;
    for (std::size_t begin = 0; begin < documents.size(); begin += options.batch_size) {
        control.check("index");
        const std::size_t end = std::min(documents.size(), begin + options.batch_size);
        Documents batch;
        std::vector<std::string> keys, sources;
        std::unordered_set<std::string> in_batch;
        for (std::size_t i = begin; i < end; ++i) {
            std::string key = document_hash(documents[i]);
            if (!in_batch.insert(key).second) {
                ++result.num_skipped;
                continue;
            }
            std::string source = source_of(documents[i], options.source_id_key);
            if (needs_source && source.empty())
                throw Error(errc::invalid_argument, "index: document " + std::to_string(i) + " has no metadata field '" +
                                                        options.source_id_key + "' (cleanup mode " +
                                                        std::string(to_string(options.cleanup)) + " needs one)");
            Document document = documents[i];
            document.id = key;
            batch.push_back(std::move(document));
            keys.push_back(std::move(key));
            sources.push_back(std::move(source));
        }
        const std::vector<bool> known = records.exists(keys);
        Documents to_write;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (known[i] && !options.force_update) {
                ++result.num_skipped;
                continue;
            }
            (known[i] ? result.num_updated : result.num_added) += 1;
            to_write.push_back(batch[i]);
        }
        if (!to_write.empty())
            store.add_documents(to_write, control);
        records.update(keys, sources, start);
        if (options.cleanup == Cleanup::incremental) {
            std::vector<std::string> groups;
            for (const std::string& source : sources)
                if (std::find(groups.begin(), groups.end(), source) == groups.end())
                    groups.push_back(source);
            delete_all(records, store, records.list_keys({start, std::nullopt, groups, std::nullopt}), result);
        }
        if (options.cleanup == Cleanup::scoped_full)
            scoped_sources.insert(sources.begin(), sources.end());
    }
    if (options.cleanup == Cleanup::full || options.cleanup == Cleanup::scoped_full) {
        std::optional<std::vector<std::string>> groups;
        if (options.cleanup == Cleanup::scoped_full)
            groups = std::vector<std::string>(scoped_sources.begin(), scoped_sources.end());
        while (true) {
            control.check("index");
            const auto stale = records.list_keys({start, std::nullopt, groups, options.cleanup_batch_size});
            if (stale.empty())
                break;
            delete_all(records, store, stale, result);
        }
    }
    return result;
}

} // namespace braid::retrieval
