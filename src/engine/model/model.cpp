// Model::load: open the GGUF file, find the architecture, read its shape, build the tokenizer, bind
// and validate every weight, and touch the weights' pages so the first token does not pay for the I/O.
#include <algorithm>
#include <chrono>
#include <string>

#include "braid/error.hpp"
#include "engine/model/model_impl.hpp"

namespace braid::engine {

namespace {

// Control tokens that end a turn in common chat formats, beyond the file's EOS/EOT ids.
constexpr const char* end_markers[] = {"<|im_end|>", "<|eot_id|>", "<|end|>", "<|endoftext|>", "<end_of_turn>",
                                       "<|end_of_text|>", "<|eom_id|>", "</s>", "<|END_OF_TURN_TOKEN|>"};

void touch_pages(const Weight& w, volatile unsigned char& sink) {
    const auto* p = reinterpret_cast<const unsigned char*>(w.data);
    for (std::uint64_t off = 0; off < w.bytes; off += 4096)
        sink = static_cast<unsigned char>(sink + p[off]);
}

std::vector<TokenId> find_end_tokens(const gguf::File& file, const Vocab& vocab) {
    std::vector<TokenId> ids;
    if (vocab.eos())
        ids.push_back(*vocab.eos());
    for (const char* key : {"tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"}) {
        if (const gguf::Value* v = file.find(key)) {
            const std::int64_t id = v->as_int();
            if (id >= 0 && static_cast<std::size_t>(id) < vocab.size())
                ids.push_back(static_cast<TokenId>(id));
        }
    }
    for (const char* text : end_markers) {
        if (auto id = vocab.find(text); id && vocab.type(*id) == TokenType::control)
            ids.push_back(*id);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

} // namespace

bool Model::Impl::is_end_of_generation(TokenId id) const {
    return std::binary_search(end_of_generation.begin(), end_of_generation.end(), id);
}

Model::Model(std::shared_ptr<const Impl> impl) noexcept : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Model Model::load(const std::filesystem::path& path, const ModelOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    auto report = [&](float fraction) {
        if (options.progress && !options.progress(fraction))
            throw Error(errc::cancelled, "loading " + path.string() + " was cancelled");
    };
    report(0.0f);
    auto impl = std::make_shared<Impl>(gguf::File::open(path));
    const gguf::File& file = impl->file;
    ModelInfo& info = impl->info;
    try {
        info.architecture = std::string(file.get<std::string_view>("general.architecture"));
    } catch (const Error& e) {
        throw Error(errc::model_format, path.string() + ": " + e.what());
    }
    impl->architecture = find_architecture(info.architecture);
    if (!impl->architecture) {
        std::string known;
        for (auto name : architecture_names())
            known += (known.empty() ? "" : ", ") + std::string(name);
        throw Error(errc::unsupported, path.string() + ": architecture '" + info.architecture +
                                           "' is not supported (braid runs " + known + ")");
    }
    try {
        info.name = std::string(file.get_or<std::string_view>("general.name", ""));
        impl->architecture->read_info(file, info);
        Vocab vocab = Vocab::from_gguf(path);
        impl->end_of_generation = find_end_tokens(file, vocab);
        info.n_vocab = static_cast<std::int64_t>(vocab.size());
        impl->tokenizer = make_tokenizer(std::move(vocab));
        impl->weights = WeightTable(file);
        impl->graph = impl->architecture->bind(impl->weights, info);
    } catch (const Error& e) {
        throw Error(e.kind(), path.string() + ": " + e.what());
    }
    std::uint64_t total = 0;
    for (const Weight& w : impl->weights.all()) {
        total += w.bytes;
        info.n_params += static_cast<std::uint64_t>(w.ne0 * w.ne1);
    }
    info.weight_bytes = total;
    std::uint64_t done = 0;
    volatile unsigned char sink = 0;
    for (const Weight& w : impl->weights.all()) {
        touch_pages(w, sink);
        done += w.bytes;
        report(total ? static_cast<float>(static_cast<double>(done) / static_cast<double>(total)) : 1.0f);
    }
    impl->backend = options.backend;
    impl->load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return Model(std::move(impl));
}

const ModelInfo& Model::info() const noexcept { return impl_->info; }
const Tokenizer& Model::tokenizer() const noexcept { return *impl_->tokenizer; }
const gguf::File& Model::file() const noexcept { return impl_->file; }
BackendKind Model::default_backend() const noexcept { return impl_->backend; }
bool Model::is_end_of_generation(TokenId id) const noexcept { return impl_->is_end_of_generation(id); }
double Model::load_ms() const noexcept { return impl_->load_ms; }

std::optional<std::string> Model::chat_template() const {
    if (const gguf::Value* v = impl_->file.find("tokenizer.chat_template"))
        return std::string(v->as_string());
    return std::nullopt;
}

std::string Model::token_text(TokenId id) const {
    return impl_->tokenizer->token_to_piece(id, true);
}

const char* pooling_name(Pooling pooling) noexcept {
    switch (pooling) {
    case Pooling::none: return "none";
    case Pooling::mean: return "mean";
    case Pooling::cls: return "cls";
    case Pooling::last: return "last";
    }
    return "?";
}

std::string_view backend_name(BackendKind kind) noexcept {
    switch (kind) {
    case BackendKind::automatic: return "auto";
    case BackendKind::cpu: return "cpu";
    case BackendKind::vulkan: return "vulkan";
    }
    return "?";
}

std::optional<BackendKind> backend_from_name(std::string_view name) noexcept {
    if (name == "auto") return BackendKind::automatic;
    if (name == "cpu") return BackendKind::cpu;
    if (name == "vulkan") return BackendKind::vulkan;
    return std::nullopt;
}

} // namespace braid::engine
