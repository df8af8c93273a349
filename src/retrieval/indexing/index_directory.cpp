// index_directory() (see indexing.hpp): a folder through DirectoryLoader, a splitter and index(), one
// file at a time, batches of whole files, per-file errors collected.
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "braid/error.hpp"
#include "braid/retrieval/indexing.hpp"

namespace braid::retrieval {

namespace {

using Clock = std::chrono::steady_clock;

// The metadata field DirectoryLoader writes the file's path to: each file is one source.
constexpr const char* source_key = "source";

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void add_counts(IndexResult& total, const IndexResult& part) {
    total.num_added += part.num_added;
    total.num_updated += part.num_updated;
    total.num_skipped += part.num_skipped;
    total.num_deleted += part.num_deleted;
}

// Refreshes the records of a file that failed to load, so full cleanup keeps its chunks of an earlier run:
// a file that cannot be read now is reported, not forgotten.
void keep_records_of(RecordManager& records, const std::filesystem::path& file) {
    ListKeysQuery query;
    query.group_ids = std::vector<std::string>{file.string()};
    const std::vector<std::string> keys = records.list_keys(query);
    const std::vector<std::string> groups(keys.size(), file.string());
    records.update(keys, groups);
}

// Deletes every record (and its chunk) not refreshed since @p run_start: the files no longer there.
std::size_t delete_unseen(RecordManager& records, VectorStore& store, std::int64_t run_start, std::size_t batch,
                          const RunControl& control) {
    std::size_t deleted = 0;
    while (true) {
        control.check("index_directory cleanup");
        ListKeysQuery query;
        query.before = run_start;
        query.limit = batch;
        const std::vector<std::string> stale = records.list_keys(query);
        if (stale.empty())
            return deleted;
        store.remove(stale);
        records.delete_keys(stale);
        deleted += stale.size();
    }
}

void check_options(const std::filesystem::path& folder, const IndexDirectoryOptions& options) {
    if (options.batch_size == 0)
        throw Error(errc::invalid_argument, "index_directory: batch_size must be at least 1");
    if (options.cleanup_batch_size == 0)
        throw Error(errc::invalid_argument, "index_directory: cleanup_batch_size must be at least 1");
    if (options.cleanup == Cleanup::scoped_full)
        throw Error(errc::invalid_argument, "index_directory: cleanup scoped_full is not offered (batches hold whole "
                                            "files, so it would be incremental): use none, incremental or full");
    std::error_code ec;
    if (!std::filesystem::exists(folder, ec))
        throw Error(errc::invalid_argument, "index_directory: folder '" + folder.string() + "' does not exist");
    if (!std::filesystem::is_directory(folder, ec))
        throw Error(errc::invalid_argument, "index_directory: '" + folder.string() + "' is not a folder");
}

// The walk over the folder: documents arrive file by file; a finished file is split into the current
// batch, and a batch of at least batch_size chunks goes to index().
class DirectoryIndexing {
public:
    DirectoryIndexing(RecordManager& records, VectorStore& store, const IndexDirectoryOptions& options,
                      const RunControl& control)
        : records_(records), store_(store), options_(options), control_(control) {}

    IndexDirectoryResult run(const std::filesystem::path& folder) {
        const std::int64_t run_start = records_.get_time();
        const DirectoryLoader loader(folder, options_.loader);
        for (Document& document : loader.lazy_load([this](const FileError& error) { failed(error); })) {
            const auto source = document.metadata.find(source_key);
            std::string name = source != document.metadata.end() && source->is_string() ? source->get<std::string>() : "";
            if (name != current_source_)
                finish_file();
            current_source_ = std::move(name);
            current_.push_back(std::move(document));
        }
        finish_file();
        flush_batch();
        if (options_.cleanup == Cleanup::full) {
            const auto start = Clock::now();
            for (const FileError& error : result_.errors)
                keep_records_of(records_, error.path);
            result_.counts.num_deleted +=
                delete_unseen(records_, store_, run_start, options_.cleanup_batch_size, control_);
            result_.cleanup_seconds = seconds_since(start);
        }
        return std::move(result_);
    }

private:
    void failed(const FileError& error) {
        if (error.path.string() == current_source_) {
            current_.clear();
            current_source_.clear();
        }
        result_.errors.push_back(error);
    }

    void finish_file() {
        if (current_.empty())
            return;
        control_.check("index_directory");
        ++result_.files_loaded;
        result_.documents += current_.size();
        Documents chunks = options_.split ? options_.split(current_) : std::move(current_);
        current_.clear();
        for (Document& chunk : chunks)
            batch_.push_back(std::move(chunk));
        if (batch_.size() >= options_.batch_size)
            flush_batch();
    }

    void flush_batch() {
        if (batch_.empty())
            return;
        const auto start = Clock::now();
        IndexOptions o;
        // full cleanup runs once at the end, over every batch: each batch alone deletes nothing
        o.cleanup = options_.cleanup == Cleanup::full ? Cleanup::none : options_.cleanup;
        o.source_id_key = source_key;
        o.batch_size = batch_.size();
        o.force_update = options_.force_update;
        add_counts(result_.counts, index(batch_, records_, store_, o, control_));
        result_.chunks += batch_.size();
        batch_.clear();
        result_.index_seconds += seconds_since(start);
    }

    RecordManager& records_;
    VectorStore& store_;
    const IndexDirectoryOptions& options_;
    const RunControl& control_;
    IndexDirectoryResult result_;
    std::string current_source_;
    Documents current_;
    Documents batch_;
};

} // namespace

void to_json(Value& json, const IndexDirectoryResult& result) {
    Value errors = Value::array();
    for (const FileError& error : result.errors) {
        Value item = Value::object();
        item["path"] = error.path.string();
        item["error"] = errc_name(error.code);
        item["message"] = error.message;
        errors.push_back(std::move(item));
    }
    json = Value(result.counts);
    json["files_loaded"] = result.files_loaded;
    json["documents"] = result.documents;
    json["chunks"] = result.chunks;
    json["errors"] = std::move(errors);
}

IndexDirectoryResult index_directory(const std::filesystem::path& folder, RecordManager& records, VectorStore& store,
                                     const IndexDirectoryOptions& options, const RunControl& control) {
    check_options(folder, options);
    const std::filesystem::path absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(folder));
    return DirectoryIndexing(records, store, options, control).run(absolute);
}

} // namespace braid::retrieval
