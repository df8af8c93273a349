/**
 * @file
 * @brief Tokenizers: text to token ids and back, from a GGUF vocabulary (SPM, byte-level BPE, WordPiece)
 * or a SentencePiece `.model` file.
 *
 * Output goes to buffers the caller owns: pass a buffer and its capacity; the size needed is always
 * written, and a buffer too small gives #BRAID_ERROR_BUFFER_TOO_SMALL (call again with a larger one, or
 * first with capacity 0 to ask for the size). A tokenizer is immutable: use it from many threads at once.
 *
 * @code
 * size_t n = 0;
 * braid_tokenizer_tokenize(&n, NULL, 0, tok, text, strlen(text), BRAID_TOKENIZE_ADD_SPECIAL);  // size
 * int32_t *ids = malloc(n * sizeof *ids);
 * braid_tokenizer_tokenize(&n, ids, n, tok, text, strlen(text), BRAID_TOKENIZE_ADD_SPECIAL);
 * @endcode
 */
#ifndef BRAID_TOKENIZER_H
#define BRAID_TOKENIZER_H

#include "braid/common.h"
#include "braid/errors.h"

BRAID_BEGIN_DECLS

/** A tokenizer. Immutable and thread-safe; free with braid_tokenizer_free(). */
typedef struct braid_tokenizer braid_tokenizer;

/** braid_tokenizer_tokenize() flag: add BOS/EOS as the vocabulary says ([CLS]/[SEP] for BERT). */
#define BRAID_TOKENIZE_ADD_SPECIAL 0x1u
/** braid_tokenizer_tokenize() flag: the text of control tokens (e.g. `<|im_start|>`) stands for them. */
#define BRAID_TOKENIZE_PARSE_SPECIAL 0x2u
/** braid_tokenizer_detokenize() / braid_tokenizer_token_to_piece() flag: write control tokens' text. */
#define BRAID_DETOKENIZE_RENDER_SPECIAL 0x1u

/**
 * Loads a tokenizer from a GGUF file's `tokenizer.ggml.*` metadata, or from a SentencePiece `.model` file.
 *
 * @param[out] out_tokenizer the tokenizer; the caller frees it with braid_tokenizer_free().
 * @param path the path (UTF-8).
 * @return #BRAID_OK; #BRAID_ERROR_IO; #BRAID_ERROR_MODEL_FORMAT; #BRAID_ERROR_UNSUPPORTED (an unknown
 *         BPE pre-tokenizer); #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_tokenizer_load(braid_tokenizer **out_tokenizer, const char *path);

/**
 * Frees a tokenizer.
 *
 * @param tokenizer the tokenizer, or NULL (nothing happens).
 */
BRAID_API void braid_tokenizer_free(braid_tokenizer *tokenizer);

/**
 * Tokenizes UTF-8 text (invalid UTF-8 is read as U+FFFD).
 *
 * @param[out] out_count the number of tokens of the text (written on success and on
 *             #BRAID_ERROR_BUFFER_TOO_SMALL).
 * @param[out] tokens NULL when @p capacity is 0, else room for @p capacity ids.
 * @param capacity the room in @p tokens.
 * @param tokenizer the tokenizer.
 * @param text the text (need not be NUL-terminated; NULL only with @p text_len 0).
 * @param text_len its length in bytes.
 * @param flags #BRAID_TOKENIZE_ADD_SPECIAL, #BRAID_TOKENIZE_PARSE_SPECIAL, or 0.
 * @return #BRAID_OK; #BRAID_ERROR_BUFFER_TOO_SMALL; #BRAID_ERROR_INVALID_ARGUMENT (also unknown flags).
 */
BRAID_API braid_status braid_tokenizer_tokenize(size_t *out_count, int32_t *tokens, size_t capacity,
                                                const braid_tokenizer *tokenizer, const char *text,
                                                size_t text_len, uint32_t flags);

/**
 * The text of a token sequence (so that detokenize(tokenize(t)) == t for SPM and BPE).
 *
 * @param[out] out_len the length in bytes of the text, without the terminating NUL (written on success and
 *             on #BRAID_ERROR_BUFFER_TOO_SMALL).
 * @param[out] text NULL when @p capacity is 0, else room for @p capacity bytes; on success it holds the text
 *             and a terminating NUL, so @p capacity must be at least *out_len + 1.
 * @param capacity the room in @p text.
 * @param tokenizer the tokenizer.
 * @param tokens the ids (NULL only with @p count 0).
 * @param count the number of ids.
 * @param flags #BRAID_DETOKENIZE_RENDER_SPECIAL or 0.
 * @return #BRAID_OK; #BRAID_ERROR_BUFFER_TOO_SMALL; #BRAID_ERROR_INVALID_ARGUMENT (an id out of range,
 *         unknown flags).
 */
BRAID_API braid_status braid_tokenizer_detokenize(size_t *out_len, char *text, size_t capacity,
                                                  const braid_tokenizer *tokenizer, const int32_t *tokens,
                                                  size_t count, uint32_t flags);

/**
 * The text one token stands for (a byte token gives its raw byte: a piece may be part of a UTF-8
 * character). Same buffer rules as braid_tokenizer_detokenize().
 *
 * @param[out] out_len the length of the piece in bytes, without the NUL.
 * @param[out] piece NULL when @p capacity is 0, else room for @p capacity bytes (piece and NUL).
 * @param capacity the room in @p piece.
 * @param tokenizer the tokenizer.
 * @param token the id.
 * @param flags #BRAID_DETOKENIZE_RENDER_SPECIAL or 0.
 * @return #BRAID_OK; #BRAID_ERROR_BUFFER_TOO_SMALL; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_tokenizer_token_to_piece(size_t *out_len, char *piece, size_t capacity,
                                                      const braid_tokenizer *tokenizer, int32_t token,
                                                      uint32_t flags);

/**
 * The number of tokens in the vocabulary.
 *
 * @param tokenizer the tokenizer (NULL gives 0).
 * @return the vocabulary size.
 */
BRAID_API size_t braid_tokenizer_vocab_size(const braid_tokenizer *tokenizer);

/**
 * The beginning-of-sequence token.
 *
 * @param tokenizer the tokenizer (NULL gives -1).
 * @return its id, or -1 when there is none.
 */
BRAID_API int32_t braid_tokenizer_bos(const braid_tokenizer *tokenizer);

/**
 * The end-of-sequence token.
 *
 * @param tokenizer the tokenizer (NULL gives -1).
 * @return its id, or -1 when there is none.
 */
BRAID_API int32_t braid_tokenizer_eos(const braid_tokenizer *tokenizer);

/**
 * Whether a token is a control token (BOS, EOS, chat markers).
 *
 * @param tokenizer the tokenizer (NULL gives 0).
 * @param token the id (out of range gives 0).
 * @return 1 or 0.
 */
BRAID_API int32_t braid_tokenizer_is_control(const braid_tokenizer *tokenizer, int32_t token);

BRAID_END_DECLS

#endif /* BRAID_TOKENIZER_H */
