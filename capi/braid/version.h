/**
 * @file
 * @brief The version of braid: macros for the headers you compile against, functions for the library
 * you run with.
 *
 * Compare braid_version_number() with #BRAID_VERSION_NUMBER to detect a library older than the headers.
 * The shared library's SOVERSION changes with every incompatible change of the ABI (functions are never
 * changed in place: a changed signature gets a new `_v2` name).
 */
#ifndef BRAID_VERSION_H
#define BRAID_VERSION_H

#include "braid/common.h"

/** Major version of the headers. */
#define BRAID_VERSION_MAJOR 0
/** Minor version of the headers. */
#define BRAID_VERSION_MINOR 1
/** Patch version of the headers. */
#define BRAID_VERSION_PATCH 0
/** The version of the headers as text. */
#define BRAID_VERSION_STRING "0.1.0"
/** The version of the headers as one number: major * 1000000 + minor * 1000 + patch. */
#define BRAID_VERSION_NUMBER (BRAID_VERSION_MAJOR * 1000000 + BRAID_VERSION_MINOR * 1000 + BRAID_VERSION_PATCH)

BRAID_BEGIN_DECLS

/**
 * The version of the library at run time, e.g. "0.1.0".
 *
 * @return a static string (never NULL, never freed).
 */
BRAID_API const char *braid_version(void);

/**
 * The version of the library at run time as major * 1000000 + minor * 1000 + patch (see
 * #BRAID_VERSION_NUMBER).
 *
 * @return the version number.
 */
BRAID_API int32_t braid_version_number(void);

BRAID_END_DECLS

#endif /* BRAID_VERSION_H */
