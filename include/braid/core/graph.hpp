/// @file
/// @brief Graph: the shape of a composed runnable (nodes, edges, how each node streams), rendered as
/// Mermaid or ASCII text.
#pragma once

#include <string>
#include <vector>

namespace braid {

/// How a step handles a stream.
enum class StreamMode {
    /// Consumes its input chunk by chunk and emits output chunks as it goes (parsers, passthrough,
    /// streaming lambdas): streaming flows through it.
    transform,
    /// Collects its whole input, then emits its output in chunks (a chat model, a Parallel, a generator
    /// lambda): streaming restarts after it.
    generate,
    /// Collects its whole input and emits its whole output as one chunk (a plain Lambda, a prompt
    /// template): streaming stops here. Rendered with a "buffers" mark.
    buffer,
};

/// Short name of a stream mode ("transform", "generate", "buffer").
const char* stream_mode_name(StreamMode mode) noexcept;

/// One node: a step of the composition, or the Input / Output markers.
struct GraphNode {
    int id = 0;                          ///< Index in Graph::nodes.
    std::string name;                    ///< The step's name ("Input" / "Output" for the markers).
    StreamMode mode = StreamMode::transform; ///< How the step streams.
    bool marker = false;                 ///< True for the Input and Output markers.
};

/// One edge: data flows from `from` to `to`; `label` names a branch, key or condition (may be empty).
struct GraphEdge {
    int from = 0;      ///< Source node id.
    int to = 0;        ///< Target node id.
    std::string label; ///< Optional label.
};

/// The entry and exit nodes of a sub-graph, as returned by RunnableImpl::add_to_graph.
struct GraphPorts {
    std::vector<int> entries; ///< Nodes that receive the sub-graph's input.
    std::vector<int> exits;   ///< Nodes whose output is the sub-graph's output.
};

/// A directed graph of steps, built by Runnable::get_graph() (Input → steps → Output).
class Graph {
public:
    /// Adds a node and returns its id.
    int add_node(std::string name, StreamMode mode, bool marker = false);
    /// Adds an edge between existing nodes.
    /// @throws Error(errc::invalid_argument) if either id is not a node.
    void add_edge(int from, int to, std::string label = {});
    /// Adds edges from every node of @p from to every node of @p to.
    void connect(const std::vector<int>& from, const std::vector<int>& to, const std::string& label = {});

    /// The nodes, by id.
    const std::vector<GraphNode>& nodes() const noexcept { return nodes_; }
    /// The edges, in insertion order.
    const std::vector<GraphEdge>& edges() const noexcept { return edges_; }
    /// Ids of the nodes in mode StreamMode::buffer (where streaming stops).
    std::vector<int> buffering_nodes() const;

    /// Mermaid flowchart text ("graph TD" …); buffering nodes carry the class `buffers` (dashed) and
    /// a "(buffers)" suffix in their label.
    std::string to_mermaid() const;
    /// A plain-text drawing: one row of boxes per layer (longest path from Input), arrows between
    /// layers, buffering nodes marked with `*`, then the labelled edges listed.
    std::string to_ascii() const;

private:
    std::vector<GraphNode> nodes_;
    std::vector<GraphEdge> edges_;
};

} // namespace braid
