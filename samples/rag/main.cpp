// braid RAG sample: index a folder of documents, then answer questions over it with a local chat model —
// retrieved chunks | prompt | LocalChatModel | parser, streamed, with the sources used.
//
//   braid_sample_rag [DOCS] [EMBED.gguf] [CHAT.gguf] [STORE.sqlite]
//
// Defaults: samples/rag/docs, the shipped tiny-bert (random weights: retrieval by its vectors is close to
// arbitrary) and stories260K (a 260K-parameter story model: the answers are nonsense). Give real GGUF
// models (bge-small, a Qwen2.5-Instruct) for real answers. The store, its record manager and the embeddings
// cache live in STORE (default braid_rag.sqlite): a second run re-embeds nothing, and after a file changed
// only its chunks. Each stdin line is a question.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"
#include "braid/models/local_embeddings.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/retrieval/cached_embeddings.hpp"
#include "braid/retrieval/indexing.hpp"
#include "braid/retrieval/rag.hpp"
#include "braid/retrieval/record_manager.hpp"
#include "braid/retrieval/sqlite_vector_store.hpp"
#include "braid/retrieval/text_splitter.hpp"
#include "braid/retrieval/vector_store_retriever.hpp"

namespace rt = braid::retrieval;

namespace {

// Small chunks so that the three retrieved ones fit the tiny chat model's prompt.
constexpr std::size_t chunk_size = 300;
constexpr std::size_t chunk_overlap = 40;
constexpr std::size_t sources_per_question = 3;

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw braid::Error(braid::errc::io, "cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::shared_ptr<rt::SqliteVectorStore> open_store(const std::string& embed_path, const std::string& store_path) {
    auto model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(embed_path));
    auto local = std::make_shared<braid::LocalEmbeddings>(model);
    // The identity names the model file: the store refuses vectors of another model, the cache keys on it.
    const std::string identity = std::filesystem::path(embed_path).filename().string();
    auto cached = std::make_shared<rt::CachedEmbeddings>(local, store_path, identity);
    rt::SqliteVectorStoreOptions options;
    options.path = store_path;
    options.model_identity = identity;
    return std::make_shared<rt::SqliteVectorStore>(options, cached);
}

// Loads, splits and indexes the folder file by file; only what changed since the last run is embedded and
// written, and a file that fails to load is reported while the others go on.
void index_folder(const std::string& folder, rt::SqliteVectorStore& store, const std::string& store_path) {
    auto splitter = std::make_shared<rt::RecursiveCharacterTextSplitter>(
        rt::TextSplitterOptions{.chunk_size = chunk_size, .chunk_overlap = chunk_overlap, .add_start_index = true});
    rt::IndexDirectoryOptions options;
    options.split = [splitter](const rt::Documents& documents) { return splitter->split_documents(documents); };
    options.cleanup = rt::Cleanup::incremental;
    rt::SQLiteRecordManager records("braid_sample_rag", store_path);
    const rt::IndexDirectoryResult r = rt::index_directory(folder, records, store, options);
    for (const rt::FileError& error : r.errors)
        std::printf("skipped %s: %s\n", error.path.string().c_str(), error.message.c_str());
    std::printf("indexed %zu files as %zu chunks: %zu added, %zu updated, %zu skipped, %zu deleted\n", r.files_loaded,
                r.chunks, r.counts.num_added, r.counts.num_updated, r.counts.num_skipped, r.counts.num_deleted);
}

braid::LocalChatModelOptions chat_options(const braid::engine::Model& model) {
    braid::LocalChatModelOptions options;
    options.scheduler.n_seq_max = 1;
    options.scheduler.n_ctx = 4096;
    options.defaults.temperature = 0.0;
    options.defaults.max_tokens = 64;
    if (!model.chat_template()) // stories260K has none: ChatML, as its tests use
        options.chat_template = read_text(BRAID_SAMPLE_CHATML);
    return options;
}

void print_sources(const rt::Documents& sources, const std::string& answer) {
    std::printf("\nSources:\n");
    for (const braid::Value& s : rt::source_list(sources))
        std::printf("  [%d] %s\n", s["index"].get<int>(), s["source"].is_string() ? s["source"].get<std::string>().c_str() : "?");
    const rt::Citations cited = rt::parse_citations(answer, sources);
    std::printf("Cited by the answer: %zu of them\n", cited.numbers.size());
}

} // namespace

int main(int argc, char** argv) try {
    const std::string folder = argc > 1 ? argv[1] : BRAID_SAMPLE_DOCS;
    const std::string embed_path = argc > 2 ? argv[2] : BRAID_SAMPLE_EMBED_MODEL;
    const std::string chat_path = argc > 3 ? argv[3] : BRAID_SAMPLE_CHAT_MODEL;
    const std::string store_path = argc > 4 ? argv[4] : "braid_rag.sqlite";

    const auto store = open_store(embed_path, store_path);
    index_folder(folder, *store, store_path);
    rt::VectorStoreRetrieverOptions search;
    search.k = sources_per_question;
    const rt::Retriever retriever = rt::vector_store_retriever(store, search);

    auto chat_model = std::make_shared<const braid::engine::Model>(braid::engine::Model::load(chat_path));
    const auto chat = braid::make_runnable(std::make_shared<braid::LocalChatModel>(chat_model, chat_options(*chat_model)));
    const auto prompt = braid::ChatPromptTemplate::from_messages({
        {"system", "Answer the question from the numbered sources below and cite them as [n].\n\n{context}"},
        {"user", "{question}"},
    });
    const auto chain = prompt | chat | braid::StrOutputParser();

    std::string question;
    while (std::printf("question> "), std::fflush(stdout), std::getline(std::cin, question)) {
        if (question.empty())
            continue;
        const rt::Documents sources = retriever.invoke(question);
        const braid::Value input{{"context", rt::format_documents(sources)}, {"question", question}};
        std::string answer;
        for (const std::string& piece : chain.stream(input)) {
            std::printf("%s", piece.c_str());
            std::fflush(stdout);
            answer += piece;
        }
        print_sources(sources, answer);
    }
    std::printf("\n");
    return 0;
} catch (const braid::Error& e) {
    std::fprintf(stderr, "braid::Error(%s): %s\n", braid::errc_name(e.kind()), e.what());
    return 1;
}
