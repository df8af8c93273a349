// BM25Index::save / load: options and documents in a checksummed file (see bm25.hpp); the postings are
// rebuilt on load by the same add() that built them.
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "braid/error.hpp"
#include "braid/retrieval/bm25.hpp"
#include "bm25_slot.hpp"

namespace braid::retrieval {

namespace {

constexpr std::string_view magic = "braid-bm25";
constexpr int format_version = 1;

std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string hex64(std::uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016" PRIx64, value);
    return text;
}

std::string_view idf_name(BM25Idf idf) { return idf == BM25Idf::lucene ? "lucene" : "okapi"; }

[[noreturn]] void corrupt(const std::filesystem::path& path, const std::string& why) {
    throw Error(errc::parse, "BM25 index '" + path.string() + "': " + why);
}

// The member @p key of the body, of the type @p check accepts.
const Value& field(const Value& body, const char* key, bool (Value::*check)() const noexcept, const char* type,
                   const std::filesystem::path& path) {
    const auto found = body.find(key);
    if (found == body.end() || !((*found).*check)())
        corrupt(path, std::string("'") + key + "' is missing or not " + type);
    return *found;
}

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(errc::io, "BM25 index '" + path.string() + "': cannot be opened for reading");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Splits "braid-bm25 <version> <checksum>\n<body>" and checks the version and the checksum.
std::string_view checked_body(const std::string& file, const std::filesystem::path& path) {
    const std::size_t newline = file.find('\n');
    const std::string_view header = std::string_view(file).substr(0, newline);
    if (newline == std::string::npos || header.substr(0, magic.size() + 1) != std::string(magic) + " ")
        corrupt(path, "not a braid BM25 index file (no 'braid-bm25' header line)");
    std::istringstream fields{std::string(header.substr(magic.size() + 1))};
    int version = 0;
    std::string checksum;
    if (!(fields >> version >> checksum))
        corrupt(path, "malformed header line '" + std::string(header) + "'");
    if (version != format_version)
        corrupt(path, "format version " + std::to_string(version) + "; this braid reads version " +
                          std::to_string(format_version));
    const std::string_view body = std::string_view(file).substr(newline + 1);
    if (hex64(fnv1a64(body)) != checksum)
        corrupt(path, "checksum mismatch (the file is corrupt or truncated)");
    return body;
}

} // namespace

void BM25Index::save(const std::filesystem::path& path) const {
    Value body = Value::object();
    {
        std::shared_lock lock(mutex_);
        body["k1"] = options_.k1;
        body["b"] = options_.b;
        body["epsilon"] = options_.epsilon;
        body["idf"] = idf_name(options_.idf);
        body["custom_tokenizer"] = static_cast<bool>(options_.tokenizer);
        body["next_auto_id"] = next_auto_id_;
        Value documents = Value::array();
        for (const auto& slot : slots_)
            if (slot)
                documents.push_back(slot->document);
        body["documents"] = std::move(documents);
    }
    const std::string text = body.dump(-1, ' ', false, Value::error_handler_t::strict);
    const std::filesystem::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << magic << ' ' << format_version << ' ' << hex64(fnv1a64(text)) << '\n' << text;
        out.close();
        if (!out)
            throw Error(errc::io, "BM25 index '" + path.string() + "': cannot be written");
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec)
        throw Error(errc::io, "BM25 index '" + path.string() + "': cannot be written (" + ec.message() + ")");
}

std::shared_ptr<BM25Index> BM25Index::load(const std::filesystem::path& path,
                                           std::function<std::vector<std::string>(std::string_view)> tokenizer) {
    const std::string file = read_all(path);
    const std::string_view text = checked_body(file, path);
    Value body;
    try {
        body = Value::parse(text);
    } catch (const std::exception& e) {
        corrupt(path, std::string("the body is not JSON: ") + e.what());
    }
    if (!body.is_object())
        corrupt(path, "the body is not a JSON object");
    BM25Options options;
    options.k1 = field(body, "k1", &Value::is_number, "a number", path).get<double>();
    options.b = field(body, "b", &Value::is_number, "a number", path).get<double>();
    options.epsilon = field(body, "epsilon", &Value::is_number, "a number", path).get<double>();
    const std::string idf = field(body, "idf", &Value::is_string, "a string", path).get<std::string>();
    if (idf != "okapi" && idf != "lucene")
        corrupt(path, "'idf' is '" + idf + "', not okapi or lucene");
    options.idf = idf == "lucene" ? BM25Idf::lucene : BM25Idf::okapi;
    const bool custom = field(body, "custom_tokenizer", &Value::is_boolean, "a boolean", path).get<bool>();
    if (custom && !tokenizer)
        throw Error(errc::invalid_argument, "BM25 index '" + path.string() +
                                                "' was built with a custom tokenizer: pass the same one to load()");
    if (!custom && tokenizer)
        throw Error(errc::invalid_argument, "BM25 index '" + path.string() +
                                                "' was built with bm25_tokenize: load it without a tokenizer");
    options.tokenizer = std::move(tokenizer);
    const Value& next = field(body, "next_auto_id", &Value::is_number_unsigned, "a non-negative integer", path);
    Documents documents;
    try {
        documents = field(body, "documents", &Value::is_array, "an array", path).get<Documents>();
    } catch (const Error& e) {
        corrupt(path, std::string("a document is malformed: ") + e.what());
    }
    std::shared_ptr<BM25Index> index;
    try {
        index = std::make_shared<BM25Index>(std::move(options));
    } catch (const Error& e) {
        corrupt(path, e.what());
    }
    for (const Document& document : documents)
        if (document.id.empty())
            corrupt(path, "a document has no id");
    try {
        index->add(std::move(documents));
    } catch (const Error& e) {
        corrupt(path, e.what()); // a repeated id
    }
    index->next_auto_id_ = next.get<std::size_t>();
    return index;
}

} // namespace braid::retrieval
