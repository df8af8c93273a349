/**
 * @file
 * @brief Grammars and tool calls: GBNF grammars and JSON Schemas compiled once and checked against text,
 * and the parser that reads the tool calls a local model family writes.
 *
 * A ::braid_grammar is immutable after compiling and may be used from many threads at once: compile a
 * grammar once to check that it is valid, and test texts against it.
 *
 * @code
 * braid_grammar *g = NULL;
 * braid_grammar_compile_gbnf(&g, "root ::= \"yes\" | \"no\"");
 * uint32_t ok = 0;
 * braid_grammar_accepts(g, "yes", &ok);          // ok == 1
 * braid_grammar_free(g);
 *
 * char *message = NULL;                          // {"role": "assistant", "content": "", "tool_calls": [...]}
 * braid_tool_calls_parse(&message, "hermes",
 *     "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", NULL);
 * braid_string_free(message);
 * @endcode
 */
#ifndef BRAID_GRAMMAR_H
#define BRAID_GRAMMAR_H

#include "braid/common.h"
#include "braid/errors.h"

BRAID_BEGIN_DECLS

/** A compiled grammar. Immutable and thread-safe; free with braid_grammar_free(). */
typedef struct braid_grammar braid_grammar;

/**
 * Compiles a GBNF grammar (llama.cpp's syntax) whose start rule is `root`.
 *
 * @param[out] out the grammar; the caller frees it with braid_grammar_free().
 * @param gbnf the grammar text (UTF-8, NUL-terminated).
 * @return #BRAID_OK; #BRAID_ERROR_PARSE for malformed text ("line L, column C: ..."), an undefined or
 *         twice-defined rule, no `root` rule, left recursion or a grammar too large;
 *         #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_grammar_compile_gbnf(braid_grammar **out, const char *gbnf);

/**
 * Frees a grammar.
 *
 * @param grammar the grammar, or NULL (nothing happens).
 */
BRAID_API void braid_grammar_free(braid_grammar *grammar);

/**
 * Whether the whole of a text is a sentence of the grammar.
 *
 * @param grammar the grammar.
 * @param text the text (UTF-8 bytes, NUL-terminated).
 * @param[out] out_accepted 1 when the grammar accepts the text, else 0.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_grammar_accepts(const braid_grammar *grammar, const char *text, uint32_t *out_accepted);

/**
 * The GBNF text the grammar was compiled from.
 *
 * @param[out] out_gbnf the text; the caller frees it with braid_string_free().
 * @param grammar the grammar.
 * @return #BRAID_OK or #BRAID_ERROR_INVALID_ARGUMENT.
 */
BRAID_API braid_status braid_grammar_source(char **out_gbnf, const braid_grammar *grammar);

/** braid_json_schema_options flag: up to 20 whitespace characters wherever JSON allows them (default:
 *  at most one space after `,` and `:`). */
#define BRAID_JSON_SCHEMA_FLEXIBLE_WHITESPACE 0x1u
/** braid_json_schema_options flag: object properties in the order of `properties` (default: any order
 *  for objects of up to 8 properties). */
#define BRAID_JSON_SCHEMA_SCHEMA_ORDER 0x2u
/** braid_json_schema_options flag: an absent `additionalProperties` means false (closed objects) instead
 *  of the spec's true. */
#define BRAID_JSON_SCHEMA_CLOSED_OBJECTS 0x4u
/** braid_json_schema_options flag: drop keywords that cannot be enforced, with a warning in the log,
 *  instead of failing (the grammar may then accept values the schema rejects). */
#define BRAID_JSON_SCHEMA_IGNORE_UNSUPPORTED 0x8u

/**
 * How braid_grammar_from_json_schema() compiles a schema. Start from #BRAID_JSON_SCHEMA_OPTIONS_INIT;
 * fields are only ever appended.
 */
typedef struct braid_json_schema_options {
    uint32_t struct_size;    /**< sizeof(braid_json_schema_options). */
    uint32_t flags;          /**< #BRAID_JSON_SCHEMA_FLEXIBLE_WHITESPACE, #BRAID_JSON_SCHEMA_SCHEMA_ORDER,
                                  #BRAID_JSON_SCHEMA_CLOSED_OBJECTS, #BRAID_JSON_SCHEMA_IGNORE_UNSUPPORTED. */
    uint32_t max_compile_ms; /**< Compile-time budget: #BRAID_ERROR_TIMEOUT past it; 0: the default (1000 ms). */
} braid_json_schema_options;

/** The size of version 1 of braid_json_schema_options. */
#define BRAID_JSON_SCHEMA_OPTIONS_V1_SIZE 12u

/** The default JSON Schema options. */
#define BRAID_JSON_SCHEMA_OPTIONS_INIT {sizeof(braid_json_schema_options), 0u, 0u}

/**
 * Compiles a JSON Schema (draft 4 to 2020-12; an object or a boolean) into a grammar of the JSON values it
 * allows (braid_grammar_source() then gives the GBNF).
 *
 * @param[out] out the grammar; the caller frees it with braid_grammar_free().
 * @param schema_json the schema, JSON text.
 * @param options NULL for the defaults, or the options.
 * @return #BRAID_OK; #BRAID_ERROR_PARSE for schema_json that is not JSON; #BRAID_ERROR_UNSUPPORTED for a
 *         keyword braid cannot enforce (the message names it and its JSON pointer, e.g. `unsupported
 *         keyword 'not' at /properties/a`) or a grammar too large; #BRAID_ERROR_INVALID_ARGUMENT for a
 *         malformed schema, one no value satisfies, unknown flags or NULL arguments; #BRAID_ERROR_TIMEOUT
 *         past the compile budget.
 */
BRAID_API braid_status braid_grammar_from_json_schema(braid_grammar **out, const char *schema_json,
                                                      const braid_json_schema_options *options);

/**
 * Parses a model's whole answer (the text generated after the generation prompt) into an assistant
 * message: content, `tool_calls` (`[{"name", "args", "id"}]`) and `reasoning_content`.
 *
 * @param[out] out_json the message as JSON; the caller frees it with braid_string_free().
 * @param format the family's tool-call format: "generic", "hermes", "llama3", "mistral_nemo",
 *        "functionary_v3_2", "glm4", ... or an alias ("qwen", "qwen3", "mistral", ...), case-insensitive;
 *        a `+thinking` suffix (e.g. "hermes+thinking") reads a leading `<think>…</think>` as reasoning.
 * @param text the answer (UTF-8).
 * @param tools_json NULL, or the bound tools as a JSON array (OpenAI-style); a call of a tool not listed
 *        is then malformed.
 * @return #BRAID_OK; #BRAID_ERROR_PARSE for malformed calls or tools_json that is not JSON;
 *         #BRAID_ERROR_INVALID_ARGUMENT for an unknown format (the message lists the known ones) or
 *         tools_json that is not an array of tool definitions.
 */
BRAID_API braid_status braid_tool_calls_parse(char **out_json, const char *format, const char *text,
                                              const char *tools_json);

BRAID_END_DECLS

#endif /* BRAID_GRAMMAR_H */
