// braid_index_directory() of braid/retrieval.h: a folder through retrieval::index_directory(), with the
// loader options of braid_documents_load() and the splitter options of braid_documents_split().
#include <memory>
#include <string>
#include <utility>

#include "json_io.hpp"
#include "retrieval_common.hpp"
#include "braid/retrieval/indexing.hpp"
#include "braid/retrieval/record_manager.hpp"

namespace braid::capi {

namespace {

constexpr const char* index_what = "options_json";

// The "split" option: braid_documents_split() options, read now (a bad one fails before anything is written).
retrieval::ChunkSplitter chunk_splitter(const Value& options) {
    const auto found = options.find("split");
    if (found == options.end() || found->is_null())
        return {};
    const std::string split_what = "options_json's \"split\"";
    require_object(*found, split_what);
    reject_unknown_splitter_keys(*found, split_what);
    const Value split = *found;
    retrieval::ChunkSplitter splitter = [split, split_what](const retrieval::Documents& documents) {
        try {
            return split_by_options(documents, split);
        } catch (const Error& error) {
            throw Error(error.kind(), split_what + ": " + error.what());
        }
    };
    splitter(retrieval::Documents{retrieval::Document{"check", Value::object(), ""}});
    return splitter;
}

retrieval::IndexDirectoryOptions index_directory_options(const Value& options) {
    retrieval::IndexDirectoryOptions o;
    o.loader = directory_loader_options(options);
    o.split = chunk_splitter(options);
    const std::string cleanup = text_option(options, "cleanup", "incremental", index_what);
    if (cleanup != "none" && cleanup != "incremental" && cleanup != "full")
        throw Error(errc::invalid_argument, "options_json's \"cleanup\" must be \"none\", \"incremental\" or \"full\", got \"" +
                                                cleanup + "\"");
    o.cleanup = retrieval::cleanup_from_string(cleanup);
    o.batch_size = size_option(options, "batch_size", o.batch_size, index_what);
    o.cleanup_batch_size = size_option(options, "cleanup_batch_size", o.cleanup_batch_size, index_what);
    o.force_update = flag_option(options, "force_update", o.force_update, index_what);
    return o;
}

} // namespace

} // namespace braid::capi

// At global scope: the definition must be the header's declaration (BRAID_API, exported).
using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_index_directory(char** out_json, braid_vector_store* store, const char* path,
                                   const char* record_manager_path, const char* options_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        retrieval::VectorStore& vectors = *use(store, "store").store;
        const std::string folder = require(path, "path");
        if (folder.empty())
            throw Error(errc::invalid_argument, "path is empty");
        const std::string records_path = require(record_manager_path, "record_manager_path");
        if (records_path.empty())
            throw Error(errc::invalid_argument, "record_manager_path is empty");
        const Value options = options_object(
            options_json, "options_json",
            {"namespace", "cleanup", "batch_size", "cleanup_batch_size", "force_update", "split", "glob", "recursive",
             "skip_hidden", "loader", "csv", "json", "markdown"});
        const std::string name_space = text_option(options, "namespace", "", index_what);
        if (name_space.empty())
            throw Error(errc::invalid_argument, "options_json's \"namespace\" is required (a non-empty string naming "
                                                "the store's records)");
        const retrieval::IndexDirectoryOptions o = index_directory_options(options);
        retrieval::SQLiteRecordManager records(name_space, records_path);
        put_string(out_json, dump_json(Value(retrieval::index_directory(folder, records, vectors, o))));
    });
}

} // extern "C"
