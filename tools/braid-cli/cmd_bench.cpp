// braid-cli bench: prompt processing of p tokens in one batch and generation of n tokens one at a
// time, r runs after a warm-up, each from an empty cache — llama-bench's procedure, so the figures
// compare with llama.cpp's (shared/reference/peer-speed.md): pp_tps and tg_tps are, as llama-bench's
// avg_ts, the mean of the runs' tokens/s; the JSON also gives the median and every run's figure (on a
// loaded machine the mean follows the slowest runs). Embedding models generate nothing: the p-token batch
// and a 12-token sentence instead.
//
// --parallel N: N concurrent requests (p random prompt tokens each, n generated tokens) through one
// LocalScheduler, as llama-batched-bench: pp_tps = all prompt tokens / time until every request has
// its first token, tg_tps = all tokens generated after the first / the rest of the time, medians of r
// runs after a warm-up. --follow-up T adds the time to first token of a follow-up turn after a T-token
// conversation (and its n-token answer), cold (recomputed) and from the prompt cache.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "braid/engine/backend.hpp"
#include "braid/engine/context.hpp"
#include "braid/error.hpp"
#include "braid/engine/json_schema.hpp"
#include "braid/models/local_scheduler.hpp"
#include "braid/parsers/json_schema_validator.hpp"
#include "engine_options.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_bench {
namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// Tokens/s of each run of @p tokens tokens that took @p seconds.
std::vector<double> rates(double tokens, const std::vector<double>& seconds) {
    std::vector<double> r;
    for (double s : seconds)
        r.push_back(tokens / s);
    return r;
}

// llama-bench's avg_ts: the mean of the runs' tokens/s.
double mean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v)
        sum += x;
    return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
}

// "f32×33 q4_0×114": the tensor types of the model and how many of each.
std::string tensor_types(const engine::Model& model) {
    std::string types;
    std::map<std::string, int> count;
    for (const auto& t : model.file().tensors())
        ++count[std::string(engine::tensor_type_name(t.type))];
    for (const auto& [name, c] : count)
        types += (types.empty() ? "" : " ") + name + "×" + std::to_string(c);
    return types;
}

std::vector<engine::TokenId> random_prompt(std::mt19937& rng, const engine::Model& model, long long p) {
    std::uniform_int_distribution<engine::TokenId> any(0, static_cast<engine::TokenId>(model.info().n_vocab - 1));
    std::vector<engine::TokenId> prompt(static_cast<std::size_t>(p));
    for (std::size_t i = 0; i < prompt.size(); ++i)
        prompt[i] = i == 0 ? model.tokenizer().bos().value_or(0) : any(rng);
    return prompt;
}

LocalRequest bench_request(std::vector<engine::TokenId> prompt, long long n) {
    LocalRequest r;
    r.prompt = std::move(prompt);
    r.sampling.temperature = 0.0f;
    r.max_tokens = static_cast<int>(n);
    r.ignore_eos = true;
    return r;
}

// Time to first token of a follow-up turn after a @p t-token conversation with an @p n-token answer:
// {cold ms, from the prompt cache ms}.
std::pair<double, double> follow_up_ttft(const std::shared_ptr<const engine::Model>& model, const EngineOptions& options,
                                         long long t, long long n) {
    constexpr long long follow_tokens = 16; // the new user turn
    std::mt19937 rng(7);
    const std::vector<engine::TokenId> conversation = random_prompt(rng, *model, t);
    std::vector<engine::TokenId> extra = random_prompt(rng, *model, follow_tokens + 1);
    auto ttft = [&](bool cache) {
        LocalSchedulerOptions so;
        so.n_seq_max = 1;
        so.n_ctx = t + n + follow_tokens + 16;
        so.n_batch = std::max<long long>(options.context.n_batch, 512);
        so.prompt_chunk = 0;
        so.threads = options.context.threads;
        so.backend = options.context.backend;
        so.prompt_cache = cache;
        LocalScheduler scheduler(model, so);
        // The conversation so far and its answer (in the cache but for its last token, when cached).
        const LocalResult answer = scheduler.submit(bench_request(conversation, std::max<long long>(n, 1))).result();
        std::vector<engine::TokenId> follow = conversation;
        follow.insert(follow.end(), answer.tokens.begin(), answer.tokens.end());
        follow.insert(follow.end(), extra.begin() + 1, extra.end()); // the new turn (no BOS)
        return scheduler.submit(bench_request(follow, 1)).result().first_token_ms;
    };
    return {ttft(false), ttft(true)};
}

