// For loops: the iteration itself (a fresh scope per iteration, the `if` filter, `else`, break and
// continue, recursive loops) and the `loop` object (index, index0, revindex, first, last, length,
// depth, previtem, nextitem, cycle, changed, and loop(...) for recursion).
#include <memory>

#include "engine/template/access.hpp"
#include "engine/template/args.hpp"
#include "engine/template/renderer.hpp"

namespace braid::jinja {

namespace {

class LoopContext : public Object, public std::enable_shared_from_this<LoopContext> {
public:
    LoopContext(Value items, unsigned depth0, const Node* node, std::shared_ptr<Scope> scope)
        : items_(std::move(items)), depth0_(depth0), node_(node), scope_(std::move(scope)) {}

    void set_index(std::size_t i) { index0_ = i; }
    void finish() { active_ = false; }

    std::string type_name() const override { return "LoopContext"; }

    std::string repr() const override {
        return "<LoopContext " + std::to_string(index0_ + 1) + "/" + std::to_string(items_.items().size()) + ">";
    }

    bool callable() const override { return node_->recursive; }

    // loop(items) in a recursive loop renders the loop body again over @p items, one level deeper.
    Value call(Renderer& r, Args& args) override {
        if (!node_->recursive) return Object::call(r, args);
        if (!active_) fail(FailureKind::runtime, "the recursive loop has already ended");
        Binding b("loop", args, {"iterable"}, 1);
        std::string out;
        Renderer::ScopeGuard outer(r, scope_);
        r.run_for(*node_, b.get(0), depth0_ + 1, out);
        return Value::string(std::move(out));
    }

    Value attribute(Renderer&, std::string_view name) override {
        const auto& items = items_.items();
        const auto length = static_cast<std::int64_t>(items.size());
        const auto i = static_cast<std::int64_t>(index0_);
        if (name == "index") return Value::integer(i + 1);
        if (name == "index0") return Value::integer(i);
        if (name == "revindex") return Value::integer(length - i);
        if (name == "revindex0") return Value::integer(length - i - 1);
        if (name == "first") return Value::boolean(i == 0);
        if (name == "last") return Value::boolean(i == length - 1);
        if (name == "length") return Value::integer(length);
        if (name == "depth") return Value::integer(depth0_ + 1);
        if (name == "depth0") return Value::integer(depth0_);
        if (name == "previtem") {
            if (i == 0) return Value::undefined("there is no previous item");
            return items[index0_ - 1];
        }
        if (name == "nextitem") {
            if (i + 1 >= length) return Value::undefined("there is no next item");
            return items[index0_ + 1];
        }
        if (name == "cycle") {
            const std::size_t index = index0_;
            return Value::function(
                "cycle",
                [index](Renderer&, Args& args) {
                    if (args.positional.empty()) fail(FailureKind::type, "no items for cycling given");
                    return args.positional[index % args.positional.size()];
                },
                Function::Kind::method, "LoopContext");
        }
        if (name == "changed") {
            std::weak_ptr<LoopContext> self = weak_from_this();
            return Value::function(
                "changed",
                [self](Renderer&, Args& args) {
                    auto loop = self.lock();
                    if (!loop) return Value::boolean(false);
                    const Value current = Value::tuple(args.positional);
                    if (loop->has_last_ && equals(loop->last_changed_, current)) return Value::boolean(false);
                    loop->last_changed_ = current;
                    loop->has_last_ = true;
                    return Value::boolean(true);
                },
                Function::Kind::method, "LoopContext");
        }
        return Value::undefined("'LoopContext object' has no attribute " + repr_string(name));
    }

private:

    Value items_;
    std::size_t index0_ = 0;
    unsigned depth0_;
    const Node* node_;
    std::shared_ptr<Scope> scope_;  // where the loop started, for recursive calls
    bool active_ = true;
    Value last_changed_;
    bool has_last_ = false;
};

// Marks the loop finished when the loop statement ends, however it ends.
struct LoopEnd {
    LoopContext& loop;
    ~LoopEnd() { loop.finish(); }
};

} // namespace

void Renderer::run_for(const Node& node, const Value& iterable, unsigned depth0, std::string& out) {
    DepthGuard guard(*this);
    Value items = iterable_items(iterable);
    if (node.condition) {
        // `for x in xs if cond`: the filter runs first, so loop.index and loop.length count kept items only.
        std::vector<Value> kept;
        for (const auto& item : items.items()) {
            budget_.steps(1);
            ScopeGuard iteration(*this, child_scope());
            assign(node.target, item);
            if (truthy(eval(*node.condition))) kept.push_back(item);
        }
        items = Value::list(std::move(kept));
    }
    const std::size_t count = items.items().size();
    if (count == 0) {
        ScopeGuard otherwise(*this, child_scope());
        exec(node.else_body, out);
        return;
    }
    auto loop = std::make_shared<LoopContext>(items, depth0, &node, scope_);
    LoopEnd end{*loop};
    const Value loop_value = Value::object(loop);
    for (std::size_t i = 0; i < count; ++i) {
        budget_.steps(1);
        loop->set_index(i);
        ScopeGuard iteration(*this, child_scope());
        scope_->set("loop", loop_value);
        assign(node.target, items.items()[i]);
        const Flow flow = exec(node.body, out);
        if (flow == Flow::break_) break;
    }
}

} // namespace braid::jinja
