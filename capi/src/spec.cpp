// Declarative chains (braid/spec.h): a JSON description built into runnables, errors naming the place
// in the spec as a JSON pointer.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "handles.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "braid/core/branch.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"
#include "braid/core/pick.hpp"
#include "braid/core/router.hpp"
#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/list_output_parser.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/parsers/structured_output_parser.hpp"
#include "braid/parsers/xml_output_parser.hpp"
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/prompt_template.hpp"
#include "braid/spec.h"
#include "braid/testing/fake_chat_model.hpp"

namespace braid::capi {

namespace {

using Refs = std::map<std::string, AnyRunnable, std::less<>>;

class Builder {
public:
    explicit Builder(const Refs& refs) : refs_(refs) {}

    AnyRunnable build(const Value& spec, const std::string& at) {
        try {
            return wrap(spec, at, plain(spec, at));
        } catch (const Error& e) {
            if (std::string_view(e.what()).starts_with("spec at "))
                throw;
            throw Error(e.kind(), "spec at " + (at.empty() ? std::string("/") : at) + ": " + e.what());
        }
    }

private:
    static std::string type_of(const Value& spec, const std::string& at) {
        const auto type = spec.find("type");
        if (type == spec.end() || !type->is_string())
            throw Error(errc::invalid_argument, "spec at " + at + "/type: a spec object needs a \"type\" string");
        return type->get<std::string>();
    }

    static const Value& field(const Value& spec, const char* key, const std::string& at) {
        const auto found = spec.find(key);
        if (found == spec.end())
            throw Error(errc::invalid_argument, "spec at " + at + ": \"" + key + "\" is missing");
        return *found;
    }

    static std::string text(const Value& spec, const char* key, const std::string& at) {
        const Value& value = field(spec, key, at);
        if (!value.is_string())
            throw Error(errc::invalid_argument, "spec at " + at + "/" + key + ": must be a string");
        return value.get<std::string>();
    }

    static Value optional(const Value& spec, const char* key) { return spec.value(key, Value()); }

    template <class Prompt>
    static AnyRunnable with_partials(const Prompt& prompt, const Value& partial) {
        const PartialValues values = partial_values(partial);
        return values.empty() ? AnyRunnable(prompt) : AnyRunnable(prompt.partial(values));
    }

    static errc kind_named(const Value& name, const std::string& what) {
        const std::optional<errc> kind = name.is_string() ? errc_from_name(name.get<std::string>()) : std::nullopt;
        if (!kind)
            throw Error(errc::invalid_argument, what + " is not an error kind (\"invalid_argument\", \"parse\", ..., "
                                                       "\"internal\"): " + dump_json(name));
        return *kind;
    }

    AnyRunnable sequence(const Value& steps, const std::string& at) {
        if (!steps.is_array() || steps.empty())
            throw Error(errc::invalid_argument, "spec at " + at + ": a sequence needs a non-empty array of steps");
        AnyRunnable chain = build(steps[0], at + "/0");
        for (std::size_t i = 1; i < steps.size(); ++i)
            chain = chain | build(steps[i], at + "/" + std::to_string(i));
        return chain;
    }

    std::vector<ParallelBranch> branches(const Value& spec, const std::string& at) {
        const Value& map = field(spec, "branches", at);
        if (!map.is_object() || map.empty())
            throw Error(errc::invalid_argument, "spec at " + at + "/branches: must be a non-empty object");
        std::vector<ParallelBranch> result;
        for (const auto& item : map.items())
            result.push_back({item.key(), build(item.value(), at + "/branches/" + item.key())});
        return result;
    }

    static JsonOutputOptions json_options(const Value& spec, const std::string& at) {
        JsonOutputOptions options;
        if (const auto partial = spec.find("allow_partial"); partial != spec.end()) {
            if (!partial->is_boolean())
                throw Error(errc::invalid_argument, "spec at " + at + "/allow_partial: must be true or false");
            options.allow_partial = partial->get<bool>();
        }
        if (const auto depth = spec.find("max_depth"); depth != spec.end()) {
            if (!depth->is_number_unsigned() || depth->get<std::uint64_t>() < 1)
                throw Error(errc::invalid_argument, "spec at " + at + "/max_depth: must be a positive integer");
            options.max_depth = depth->get<std::size_t>();
        }
        return options;
    }

    static ListStyle list_style(const Value& spec, const std::string& at) {
        const Value style = spec.value("style", Value("comma"));
        if (style == "comma")
            return ListStyle::comma;
        if (style == "newline")
            return ListStyle::newline;
        if (style == "numbered")
            return ListStyle::numbered;
        if (style == "markdown")
            return ListStyle::markdown;
        throw Error(errc::invalid_argument, "spec at " + at + "/style: must be comma, newline, numbered or markdown");
    }

