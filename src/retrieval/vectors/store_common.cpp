// Pieces every vector store shares: checks, ids, slots, top-k, parallel loop, file format.
#include "store_common.hpp"
#include "worker_pool.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "braid/error.hpp"

namespace braid::retrieval::detail {

std::string generate_id() {
    thread_local std::mt19937_64 rng{std::random_device{}() ^ (std::uint64_t(std::random_device{}()) << 32)};
    const std::uint64_t hi = rng();
    const std::uint64_t lo = rng();
    unsigned char b[16];
    for (int i = 0; i < 8; ++i) {
        b[i] = static_cast<unsigned char>(hi >> (8 * i));
        b[8 + i] = static_cast<unsigned char>(lo >> (8 * i));
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // variant 1
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
        id += hex[b[i] >> 4];
        id += hex[b[i] & 15];
    }
    return id;
}

std::vector<std::string> check_add(std::span<const Document> documents, std::span<const std::vector<float>> vectors,
                                   std::size_t dimension, std::string_view store) {
    const std::string name(store);
    if (documents.size() != vectors.size())
        throw Error(errc::invalid_argument, name + ": add got " + std::to_string(documents.size()) + " documents and " +
                                                std::to_string(vectors.size()) + " vectors");
    std::vector<std::string> ids;
    ids.reserve(documents.size());
    std::unordered_set<std::string> seen;
    for (std::size_t i = 0; i < documents.size(); ++i) {
        if (vectors[i].size() != dimension)
            throw Error(errc::invalid_argument, name + ": vector " + std::to_string(i) + " has " +
                                                    std::to_string(vectors[i].size()) + " values, the store's dimension is " +
                                                    std::to_string(dimension));
        for (const float v : vectors[i])
            if (!std::isfinite(v))
                throw Error(errc::invalid_argument, name + ": vector " + std::to_string(i) + " has a non-finite value");
        std::string id = documents[i].id.empty() ? generate_id() : documents[i].id;
        if (!seen.insert(id).second)
            throw Error(errc::invalid_argument, name + ": id '" + id + "' is given twice in one add");
        ids.push_back(std::move(id));
    }
    return ids;
}

void check_query(std::span<const float> query, std::size_t dimension, std::string_view store) {
    if (query.size() != dimension)
        throw Error(errc::invalid_argument, std::string(store) + ": the query has " + std::to_string(query.size()) +
                                                " values, the store's dimension is " + std::to_string(dimension));
    for (const float v : query)
        if (!std::isfinite(v)) throw Error(errc::invalid_argument, std::string(store) + ": the query has a non-finite value");
}

void normalize(std::span<float> v) noexcept {
    double n = 0;
    for (const float x : v) n += double(x) * x;
    if (n == 0) return;
    const float inv = static_cast<float>(1.0 / std::sqrt(n));
    for (float& x : v) x *= inv;
}

std::optional<std::uint32_t> DocTable::find(const std::string& id) const {
    const auto it = by_id.find(id);
    if (it == by_id.end()) return std::nullopt;
    return it->second;
}

std::uint32_t DocTable::place(Document doc, bool recycle) {
    if (const auto slot = find(doc.id)) {
        docs[*slot] = std::move(doc);
        return *slot;
    }
    std::uint32_t slot = 0;
    if (recycle && !free_slots.empty()) {
        slot = free_slots.back();
        free_slots.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(docs.size());
        docs.emplace_back();
        alive.push_back(0);
    }
    by_id.emplace(doc.id, slot);
    docs[slot] = std::move(doc);
    alive[slot] = 1;
    ++live;
    return slot;
}

std::optional<std::uint32_t> DocTable::erase(const std::string& id, bool recycle) {
    const auto it = by_id.find(id);
    if (it == by_id.end()) return std::nullopt;
    const std::uint32_t slot = it->second;
    by_id.erase(it);
    alive[slot] = 0;
    docs[slot] = Document{};
    --live;
    if (recycle) free_slots.push_back(slot);
    return slot;
}

Documents DocTable::get(std::span<const std::string> ids) const {
    Documents out;
    for (const auto& id : ids)
        if (const auto slot = find(id)) out.push_back(docs[*slot]);
    return out;
}

namespace {
// Worse-first ordering of the heap: the top is the hit to drop first (lowest key, then highest slot).
struct WorseFirst {
    bool lower_is_better;
    float key(float s) const { return lower_is_better ? -s : s; }
    bool operator()(const Hit& a, const Hit& b) const {
        const float ka = key(a.score), kb = key(b.score);
        if (ka != kb) return ka > kb;
        return a.slot < b.slot;
    }
};
} // namespace

void TopK::push(float score, std::uint32_t slot) {
    if (!admits(score)) return;
    const WorseFirst cmp{lower_is_better_};
    const Hit hit{score, slot};
    if (heap_.size() < k_) {
        heap_.push_back(hit);
        std::push_heap(heap_.begin(), heap_.end(), cmp);
        return;
    }
    if (!cmp(hit, heap_.front())) return; // not strictly better than the worst (ties keep the lower slot)
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    heap_.back() = hit;
    std::push_heap(heap_.begin(), heap_.end(), cmp);
}

void TopK::merge(const TopK& other) {
    for (const Hit& h : other.heap_) push(h.score, h.slot);
}

std::vector<Hit> TopK::sorted() const {
    std::vector<Hit> out = heap_;
    std::sort(out.begin(), out.end(), WorseFirst{lower_is_better_});
    return out;
}

std::size_t resolve_threads(std::size_t threads) noexcept {
    if (threads != 0) return threads;
    return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t, std::size_t)>& body) {
    threads = std::max<std::size_t>(1, std::min(threads, n));
    if (threads <= 1) {
        body(0, n);
        return;
    }
    const std::size_t chunk = (n + threads - 1) / threads;
    WorkerPool::shared().run(threads, [&](std::size_t t) { body(std::min(n, t * chunk), std::min(n, (t + 1) * chunk)); });
}

