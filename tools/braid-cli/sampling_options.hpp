// The sampling flags of generate and chat: --temp, --top-k, --top-p, --min-p, --typical,
// --repeat-penalty, --repeat-last-n, --frequency-penalty, --presence-penalty, --seed, --logit-bias ID=B.
#pragma once

#include "braid/engine/sampler.hpp"
#include "command.hpp"

namespace braid::cli {

engine::SamplingOptions read_sampling_options(Args& args);

} // namespace braid::cli
