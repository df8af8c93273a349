/* Links the installed libbraid and runs a prompt | fake model | parser chain through it. */
#include <stdio.h>
#include <string.h>

#include <braid.h>

int main(void) {
    if (braid_version_number() != BRAID_VERSION_NUMBER) {
        fprintf(stderr, "library %s, headers %s\n", braid_version(), BRAID_VERSION_STRING);
        return 1;
    }
    braid_runnable *chain = NULL;
    char *out = NULL;
    if (braid_runnable_from_spec(&chain, "[{\"type\": \"prompt\", \"template\": \"Hi {name}\"},"
                                         " {\"type\": \"fake_chat_model\", \"responses\": [\"Hello!\"]},"
                                         " {\"type\": \"str_parser\"}]", NULL, NULL, 0) != BRAID_OK ||
        braid_runnable_invoke(&out, chain, "{\"name\": \"Ann\"}", NULL) != BRAID_OK) {
        fprintf(stderr, "%s\n", braid_last_error());
        return 1;
    }
    const int ok = strcmp(out, "\"Hello!\"") == 0;
    printf("installed libbraid %s: %s\n", braid_version(), out);
    braid_string_free(out);
    braid_runnable_free(chain);
    return ok ? 0 : 1;
}