int run_parallel(EngineOptions& options, long long parallel, long long p, long long n, long long reps, long long follow,
                 bool json) {
    using clock = std::chrono::steady_clock;
    if (p < 1 || n < 2)
        throw Error(errc::invalid_argument, "bench --parallel: -p must be ≥ 1 and -n ≥ 2");
    auto model = std::make_shared<const engine::Model>(load_model(options));
    LocalSchedulerOptions so;
    so.n_seq_max = static_cast<int>(parallel);
    so.n_ctx = parallel * (p + n + 16);
    so.n_batch = std::max<long long>(options.context.n_batch, parallel * p); // every prompt in the first pass
    so.prompt_chunk = p;
    so.max_queue = static_cast<std::size_t>(parallel);
    so.prompt_cache = false; // every run decodes its prompts
    so.threads = options.context.threads;
    so.backend = options.context.backend;
    LocalScheduler scheduler(model, so);
    std::mt19937 rng(42);
    auto one_run = [&] {
        std::vector<LocalRequestHandle> handles;
        const auto t0 = clock::now();
        for (long long i = 0; i < parallel; ++i)
            handles.push_back(scheduler.submit(bench_request(random_prompt(rng, *model, p), n)));
        double first_all = 0, generated = 0;
        for (auto& h : handles) {
            const LocalResult r = h.result();
            first_all = std::max(first_all, r.first_token_ms);
            generated += static_cast<double>(r.completion_tokens - 1);
        }
        const double total_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
        return std::array<double, 3>{static_cast<double>(parallel * p) / (first_all / 1e3),
                                     generated / ((total_ms - first_all) / 1e3),
                                     static_cast<double>(parallel * (p + n)) / (total_ms / 1e3)};
    };
    one_run(); // warm-up
    std::vector<double> pp, tg, all;
    for (long long r = 0; r < reps; ++r) {
        const auto [a, b, c] = one_run();
        pp.push_back(a);
        tg.push_back(b);
        all.push_back(c);
    }
    std::pair<double, double> ttft{0, 0};
    if (follow > 0)
        ttft = follow_up_ttft(model, options, follow, n);
    const engine::ModelInfo& info = model->info();
    if (json) {
        nlohmann::ordered_json j{{"model", options.model},
                                 {"architecture", info.architecture},
                                 {"params", info.n_params},
                                 {"bytes", info.weight_bytes},
                                 {"types", tensor_types(*model)},
                                 {"device", scheduler.device_name()},
                                 {"isa", engine::cpu_kernel_set()},
                                 {"threads", options.context.threads},
                                 {"parallel", parallel},
                                 {"p", p},
                                 {"n", n},
                                 {"reps", reps},
                                 {"pp_tps", median(pp)},
                                 {"tg_tps", median(tg)},
                                 {"total_tps", median(all)},
                                 {"passes", scheduler.stats().passes},
                                 {"load_ms", model->load_ms()}};
        if (follow > 0) {
            j["follow_up_tokens"] = follow;
            j["ttft_cold_ms"] = ttft.first;
            j["ttft_cached_ms"] = ttft.second;
        }
        std::cout << j.dump() << '\n';
    } else {
        std::printf("%s: %s, %.1f M params, %lld parallel requests of pp%lld + tg%lld\n", options.model.c_str(),
                    info.architecture.c_str(), static_cast<double>(info.n_params) / 1e6, parallel, p, n);
        std::printf("%s; CPU kernel set (isa): %s\n", scheduler.device_name().c_str(), std::string(engine::cpu_kernel_set()).c_str());
        std::printf("aggregate pp: %10.1f tok/s\naggregate tg: %10.1f tok/s\nall tokens:   %10.1f tok/s\n", median(pp),
                    median(tg), median(all));
        if (follow > 0)
            std::printf("follow-up after %lld tokens: first token %.1f ms cold, %.1f ms from the prompt cache (%.1fx)\n",
                        follow, ttft.first, ttft.second, ttft.first / ttft.second);
    }
    return 0;
}

