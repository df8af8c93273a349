/* A minimal test harness for the C ABI tests (plain C11): CHECK macros that count failures, and a main
 * that runs every test of a file, or the one named on the command line (how ctest runs them). */
#ifndef BRAID_TESTS_CAPI_CHECK_H
#define BRAID_TESTS_CAPI_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid.h"

static int check_failures = 0;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);           \
            ++check_failures;                                                                  \
        }                                                                                      \
    } while (0)

/* The call must return `expected`; on a mismatch the last error is printed. */
#define CHECK_STATUS(expected, call)                                                           \
    do {                                                                                       \
        braid_status check_status_ = (call);                                                   \
        if (check_status_ != (expected)) {                                                     \
            fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d; last error: %s\n",       \
                    __FILE__, __LINE__, #call, (int)check_status_,                             \
                    braid_status_str(check_status_), (int)(expected), braid_last_error());     \
            ++check_failures;                                                                  \
        }                                                                                      \
    } while (0)

#define CHECK_OK(call) CHECK_STATUS(BRAID_OK, call)

/* `text` (may be NULL) must contain `part`. */
#define CHECK_CONTAINS(text, part)                                                             \
    do {                                                                                       \
        const char *check_text_ = (text);                                                      \
        if (!check_text_ || !strstr(check_text_, (part))) {                                    \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,     \
                    check_text_ ? check_text_ : "(null)", (part));                             \
            ++check_failures;                                                                  \
        }                                                                                      \
    } while (0)

/* `text` (may be NULL) must equal `expected`. */
#define CHECK_STREQ(text, expected)                                                            \
    do {                                                                                       \
        const char *check_text_ = (text);                                                      \
        if (!check_text_ || strcmp(check_text_, (expected)) != 0) {                            \
            fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,                   \
                    check_text_ ? check_text_ : "(null)", (expected));                         \
            ++check_failures;                                                                  \
        }                                                                                      \
    } while (0)

typedef struct check_test {
    const char *name;
    void (*run)(void);
} check_test;

/* The main of a test file: runs every test of `table`, or only those named in argv. */
#define CHECK_MAIN(table)                                                                      \
    int main(int argc, char **argv) {                                                          \
        size_t count = sizeof(table) / sizeof((table)[0]);                                     \
        int ran = 0;                                                                           \
        for (size_t i = 0; i < count; ++i) {                                                   \
            int wanted = argc < 2;                                                             \
            for (int a = 1; a < argc; ++a)                                                     \
                wanted = wanted || strcmp(argv[a], (table)[i].name) == 0;                      \
            if (!wanted)                                                                       \
                continue;                                                                      \
            int before = check_failures;                                                       \
            (table)[i].run();                                                                  \
            ++ran;                                                                             \
            fprintf(stderr, "%s %s\n", check_failures == before ? "ok  " : "FAIL",             \
                    (table)[i].name);                                                          \
        }                                                                                      \
        if (ran == 0) {                                                                        \
            fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "(none)");              \
            return 2;                                                                          \
        }                                                                                      \
        return check_failures == 0 ? 0 : 1;                                                    \
    }

#endif /* BRAID_TESTS_CAPI_CHECK_H */
