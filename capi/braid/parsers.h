/**
 * @file
 * @brief Output parsers as runnables: text, JSON, lists, JSON validated by a schema, XML.
 *
 * A parser takes a model's answer: a JSON string, a message object (its "content") or, when streaming,
 * message chunks. Every parser streams: text chunks pass through; the JSON, structured and XML parsers
 * emit the value parsed so far each time it grows (each chunk is a complete snapshot that replaces the
 * previous one); the list parser emits arrays of the items completed.
 */
#ifndef BRAID_PARSERS_H
#define BRAID_PARSERS_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/runnable.h"

BRAID_BEGIN_DECLS

/** Options of the JSON and structured parsers. Start from #BRAID_JSON_PARSER_OPTIONS_INIT. */
typedef struct braid_json_parser_options {
    uint32_t struct_size;   /**< sizeof(braid_json_parser_options). */
    uint32_t allow_partial; /**< Non-zero: an answer that ends inside the JSON gives the partial value. */
    uint32_t max_depth;     /**< Deepest nesting accepted (≥ 1). Default 256. */
} braid_json_parser_options;

/** The size of version 1 of braid_json_parser_options (what a caller must pass at least). */
#define BRAID_JSON_PARSER_OPTIONS_V1_SIZE 12u

/** The default JSON parser options. */
#define BRAID_JSON_PARSER_OPTIONS_INIT {sizeof(braid_json_parser_options), 0u, 256u}

/** How a list is written in a model's answer (braid_parser_list()). */
typedef enum braid_list_style {
    BRAID_LIST_COMMA = 0,    /**< `red, green, blue` (double quotes protect commas). */
    BRAID_LIST_NEWLINE = 1,  /**< One item per line. */
    BRAID_LIST_NUMBERED = 2, /**< `1. red` / `2) green` lines; other lines ignored. */
    BRAID_LIST_MARKDOWN = 3, /**< `- red` / `* green` bullets; other lines ignored. */
    BRAID_LIST_STYLE_MAX_ENUM = 0x7FFFFFFF /**< Keeps the enum 32 bits wide. */
} braid_list_style;

/**
 * The answer as text (a JSON string); streaming passes each chunk's text on at once.
 *
 * @param[out] out the parser; free with braid_runnable_free().
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_parser_str(braid_runnable **out);

/**
 * The JSON value in the answer (a ```json fence, or the first object/array in the prose).
 *
 * @param[out] out the parser; free with braid_runnable_free().
 * @param options NULL for the defaults, or the options.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_parser_json(braid_runnable **out, const braid_json_parser_options *options);

/**
 * A JSON array of the strings listed in the answer.
 *
 * @param[out] out the parser; free with braid_runnable_free().
 * @param style a ::braid_list_style.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT (also for an unknown style).
 */
BRAID_API braid_status braid_parser_list(braid_runnable **out, braid_list_style style);

/**
 * The JSON value in the answer, validated against a JSON Schema (#BRAID_ERROR_VALIDATION naming each
 * failing path, e.g. `$.items[2].name: expected string, got number`).
 *
 * @param[out] out the parser; free with braid_runnable_free().
 * @param schema_json the schema.
 * @param options NULL for the defaults, or the options.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT for a malformed schema; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_parser_structured(braid_runnable **out, const char *schema_json,
                                               const braid_json_parser_options *options);

/**
 * The first XML element of the answer as JSON: `{"root": ...}`, an element without children or attributes
 * as its text, others as objects (children by tag, repeated tags as arrays, attributes as "@name").
 *
 * @param[out] out the parser; free with braid_runnable_free().
 * @param tags_json NULL, or a JSON array of the tag names the format instructions suggest.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT; #BRAID_ERROR_PARSE.
 */
BRAID_API braid_status braid_parser_xml(braid_runnable **out, const char *tags_json);

/**
 * Text for a prompt telling the model how to answer so that @p parser can parse it.
 *
 * @param[out] out_text the instructions; the caller frees them with braid_string_free().
 * @param parser a runnable made by one of the braid_parser_* functions.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT (NULL, or not a parser).
 */
BRAID_API braid_status braid_parser_format_instructions(char **out_text, const braid_runnable *parser);

BRAID_END_DECLS

#endif /* BRAID_PARSERS_H */