// Objects closed to their properties unless the schema says otherwise, as LocalChatModel compiles
// response_format schemas (open objects let a model write keys forever).
engine::JsonSchemaOptions closed_objects() {
    engine::JsonSchemaOptions o;
    o.additional_properties_default = false;
    return o;
}

// --json-schema FILE: `samples` seeded generations (temperature 1, seeds 1 … samples) of at most n
// tokens after "Once upon a time", constrained by the schema's grammar, each parsed and validated; then
// the same requests unconstrained. Speed: tokens generated after each request's first / the time after
// its first token, summed over the requests, so prompt and first token (the grammar's first mask) are
// left out of both.
struct SchemaRun {
    std::size_t tokens = 0;
    double seconds = 0;
    int valid = 0, stopped = 0;
    std::string first_invalid;
};

SchemaRun run_schema_requests(LocalScheduler& scheduler, const std::vector<engine::TokenId>& prompt,
                              const std::shared_ptr<const engine::Grammar>& grammar, const Value& schema,
                              long long samples, long long n) {
    const JsonSchemaValidator validator(schema);
    SchemaRun out;
    for (long long seed = 1; seed <= samples; ++seed) {
        LocalRequest r;
        r.prompt = prompt;
        r.max_tokens = static_cast<int>(n);
        r.sampling.temperature = 1.0f;
        r.sampling.seed = static_cast<std::uint64_t>(seed);
        r.grammar = grammar;
        const LocalResult result = scheduler.submit(std::move(r)).result();
        if (result.completion_tokens > 1) {
            out.tokens += result.completion_tokens - 1;
            out.seconds += (result.total_ms - result.first_token_ms) / 1000.0;
        }
        if (!grammar)
            continue;
        out.stopped += result.finish_reason == FinishReason::stop;
        bool ok = false;
        try {
            ok = validator.is_valid(Value::parse(result.text));
        } catch (const std::exception&) {
            ok = false;
        }
        out.valid += ok;
        if (!ok && out.first_invalid.empty())
            out.first_invalid = "seed " + std::to_string(seed) + ": " + result.text;
    }
    return out;
}

