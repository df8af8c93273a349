// Composition: sequences, passthrough, parallel and assign, pick, branch, router.
#include <memory>
#include <string>
#include <vector>

#include "handles.hpp"
#include "json_io.hpp"
#include "braid/compose.h"
#include "braid/core/branch.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"
#include "braid/core/pick.hpp"
#include "braid/core/router.hpp"

namespace braid::capi {

namespace {

std::string item(const char* what, std::size_t i) { return std::string(what) + "[" + std::to_string(i) + "]"; }

// The runnables of a C array, each checked.
std::vector<AnyRunnable> runnables(const braid_runnable* const* steps, std::size_t count, const char* what) {
    if (count == 0)
        throw Error(errc::invalid_argument, std::string(what) + " must not be empty (count is 0)");
    require(steps, what);
    std::vector<AnyRunnable> result;
    result.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        result.push_back(use(steps[i], item(what, i).c_str()).runnable);
    return result;
}

std::vector<std::string> strings(const char* const* values, std::size_t count, const char* what) {
    if (count == 0)
        throw Error(errc::invalid_argument, std::string(what) + " must not be empty (count is 0)");
    require(values, what);
    std::vector<std::string> result;
    result.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        result.emplace_back(require(values[i], item(what, i).c_str()));
    return result;
}

std::vector<ParallelBranch> branches(const char* const* keys, const braid_runnable* const* steps, std::size_t count) {
    std::vector<std::string> names = strings(keys, count, "keys");
    std::vector<AnyRunnable> parts = runnables(steps, count, "steps");
    std::vector<ParallelBranch> result;
    for (std::size_t i = 0; i < count; ++i)
        result.push_back({std::move(names[i]), std::move(parts[i])});
    return result;
}

} // namespace

} // namespace braid::capi

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_runnable_pipe(braid_runnable** out, const braid_runnable* first, const braid_runnable* second) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, use(first, "first").runnable | use(second, "second").runnable);
    });
}

braid_status braid_runnable_sequence(braid_runnable** out, const braid_runnable* const* steps, std::size_t count) {
    return guard([&] {
        out_param(out, "out");
        const std::vector<AnyRunnable> parts = runnables(steps, count, "steps");
        AnyRunnable chain = parts.front();
        for (std::size_t i = 1; i < parts.size(); ++i)
            chain = chain | parts[i];
        put_runnable(out, std::move(chain));
    });
}

braid_status braid_runnable_passthrough(braid_runnable** out) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, Passthrough());
    });
}

braid_status braid_runnable_parallel(braid_runnable** out, const char* const* keys, const braid_runnable* const* steps,
                                     std::size_t count) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, Parallel(branches(keys, steps, count)));
    });
}

braid_status braid_runnable_assign(braid_runnable** out, const char* const* keys, const braid_runnable* const* steps,
                                   std::size_t count) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, Passthrough::assign(branches(keys, steps, count)));
    });
}

braid_status braid_runnable_pick(braid_runnable** out, const char* key) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, pick(std::string(require(key, "key"))));
    });
}

braid_status braid_runnable_pick_keys(braid_runnable** out, const char* const* keys, std::size_t count) {
    return guard([&] {
        out_param(out, "out");
        put_runnable(out, pick(strings(keys, count, "keys")));
    });
}

braid_status braid_runnable_branch(braid_runnable** out, const braid_runnable* const* conditions,
                                   const braid_runnable* const* steps, std::size_t count,
                                   const braid_runnable* otherwise) {
    return guard([&] {
        out_param(out, "out");
        const std::vector<AnyRunnable> tests = runnables(conditions, count, "conditions");
        const std::vector<AnyRunnable> then = runnables(steps, count, "steps");
        std::vector<BranchCase> cases;
        for (std::size_t i = 0; i < count; ++i)
            cases.emplace_back(tests[i], then[i]); // the answer must be a JSON boolean
        put_runnable(out, Branch(std::move(cases), use(otherwise, "otherwise").runnable));
    });
}

braid_status braid_runnable_router(braid_runnable** out, const char* key, const char* const* values,
                                   const braid_runnable* const* steps, std::size_t count,
                                   const braid_runnable* otherwise) {
    return guard([&] {
        out_param(out, "out");
        std::string routing_key(require(key, "key"));
        std::vector<std::string> names = strings(values, count, "values");
        std::vector<AnyRunnable> targets = runnables(steps, count, "steps");
        std::vector<Route> routes;
        for (std::size_t i = 0; i < count; ++i)
            routes.push_back({std::move(names[i]), std::move(targets[i])});
        AnyRunnable fallback = otherwise ? use(otherwise, "otherwise").runnable : AnyRunnable();
        put_runnable(out, Router(std::move(routing_key), std::move(routes), std::move(fallback)));
    });
}

} // extern "C"
