// Options shared by the commands that run a model (generate, eval, bench, embed, chat): --model,
// --backend, --threads / -t, --ctx, --reference; loading with a progress bar when stderr is a terminal.
#pragma once

#include <string>

#include "braid/engine/context.hpp"
#include "braid/engine/model.hpp"
#include "command.hpp"

namespace braid::cli {

struct EngineOptions {
    std::string model;
    engine::ContextOptions context;
    bool quiet = false;
};

/// Consumes the shared options from @p args. Throws Error(errc::invalid_argument) for bad values.
EngineOptions read_engine_options(Args& args);

/// Loads the model, drawing a progress bar on a TTY unless quiet.
engine::Model load_model(const EngineOptions& options);

/// An integer option: the value after @p flag, or @p fallback; checked against [lo, hi].
long long int_option(Args& args, const std::string& flag, long long fallback, long long lo, long long hi);
/// A float option.
double float_option(Args& args, const std::string& flag, double fallback, double lo, double hi);

} // namespace braid::cli
