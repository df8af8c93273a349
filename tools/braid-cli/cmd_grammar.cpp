// braid-cli grammar: JSON Schema → grammar tools. `compile` prints the GBNF of a schema, `check` tells
// whether a text is accepted, `bench` runs the MaskBench procedure (../shared/schemas/README.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "braid/engine/grammar.hpp"
#include "braid/engine/grammar_matcher.hpp"
#include "braid/engine/json_schema.hpp"
#include "braid/engine/token_index.hpp"
#include "braid/engine/tokenizer.hpp"
#include "braid/error.hpp"
#include "command.hpp"

namespace braid::cli::cmd_grammar {
namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(errc::io, "cannot open '" + path + "'");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Json parse_json_file(const std::string& path) {
    try {
        return Json::parse(read_file(path));
    } catch (const Json::exception& e) {
        throw Error(errc::parse, "'" + path + "' is not JSON: " + e.what());
    }
}

engine::JsonSchemaOptions schema_options(Args& args) {
    engine::JsonSchemaOptions o;
    const std::string ws = args.value("--whitespace", "compact");
    if (ws == "flexible") o.whitespace = engine::JsonWhitespace::flexible;
    else if (ws != "compact") throw Error(errc::invalid_argument, "--whitespace must be compact or flexible, not '" + ws + "'");
    const std::string order = args.value("--order", "any");
    if (order == "schema") o.property_order = engine::JsonPropertyOrder::schema;
    else if (order != "any") throw Error(errc::invalid_argument, "--order must be any or schema, not '" + order + "'");
    if (args.present("--max-any-order")) o.max_any_order_properties = std::stoul(args.value("--max-any-order"));
    if (args.has("--closed")) o.additional_properties_default = false;
    if (args.has("--ignore-unsupported")) o.ignore_unsupported = true;
    return o;
}

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// The bench's clock: wall time, or with --cpu-time this thread's CPU time, which other processes
// on a loaded machine do not inflate (each reading costs a system call, well under a microsecond).
class BenchClock {
public:
    explicit BenchClock(bool cpu) : cpu_(cpu) {}
    double now_us() const {
        if (!cpu_) return micros(Clock::now().time_since_epoch());
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
    }

private:
    bool cpu_;
};

// ---- compile / check ----

int run_compile(Args& args) {
    const std::string schema_path = args.value("--schema");
    auto options = schema_options(args);
    args.positional();
    if (schema_path.empty()) throw Error(errc::invalid_argument, "grammar compile needs --schema FILE");
    std::cout << engine::json_schema_to_gbnf(parse_json_file(schema_path), options);
    return 0;
}

int run_check(Args& args) {
    const std::string schema_path = args.value("--schema");
    const std::string gbnf_path = args.value("--gbnf");
    const bool has_text = args.present("--text");
    const std::string text = args.value("--text");
    const std::string text_file = args.value("--text-file");
    auto options = schema_options(args);
    args.positional();
    if (schema_path.empty() == gbnf_path.empty())
        throw Error(errc::invalid_argument, "grammar check needs exactly one of --schema FILE or --gbnf FILE");
    if (has_text == !text_file.empty())
        throw Error(errc::invalid_argument, "grammar check needs exactly one of --text STRING or --text-file FILE");
    const std::string gbnf = schema_path.empty() ? read_file(gbnf_path)
                                                 : engine::json_schema_to_gbnf(parse_json_file(schema_path), options);
    auto grammar = engine::Grammar::from_gbnf(gbnf);
    const bool ok = grammar->accepts(has_text ? text : read_file(text_file));
    std::cout << (ok ? "accepted" : "rejected") << '\n';
    return ok ? 0 : 1;
}

// ---- bench ----

struct FileResult {
    Json line;
    bool compiled = false, passed = false, engine_error = false;
    std::size_t valid_rejected = 0, invalid_accepted = 0;
};

class Bench {
public:
    Bench(const engine::Tokenizer& tok, std::shared_ptr<const engine::TokenIndex> index, engine::JsonSchemaOptions o,
          BenchClock clock)
        : tok_(tok), index_(std::move(index)), options_(o), clock_(clock) {}

