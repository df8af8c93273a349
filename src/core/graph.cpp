#include "braid/core/graph.hpp"

#include <algorithm>
#include <sstream>

#include "braid/error.hpp"

namespace braid {

const char* stream_mode_name(StreamMode mode) noexcept {
    switch (mode) {
    case StreamMode::transform: return "transform";
    case StreamMode::generate: return "generate";
    case StreamMode::buffer: return "buffer";
    }
    return "unknown";
}

int Graph::add_node(std::string name, StreamMode mode, bool marker) {
    const int id = static_cast<int>(nodes_.size());
    nodes_.push_back(GraphNode{id, std::move(name), mode, marker});
    return id;
}

void Graph::add_edge(int from, int to, std::string label) {
    const int count = static_cast<int>(nodes_.size());
    if (from < 0 || from >= count || to < 0 || to >= count)
        throw Error(errc::invalid_argument, "Graph::add_edge: node " + std::to_string(from < 0 || from >= count ? from : to) +
                                                " does not exist (the graph has " + std::to_string(count) + " nodes)");
    edges_.push_back(GraphEdge{from, to, std::move(label)});
}

void Graph::connect(const std::vector<int>& from, const std::vector<int>& to, const std::string& label) {
    for (int a : from)
        for (int b : to)
            add_edge(a, b, label);
}

std::vector<int> Graph::buffering_nodes() const {
    std::vector<int> ids;
    for (const GraphNode& node : nodes_)
        if (!node.marker && node.mode == StreamMode::buffer)
            ids.push_back(node.id);
    return ids;
}

namespace {

std::string mermaid_text(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '"')
            out += "#quot;";
        else if (c == '\n')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string label_of(const GraphNode& node) {
    return node.mode == StreamMode::buffer && !node.marker ? node.name + " *" : node.name;
}

} // namespace

std::string Graph::to_mermaid() const {
    std::ostringstream out;
    out << "graph TD\n";
    for (const GraphNode& node : nodes_) {
        out << "    n" << node.id;
        if (node.marker)
            out << "([\"" << mermaid_text(node.name) << "\"])";
        else if (node.mode == StreamMode::buffer)
            out << "[\"" << mermaid_text(node.name) << " (buffers)\"]:::buffers";
        else
            out << "[\"" << mermaid_text(node.name) << "\"]";
        out << '\n';
    }
    for (const GraphEdge& edge : edges_) {
        out << "    n" << edge.from << " -->";
        if (!edge.label.empty())
            out << "|\"" << mermaid_text(edge.label) << "\"|";
        out << " n" << edge.to << '\n';
    }
    out << "    classDef buffers stroke-dasharray: 5 5\n";
    return out.str();
}

std::string Graph::to_ascii() const {
    const std::size_t count = nodes_.size();
    // Layer of a node: the longest path to it from a node without predecessors (the graph is acyclic).
    std::vector<int> layer(count, 0);
    std::vector<int> indegree(count, 0);
    for (const GraphEdge& edge : edges_)
        ++indegree[static_cast<std::size_t>(edge.to)];
    std::vector<int> ready;
    for (std::size_t i = 0; i < count; ++i)
        if (indegree[i] == 0)
            ready.push_back(static_cast<int>(i));
    std::size_t visited = 0;
    while (!ready.empty()) {
        const int node = ready.back();
        ready.pop_back();
        ++visited;
        for (const GraphEdge& edge : edges_) {
            if (edge.from != node)
                continue;
            auto to = static_cast<std::size_t>(edge.to);
            layer[to] = std::max(layer[to], layer[static_cast<std::size_t>(node)] + 1);
            if (--indegree[to] == 0)
                ready.push_back(edge.to);
        }
    }
    if (visited != count)
        throw Error(errc::internal, "Graph::to_ascii: the graph has a cycle");
    const int layers = count == 0 ? 0 : *std::max_element(layer.begin(), layer.end()) + 1;

    std::ostringstream out;
    bool chain = true;
    for (int l = 0; l < layers; ++l) {
        std::vector<const GraphNode*> row;
        for (const GraphNode& node : nodes_)
            if (layer[static_cast<std::size_t>(node.id)] == l)
                row.push_back(&node);
        chain = chain && row.size() == 1;
        std::string top, middle, arrows, heads;
        for (const GraphNode* node : row) {
            const std::string text = label_of(*node);
            const std::string border = "+" + std::string(text.size() + 2, '-') + "+";
            const std::size_t centre = border.size() / 2;
            const bool has_out = std::any_of(edges_.begin(), edges_.end(),
                                             [&](const GraphEdge& e) { return e.from == node->id; });
            top += border + "  ";
            middle += "| " + text + " |  ";
            std::string stem(border.size() + 2, ' ');
            std::string head(border.size() + 2, ' ');
            if (has_out) {
                stem[centre] = '|';
                head[centre] = 'v';
            }
            arrows += stem;
            heads += head;
        }
        auto trim = [](std::string s) {
            s.erase(s.find_last_not_of(' ') + 1);
            return s;
        };
        out << trim(top) << '\n' << trim(middle) << '\n' << trim(top) << '\n';
        if (l + 1 < layers)
            out << trim(arrows) << '\n' << trim(heads) << '\n';
    }
    bool labelled = false;
    for (const GraphEdge& edge : edges_)
        labelled = labelled || !edge.label.empty();
    if (!chain || labelled) {
        out << "edges:\n";
        for (const GraphEdge& edge : edges_) {
            out << "  " << label_of(nodes_[static_cast<std::size_t>(edge.from)]) << " --";
            if (!edge.label.empty())
                out << edge.label << "--";
            out << "> " << label_of(nodes_[static_cast<std::size_t>(edge.to)]) << '\n';
        }
    }
    if (!buffering_nodes().empty())
        out << "* buffers its input: streaming stops here\n";
    return out.str();
}

} // namespace braid
