/* The engine through the C ABI: GGUF files, tokenizers (caller buffers), models. */
#include <stdint.h>

#include "check.h"

#define DATA BRAID_TEST_DATA_DIR
static const char *const gpt2 = DATA "/vocab/ggml-vocab-gpt-2.gguf";
static const char *const llama_spm = DATA "/vocab/ggml-vocab-llama-spm.gguf";
static const char *const extract = DATA "/gguf/tiny-llama-gqa-q4_0.extract.gguf";
static const char *const spm_model = DATA "/spm/llama2-tokenizer.model";

static void test_gguf_open(void) {
    braid_gguf *file = NULL;
    CHECK_STATUS(BRAID_ERROR_IO, braid_gguf_open(&file, DATA "/does-not-exist.gguf"));
    CHECK(file == NULL);
    CHECK_STATUS(BRAID_ERROR_MODEL_FORMAT, braid_gguf_open(&file, DATA "/gguf/README.md"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_gguf_open(&file, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_gguf_open(NULL, extract));
    CHECK_OK(braid_gguf_open(&file, extract));
    char *out = NULL;
    CHECK_OK(braid_gguf_info(&out, file));
    CHECK_CONTAINS(out, "\"version\":3");
    CHECK_CONTAINS(out, "\"tensor_count\":");
    braid_string_free(out);
    CHECK_OK(braid_gguf_metadata(&out, file, 4));
    CHECK_CONTAINS(out, "\"general.architecture\":\"llama\"");
    braid_string_free(out);
    CHECK_OK(braid_gguf_value(&out, file, "general.architecture"));
    CHECK_STREQ(out, "\"llama\"");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_gguf_value(&out, file, "no.such.key"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_gguf_value(&out, file, NULL));
    CHECK_OK(braid_gguf_tensors(&out, file));
    CHECK_CONTAINS(out, "{\"name\":\"blk.0.attn_k.weight\",\"type\":\"q4_0\",\"dims\":[256,64]");
    braid_string_free(out);
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_gguf_tensors(&out, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_gguf_info(NULL, file));
    braid_gguf_free(file);
}

static void test_gguf_long_arrays(void) {
    braid_gguf *file = NULL;
    CHECK_OK(braid_gguf_open(&file, gpt2));
    char *out = NULL;
    CHECK_OK(braid_gguf_metadata(&out, file, 3));
    CHECK_CONTAINS(out, "\"tokenizer.ggml.tokens\":{\"element_type\":\"string\",\"count\":50257,\"first\":[\"!\",\"\\\"\",\"#\"]}");
    braid_string_free(out);
    CHECK_OK(braid_gguf_value(&out, file, "tokenizer.ggml.tokens"));
    CHECK(out && out[0] == '[' && strlen(out) > 50257 * 3);
    braid_string_free(out);
    braid_gguf_free(file);
}

static void test_tokenizer(void) {
    braid_tokenizer *tok = NULL;
    CHECK_OK(braid_tokenizer_load(&tok, gpt2));
    CHECK(braid_tokenizer_vocab_size(tok) == 50257);
    const char *text = "Hello world";
    size_t count = 99;
    CHECK_OK(braid_tokenizer_tokenize(&count, NULL, 0, tok, text, strlen(text), 0)); /* size query */
    CHECK(count == 2);
    int32_t one[1] = {-7};
    CHECK_STATUS(BRAID_ERROR_BUFFER_TOO_SMALL, braid_tokenizer_tokenize(&count, one, 1, tok, text, strlen(text), 0));
    CHECK(count == 2 && one[0] == -7);
    int32_t ids[8] = {0};
    CHECK_OK(braid_tokenizer_tokenize(&count, ids, 8, tok, text, strlen(text), 0));
    CHECK(count == 2 && ids[0] == 15496 && ids[1] == 995);
    /* text need not be NUL-terminated; an empty text has no tokens */
    CHECK_OK(braid_tokenizer_tokenize(&count, ids, 8, tok, "Hello world!!!", 5, 0));
    CHECK(count == 1 && ids[0] == 15496);
    CHECK_OK(braid_tokenizer_tokenize(&count, ids, 8, tok, NULL, 0, 0));
    CHECK(count == 0);

    size_t len = 0;
    const int32_t hello_world[] = {15496, 995};
    CHECK_OK(braid_tokenizer_detokenize(&len, NULL, 0, tok, hello_world, 2, 0));
    CHECK(len == 11);
    char small[11];
    CHECK_STATUS(BRAID_ERROR_BUFFER_TOO_SMALL, braid_tokenizer_detokenize(&len, small, sizeof small, tok, hello_world, 2, 0));
    CHECK(len == 11); /* the NUL needs room too */
    char buf[64];
    CHECK_OK(braid_tokenizer_detokenize(&len, buf, sizeof buf, tok, hello_world, 2, 0));
    CHECK_STREQ(buf, "Hello world");
    CHECK_OK(braid_tokenizer_token_to_piece(&len, buf, sizeof buf, tok, 995, 0));
    CHECK_STREQ(buf, " world");
    CHECK(len == 6);

    const int32_t out_of_range[] = {50257};
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_detokenize(&len, buf, sizeof buf, tok, out_of_range, 1, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_token_to_piece(&len, buf, sizeof buf, tok, -1, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_tokenize(&count, ids, 8, tok, text, strlen(text), 0x80));
    CHECK_CONTAINS(braid_last_error(), "unknown bits");
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_detokenize(&len, buf, sizeof buf, tok, hello_world, 2, 2));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_tokenize(&count, NULL, 4, tok, text, strlen(text), 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_tokenize(&count, ids, 8, tok, NULL, 3, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_tokenize(NULL, ids, 8, tok, text, 3, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_tokenize(&count, ids, 8, NULL, text, 3, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_detokenize(&len, buf, sizeof buf, tok, NULL, 2, 0));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_detokenize(&len, NULL, 5, tok, hello_world, 2, 0));
    CHECK(braid_tokenizer_vocab_size(NULL) == 0);
    CHECK(braid_tokenizer_bos(NULL) == -1 && braid_tokenizer_eos(NULL) == -1);
    CHECK(braid_tokenizer_is_control(NULL, 0) == 0);
    CHECK(braid_tokenizer_is_control(tok, 1 << 30) == 0);
    braid_tokenizer_free(tok);
}

static void test_tokenizer_special(void) {
    braid_tokenizer *tok = NULL;
    CHECK_OK(braid_tokenizer_load(&tok, llama_spm));
    CHECK(braid_tokenizer_bos(tok) == 1);
    CHECK(braid_tokenizer_eos(tok) == 2);
    CHECK(braid_tokenizer_is_control(tok, 1) == 1);
    CHECK(braid_tokenizer_is_control(tok, 15043) == 0);
    int32_t ids[16];
    size_t count = 0;
    const char *text = "Hello world";
    CHECK_OK(braid_tokenizer_tokenize(&count, ids, 16, tok, text, strlen(text), BRAID_TOKENIZE_ADD_SPECIAL));
    CHECK(count == 3 && ids[0] == 1 && ids[1] == 15043 && ids[2] == 3186);
    const char *marked = "<s>Hi";
    CHECK_OK(braid_tokenizer_tokenize(&count, ids, 16, tok, marked, strlen(marked), BRAID_TOKENIZE_PARSE_SPECIAL));
    CHECK(count >= 2 && ids[0] == 1);
    char buf[64];
    size_t len = 0;
    const int32_t with_bos[] = {1, 15043, 3186};
    CHECK_OK(braid_tokenizer_detokenize(&len, buf, sizeof buf, tok, with_bos, 3, 0));
    CHECK_STREQ(buf, "Hello world");
    CHECK_OK(braid_tokenizer_detokenize(&len, buf, sizeof buf, tok, with_bos, 3, BRAID_DETOKENIZE_RENDER_SPECIAL));
    CHECK_CONTAINS(buf, "<s>");
    braid_tokenizer_free(tok);

    /* a SentencePiece .model file */
    CHECK_OK(braid_tokenizer_load(&tok, spm_model));
    CHECK_OK(braid_tokenizer_tokenize(&count, ids, 16, tok, text, strlen(text), BRAID_TOKENIZE_ADD_SPECIAL));
    CHECK(count == 3 && ids[0] == 1 && ids[1] == 15043 && ids[2] == 3186);
    braid_tokenizer_free(tok);

    CHECK_STATUS(BRAID_ERROR_IO, braid_tokenizer_load(&tok, DATA "/nope.model"));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_tokenizer_load(&tok, NULL));
    CHECK(tok == NULL);
}

typedef struct progress {
    float last;
    int calls;
    int monotonic;
    int cancel_at; /* 0 = never */
} progress;

static braid_status on_progress(float done, void *user_data) {
    progress *p = (progress *)user_data;
    p->monotonic = p->monotonic && done >= p->last && done <= 1.0f;
    p->last = done;
    ++p->calls;
    return p->cancel_at && p->calls >= p->cancel_at ? BRAID_ERROR_CANCELLED : BRAID_OK;
}

static void test_model(void) {
    progress p = {0.0f, 0, 1, 0};
    braid_model_options options = BRAID_MODEL_OPTIONS_INIT;
    options.progress = on_progress;
    options.progress_user_data = &p;
    braid_model *model = NULL;
    CHECK_OK(braid_model_load(&model, llama_spm, &options));
    CHECK(p.calls >= 2 && p.monotonic && p.last == 1.0f);
    char *out = NULL;
    CHECK_OK(braid_model_info(&out, model));
    CHECK_CONTAINS(out, "\"architecture\":\"llama\"");
    CHECK_CONTAINS(out, "\"vocab_size\":32000");
    CHECK_CONTAINS(out, "\"has_tokenizer\":true");
    braid_string_free(out);
    CHECK_OK(braid_model_metadata(&out, model, 2));
    CHECK_CONTAINS(out, "\"tokenizer.ggml.model\":\"llama\"");
    braid_string_free(out);
    braid_tokenizer *tok = NULL;
    CHECK_OK(braid_model_tokenizer(&tok, model));
    braid_model_free(model); /* the tokenizer outlives the model */
    int32_t ids[4];
    size_t count = 0;
    CHECK_OK(braid_tokenizer_tokenize(&count, ids, 4, tok, "Hello", 5, 0));
    CHECK(count == 1 && ids[0] == 15043);
    braid_tokenizer_free(tok);

    /* a model extract (a few tensors of a model): its weights are not a model, its metadata is */
    CHECK_STATUS(BRAID_ERROR_MODEL_FORMAT, braid_model_load(&model, extract, NULL));
    CHECK_CONTAINS(braid_last_error(), "token_embd.weight");
    braid_model_options metadata_only = BRAID_MODEL_OPTIONS_INIT;
    metadata_only.flags = BRAID_MODEL_METADATA_ONLY;
    CHECK_OK(braid_model_load(&model, extract, &metadata_only));
    CHECK_OK(braid_model_info(&out, model));
    CHECK_CONTAINS(out, "\"context_length\":1024,\"embedding_length\":256,\"block_count\":3,\"head_count\":8,\"head_count_kv\":2,\"vocab_size\":512,\"tensor_count\":4");
    braid_string_free(out);
    braid_model_free(model);

    /* a file without a tokenizer loads, and says so (a file of the GGUF fuzz corpus: every tensor type, no tokenizer) */
    CHECK_OK(braid_model_load(&model, BRAID_SOURCE_DIR "/tests/fuzz/corpus/gguf/all-types.gguf", &metadata_only));
    CHECK_STATUS(BRAID_ERROR_NOT_FOUND, braid_model_tokenizer(&tok, model));
    CHECK_CONTAINS(braid_last_error(), "has no tokenizer");
    CHECK(tok == NULL);
    CHECK_OK(braid_model_info(&out, model));
    CHECK_CONTAINS(out, "\"architecture\":null");
    CHECK_CONTAINS(out, "\"vocab_size\":null");
    CHECK_CONTAINS(out, "\"has_tokenizer\":false");
    braid_string_free(out);
    braid_model_free(model);

    p = (progress){0.0f, 0, 1, 2};
    CHECK_STATUS(BRAID_ERROR_CANCELLED, braid_model_load(&model, llama_spm, &options));
    CHECK_CONTAINS(braid_last_error(), "progress callback cancelled the load");
    CHECK(model == NULL && p.calls == 2);
    options.flags = 0x10u;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_model_load(&model, llama_spm, &options));
    CHECK_CONTAINS(braid_last_error(), "options->flags has unknown bits");
    options.flags = 0;
    options.struct_size = 8;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_model_load(&model, llama_spm, &options));
    CHECK_STATUS(BRAID_ERROR_IO, braid_model_load(&model, DATA "/none.gguf", NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_model_load(&model, NULL, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_model_info(&out, NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_model_metadata(&out, NULL, 1));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_model_tokenizer(&tok, NULL));
}

static const check_test tests[] = {
    {"gguf_open", test_gguf_open},
    {"gguf_long_arrays", test_gguf_long_arrays},
    {"tokenizer", test_tokenizer},
    {"tokenizer_special", test_tokenizer_special},
    {"model", test_model},
};

CHECK_MAIN(tests)