int run_schema(const EngineOptions& options, const std::string& path, long long samples, long long n, bool json) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(errc::io, "--json-schema: cannot read '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    Value schema;
    try {
        schema = Value::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
        throw Error(errc::parse, "--json-schema " + path + ": " + e.what());
    }
    const auto t0 = std::chrono::steady_clock::now();
    const std::shared_ptr<const engine::Grammar> grammar = engine::json_schema_grammar(schema, closed_objects());
    const double compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    auto model = std::make_shared<const engine::Model>(load_model(options));
    LocalSchedulerOptions so;
    so.n_seq_max = 1;
    so.n_ctx = std::max<std::int64_t>(options.context.n_ctx, n + 64);
    so.threads = options.context.threads;
    so.backend = options.context.backend;
    so.kv_f16 = options.context.kv_f16;
    so.prompt_cache = false;
    LocalScheduler scheduler(model, so);
    const std::vector<engine::TokenId> prompt = model->tokenizer().tokenize("Once upon a time", true);
    const SchemaRun constrained = run_schema_requests(scheduler, prompt, grammar, schema, samples, n);
    const SchemaRun free = run_schema_requests(scheduler, prompt, nullptr, schema, samples, n);
    const double c_tps = constrained.seconds > 0 ? static_cast<double>(constrained.tokens) / constrained.seconds : 0.0;
    const double f_tps = free.seconds > 0 ? static_cast<double>(free.tokens) / free.seconds : 0.0;
    const double ratio = f_tps > 0 ? c_tps / f_tps : 0.0;
    if (json) {
        const Value j{{"model", options.model},   {"schema", path},           {"samples", samples},
                      {"valid", constrained.valid}, {"stopped", constrained.stopped}, {"grammar_compile_ms", compile_ms},
                      {"constrained_tg_tps", c_tps}, {"unconstrained_tg_tps", f_tps}, {"ratio", ratio}};
        std::cout << j.dump() << '\n';
    } else {
        std::printf("%s, schema %s (grammar compiled in %.1f ms)\n", options.model.c_str(), path.c_str(), compile_ms);
        std::printf("%d/%lld seeded samples valid JSON under the schema (%d ended by the grammar, the rest at -n %lld)\n",
                    constrained.valid, samples, constrained.stopped, n);
        if (!constrained.first_invalid.empty())
            std::printf("first invalid: %s\n", constrained.first_invalid.c_str());
        std::printf("constrained tg:   %10.1f tok/s (%zu tokens)\nunconstrained tg: %10.1f tok/s (%zu tokens)\nratio: %.3f\n",
                    c_tps, constrained.tokens, f_tps, free.tokens, ratio);
    }
    return constrained.valid == samples ? 0 : 1;
}

// --session T: a T-token conversation's KV state restored from a saved session vs decoded again
// (medians of reps after a warm-up of each).
int run_session(EngineOptions options, long long t, long long reps, bool json) {
    using clock = std::chrono::steady_clock;
    options.context.n_ctx = std::max<std::int64_t>(options.context.n_ctx, t + 16);
    options.context.n_batch = std::max<std::int64_t>(options.context.n_batch, 512);
    engine::Model model = load_model(options);
    engine::Context ctx = engine::Context::create(model, options.context);
    std::mt19937 rng(7);
    std::uniform_int_distribution<engine::TokenId> any(0, static_cast<engine::TokenId>(model.info().n_vocab - 1));
    std::vector<engine::TokenId> tokens(static_cast<std::size_t>(t));
    for (auto& id : tokens)
        id = any(rng);
    auto prefill = [&] {
        ctx.clear();
        const auto t0 = clock::now();
        for (std::size_t i = 0; i < tokens.size(); i += static_cast<std::size_t>(options.context.n_batch)) {
            const std::size_t len = std::min<std::size_t>(static_cast<std::size_t>(options.context.n_batch), tokens.size() - i);
            ctx.decode(engine::Batch::sequence(std::span<const engine::TokenId>(tokens).subspan(i, len),
                                               static_cast<std::int32_t>(i), 0));
        }
        return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    };
    prefill();
    const std::vector<std::byte> session = ctx.save_sequence(0, tokens);
    auto restore = [&] {
        ctx.clear();
        const auto t0 = clock::now();
        ctx.restore_sequence(0, session);
        return std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    };
    restore();
    std::vector<double> pre, res;
    for (long long r = 0; r < reps; ++r) {
        pre.push_back(prefill());
        res.push_back(restore());
    }
    const double p_ms = median(pre), r_ms = median(res);
    if (json)
        std::cout << Value{{"model", options.model}, {"tokens", t}, {"session_bytes", session.size()},
                           {"prefill_ms", p_ms}, {"restore_ms", r_ms}, {"speedup", p_ms / r_ms}}.dump() << '\n';
    else
        std::printf("%s: %lld-token conversation, session %.1f MiB: prefill %.2f ms, restore %.2f ms (%.1fx)\n",
                    options.model.c_str(), t, static_cast<double>(session.size()) / (1 << 20), p_ms, r_ms, p_ms / r_ms);
    return 0;
}

