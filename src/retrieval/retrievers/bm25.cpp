// BM25Index: postings per token (slot, count), per-document lengths, okapi/lucene idf (see bm25.hpp).
#include "braid/retrieval/bm25.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>
#include <utility>

#include "braid/error.hpp"
#include "bm25_slot.hpp"

namespace braid::retrieval {

void to_json(Value& json, const BM25Hit& scored) {
    json = Value::object();
    json["document"] = scored.document;
    json["score"] = scored.score;
}

BM25Index::BM25Index(BM25Options options) : options_(std::move(options)) {
    if (!(options_.k1 >= 0) || !std::isfinite(options_.k1))
        throw Error(errc::invalid_argument, "BM25: k1 must be a finite number >= 0, got " + std::to_string(options_.k1));
    if (!(options_.b >= 0 && options_.b <= 1))
        throw Error(errc::invalid_argument, "BM25: b must be in [0, 1], got " + std::to_string(options_.b));
    if (!(options_.epsilon >= 0) || !std::isfinite(options_.epsilon))
        throw Error(errc::invalid_argument, "BM25: epsilon must be a finite number >= 0, got " +
                                                std::to_string(options_.epsilon));
}

BM25Index::~BM25Index() = default;

std::vector<std::string> BM25Index::tokens_of(std::string_view text) const {
    return options_.tokenizer ? options_.tokenizer(text) : bm25_tokenize(text);
}

std::vector<std::string> BM25Index::add(Documents documents) {
    // Tokenize outside the lock (the expensive part), then check ids and insert under it.
    std::vector<std::unique_ptr<Slot>> fresh;
    fresh.reserve(documents.size());
    for (Document& document : documents) {
        auto slot = std::make_unique<Slot>();
        std::unordered_map<std::string, std::uint32_t> counts;
        for (std::string& token : tokens_of(document.page_content)) {
            ++counts[std::move(token)];
            ++slot->length;
        }
        slot->counts.assign(counts.begin(), counts.end());
        slot->document = std::move(document);
        fresh.push_back(std::move(slot));
    }
    std::unique_lock lock(mutex_);
    std::unordered_set<std::string_view> batch_ids;
    std::size_t auto_id = next_auto_id_;
    for (auto& slot : fresh) {
        std::string& id = slot->document.id;
        if (id.empty()) {
            do
                id = "bm25-" + std::to_string(auto_id++);
            while (slot_of_id_.count(id) != 0);
        }
        if (slot_of_id_.count(id) != 0 || !batch_ids.insert(id).second)
            throw Error(errc::invalid_argument, "BM25: a document with id '" + id + "' is already in the index");
    }
    if (slots_.size() + fresh.size() > UINT32_MAX)
        throw Error(errc::invalid_argument, "BM25: too many documents for one index");
    next_auto_id_ = auto_id;
    std::vector<std::string> ids;
    ids.reserve(fresh.size());
    for (auto& slot : fresh) {
        const auto index = static_cast<std::uint32_t>(slots_.size());
        for (const auto& [token, count] : slot->counts)
            postings_[token].push_back(Posting{index, count});
        total_length_ += slot->length;
        ++live_;
        slot_of_id_.emplace(slot->document.id, index);
        ids.push_back(slot->document.id);
        slots_.push_back(std::move(slot));
    }
    std::lock_guard mean_lock(mean_mutex_);
    mean_idf_.reset();
    return ids;
}

std::size_t BM25Index::remove(std::span<const std::string> ids) {
    std::unique_lock lock(mutex_);
    std::size_t removed = 0;
    for (const std::string& id : ids) {
        const auto found = slot_of_id_.find(id);
        if (found == slot_of_id_.end())
            continue;
        const std::uint32_t index = found->second;
        std::unique_ptr<Slot> slot = std::move(slots_[index]);
        for (const auto& [token, count] : slot->counts) {
            auto posting = postings_.find(token);
            auto& list = posting->second;
            list.erase(std::find_if(list.begin(), list.end(), [&](const Posting& p) { return p.slot == index; }));
            if (list.empty())
                postings_.erase(posting);
        }
        total_length_ -= slot->length;
        --live_;
        slot_of_id_.erase(found);
        ++removed;
    }
    std::lock_guard mean_lock(mean_mutex_);
    mean_idf_.reset();
    return removed;
}

double BM25Index::idf_locked(std::size_t doc_freq) const {
    const double n = static_cast<double>(doc_freq);
    const double ratio = (static_cast<double>(live_) - n + 0.5) / (n + 0.5);
    if (options_.idf == BM25Idf::lucene)
        return std::log1p(ratio);
    const double idf = std::log(ratio);
    return idf < 0 ? options_.epsilon * mean_idf_locked() : idf;
}

double BM25Index::mean_idf_locked() const {
    std::lock_guard lock(mean_mutex_);
    if (!mean_idf_) {
        double sum = 0;
        for (const auto& [token, list] : postings_) {
            const double n = static_cast<double>(list.size());
            sum += std::log((static_cast<double>(live_) - n + 0.5) / (n + 0.5));
        }
        mean_idf_ = postings_.empty() ? 0.0 : sum / static_cast<double>(postings_.size());
    }
    return *mean_idf_;
}

std::vector<double> BM25Index::score_slots(std::string_view query) const {
    const std::vector<std::string> tokens = tokens_of(query);
    // shared lock held by the caller
    std::vector<double> scores(slots_.size(), -1.0); // -1: no token matched
    if (live_ == 0)
        return scores;
    const double avgdl = static_cast<double>(total_length_) / static_cast<double>(live_);
    const double k1 = options_.k1;
    const double b = options_.b;
    for (const std::string& token : tokens) { // repeated query tokens count again (rank_bm25)
        const auto found = postings_.find(token);
        if (found == postings_.end())
            continue;
        const double idf = idf_locked(found->second.size());
        for (const Posting& posting : found->second) {
            const double f = posting.count;
            const double length = static_cast<double>(slots_[posting.slot]->length);
            const double norm = avgdl > 0 ? length / avgdl : 0.0;
            double& score = scores[posting.slot];
            if (score < 0)
                score = 0;
            score += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * norm));
        }
    }
    return scores;
}

