/* Versions, status codes, the thread-local error, library strings, options structs and handle checks. */
#include "check.h"

static void test_version(void) {
    CHECK_STREQ(braid_version(), BRAID_VERSION_STRING);
    CHECK(braid_version_number() == BRAID_VERSION_NUMBER);
    CHECK(BRAID_VERSION_NUMBER == BRAID_VERSION_MAJOR * 1000000 + BRAID_VERSION_MINOR * 1000 + BRAID_VERSION_PATCH);
}

static void test_status_str(void) {
    CHECK_STREQ(braid_status_str(BRAID_OK), "ok");
    CHECK_STREQ(braid_status_str(BRAID_DONE), "done");
    CHECK_STREQ(braid_status_str(BRAID_ERROR_PARSE), "parse error");
    CHECK_STREQ(braid_status_str(BRAID_ERROR_BUFFER_TOO_SMALL), "buffer too small");
    CHECK_STREQ(braid_status_str((braid_status)-9999), "unknown status");
    CHECK_STREQ(braid_status_str((braid_status)42), "unknown status");
    /* every code of braid::errc has its own text */
    for (int code = -14; code <= -1; ++code) {
        CHECK(strcmp(braid_status_str((braid_status)code), "unknown status") != 0);
        for (int other = code + 1; other <= -1; ++other)
            CHECK(strcmp(braid_status_str((braid_status)code), braid_status_str((braid_status)other)) != 0);
    }
    CHECK(sizeof(braid_status) == 4);
}

static void test_last_error(void) {
    CHECK(braid_last_error() != NULL);
    braid_runnable *r = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_pick(&r, NULL));
    CHECK(r == NULL);
    CHECK_CONTAINS(braid_last_error(), "key is NULL");
    /* a later failure replaces the message */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_pick(NULL, "k"));
    CHECK_CONTAINS(braid_last_error(), "out is NULL");
}

static void test_free_null(void) {
    braid_string_free(NULL);
    braid_runnable_free(NULL);
    braid_stream_free(NULL);
    braid_cancel_token_free(NULL);
    braid_gguf_free(NULL);
    braid_tokenizer_free(NULL);
    braid_model_free(NULL);
}

static void test_options_struct_size(void) {
    braid_runnable *step = NULL;
    CHECK_OK(braid_runnable_passthrough(&step));
    char *out = NULL;
    braid_run_options options = BRAID_RUN_OPTIONS_INIT;
    CHECK(options.struct_size == sizeof(braid_run_options));
    CHECK_OK(braid_runnable_invoke(&out, step, "[1]", &options));
    CHECK_STREQ(out, "[1]");
    braid_string_free(out);

    options.struct_size = 4; /* smaller than any version */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, step, "1", &options));
    CHECK(out == NULL);
    CHECK_CONTAINS(braid_last_error(), "struct_size");

    /* a caller built against newer headers: unknown trailing fields must be zero */
    struct {
        braid_run_options known;
        uint64_t newer_field;
    } newer;
    memset(&newer, 0, sizeof newer);
    newer.known.struct_size = (uint32_t)sizeof newer;
    CHECK_OK(braid_runnable_invoke(&out, step, "2", &newer.known));
    CHECK_STREQ(out, "2");
    braid_string_free(out);
    newer.newer_field = 7;
    CHECK_STATUS(BRAID_ERROR_UNSUPPORTED, braid_runnable_invoke(&out, step, "2", &newer.known));
    CHECK_CONTAINS(braid_last_error(), "does not know");
    braid_runnable_free(step);
}

static void test_wrong_handles(void) {
    braid_cancel_token *token = NULL;
    CHECK_OK(braid_cancel_token_create(&token));
    char *out = NULL;
    /* a handle of another type is refused, not used */
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_invoke(&out, (const braid_runnable *)token, "1", NULL));
    CHECK_CONTAINS(braid_last_error(), "not a live braid_runnable");
    braid_runnable_free((braid_runnable *)token); /* ignored: not a runnable */
    CHECK(braid_cancel_token_is_cancelled(token) == 0);
    braid_cancel_token_free(token);

    /* zeroed memory is not a handle either */
    _Alignas(16) unsigned char zeros[256] = {0};
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_runnable_name(&out, (const braid_runnable *)zeros));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_gguf_info(&out, (const braid_gguf *)zeros));
    CHECK(braid_tokenizer_vocab_size((const braid_tokenizer *)zeros) == 0);
    CHECK(out == NULL);
}

static void test_cancel_token(void) {
    braid_cancel_token *token = NULL;
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_cancel_token_create(NULL));
    CHECK_STATUS(BRAID_ERROR_INVALID_ARGUMENT, braid_cancel_token_cancel(NULL));
    CHECK(braid_cancel_token_is_cancelled(NULL) == 0);
    CHECK_OK(braid_cancel_token_create(&token));
    CHECK(braid_cancel_token_is_cancelled(token) == 0);
    CHECK_OK(braid_cancel_token_cancel(token));
    CHECK_OK(braid_cancel_token_cancel(token)); /* idempotent */
    CHECK(braid_cancel_token_is_cancelled(token) == 1);
    braid_cancel_token_free(token);
}

static const check_test tests[] = {
    {"version", test_version},
    {"status_str", test_status_str},
    {"last_error", test_last_error},
    {"free_null", test_free_null},
    {"options_struct_size", test_options_struct_size},
    {"wrong_handles", test_wrong_handles},
    {"cancel_token", test_cancel_token},
};

CHECK_MAIN(tests)
