// Compile-time checks of the options structs' layouts (the rule in docs/guides/c_abi.md, "Options structs
// that grow"): every struct ends exactly at its last field, so a field appended later always grows sizeof
// and an older library sees it (bytes past its struct_size that are not zero: BRAID_ERROR_UNSUPPORTED);
// padding at the end would swallow it instead. Where a version ended in padding, the padding is a named
// `_reserved` field of that version. The *_V1_SIZE constants are what the first version's callers pass.
#include <cstddef>

#include "braid.h"

#define BRAID_ENDS_AT(T, last)                                                                                  \
    static_assert(offsetof(T, last) + sizeof(T::last) == sizeof(T),                                             \
                  #T " ends in padding: name it (a _reserved field) so that the next field appended grows sizeof")

BRAID_ENDS_AT(braid_run_options, config_json);
BRAID_ENDS_AT(braid_retry_options, retry_on);
BRAID_ENDS_AT(braid_json_parser_options, max_depth);
BRAID_ENDS_AT(braid_model_options, progress_user_data);
BRAID_ENDS_AT(braid_context_options, backend);
BRAID_ENDS_AT(braid_generate_options, _reserved1);
BRAID_ENDS_AT(braid_embed_options, _reserved0);
BRAID_ENDS_AT(braid_local_chat_model_options, _reserved0);
BRAID_ENDS_AT(braid_local_embeddings_options, pooling);
BRAID_ENDS_AT(braid_json_schema_options, max_compile_ms);

// Version 1 of each struct, as shipped: these sizes never change.
static_assert(BRAID_RUN_OPTIONS_V1_SIZE == sizeof(braid_run_options));
static_assert(BRAID_RETRY_OPTIONS_V1_SIZE == sizeof(braid_retry_options));
static_assert(BRAID_JSON_PARSER_OPTIONS_V1_SIZE == sizeof(braid_json_parser_options));
static_assert(BRAID_MODEL_OPTIONS_V1_SIZE == sizeof(braid_model_options));
static_assert(BRAID_CONTEXT_OPTIONS_V1_SIZE == sizeof(braid_context_options));
static_assert(BRAID_GENERATE_OPTIONS_V1_SIZE == offsetof(braid_generate_options, cancel));
static_assert(BRAID_EMBED_OPTIONS_V1_SIZE == sizeof(braid_embed_options));
static_assert(BRAID_LOCAL_CHAT_MODEL_OPTIONS_V1_SIZE == sizeof(braid_local_chat_model_options));
static_assert(BRAID_LOCAL_EMBEDDINGS_OPTIONS_V1_SIZE == offsetof(braid_local_embeddings_options, pooling));
static_assert(BRAID_JSON_SCHEMA_OPTIONS_V1_SIZE == sizeof(braid_json_schema_options));