std::vector<BM25Hit> BM25Index::search(std::string_view query, std::size_t k) const {
    std::shared_lock lock(mutex_);
    const std::vector<double> scores = score_slots(query);
    std::vector<std::uint32_t> matched;
    for (std::uint32_t i = 0; i < scores.size(); ++i)
        if (scores[i] >= 0 && slots_[i])
            matched.push_back(i);
    const auto better = [&](std::uint32_t a, std::uint32_t b) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
    };
    const std::size_t take = std::min(k, matched.size());
    std::partial_sort(matched.begin(), matched.begin() + static_cast<std::ptrdiff_t>(take), matched.end(), better);
    std::vector<BM25Hit> out;
    out.reserve(take);
    for (std::size_t i = 0; i < take; ++i)
        out.push_back(BM25Hit{slots_[matched[i]]->document, scores[matched[i]]});
    return out;
}

std::vector<double> BM25Index::scores(std::string_view query) const {
    std::shared_lock lock(mutex_);
    const std::vector<double> all = score_slots(query);
    std::vector<double> out;
    out.reserve(live_);
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i])
            out.push_back(std::max(all[i], 0.0));
    return out;
}

std::vector<std::string> BM25Index::ids() const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> out;
    out.reserve(live_);
    for (const auto& slot : slots_)
        if (slot)
            out.push_back(slot->document.id);
    return out;
}

std::optional<Document> BM25Index::get(std::string_view id) const {
    std::shared_lock lock(mutex_);
    const auto found = slot_of_id_.find(std::string(id));
    if (found == slot_of_id_.end())
        return std::nullopt;
    return slots_[found->second]->document;
}

std::size_t BM25Index::size() const {
    std::shared_lock lock(mutex_);
    return live_;
}

double BM25Index::idf(std::string_view token) const {
    std::shared_lock lock(mutex_);
    const auto found = postings_.find(std::string(token));
    return found == postings_.end() ? 0.0 : idf_locked(found->second.size());
}

namespace {

class BM25Retriever final : public RetrieverImpl {
public:
    BM25Retriever(std::shared_ptr<const BM25Index> index, std::size_t k) : index_(std::move(index)), k_(k) {}
    Documents invoke(const std::string& query, const RunContext& ctx) const override {
        ctx.check();
        Documents out;
        for (BM25Hit& hit : index_->search(query, k_))
            out.push_back(std::move(hit.document));
        return out;
    }
    std::string name() const override { return "BM25Retriever"; }

private:
    std::shared_ptr<const BM25Index> index_;
    std::size_t k_;
};

} // namespace

Retriever bm25_retriever(std::shared_ptr<const BM25Index> index, std::size_t k) {
    if (!index)
        throw Error(errc::invalid_argument, "bm25_retriever: the index is null");
    if (k == 0)
        throw Error(errc::invalid_argument, "bm25_retriever: k must be at least 1");
    return make_runnable<BM25Retriever>(std::move(index), k);
}

} // namespace braid::retrieval
