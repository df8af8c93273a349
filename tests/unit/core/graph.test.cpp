#include "helpers.hpp"

#include "braid/core/branch.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"

using namespace core_test;
using braid::Value;

TEST_CASE("[graph] a chain's graph shows each step and where streaming stops", "[unit]") {
    braid::Lambda length([](const std::string& s) { return std::to_string(s.size()); }, "length");
    auto chain = word_model() | upper_parser() | length;
    const braid::Graph graph = chain.get_graph();
    REQUIRE(graph.nodes().size() == 5); // Input, model, upper, length, Output
    CHECK(graph.nodes()[0].name == "Input");
    CHECK(graph.nodes()[1].name == "model");
    CHECK(graph.nodes()[1].mode == braid::StreamMode::generate);
    CHECK(graph.nodes()[2].mode == braid::StreamMode::transform);
    CHECK(graph.nodes()[3].mode == braid::StreamMode::buffer);
    CHECK(graph.edges().size() == 4);
    CHECK(graph.buffering_nodes() == std::vector<int>{3});

    const std::string mermaid = graph.to_mermaid();
    CHECK_THAT(mermaid, Catch::StartsWith("graph TD\n"));
    CHECK_THAT(mermaid, Catch::Contains("n3[\"length (buffers)\"]:::buffers"));
    CHECK_THAT(mermaid, Catch::Contains("n1 --> n2"));
    CHECK_THAT(mermaid, Catch::Contains("classDef buffers"));

    const std::string ascii = graph.to_ascii();
    CHECK_THAT(ascii, Catch::Contains("| length * |"));
    CHECK_THAT(ascii, Catch::Contains("| model |"));
    CHECK_THAT(ascii, Catch::Contains("* buffers its input"));
    CHECK_THAT(ascii, !Catch::Contains("edges:")); // a plain chain needs no edge list
}

TEST_CASE("[graph] maps, branches, retries and bindings", "[unit]") {
    braid::Lambda a([](const Value& v) { return v; }, "a");
    braid::Lambda b([](const Value& v) { return v; }, "b");
    braid::Parallel map({{"left", a}, {"right", b.with_config({})}});
    const braid::Graph graph = (map | braid::Passthrough()).get_graph();
    // Input, Parallel, a, b, Passthrough, Output
    REQUIRE(graph.nodes().size() == 6);
    CHECK(graph.nodes()[1].name == "Parallel<left, right>");
    bool labelled = false;
    for (const braid::GraphEdge& e : graph.edges())
        labelled = labelled || e.label == "left";
    CHECK(labelled);
    const std::string ascii = graph.to_ascii();
    CHECK_THAT(ascii, Catch::Contains("edges:"));
    CHECK_THAT(ascii, Catch::Contains("--left--> a *"));
    CHECK_THAT(graph.to_mermaid(), Catch::Contains("-->|\"right\"|"));

    braid::Branch branch({{[](const Value&) { return true; }, a}}, b);
    const braid::Graph bg = branch.with_retry(2).get_graph();
    CHECK(bg.nodes()[1].name == "Retry x2");
    CHECK(bg.nodes()[2].name == "Branch");

    const braid::Graph fg = a.with_fallbacks({b}).get_graph();
    CHECK(fg.nodes()[1].name == "Fallbacks");
    CHECK_THAT(fg.to_mermaid(), Catch::Contains("fallback 1"));

    braid::Graph bad;
    CHECK(error_kind_of([&] { bad.add_edge(0, 1); }) == braid::errc::invalid_argument);
}
