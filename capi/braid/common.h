/**
 * @file
 * @brief Definitions every header of braid's C ABI shares: the export macro, the C++ guards, library
 * strings (braid_string_free) and the callback that releases user data.
 *
 * Conventions of the whole C ABI (see docs/guides/c_abi.md):
 * - fallible functions return a ::braid_status (0 ok, negative errors) and write results to
 *   out-parameters, which come first; infallible getters return their value;
 * - on failure braid_last_error() says what went wrong;
 * - handles are opaque and typed; every handle has a NULL-safe `*_free`; handles are independent: freeing
 *   one never invalidates another (a chain keeps the steps it was built from alive);
 * - strings are UTF-8 and NUL-terminated; values cross as JSON text;
 * - strings returned through `char **out` belong to the caller, who frees them with braid_string_free();
 * - nothing ever throws or aborts across the boundary.
 */
#ifndef BRAID_COMMON_H
#define BRAID_COMMON_H

#include <stddef.h>
#include <stdint.h>

/** @cond BRAID_INTERNAL */
#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(BRAID_BUILDING_CAPI)
#define BRAID_API __declspec(dllexport)
#else
#define BRAID_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define BRAID_API __attribute__((visibility("default")))
#else
#define BRAID_API
#endif

#ifdef __cplusplus
#define BRAID_BEGIN_DECLS extern "C" {
#define BRAID_END_DECLS }
#else
#define BRAID_BEGIN_DECLS
#define BRAID_END_DECLS
#endif
/** @endcond */

BRAID_BEGIN_DECLS

/**
 * Releases the user data of a callback the library stored (see braid_runnable_from_callback()).
 * Called exactly once, on whichever thread drops the last reference.
 *
 * @param user_data the pointer given with the callback.
 */
typedef void (*braid_destroy_fn)(void *user_data);

/**
 * Frees a string the library returned through a `char **out` parameter.
 *
 * @param string the string, or NULL (nothing happens).
 *
 * Thread-safe. Use this function, not free(): the library and its caller may use different allocators.
 */
BRAID_API void braid_string_free(char *string);

BRAID_END_DECLS

#endif /* BRAID_COMMON_H */