    AnyRunnable plain(const Value& spec, const std::string& at) {
        if (spec.is_array())
            return sequence(spec, at);
        if (!spec.is_object())
            throw Error(errc::invalid_argument, "spec at " + (at.empty() ? "/" : at) + ": must be an object or an array, got " +
                                                    std::string(spec.type_name()));
        const std::string type = type_of(spec, at);
        static const std::vector<std::string> modifiers = {"type", "retry", "fallbacks", "fallbacks_on", "bind", "config"};
        const auto keys = [&](std::initializer_list<std::string_view> own) {
            for (const auto& item : spec.items()) {
                bool known = std::find(modifiers.begin(), modifiers.end(), item.key()) != modifiers.end();
                for (std::string_view key : own)
                    known = known || key == item.key();
                if (!known)
                    throw Error(errc::invalid_argument, "spec at " + at + "/" + item.key() + ": unknown key for type '" +
                                                            type + "'");
            }
        };
        if (type == "sequence") {
            keys({"steps"});
            return sequence(field(spec, "steps", at), at + "/steps");
        }
        if (type == "prompt") {
            keys({"template", "partial"});
            return with_partials(PromptTemplate(text(spec, "template", at)), optional(spec, "partial"));
        }
        if (type == "chat_prompt") {
            keys({"messages", "partial"});
            return with_partials(ChatPromptTemplate::from_json(field(spec, "messages", at)), optional(spec, "partial"));
        }
        if (type == "fake_chat_model") {
            Value config = spec;
            for (const std::string& key : modifiers)
                config.erase(key);
            return testing::FakeChatModel(config.get<testing::FakeChatModel::Config>());
        }
        if (type == "str_parser") {
            keys({});
            return StrOutputParser();
        }
        if (type == "json_parser") {
            keys({"allow_partial", "max_depth"});
            return JsonOutputParser(json_options(spec, at));
        }
        if (type == "list_parser") {
            keys({"style"});
            return ListOutputParser(list_style(spec, at));
        }
        if (type == "structured_parser") {
            keys({"schema", "allow_partial", "max_depth"});
            return StructuredOutputParser(field(spec, "schema", at), json_options(spec, at));
        }
        if (type == "xml_parser") {
            keys({"tags"});
            const Value tags = spec.value("tags", Value::array());
            if (!tags.is_array() || !std::all_of(tags.begin(), tags.end(), [](const Value& t) { return t.is_string(); }))
                throw Error(errc::invalid_argument, "spec at " + at + "/tags: must be an array of strings");
            return XmlOutputParser(tags.get<std::vector<std::string>>());
        }
        if (type == "passthrough") {
            keys({});
            return Passthrough();
        }
        if (type == "parallel") {
            keys({"branches"});
            return Parallel(branches(spec, at));
        }
        if (type == "assign") {
            keys({"branches"});
            return Passthrough::assign(branches(spec, at));
        }
        if (type == "pick") {
            keys({"key", "keys"});
            if (spec.contains("key"))
                return pick(text(spec, "key", at));
            const Value& names = field(spec, "keys", at);
            if (!names.is_array() || !std::all_of(names.begin(), names.end(), [](const Value& k) { return k.is_string(); }))
                throw Error(errc::invalid_argument, "spec at " + at + "/keys: must be an array of strings");
            return pick(names.get<std::vector<std::string>>());
        }
        if (type == "branch") {
            keys({"cases", "default"});
            const Value& cases = field(spec, "cases", at);
            if (!cases.is_array() || cases.empty())
                throw Error(errc::invalid_argument, "spec at " + at + "/cases: must be a non-empty array");
            std::vector<BranchCase> list;
            for (std::size_t i = 0; i < cases.size(); ++i) {
                const std::string where = at + "/cases/" + std::to_string(i);
                if (!cases[i].is_object())
                    throw Error(errc::invalid_argument, "spec at " + where + ": must be {\"when\": spec, \"then\": spec}");
                AnyRunnable when = build(field(cases[i], "when", where), where + "/when");
                AnyRunnable then = build(field(cases[i], "then", where), where + "/then");
                list.emplace_back(when, std::move(then)); // the answer must be a JSON boolean
            }
            return Branch(std::move(list), build(field(spec, "default", at), at + "/default"));
        }
        if (type == "router") {
            keys({"key", "routes", "default"});
            const Value& routes = field(spec, "routes", at);
            if (!routes.is_object() || routes.empty())
                throw Error(errc::invalid_argument, "spec at " + at + "/routes: must be a non-empty object");
            std::vector<Route> list;
            for (const auto& item : routes.items())
                list.push_back({item.key(), build(item.value(), at + "/routes/" + item.key())});
            AnyRunnable otherwise = spec.contains("default") ? build(spec["default"], at + "/default") : AnyRunnable();
            return Router(text(spec, "key", at), std::move(list), std::move(otherwise));
        }
        if (type == "ref") {
            keys({"name"});
            const std::string name = text(spec, "name", at);
            const auto found = refs_.find(name);
            if (found == refs_.end())
                throw Error(errc::not_found, "spec at " + at + "/name: no runnable named '" + name + "' was passed in");
            return found->second;
        }
        throw Error(errc::invalid_argument, "spec at " + at + "/type: unknown type '" + type + "'");
    }

