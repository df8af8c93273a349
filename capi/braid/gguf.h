/**
 * @file
 * @brief GGUF files: open and validate one, read its metadata and tensor list as JSON.
 *
 * Opening validates the whole file (every count, string, type, offset and extent) before anything is
 * read: a hostile file gives #BRAID_ERROR_MODEL_FORMAT naming the field and its byte offset. The file is
 * memory-mapped read-only; a handle may be read from many threads at once.
 */
#ifndef BRAID_GGUF_H
#define BRAID_GGUF_H

#include "braid/common.h"
#include "braid/errors.h"

BRAID_BEGIN_DECLS

/** An open, validated GGUF file. Thread-safe; free with braid_gguf_free(). */
typedef struct braid_gguf braid_gguf;

/**
 * Opens and validates a GGUF file.
 *
 * @param[out] out_file the file; the caller frees it with braid_gguf_free().
 * @param path the path (UTF-8).
 * @return #BRAID_OK; #BRAID_ERROR_IO; #BRAID_ERROR_MODEL_FORMAT; #BRAID_ERROR_UNSUPPORTED (version 1);
 *         #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_gguf_open(braid_gguf **out_file, const char *path);

/**
 * Closes a GGUF file.
 *
 * @param file the file, or NULL (nothing happens).
 */
BRAID_API void braid_gguf_free(braid_gguf *file);

/**
 * The file's header: `{"path", "version", "size", "alignment", "data_offset", "metadata_count",
 * "tensor_count", "parameters", "tensor_bytes"}`.
 *
 * @param[out] out_json the object; the caller frees it with braid_string_free().
 * @param file the file.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_gguf_info(char **out_json, const braid_gguf *file);

/**
 * Every metadata entry as one JSON object, key → value in file order. Arrays longer than
 * @p max_array_items become `{"element_type": "string", "count": 32000, "first": [...]}` (the first
 * @p max_array_items elements); use braid_gguf_value() for a whole long array.
 *
 * @param[out] out_json the object; the caller frees it with braid_string_free().
 * @param file the file.
 * @param max_array_items the longest array written whole (UINT32_MAX: all).
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_gguf_metadata(char **out_json, const braid_gguf *file, uint32_t max_array_items);

/**
 * One metadata value as JSON (arrays whole).
 *
 * @param[out] out_json the value; the caller frees it with braid_string_free().
 * @param file the file.
 * @param key the metadata key, e.g. "general.architecture".
 * @return #BRAID_OK; #BRAID_ERROR_NOT_FOUND; #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_gguf_value(char **out_json, const braid_gguf *file, const char *key);

/**
 * The tensors as a JSON array: `[{"name", "type", "dims": [...], "elements", "offset", "bytes",
 * "supported"}, ...]` in file order.
 *
 * @param[out] out_json the array; the caller frees it with braid_string_free().
 * @param file the file.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_gguf_tensors(char **out_json, const braid_gguf *file);

BRAID_END_DECLS

#endif /* BRAID_GGUF_H */
