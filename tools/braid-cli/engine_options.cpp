#include "engine_options.hpp"

#include <cmath>
#include <cstdio>
#include <unistd.h>

#include "braid/error.hpp"

namespace braid::cli {

long long int_option(Args& args, const std::string& flag, long long fallback, long long lo, long long hi) {
    const std::string text = args.value(flag);
    if (text.empty())
        return fallback;
    std::size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || v < lo || v > hi)
        throw Error(errc::invalid_argument, flag + ": '" + text + "' is not an integer in " + std::to_string(lo) + " … " +
                                                std::to_string(hi));
    return v;
}

double float_option(Args& args, const std::string& flag, double fallback, double lo, double hi) {
    const std::string text = args.value(flag);
    if (text.empty())
        return fallback;
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || !std::isfinite(v) || v < lo || v > hi)
        throw Error(errc::invalid_argument, flag + ": '" + text + "' is not a number in " + std::to_string(lo) + " … " +
                                                std::to_string(hi));
    return v;
}

EngineOptions read_engine_options(Args& args) {
    EngineOptions o;
    o.model = args.value("--model");
    if (o.model.empty())
        o.model = args.value("-m");
    if (o.model.empty())
        throw Error(errc::invalid_argument, "give the model with --model FILE.gguf");
    const std::string backend = args.value("--backend", "auto");
    const auto kind = engine::backend_from_name(backend);
    if (!kind)
        throw Error(errc::invalid_argument, "--backend: '" + backend + "' is not auto, cpu or vulkan");
    o.context.backend = *kind;
    long long threads = int_option(args, "--threads", 0, 0, 1024);
    threads = int_option(args, "-t", threads, 0, 1024);
    o.context.threads = static_cast<int>(threads);
    o.context.n_ctx = int_option(args, "--ctx", 0, 0, 1 << 24);
    o.context.n_batch = int_option(args, "--batch", 512, 1, 1 << 20);
    if (args.has("--reference"))
        o.context.kernels = engine::CpuKernels::reference;
    if (args.has("--kv-f32"))
        o.context.kv_f16 = false;
    if (args.has("--cpu-fallback"))
        o.context.cpu_fallback = true;
    if (args.has("--vk-validation"))
        o.context.validation = true;
    o.quiet = args.has("--quiet");
    return o;
}

engine::Model load_model(const EngineOptions& options) {
    engine::ModelOptions mo;
    const bool bar = !options.quiet && ::isatty(STDERR_FILENO);
    if (bar) {
        mo.progress = [](float f) {
            const int width = 40, filled = static_cast<int>(f * static_cast<float>(width));
            std::fprintf(stderr, "\rloading [%.*s%*s] %3d%%", filled, "########################################",
                         width - filled, "", static_cast<int>(f * 100.0f));
            return true;
        };
    }
    engine::Model model = engine::Model::load(options.model, mo);
    if (bar)
        std::fprintf(stderr, "\r%*s\r", 60, "");
    return model;
}

} // namespace braid::cli
