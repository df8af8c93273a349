/* libbraid stays mapped after dlclose() (it is linked with -z nodelete): runtimes such as Mono unload
 * native libraries while they shut down, when braid's threads may still be running its code. Loads the
 * library given as argument, closes it, and checks that it is still resident. Not linked to libbraid. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: stays_loaded LIBBRAID\n");
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "dlopen(%s): %s\n", argv[1], dlerror());
        return 1;
    }
    if (!dlsym(library, "braid_string_free")) {
        fprintf(stderr, "%s exports no braid_string_free\n", argv[1]);
        return 1;
    }
    if (dlclose(library) != 0) {
        fprintf(stderr, "dlclose: %s\n", dlerror());
        return 1;
    }
    if (!dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD)) {
        fprintf(stderr, "libbraid was unmapped by dlclose(): link it with -z nodelete\n");
        return 1;
    }
    puts("libbraid stays loaded after dlclose()");
    return 0;
}