    FileResult run(const std::filesystem::path& path) {
        FileResult r;
        r.line["id"] = path.stem().string();
        Json file;
        try {
            file = parse_json_file(path.string());
        } catch (const Error& e) {
            r.line["compile_error"] = e.what();
            return r;
        }
        const Json tests = file.contains("tests") && file["tests"].is_array() ? file["tests"] : Json::array();
        std::size_t nvalid = 0;
        for (const auto& t : tests) nvalid += t.value("valid", false) ? 1 : 0;
        std::optional<engine::GrammarMatcher> matcher;
        double schema_us = 0, gbnf_us = 0;
        const double t0 = clock_.now_us();
        try {
            if (!file.contains("schema")) throw Error(errc::invalid_argument, "the file has no \"schema\"");
            const std::string gbnf = engine::json_schema_to_gbnf(file["schema"], options_);
            schema_us = clock_.now_us() - t0;
            auto grammar = engine::Grammar::from_gbnf(gbnf);
            gbnf_us = clock_.now_us() - t0 - schema_us;
            matcher.emplace(grammar, index_);
            matcher->fill_mask(mask_);
        } catch (const std::exception& e) {
            r.line["compile_error"] = e.what();
        }
        const double ttfm = clock_.now_us() - t0;
        r.line["ttfm_us"] = ttfm;
        r.line["schema_us"] = schema_us; // JSON Schema → GBNF
        r.line["gbnf_us"] = gbnf_us;     // GBNF → Grammar
        double masks_us = 0, max_us = 0;
        std::size_t ntokens = 0;
        std::string validation;
        if (matcher) {
            r.compiled = true;
            ttfm_.push_back(ttfm);
            try {
            for (std::size_t ti = 0; ti < tests.size(); ++ti) {
                const auto& t = tests[ti];
                const bool valid = t.value("valid", false);
                const std::string text = engine::to_python_json(t.contains("data") ? t["data"] : Json());
                const auto ids = tok_.tokenize(text, false, false);
                matcher->reset();
                bool accepted = true;
                std::size_t at = 0;
                for (; at < ids.size(); ++at) {
                    const double m0 = clock_.now_us();
                    matcher->fill_mask(mask_);
                    const auto id = static_cast<std::size_t>(ids[at]);
                    const bool allowed = (mask_[id / 32] >> (id % 32)) & 1u;
                    if (allowed && !matcher->accept_token(ids[at]))
                        throw Error(errc::internal, "token " + std::to_string(id) + " allowed by the mask but refused");
                    const double us = clock_.now_us() - m0;
                    masks_.push_back(us);
                    masks_us += us;
                    max_us = std::max(max_us, us);
                    ++ntokens;
                    if (!allowed) {
                        accepted = false;
                        break;
                    }
                }
                if (valid && !accepted) {
                    ++r.valid_rejected;
                    if (validation.empty())
                        validation = "test " + std::to_string(ti) + ": valid instance rejected at token " +
                                     std::to_string(at) + " (after '" + tok_.detokenize(std::span(ids).first(at)) + "')";
                } else if (!valid && accepted) {
                    ++r.invalid_accepted;
                    if (validation.empty()) validation = "test " + std::to_string(ti) + ": invalid instance accepted";
                }
            }
            } catch (const Error& e) {
                // The grammar engine gave up (e.g. too many parser configurations): the file fails.
                if (e.kind() == errc::internal) throw;
                r.engine_error = true;
                validation = std::string("engine error: ") + e.what();
            }
        }
        r.line["num_tokens"] = ntokens;
        r.line["masks_us"] = masks_us;
        r.line["max_mask_us"] = max_us;
        r.line["num_tests"] = tests.size();
        r.line["num_valid_tests"] = nvalid;
        r.line["num_invalid_tests"] = tests.size() - nvalid;
        if (!validation.empty()) r.line["validation_error"] = validation;
        r.passed = r.compiled && validation.empty();
        return r;
    }

