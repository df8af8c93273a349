#include "bool_condition.hpp"

#include <memory>
#include <string>

namespace braid::capi {

namespace {

class BoolCondition final : public RunnableImpl<Value, bool> {
public:
    explicit BoolCondition(AnyRunnable condition)
        : RunnableImpl<Value, bool>(detail::ImplKind::transparent), condition_(std::move(condition)) {}

    bool invoke(const Value& input, const RunContext& ctx) const override {
        const Value answer = ctx.invoke(condition_, input);
        if (!answer.is_boolean())
            throw Error(errc::validation, "branch condition '" + condition_.name() + "' returned " +
                                              std::string(answer.type_name()) + ", not true or false");
        return answer.get<bool>();
    }
    std::string name() const override { return condition_.name(); }
    GraphPorts add_to_graph(Graph& graph) const override { return condition_.impl()->add_to_graph(graph); }

private:
    AnyRunnable condition_;
};

} // namespace

Runnable<Value, bool> bool_condition(AnyRunnable condition) {
    if (!condition)
        throw Error(errc::invalid_argument, "branch condition is empty");
    return Runnable<Value, bool>(std::make_shared<BoolCondition>(std::move(condition)));
}

} // namespace braid::capi
