// The C functions of braid/tokenizer.h.
#include <span>
#include <vector>

#include "buffers.hpp"
#include "options.hpp"
#include "handles.hpp"
#include "braid/tokenizer.h"

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_tokenizer_load(braid_tokenizer** out_tokenizer, const char* path) {
    return guard([&] {
        out_param(out_tokenizer, "out_tokenizer");
        std::shared_ptr<const engine::Tokenizer> tokenizer = engine::load_tokenizer(require(path, "path"));
        auto* handle = new TokenizerHandle;
        handle->tokenizer = std::move(tokenizer);
        *out_tokenizer = to_handle<braid_tokenizer>(handle);
    });
}

void braid_tokenizer_free(braid_tokenizer* tokenizer) { release(tokenizer); }

braid_status braid_tokenizer_tokenize(size_t* out_count, int32_t* tokens, size_t capacity,
                                      const braid_tokenizer* tokenizer, const char* text, size_t text_len,
                                      uint32_t flags) {
    return guard([&]() -> braid_status {
        *require(out_count, "out_count") = 0;
        check_buffer(tokens, capacity, "tokens");
        const engine::Tokenizer& tok = *use(tokenizer, "tokenizer").tokenizer;
        if (!text && text_len > 0)
            throw Error(errc::invalid_argument, "text is NULL but text_len is " + std::to_string(text_len));
        check_flags(flags, BRAID_TOKENIZE_ADD_SPECIAL | BRAID_TOKENIZE_PARSE_SPECIAL, "flags");
        const std::vector<engine::TokenId> ids =
            tok.tokenize(std::string_view(text ? text : "", text_len), (flags & BRAID_TOKENIZE_ADD_SPECIAL) != 0,
                         (flags & BRAID_TOKENIZE_PARSE_SPECIAL) != 0);
        *out_count = ids.size();
        return deliver(tokens, capacity, ids.data(), ids.size(), "tokens");
    });
}

braid_status braid_tokenizer_detokenize(size_t* out_len, char* text, size_t capacity, const braid_tokenizer* tokenizer,
                                        const int32_t* tokens, size_t count, uint32_t flags) {
    return guard([&]() -> braid_status {
        *require(out_len, "out_len") = 0;
        check_buffer(text, capacity, "text");
        const engine::Tokenizer& tok = *use(tokenizer, "tokenizer").tokenizer;
        if (!tokens && count > 0)
            throw Error(errc::invalid_argument, "tokens is NULL but count is " + std::to_string(count));
        check_flags(flags, BRAID_DETOKENIZE_RENDER_SPECIAL, "flags");
        const std::span<const engine::TokenId> ids(tokens, tokens ? count : 0);
        const std::string result = tok.detokenize(ids, (flags & BRAID_DETOKENIZE_RENDER_SPECIAL) != 0);
        *out_len = result.size();
        return deliver_text(text, capacity, result, "text");
    });
}

braid_status braid_tokenizer_token_to_piece(size_t* out_len, char* piece, size_t capacity,
                                            const braid_tokenizer* tokenizer, int32_t token, uint32_t flags) {
    return guard([&]() -> braid_status {
        *require(out_len, "out_len") = 0;
        check_buffer(piece, capacity, "piece");
        const engine::Tokenizer& tok = *use(tokenizer, "tokenizer").tokenizer;
        check_flags(flags, BRAID_DETOKENIZE_RENDER_SPECIAL, "flags");
        const std::string result = tok.token_to_piece(token, (flags & BRAID_DETOKENIZE_RENDER_SPECIAL) != 0);
        *out_len = result.size();
        return deliver_text(piece, capacity, result, "piece");
    });
}

size_t braid_tokenizer_vocab_size(const braid_tokenizer* tokenizer) {
    try {
        return use(tokenizer, "tokenizer").tokenizer->vocab_size();
    } catch (...) {
        return 0;
    }
}

int32_t braid_tokenizer_bos(const braid_tokenizer* tokenizer) {
    try {
        return use(tokenizer, "tokenizer").tokenizer->bos().value_or(-1);
    } catch (...) {
        return -1;
    }
}

int32_t braid_tokenizer_eos(const braid_tokenizer* tokenizer) {
    try {
        return use(tokenizer, "tokenizer").tokenizer->eos().value_or(-1);
    } catch (...) {
        return -1;
    }
}

int32_t braid_tokenizer_is_control(const braid_tokenizer* tokenizer, int32_t token) {
    try {
        return use(tokenizer, "tokenizer").tokenizer->is_control(token) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

} // extern "C"