    static std::vector<errc> kinds(const Value& names, const std::string& at) {
        if (!names.is_array())
            throw Error(errc::invalid_argument, "spec at " + at + ": must be an array of error kinds");
        std::vector<errc> result;
        for (std::size_t i = 0; i < names.size(); ++i)
            result.push_back(kind_named(names[i], "spec at " + at + "/" + std::to_string(i)));
        return result;
    }

    static RetryPolicy retry_policy(const Value& retry, const std::string& at) {
        if (!retry.is_object())
            throw Error(errc::invalid_argument, "spec at " + at + ": must be an object");
        reject_unknown_keys(retry, {"max_attempts", "initial_delay_ms", "max_delay_ms", "multiplier", "jitter", "on"},
                            "spec at " + at);
        const auto number = [&](const char* key, double fallback) {
            const Value v = retry.value(key, Value(fallback));
            if (!v.is_number() || v.get<double>() < 0)
                throw Error(errc::invalid_argument, "spec at " + at + "/" + key + ": must be a non-negative number");
            return v.get<double>();
        };
        RetryPolicy policy;
        policy.max_attempts = static_cast<int>(number("max_attempts", 3));
        policy.backoff.initial_delay = std::chrono::milliseconds(static_cast<long long>(number("initial_delay_ms", 100)));
        policy.backoff.max_delay = std::chrono::milliseconds(static_cast<long long>(number("max_delay_ms", 10000)));
        policy.backoff.multiplier = number("multiplier", 2);
        const Value jitter = retry.value("jitter", Value(true));
        if (!jitter.is_boolean())
            throw Error(errc::invalid_argument, "spec at " + at + "/jitter: must be true or false");
        policy.backoff.jitter = jitter.get<bool>();
        if (retry.contains("on"))
            policy.retry_if = errors_of_kind(kinds(retry["on"], at + "/on"));
        return policy;
    }

    AnyRunnable wrap(const Value& spec, const std::string& at, AnyRunnable step) {
        if (!spec.is_object())
            return step;
        if (spec.contains("retry"))
            step = step.with_retry(retry_policy(spec["retry"], at + "/retry"));
        if (spec.contains("fallbacks")) {
            const Value& list = spec["fallbacks"];
            if (!list.is_array() || list.empty())
                throw Error(errc::invalid_argument, "spec at " + at + "/fallbacks: must be a non-empty array of specs");
            std::vector<AnyRunnable> others;
            for (std::size_t i = 0; i < list.size(); ++i)
                others.push_back(build(list[i], at + "/fallbacks/" + std::to_string(i)));
            if (spec.contains("fallbacks_on"))
                step = step.with_fallbacks(others, kinds(spec["fallbacks_on"], at + "/fallbacks_on"));
            else
                step = step.with_fallbacks(others);
        } else if (spec.contains("fallbacks_on")) {
            throw Error(errc::invalid_argument, "spec at " + at + "/fallbacks_on: given without \"fallbacks\"");
        }
        if (spec.contains("bind"))
            step = step.bind(require_object(spec["bind"], "spec at " + at + "/bind"));
        if (spec.contains("config")) {
            RunConfig config;
            apply_config_json(config, spec["config"], true, "spec at " + at + "/config");
            step = step.with_config(std::move(config));
        }
        return step;
    }

    const Refs& refs_;
};

} // namespace

} // namespace braid::capi

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_runnable_from_spec(braid_runnable** out, const char* spec_json, const char* const* ref_names,
                                      const braid_runnable* const* refs, size_t ref_count) {
    return guard([&] {
        out_param(out, "out");
        const Value spec = parse_json(spec_json, "spec_json");
        Refs named;
        if (ref_count > 0) {
            require(ref_names, "ref_names");
            require(refs, "refs");
        }
        for (std::size_t i = 0; i < ref_count; ++i) {
            const std::string item = "[" + std::to_string(i) + "]";
            std::string name(require(ref_names[i], ("ref_names" + item).c_str()));
            const AnyRunnable& runnable = use(refs[i], ("refs" + item).c_str()).runnable;
            if (!named.emplace(name, runnable).second)
                throw Error(errc::invalid_argument, "ref_names" + item + ": '" + name + "' is given twice");
        }
        put_runnable(out, Builder(named).build(spec, ""));
    });
}

} // extern "C"
