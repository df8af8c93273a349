/**
 * @file
 * @brief Declarative chains: a runnable graph built from a JSON description.
 *
 * A spec is a JSON object with a "type", or an array (a sequence of specs):
 * - `{"type": "sequence", "steps": [spec, ...]}`
 * - `{"type": "prompt", "template": "...", "partial": {...}}`
 * - `{"type": "chat_prompt", "messages": [...], "partial": {...}}` (parts as braid_chat_prompt_template())
 * - `{"type": "fake_chat_model", "responses": [...], ...}` (keys as braid_fake_chat_model())
 * - `{"type": "str_parser"}`, `{"type": "json_parser", "allow_partial": false, "max_depth": 256}`,
 *   `{"type": "list_parser", "style": "comma"|"newline"|"numbered"|"markdown"}`,
 *   `{"type": "structured_parser", "schema": {...}}`, `{"type": "xml_parser", "tags": [...]}`
 * - `{"type": "passthrough"}`, `{"type": "parallel", "branches": {"key": spec, ...}}`,
 *   `{"type": "assign", "branches": {...}}`, `{"type": "pick", "key": "k"}` or `"keys": [...]`
 * - `{"type": "branch", "cases": [{"when": spec, "then": spec}, ...], "default": spec}`
 * - `{"type": "router", "key": "k", "routes": {"value": spec, ...}, "default": spec}`
 * - `{"type": "ref", "name": "..."}`: a runnable the caller passes in (e.g. a callback step).
 *
 * Any spec object may also have "retry" (`{"max_attempts", "initial_delay_ms", "max_delay_ms",
 * "multiplier", "jitter", "on": ["parse", ...]}`), "fallbacks" ([spec, ...]) with "fallbacks_on" (error
 * names), "bind" ({...}) and "config" ({...} as braid_runnable_with_config()), applied in that order.
 * Errors name the place in the spec as a JSON pointer (`/steps/2/type`).
 */
#ifndef BRAID_SPEC_H
#define BRAID_SPEC_H

#include "braid/common.h"
#include "braid/errors.h"
#include "braid/runnable.h"

BRAID_BEGIN_DECLS

/**
 * Builds a runnable from a spec.
 *
 * @param[out] out the runnable; free with braid_runnable_free().
 * @param spec_json the spec.
 * @param ref_names NULL, or @p ref_count names that `{"type": "ref"}` specs may use.
 * @param refs NULL, or @p ref_count runnables, one per name (not taken over: they may be freed after).
 * @param ref_count the number of references.
 * @return #BRAID_OK; #BRAID_ERROR_INVALID_ARGUMENT naming the place of the problem; #BRAID_ERROR_PARSE;
 *         #BRAID_ERROR_NOT_FOUND for an unknown reference; the errors of the constructors.
 */
BRAID_API braid_status braid_runnable_from_spec(braid_runnable **out, const char *spec_json,
                                                const char *const *ref_names, const braid_runnable *const *refs,
                                                size_t ref_count);

BRAID_END_DECLS

#endif /* BRAID_SPEC_H */