std::vector<ScoredDocument> make_results(const std::vector<Hit>& hits, const DocTable& table, Metric metric,
                                         const SearchOptions& options,
                                         const std::function<std::vector<float>(std::uint32_t)>& vector_of) {
    std::vector<ScoredDocument> out;
    out.reserve(hits.size());
    for (const Hit& h : hits) {
        ScoredDocument r;
        r.score = h.score;
        r.relevance_score = relevance_score(metric, h.score);
        if (options.score_threshold && r.relevance_score < *options.score_threshold) continue;
        r.document = table.docs[h.slot];
        if (options.with_vectors) r.vector = vector_of(h.slot);
        out.push_back(std::move(r));
    }
    return out;
}

// ---- file format ----

namespace {
constexpr char magic[8] = {'B', 'R', 'A', 'I', 'D', 'V', 'E', 'C'};

std::uint64_t fnv1a(const char* p, std::size_t n) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (std::size_t i = 0; i < n; ++i) {
        h ^= static_cast<unsigned char>(p[i]);
        h *= 0x100000001b3ULL;
    }
    return h;
}
template <class T>
void put(std::string& buf, T v) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    buf.append(bytes, sizeof(T));
}
} // namespace

StoreFileWriter::StoreFileWriter(std::string_view kind) {
    buf_.append(magic, sizeof magic);
    u32(store_file_version);
    str(kind);
}
void StoreFileWriter::u32(std::uint32_t v) { put(buf_, v); }
void StoreFileWriter::u64(std::uint64_t v) { put(buf_, v); }
void StoreFileWriter::f32(float v) { put(buf_, v); }
void StoreFileWriter::str(std::string_view s) {
    u64(s.size());
    buf_.append(s);
}
void StoreFileWriter::floats(std::span<const float> v) {
    buf_.append(reinterpret_cast<const char*>(v.data()), v.size_bytes());
}
void StoreFileWriter::finish(const std::filesystem::path& path) {
    put(buf_, fnv1a(buf_.data(), buf_.size()));
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) throw Error(errc::io, "vector store: cannot write '" + tmp.string() + "'");
        f.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        f.flush();
        if (!f) throw Error(errc::io, "vector store: writing '" + tmp.string() + "' failed");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw Error(errc::io, "vector store: cannot rename '" + tmp.string() + "' to '" + path.string() + "': " + ec.message());
}

