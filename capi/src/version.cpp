// braid_version / braid_version_number: the library's version, from the build (CMake's project version).
#include "braid/version.h"

#ifndef BRAID_LIBRARY_VERSION
#error "BRAID_LIBRARY_VERSION must be defined by the build (the project version)"
#endif

// The headers and the build must agree: capi/CMakeLists.txt checks it at configure time, this at
// compile time.
static_assert(sizeof(BRAID_LIBRARY_VERSION) == sizeof(BRAID_VERSION_STRING), "braid/version.h is out of date");

extern "C" {

const char* braid_version(void) { return BRAID_LIBRARY_VERSION; }

int32_t braid_version_number(void) { return BRAID_VERSION_NUMBER; }

} // extern "C"