    std::vector<double>& masks() { return masks_; }
    std::vector<double>& ttfm() { return ttfm_; }

private:
    const engine::Tokenizer& tok_;
    std::shared_ptr<const engine::TokenIndex> index_;
    engine::JsonSchemaOptions options_;
    BenchClock clock_;
    std::vector<std::uint32_t> mask_;
    std::vector<double> masks_, ttfm_;
};

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

std::vector<std::filesystem::path> collect(const std::vector<std::string>& inputs) {
    std::vector<std::filesystem::path> files;
    for (const auto& in : inputs) {
        std::error_code ec;
        if (std::filesystem::is_directory(in, ec)) {
            std::vector<std::filesystem::path> dir;
            for (const auto& e : std::filesystem::directory_iterator(in))
                if (e.is_regular_file() && e.path().extension() == ".json") dir.push_back(e.path());
            std::sort(dir.begin(), dir.end(), [](const auto& a, const auto& b) { return a.filename() < b.filename(); });
            files.insert(files.end(), dir.begin(), dir.end());
        } else if (std::filesystem::is_regular_file(in, ec)) {
            files.emplace_back(in);
        } else {
            throw Error(errc::io, "'" + in + "' is neither a file nor a folder");
        }
    }
    return files;
}

int run_bench(Args& args) {
    const std::string vocab = args.value("--vocab");
    const bool json = args.has("--json");
    const bool verbose = args.has("--verbose");
    const bool cpu_time = args.has("--cpu-time");
    const std::size_t limit = args.present("--limit") ? std::stoul(args.value("--limit")) : SIZE_MAX;
    auto options = schema_options(args);
    auto inputs = args.positional();
    if (vocab.empty() || inputs.empty())
        throw Error(errc::invalid_argument, "grammar bench needs --vocab V.gguf and FILE_OR_DIR...");
    auto files = collect(inputs);
    if (files.size() > limit) files.resize(limit);
    auto tokenizer = engine::load_tokenizer(vocab);
    auto index = engine::TokenIndex::build(*tokenizer);
    Bench bench(*tokenizer, index, options, BenchClock(cpu_time));
    std::size_t passing = 0, compile_errors = 0, files_valid_rejected = 0, files_invalid_accepted = 0;
    std::size_t tests_valid_rejected = 0, tests_invalid_accepted = 0, engine_errors = 0;
    for (const auto& f : files) {
        FileResult r = bench.run(f);
        passing += r.passed;
        compile_errors += !r.compiled;
        engine_errors += r.engine_error;
        files_valid_rejected += r.valid_rejected > 0;
        files_invalid_accepted += r.invalid_accepted > 0;
        tests_valid_rejected += r.valid_rejected;
        tests_invalid_accepted += r.invalid_accepted;
        if (json) std::cout << r.line.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
        else if (verbose && !r.passed)
            std::cout << r.line["id"].get<std::string>() << ": "
                      << (r.line.contains("compile_error") ? "compile error: " + r.line["compile_error"].get<std::string>()
                                                           : r.line["validation_error"].get<std::string>())
                      << '\n';
    }
    auto& m = bench.masks();
    double sum = 0;
    for (double x : m) sum += x;
    Json summary;
    summary["files"] = files.size();
    summary["passing"] = passing;
    summary["passing_pct"] = files.empty() ? 0.0 : 100.0 * static_cast<double>(passing) / static_cast<double>(files.size());
    summary["compile_errors"] = compile_errors;
    summary["engine_errors"] = engine_errors;
    summary["validation_errors"] = {{"valid_rejected_files", files_valid_rejected},
                                    {"invalid_accepted_files", files_invalid_accepted},
                                    {"valid_rejected_tests", tests_valid_rejected},
                                    {"invalid_accepted_tests", tests_invalid_accepted}};
    summary["masks"] = m.size();
    summary["mask_us"] = {{"avg", m.empty() ? 0.0 : sum / static_cast<double>(m.size())},
                          {"p25", percentile(m, 25)}, {"p50", percentile(m, 50)}, {"p75", percentile(m, 75)},
                          {"p90", percentile(m, 90)}, {"p95", percentile(m, 95)}, {"p99", percentile(m, 99)},
                          {"max", m.empty() ? 0.0 : *std::max_element(m.begin(), m.end())}};
    summary["ttfm_us"] = {{"p50", percentile(bench.ttfm(), 50)}, {"p90", percentile(bench.ttfm(), 90)},
                          {"max", bench.ttfm().empty() ? 0.0 : *std::max_element(bench.ttfm().begin(), bench.ttfm().end())}};
    std::cout << Json{{"summary", summary}}.dump(json ? -1 : 2) << '\n';
    return 0;
}

int run(Args& args) {
    if (args.has("bench")) return run_bench(args);
    if (args.has("check")) return run_check(args);
    if (args.has("compile")) return run_compile(args);
    throw Error(errc::invalid_argument, "grammar needs a subcommand: bench, check or compile");
}

const Registration reg{
    {"grammar",
     "bench --vocab V.gguf FILE_OR_DIR... [--json] [--limit N] [--verbose] [--cpu-time] | check (--schema F | --gbnf F) "
     "(--text S | --text-file F) | compile --schema F; schema options [--whitespace compact|flexible] "
     "[--order any|schema] [--max-any-order N] [--closed] [--ignore-unsupported]: JSON Schema grammars and MaskBench",
     run}};

} // namespace
} // namespace braid::cli::cmd_grammar
