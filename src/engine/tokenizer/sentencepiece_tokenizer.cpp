// SentencePiece `.model` files behind the Tokenizer interface, through libsentencepiece; and
// load_tokenizer, which picks GGUF or SentencePiece by the file's magic.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

#include <sentencepiece_processor.h>

#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"

namespace braid::engine {

namespace {

class SentencePieceTokenizer final : public Tokenizer {
public:
    explicit SentencePieceTokenizer(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Error(errc::io, "cannot open SentencePiece model '" + path.string() + "'");
        std::error_code ec;
        const auto size = std::filesystem::file_size(path, ec);
        if (ec) throw Error(errc::io, "cannot read the size of '" + path.string() + "': " + ec.message());
        // Real models are a few MB; refuse to read a huge unrelated file into memory.
        if (size > kMaxModelBytes)
            throw Error(errc::model_format, "'" + path.string() + "' is too large (" + std::to_string(size) +
                                                " bytes) to be a SentencePiece model");
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto status = sp_.LoadFromSerializedProto(bytes);
        if (!status.ok())
            throw Error(errc::model_format,
                        "'" + path.string() + "' is not a valid SentencePiece model: " + status.ToString());
        const int n = sp_.GetPieceSize();
        for (int id = 0; id < n; ++id)
            if (sp_.IsControl(id) && !sp_.IdToPiece(id).empty()) controls_.push_back(id);
        std::stable_sort(controls_.begin(), controls_.end(),
                         [&](int a, int b) { return sp_.IdToPiece(a).size() > sp_.IdToPiece(b).size(); });
    }

    std::vector<TokenId> tokenize(std::string_view text, bool add_special, bool parse_special) const override {
        std::vector<TokenId> out;
        if (add_special && sp_.bos_id() >= 0) out.push_back(sp_.bos_id());
        // Split around control-token text when asked; SentencePiece itself never parses it.
        std::vector<std::pair<std::string_view, int>> frags;
        if (!text.empty()) frags.emplace_back(text, -1);
        if (parse_special) {
            for (int id : controls_) {
                const std::string& s = sp_.IdToPiece(id);
                std::vector<std::pair<std::string_view, int>> next;
                for (auto [t, tok] : frags) {
                    if (tok >= 0) { next.emplace_back(t, tok); continue; }
                    for (std::size_t at; (at = t.find(s)) != std::string_view::npos;) {
                        if (at > 0) next.emplace_back(t.substr(0, at), -1);
                        next.emplace_back(std::string_view{}, id);
                        t.remove_prefix(at + s.size());
                    }
                    if (!t.empty()) next.emplace_back(t, -1);
                }
                frags = std::move(next);
            }
        }
        std::vector<int> ids;
        for (auto [t, tok] : frags) {
            if (tok >= 0) { out.push_back(tok); continue; }
            auto status = sp_.Encode(t, &ids);
            if (!status.ok()) throw Error(errc::invalid_argument, "SentencePiece could not encode: " + status.ToString());
            out.insert(out.end(), ids.begin(), ids.end());
        }
        return out;
    }

    std::string token_to_piece(TokenId id, bool render_special) const override {
        check(id);
        if (sp_.IsControl(id)) return render_special ? sp_.IdToPiece(id) : std::string();
        if (sp_.IsByte(id)) {
            const std::string& p = sp_.IdToPiece(id); // "<0xXX>"
            unsigned value = 0;
            if (p.size() == 6 && std::sscanf(p.c_str(), "<0x%2x>", &value) == 1) return std::string(1, static_cast<char>(value));
            return p;
        }
        if (sp_.IsUnknown(id)) return "\xE2\x96\x85";
        std::string piece = sp_.IdToPiece(id);
        std::string out;
        for (std::size_t i = 0; i < piece.size();) {
            if (piece.compare(i, 3, "\xE2\x96\x81") == 0) { out.push_back(' '); i += 3; }
            else out.push_back(piece[i++]);
        }
        return out;
    }

    std::string detokenize(std::span<const TokenId> ids, bool render_special) const override {
        std::string out;
        std::vector<int> run; // consecutive ordinary ids decode together (SentencePiece drops the dummy prefix)
        auto flush = [&] {
            if (run.empty()) return;
            std::string text;
            auto status = sp_.Decode(run, &text);
            if (!status.ok()) throw Error(errc::invalid_argument, "SentencePiece could not decode: " + status.ToString());
            out += text;
            run.clear();
        };
        for (TokenId id : ids) {
            check(id);
            if (sp_.IsControl(id)) {
                flush();
                if (render_special) out += sp_.IdToPiece(id);
            } else {
                run.push_back(id);
            }
        }
        flush();
        return out;
    }

    std::size_t vocab_size() const override { return static_cast<std::size_t>(sp_.GetPieceSize()); }
    std::optional<TokenId> bos() const override { return sp_.bos_id() >= 0 ? std::optional<TokenId>(sp_.bos_id()) : std::nullopt; }
    std::optional<TokenId> eos() const override { return sp_.eos_id() >= 0 ? std::optional<TokenId>(sp_.eos_id()) : std::nullopt; }
    bool is_control(TokenId id) const override { return id >= 0 && id < sp_.GetPieceSize() && sp_.IsControl(id); }

private:
    static constexpr std::uintmax_t kMaxModelBytes = 256u << 20;

    void check(TokenId id) const {
        if (id < 0 || id >= sp_.GetPieceSize())
            throw Error(errc::invalid_argument, "token id " + std::to_string(id) + " is out of range (vocabulary has " +
                                                    std::to_string(sp_.GetPieceSize()) + " tokens)");
    }

    sentencepiece::SentencePieceProcessor sp_;
    std::vector<int> controls_;
};

} // namespace

std::unique_ptr<Tokenizer> load_sentencepiece_tokenizer(const std::filesystem::path& path) {
    return std::make_unique<SentencePieceTokenizer>(path);
}

std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(errc::io, "cannot open tokenizer file '" + path.string() + "'");
    char magic[4] = {};
    in.read(magic, 4);
    if (in.gcount() == 4 && std::string_view(magic, 4) == "GGUF") return make_tokenizer(Vocab::from_gguf(path));
    return load_sentencepiece_tokenizer(path);
}

} // namespace braid::engine
