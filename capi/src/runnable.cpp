// Running a runnable: invoke, batch, name, graph (streams and events are in stream.cpp).
#include <vector>

#include "handles.hpp"
#include "json_io.hpp"
#include "options.hpp"
#include "braid/runnable.h"

namespace braid::capi {

void put_runnable(braid_runnable** out, AnyRunnable runnable) {
    if (!runnable)
        throw Error(errc::internal, "an empty runnable reached the C ABI");
    auto* handle = new RunnableHandle;
    handle->runnable = std::move(runnable);
    *out = to_handle<braid_runnable>(handle);
}

namespace {

Value graph_json(const Graph& graph) {
    Value nodes = Value::array();
    for (const GraphNode& node : graph.nodes())
        nodes.push_back({{"id", node.id}, {"name", node.name}, {"stream_mode", stream_mode_name(node.mode)},
                         {"marker", node.marker}});
    Value edges = Value::array();
    for (const GraphEdge& edge : graph.edges())
        edges.push_back({{"from", edge.from}, {"to", edge.to}, {"label", edge.label}});
    return {{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

// Frees what a failed batch had already written, so that every output is NULL.
void clear(char** strings, std::size_t count) noexcept {
    if (!strings)
        return;
    for (std::size_t i = 0; i < count; ++i) {
        braid_string_free(strings[i]);
        strings[i] = nullptr;
    }
}

} // namespace

} // namespace braid::capi

using namespace braid;
using namespace braid::capi;

extern "C" {

void braid_runnable_free(braid_runnable* runnable) { release(runnable); }

braid_status braid_runnable_invoke(char** out_json, const braid_runnable* runnable, const char* input_json,
                                   const braid_run_options* options) {
    return guard([&] {
        out_param(out_json, "out_json");
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        const Value input = parse_json(input_json, "input_json");
        const RunConfig config = run_config(options);
        put_string(out_json, dump_json(step.invoke(input, config)));
    });
}

braid_status braid_runnable_batch(char** outputs, const braid_runnable* runnable, const char* const* inputs,
                                  std::size_t count, const braid_run_options* options) {
    return guard([&] {
        if (count > 0) {
            require(outputs, "outputs");
            for (std::size_t i = 0; i < count; ++i)
                outputs[i] = nullptr;
        }
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        if (count > 0)
            require(inputs, "inputs");
        std::vector<Value> values;
        values.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            values.push_back(parse_json(inputs[i], ("inputs[" + std::to_string(i) + "]").c_str()));
        const RunConfig config = run_config(options);
        const std::vector<Value> results = step.batch(values, config);
        try {
            for (std::size_t i = 0; i < count; ++i)
                put_string(&outputs[i], dump_json(results[i]));
        } catch (...) {
            clear(outputs, count);
            throw;
        }
    });
}

braid_status braid_runnable_batch_results(char** outputs, braid_status* statuses, char** errors,
                                          const braid_runnable* runnable, const char* const* inputs,
                                          std::size_t count, const braid_run_options* options) {
    return guard([&] {
        if (count > 0) {
            require(outputs, "outputs");
            require(statuses, "statuses");
            for (std::size_t i = 0; i < count; ++i) {
                outputs[i] = nullptr;
                statuses[i] = BRAID_ERROR_INTERNAL;
                if (errors)
                    errors[i] = nullptr;
            }
        }
        const AnyRunnable& step = use(runnable, "runnable").runnable;
        if (count > 0)
            require(inputs, "inputs");
        const RunConfig config = run_config(options);
        const auto report = [&](std::size_t i, const std::exception_ptr& error) {
            const Failure failure = describe(error);
            statuses[i] = failure.status;
            if (errors)
                put_string(&errors[i], failure.message);
        };
        // An input that is not JSON fails its own item; the others run.
        std::vector<Value> values;
        std::vector<std::size_t> ran; // the input index of each value
        std::vector<std::exception_ptr> bad_input(count);
        for (std::size_t i = 0; i < count; ++i) {
            try {
                values.push_back(parse_json(inputs[i], ("inputs[" + std::to_string(i) + "]").c_str()));
                ran.push_back(i);
            } catch (...) {
                bad_input[i] = std::current_exception();
            }
        }
        const std::vector<Result<Value>> results = step.batch_results(values, config);
        try {
            for (std::size_t i = 0; i < count; ++i)
                if (bad_input[i])
                    report(i, bad_input[i]);
            for (std::size_t j = 0; j < ran.size(); ++j) {
                const std::size_t i = ran[j];
                if (results[j].ok()) {
                    put_string(&outputs[i], dump_json(results[j].value()));
                    statuses[i] = BRAID_OK;
                } else {
                    report(i, results[j].error());
                }
            }
        } catch (...) {
            clear(outputs, count);
            clear(errors, count);
            throw;
        }
    });
}

braid_status braid_runnable_name(char** out_name, const braid_runnable* runnable) {
    return guard([&] {
        out_param(out_name, "out_name");
        put_string(out_name, use(runnable, "runnable").runnable.name());
    });
}

braid_status braid_runnable_graph(char** out_text, const braid_runnable* runnable, braid_graph_format format) {
    return guard([&] {
        out_param(out_text, "out_text");
        const Graph graph = use(runnable, "runnable").runnable.get_graph();
        switch (format) {
        case BRAID_GRAPH_MERMAID: put_string(out_text, graph.to_mermaid()); return;
        case BRAID_GRAPH_ASCII: put_string(out_text, graph.to_ascii()); return;
        case BRAID_GRAPH_JSON: put_string(out_text, dump_json(graph_json(graph))); return;
        case BRAID_GRAPH_FORMAT_MAX_ENUM: break;
        }
        throw Error(errc::invalid_argument, "format " + std::to_string(static_cast<int>(format)) +
                                                " is not a braid_graph_format");
    });
}

} // extern "C"
