// The global functions of transformers' chat-template environment: Jinja's range (the sandbox's,
// at most 100000 items), dict, namespace, cycler, joiner; transformers' raise_exception and
// strftime_now.
#include <chrono>
#include <ctime>
#include <memory>

#include "engine/template/args.hpp"
#include "engine/template/access.hpp"
#include "engine/template/builtins.hpp"
#include "engine/template/renderer.hpp"
#include "engine/template/strftime.hpp"

namespace braid::jinja {

namespace {

// The sandbox's MAX_RANGE.
constexpr std::int64_t max_range = 100000;

Value g_range(Renderer&, Args& args) {
    if (!args.keyword.empty()) fail(FailureKind::type, "range() takes no keyword arguments");
    const auto& p = args.positional;
    if (p.empty() || p.size() > 3)
        fail(FailureKind::type, "range expected at most 3 arguments, got " + std::to_string(p.size()));
    for (const auto& v : p)
        if (!v.is_integral())
            fail(FailureKind::type, "'" + type_name(v) + "' object cannot be interpreted as an integer");
    const std::int64_t start = p.size() == 1 ? 0 : p[0].int_like();
    const std::int64_t stop = p.size() == 1 ? p[0].int_like() : p[1].int_like();
    const std::int64_t step = p.size() == 3 ? p[2].int_like() : 1;
    if (step == 0) fail(FailureKind::value, "range() arg 3 must not be zero");
    // The length without overflow: ceil((stop - start) / step) when positive.
    const long double span = static_cast<long double>(stop) - static_cast<long double>(start);
    const long double count_ld = step > 0 ? (span > 0 ? (span + step - 1) / step : 0) : (span < 0 ? (span + step + 1) / step : 0);
    if (count_ld > max_range)
        fail(FailureKind::overflow, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    const auto count = static_cast<std::int64_t>(count_ld);
    Sequence s;
    s.kind = SeqKind::range;
    s.type = "range";
    s.range_start = start;
    s.range_stop = stop;
    s.range_step = step;
    s.items.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) s.items.push_back(Value::integer(start + i * step));
    charge_steps(static_cast<std::uint64_t>(count));
    return Value::sequence(std::move(s));
}

// dict(mapping or pairs, **kwargs) into @p out.
void fill_dict(Dict& out, const Args& args, const char* function) {
    if (args.positional.size() > 1)
        fail(FailureKind::type, std::string(function) + " expected at most 1 argument, got " +
                                    std::to_string(args.positional.size()));
    auto put = [&](Value key, Value value) {
        for (auto& [k, v] : out.items) {
            if (equals(k, key)) {
                v = std::move(value);
                return;
            }
        }
        out.items.emplace_back(std::move(key), std::move(value));
    };
    if (!args.positional.empty()) {
        const Value& source = args.positional[0];
        if (source.is_dict()) {
            for (const auto& [k, v] : source.dict().items) put(k, v);
        } else {
            const Value pairs = iterable_items(source);
            std::size_t i = 0;
            for (const auto& pair : pairs.items()) {
                const Value kv = iterable_items(pair);
                if (kv.items().size() != 2)
                    fail(FailureKind::value, "dictionary update sequence element #" + std::to_string(i) + " has length " +
                                                 std::to_string(kv.items().size()) + "; 2 is required");
                put(kv.items()[0], kv.items()[1]);
                ++i;
            }
        }
    }
    for (const auto& [k, v] : args.keyword) put(Value::string(k), v);
}

Value g_dict(Renderer&, Args& args) {
    Dict d;
    fill_dict(d, args, "dict");
    return Value::dict(std::move(d));
}

Value g_namespace(Renderer& r, Args& args) {
    Dict d;
    fill_dict(d, args, "namespace");
    auto ns = r.make_namespace();
    for (auto& [k, v] : d.items) {
        if (!k.is_string()) fail(FailureKind::type, "keywords must be strings");
        ns->set(k.str(), v);
    }
    return Value::ns(std::move(ns));
}

class Cycler : public Object, public std::enable_shared_from_this<Cycler> {
public:
    explicit Cycler(std::vector<Value> items) : items_(std::move(items)) {}

    std::string type_name() const override { return "Cycler"; }

    Value attribute(Renderer&, std::string_view name) override {
        if (name == "current") return items_[position_];
        std::weak_ptr<Cycler> self = weak_from_this();
        if (name == "next")
            return Value::function("next", [self](Renderer&, Args& args) {
                no_arguments("next", args);
                auto c = self.lock();
                if (!c) return Value();
                Value v = c->items_[c->position_];
                c->position_ = (c->position_ + 1) % c->items_.size();
                return v;
            }, Function::Kind::method, "Cycler");
        if (name == "reset")
            return Value::function("reset", [self](Renderer&, Args& args) {
                no_arguments("reset", args);
                if (auto c = self.lock()) c->position_ = 0;
                return Value::none();
            }, Function::Kind::method, "Cycler");
        return Value::undefined("'Cycler object' has no attribute " + repr_string(name));
    }

private:
    std::vector<Value> items_;
    std::size_t position_ = 0;
};

Value g_cycler(Renderer&, Args& args) {
    if (!args.keyword.empty()) fail(FailureKind::type, "cycler() takes no keyword arguments");
    if (args.positional.empty()) fail(FailureKind::runtime, "at least one item has to be provided");
    return Value::object(std::make_shared<Cycler>(args.positional));
}

Value g_joiner(Renderer&, Args& args) {
    Binding b("joiner", args, {"sep"});
    const Value sep = b.get_or(0, Value::string(", "));
    auto used = std::make_shared<bool>(false);
    return Value::function("joiner", [sep, used](Renderer&, Args& call) {
        no_arguments("joiner", call);
        if (!*used) {
            *used = true;
            return Value::string("");
        }
        return sep;
    });
}

Value g_raise_exception(Renderer&, Args& args) {
    Binding b("raise_exception", args, {"message"}, 1);
    fail(FailureKind::raised, to_str(b.get(0)));
}

Value g_strftime_now(Renderer& r, Args& args) {
    Binding b("strftime_now", args, {"format"}, 1);
    if (!b.get(0).is_string())
        fail(FailureKind::type, "strftime() argument 1 must be str, not " + type_name(b.get(0)));
    std::tm tm{};
    if (r.now()) {
        const std::time_t t = std::chrono::system_clock::to_time_t(*r.now());
        gmtime_r(&t, &tm);
    } else {
        const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        localtime_r(&t, &tm);
    }
    return Value::string(format_time(b.get(0).str(), tm));
}

struct Global {
    std::string_view name;
    Value value;
};

const std::vector<Global>& globals() {
    static const std::vector<Global> table = {
        {"cycler", Value::function("cycler", g_cycler)},
        {"dict", Value::function("dict", g_dict)},
        {"joiner", Value::function("joiner", g_joiner)},
        {"namespace", Value::function("namespace", g_namespace)},
        {"raise_exception", Value::function("raise_exception", g_raise_exception)},
        {"range", Value::function("range", g_range)},
        {"strftime_now", Value::function("strftime_now", g_strftime_now)},
    };
    return table;
}

} // namespace

const Value* find_global(std::string_view name) {
    for (const auto& g : globals())
        if (g.name == name) return &g.value;
    return nullptr;
}

} // namespace braid::jinja
