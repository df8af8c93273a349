// The sampling flags of generate and chat: --temp, --top-k, --top-p, --min-p, --typical,
// --repeat-penalty, --repeat-last-n, --frequency-penalty, --presence-penalty, --seed, --logit-bias ID=B;
// and the grammar flags: --grammar FILE (GBNF), --grammar-trigger WORD and --grammar-trigger-token ID
// (repeatable; either makes the grammar lazy), or --json-schema FILE (a JSON Schema compiled to a grammar).
#pragma once

#include "braid/engine/generator.hpp"
#include "braid/engine/sampler.hpp"
#include "command.hpp"

namespace braid::cli {

engine::SamplingOptions read_sampling_options(Args& args);

/// Reads --grammar FILE (compiled here: a GBNF error names the file), --grammar-trigger WORD and
/// --grammar-trigger-token ID into @p gen. Triggers without --grammar are an error.
void read_grammar_options(Args& args, engine::GenerateOptions& gen);

} // namespace braid::cli