StoreFileReader::StoreFileReader(const std::filesystem::path& path, std::string_view kind) : path_(path.string()) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(errc::io, "vector store: cannot open '" + path_ + "'");
    std::ostringstream ss;
    ss << f.rdbuf();
    buf_ = std::move(ss).str();
    if (buf_.size() < sizeof magic + 4 + 8 + 8 || std::memcmp(buf_.data(), magic, sizeof magic) != 0)
        fail("not a braid vector store file (bad magic or too short)");
    end_ = buf_.size() - 8;
    std::uint64_t stored = 0;
    std::memcpy(&stored, buf_.data() + end_, 8);
    pos_ = sizeof magic;
    const std::uint32_t version = u32();
    if (version != store_file_version)
        fail("format version " + std::to_string(version) + " is not supported (this braid reads version " +
             std::to_string(store_file_version) + ")");
    if (stored != fnv1a(buf_.data(), end_)) fail("checksum mismatch (the file is corrupt or truncated)");
    const std::string found = str();
    if (found != kind) fail("holds a '" + found + "' store, not a '" + std::string(kind) + "' store");
}
void StoreFileReader::fail(std::string_view what) const {
    throw Error(errc::parse, "vector store file '" + path_ + "': " + std::string(what));
}
void StoreFileReader::need(std::size_t n, std::string_view what) {
    if (n > end_ - pos_) fail("truncated while reading " + std::string(what));
}
std::uint32_t StoreFileReader::u32() {
    need(4, "a 32-bit field");
    std::uint32_t v = 0;
    std::memcpy(&v, buf_.data() + pos_, 4);
    pos_ += 4;
    return v;
}
std::uint64_t StoreFileReader::u64() {
    need(8, "a 64-bit field");
    std::uint64_t v = 0;
    std::memcpy(&v, buf_.data() + pos_, 8);
    pos_ += 8;
    return v;
}
float StoreFileReader::f32() {
    need(4, "a float");
    float v = 0;
    std::memcpy(&v, buf_.data() + pos_, 4);
    pos_ += 4;
    return v;
}
std::string StoreFileReader::str() {
    const std::uint64_t n = u64();
    need(n, "a string");
    std::string s = buf_.substr(pos_, n);
    pos_ += n;
    return s;
}
void StoreFileReader::floats(std::span<float> out) {
    need(out.size_bytes(), "a vector");
    std::memcpy(out.data(), buf_.data() + pos_, out.size_bytes());
    pos_ += out.size_bytes();
}
std::uint64_t StoreFileReader::count(std::uint64_t item_bytes, std::string_view what) {
    const std::uint64_t n = u64();
    if (item_bytes != 0 && n > (end_ - pos_) / item_bytes)
        fail("the count of " + std::string(what) + " (" + std::to_string(n) + ") exceeds the file");
    return n;
}
void StoreFileReader::expect_end() {
    if (pos_ != end_) fail(std::to_string(end_ - pos_) + " unexpected bytes after the last field");
}

void write_records(StoreFileWriter& out, const DocTable& table, std::size_t dimension,
                   const std::function<std::vector<float>(std::uint32_t)>& vector_of) {
    out.u64(table.live);
    for (std::uint32_t slot = 0; slot < table.docs.size(); ++slot) {
        if (!table.alive[slot]) continue;
        const Document& d = table.docs[slot];
        out.str(d.id);
        out.str(d.page_content);
        out.str(d.metadata.dump());
        const auto v = vector_of(slot);
        if (v.size() != dimension) throw Error(errc::internal, "vector store: slot vector of the wrong size");
        out.floats(v);
    }
}

void read_records(StoreFileReader& in, std::size_t dimension, Documents& documents,
                  std::vector<std::vector<float>>& vectors) {
    const std::uint64_t n = in.count(3 * 8 + dimension * 4, "documents");
    documents.clear();
    vectors.clear();
    documents.reserve(n);
    vectors.reserve(n);
    std::unordered_set<std::string> ids;
    for (std::uint64_t i = 0; i < n; ++i) {
        Document d;
        d.id = in.str();
        d.page_content = in.str();
        const std::string meta = in.str();
        try {
            d.metadata = Value::parse(meta);
        } catch (const std::exception&) {
            in.fail("document " + std::to_string(i) + " has metadata that is not JSON");
        }
        if (!d.metadata.is_object()) in.fail("document " + std::to_string(i) + " has metadata that is not an object");
        if (d.id.empty() || !ids.insert(d.id).second)
            in.fail("document " + std::to_string(i) + " has an empty or repeated id");
        std::vector<float> v(dimension);
        in.floats(v);
        for (const float x : v)
            if (!std::isfinite(x)) in.fail("document " + std::to_string(i) + " has a non-finite vector value");
        documents.push_back(std::move(d));
        vectors.push_back(std::move(v));
    }
}

} // namespace braid::retrieval::detail