int run(Args& args) {
    EngineOptions options = read_engine_options(args);
    const long long session_tokens = int_option(args, "--session", 0, 0, 1 << 20);
    const std::string schema_path = args.value("--json-schema");
    const long long samples = int_option(args, "--samples", 200, 1, 1 << 20);
    const long long p = int_option(args, "-p", 128, 0, 1 << 20);
    const long long n = int_option(args, "-n", 64, 0, 1 << 20);
    const long long reps = int_option(args, "-r", 3, 1, 1000);
    const long long parallel = int_option(args, "--parallel", 0, 0, 64);
    const long long follow = int_option(args, "--follow-up", 0, 0, 1 << 20);
    const bool json = args.has("--json");
    args.positional();
    if (!schema_path.empty())
        return run_schema(options, schema_path, samples, n, json);
    if (session_tokens > 0)
        return run_session(options, session_tokens, reps, json);
    if (parallel > 0)
        return run_parallel(options, parallel, p, n, reps, follow, json);
    if (follow > 0)
        throw Error(errc::invalid_argument, "bench: --follow-up needs --parallel N");
    if (options.context.n_ctx == 0)
        options.context.n_ctx = std::max<long long>(p, n) + 16;
    options.context.n_batch = std::max<long long>(options.context.n_batch, p);

    using clock = std::chrono::steady_clock;
    engine::Model model = load_model(options);
    const auto created = clock::now();
    engine::Context ctx = engine::Context::create(model, options.context);
    const engine::ModelInfo& info = model.info();
    // Random tokens after BOS, as llama-bench: speed does not depend on which tokens.
    std::mt19937 rng(42);
    std::uniform_int_distribution<engine::TokenId> any(0, static_cast<engine::TokenId>(info.n_vocab - 1));
    const engine::TokenId first = model.tokenizer().bos().value_or(0);
    std::vector<engine::TokenId> prompt(static_cast<std::size_t>(p));
    for (std::size_t i = 0; i < prompt.size(); ++i)
        prompt[i] = i == 0 ? first : any(rng);

    auto run_pp = [&] {
        ctx.clear();
        const auto t0 = clock::now();
        ctx.decode(engine::Batch::sequence(prompt, 0, 0));
        return std::chrono::duration<double>(clock::now() - t0).count();
    };
    auto run_tg = [&] {
        ctx.clear();
        engine::TokenId tok = first;
        const auto t0 = clock::now();
        for (long long i = 0; i < n; ++i) {
            const engine::TokenId one[] = {tok};
            ctx.decode(engine::Batch::sequence(one, static_cast<std::int32_t>(i), 0));
            tok = any(rng);
        }
        return std::chrono::duration<double>(clock::now() - t0).count();
    };
    // Embedding models: no generation; instead a 12-token sentence embedded on its own, 32 times per run
    // (the sentence figure of peer-speed.md; the p-token batch is the batch figure).
    const bool embedding = info.is_embedding_model();
    constexpr int sentence_tokens = 12, sentences_per_run = 32;
    auto run_sentences = [&] {
        const std::vector<engine::TokenId> sentence(prompt.begin(), prompt.begin() + std::min<std::size_t>(prompt.size(), sentence_tokens));
        const auto t0 = clock::now();
        for (int i = 0; i < sentences_per_run; ++i) {
            ctx.clear();
            ctx.decode(engine::Batch::sequence(sentence, 0, 0));
        }
        return std::chrono::duration<double>(clock::now() - t0).count();
    };
    std::vector<double> pp_s, tg_s, sentence_s;
    // Start-up: creating the context and the first pass (uploads, pipelines: compiled, or read from the
    // on-disk pipeline cache).
    {
        const engine::TokenId one[] = {first};
        ctx.decode(engine::Batch::sequence(one, 0, 0));
        ctx.clear();
    }
    const double startup_ms = std::chrono::duration<double, std::milli>(clock::now() - created).count();
    if (p > 0) {
        run_pp(); // warm-up
        for (long long r = 0; r < reps; ++r)
            pp_s.push_back(run_pp());
    }
    if (embedding && p >= sentence_tokens) {
        run_sentences();
        for (long long r = 0; r < reps; ++r)
            sentence_s.push_back(run_sentences());
    }
    if (n > 0 && !embedding) {
        run_tg();
        for (long long r = 0; r < reps; ++r)
            tg_s.push_back(run_tg());
    }
    const std::vector<double> pp_runs = rates(static_cast<double>(p), pp_s), tg_runs = rates(static_cast<double>(n), tg_s);
    const double pp_tps = mean(pp_runs), tg_tps = mean(tg_runs);
    const double sentence_tps = sentence_s.empty() ? 0.0 : sentence_tokens * sentences_per_run / median(sentence_s);
    const std::string types = tensor_types(model);
    if (json) {
        nlohmann::ordered_json j{{"model", options.model},
                                 {"architecture", info.architecture},
                                 {"params", info.n_params},
                                 {"bytes", info.weight_bytes},
                                 {"types", types},
                                 {"backend", engine::backend_name(ctx.backend())},
                                 {"device", ctx.device_name()},
                                 {"isa", engine::cpu_kernel_set()},
                                 {"threads", options.context.threads},
                                 {"p", p},
                                 {"n", n},
                                 {"reps", reps},
                                 {"pp_tps", pp_tps},
                                 {"tg_tps", tg_tps},
                                 {"pp_tps_median", median(pp_runs)},
                                 {"tg_tps_median", median(tg_runs)},
                                 {"pp_runs_tps", pp_runs},
                                 {"tg_runs_tps", tg_runs},
                                 {"load_ms", model.load_ms()},
                                 {"startup_ms", startup_ms}};
        if (embedding)
            j["embed_sentence_tps"] = sentence_tps;
        std::cout << j.dump() << '\n';
    } else {
        std::printf("%s: %s, %.1f M params, %.1f MiB (%s)\n", options.model.c_str(), info.architecture.c_str(),
                    static_cast<double>(info.n_params) / 1e6, static_cast<double>(info.weight_bytes) / (1 << 20), types.c_str());
        std::printf("%s; CPU kernel set (isa): %s\n", ctx.device_name().c_str(), std::string(engine::cpu_kernel_set()).c_str());
        std::printf("load %.1f ms, start-up (context + first pass) %.1f ms\n", model.load_ms(), startup_ms);
        if (p > 0)
            std::printf("pp%lld: %10.1f tok/s\n", p, pp_tps);
        if (!tg_s.empty())
            std::printf("tg%lld: %10.1f tok/s\n", n, tg_tps);
        if (!sentence_s.empty())
            std::printf("embedding of a %d-token sentence: %10.1f tok/s\n", sentence_tokens, sentence_tps);
    }
    return 0;
}

const Registration reg{{"bench",
                        "--model M [-p 128] [-n 64] [-r 3] [-t THREADS] [--backend cpu|vulkan] [--parallel N "
                        "[--follow-up T]] [--json-schema FILE [--samples 200]] [--session T] [--json]: prompt-processing and generation tokens/s (llama-bench's "
                        "procedure; embedding models: a p-token batch and a 12-token sentence; --parallel: N "
                        "concurrent requests through the scheduler, aggregate pp_tps/tg_tps; --follow-up: time to "
                        "first token after a T-token conversation, cold vs prompt cache; --json-schema: seeded samples "
                        "under a schema, all checked, and constrained vs unconstrained tg; --session: restoring a "
                        "T-token KV state vs decoding it)",
                        run}};

} // namespace
} // namespace braid::cli::cmd_bench
