// Chunk types (ChunkTraits), pieces vs snapshots (ChunkKind), and find_impl.
#include "helpers.hpp"

#include "braid/core/branch.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"
#include "braid/core/pick.hpp"

using namespace core_test;
using braid::Value;

namespace core_test {

/// A whole value that streams as pieces of another type (as a Message streams as MessageChunks).
struct Doc {
    std::string text;
    int pieces = 0;
};
struct DocPiece {
    std::string text;
    friend DocPiece operator+(DocPiece a, const DocPiece& b) { return DocPiece{a.text + "|" + b.text}; }
};

/// A step whose chunks are snapshots: the whole output so far, growing ({"a": "x"}, {"a": "xy"}, ...).
class Growing final : public braid::RunnableImpl<Value, Value> {
public:
    Value invoke(const Value& input, const braid::RunContext&) const override {
        return Value{{"a", input.get<std::string>()}};
    }
    braid::Stream<Value> transform(braid::Stream<Value> input, const braid::RunContext&) const override {
        return grow(collect_input(input).get<std::string>());
    }
    braid::StreamMode stream_mode() const override { return braid::StreamMode::generate; }
    braid::ChunkKind chunk_kind() const override { return braid::ChunkKind::snapshot; }
    std::string name() const override { return "growing"; }

private:
    static braid::Stream<Value> grow(std::string text) {
        for (std::size_t n = 1; n <= text.size(); ++n) {
            Value snapshot = Value::object(); // (GCC 12 rejects a braced Value in co_yield)
            snapshot["a"] = text.substr(0, n);
            co_yield snapshot;
        }
    }
};

/// A step streaming pieces: one chunk per character, as a string.
inline braid::AnyRunnable letters() {
    return braid::Lambda<Value, Value>::generator(
        [](Value input, const braid::RunContext&) -> braid::Stream<Value> {
            for (char c : input.get<std::string>())
                co_yield Value(std::string(1, c));
        },
        "letters");
}

inline braid::AnyRunnable growing() { return braid::make_runnable(std::make_shared<Growing>()); }

/// Every chunk of a stream, and whether it carried snapshots.
template <class T>
std::pair<std::vector<T>, bool> pulled(braid::Stream<T> stream) {
    const bool snapshots = stream.snapshots();
    return {stream.collect(), snapshots};
}

} // namespace core_test

template <>
struct braid::ChunkTraits<core_test::Doc> {
    using chunk_type = core_test::DocPiece;
    static core_test::DocPiece to_chunk(const core_test::Doc& whole) { return {whole.text}; }
    static core_test::Doc from_chunk(const core_test::DocPiece& chunk) {
        return {chunk.text, static_cast<int>(std::count(chunk.text.begin(), chunk.text.end(), '|')) + 1};
    }
};

TEST_CASE("[chunks] a type that streams as another", "[unit]") {
    auto pieces = braid::Lambda<std::string, core_test::Doc>::generator(
        [](std::string text, const braid::RunContext&) -> braid::Stream<DocPiece> {
            for (char c : text) {
                DocPiece piece{std::string(1, c)}; // named: GCC 12 destroys temporaries of a co_yield twice
                co_yield piece;
            }
        },
        "pieces");
    static_assert(std::is_same_v<decltype(pieces)::chunk_type, DocPiece>);
    SECTION("invoke combines the pieces and converts them") {
        const Doc doc = pieces.invoke("abc");
        CHECK(doc.text == "a|b|c");
        CHECK(doc.pieces == 3);
    }
    SECTION("streaming yields the pieces") {
        std::vector<std::string> got;
        for (const DocPiece& p : pieces.stream("ab"))
            got.push_back(p.text);
        CHECK(got == std::vector<std::string>{"a", "b"});
    }
    SECTION("a step taking the whole type gets the converted sum") {
        auto count = pieces | braid::Lambda([](const Doc& d) { return d.pieces; }, "count");
        CHECK(count.stream("abcd").collect() == std::vector<int>{4});
        CHECK(count.invoke("xy") == 2);
    }
    SECTION("a whole value given to a step streams as one chunk") {
        auto echo = braid::passthrough<Doc>();
        CHECK(echo.stream(Doc{"whole", 1}).collect().at(0).text == "whole");
    }
}

TEST_CASE("[chunks] vectors add up", "[unit]") {
    auto items = braid::Lambda<int, std::vector<int>>::generator(
        [](int n, const braid::RunContext&) -> braid::Stream<std::vector<int>> {
            for (int i = 0; i < n; ++i) {
                std::vector<int> pair(2, i); // (GCC 12 rejects a braced temporary in co_yield)
                co_yield pair;
            }
        },
        "items");
    CHECK(items.invoke(3) == std::vector<int>{0, 0, 1, 1, 2, 2});
    auto size = items | braid::Lambda([](const std::vector<int>& v) { return v.size(); });
    CHECK(size.stream(2).collect() == std::vector<std::size_t>{4});
}

TEST_CASE("[chunks] snapshots are replaced, not added", "[unit]") {
    const braid::AnyRunnable grow = growing();
    SECTION("the stream says so") {
        auto [chunks, snapshots] = pulled(grow.stream(Value("xyz")));
        CHECK(snapshots);
        CHECK(chunks == std::vector<Value>{{{"a", "x"}}, {{"a", "xy"}}, {{"a", "xyz"}}});
        CHECK_FALSE(letters().stream(Value("ab")).snapshots());
    }
    SECTION("a step that buffers after it gets the last one") {
        auto after = grow | braid::Passthrough() | braid::Lambda([](const Value& v) { return v; }, "use");
        CHECK(after.stream(Value("xyz")).collect() == std::vector<Value>{{{"a", "xyz"}}});
        CHECK(after.invoke(Value("xyz")) == Value{{"a", "xyz"}});
    }
    SECTION("a chunk-by-chunk step keeps them snapshots") {
        auto picked = grow | braid::pick("a");
        auto [chunks, snapshots] = pulled(picked.stream(Value("ab")));
        CHECK(snapshots);
        CHECK(chunks == std::vector<Value>{"a", "ab"});
        CHECK((picked | braid::Lambda([](const Value& v) { return v; })).stream(Value("ab")).collect() ==
              std::vector<Value>{"ab"});
    }
    SECTION("events end with the last snapshot") {
        std::vector<braid::Event> ends;
        for (braid::Event& e : (grow | braid::Passthrough()).events(Value("xyz")))
            if (e.kind == braid::EventKind::end)
                ends.push_back(e);
        REQUIRE(ends.size() == 3);
        for (const braid::Event& e : ends)
            CHECK(e.data == Value{{"a", "xyz"}});
    }
    SECTION("retry keeps them snapshots") {
        auto retried = grow.with_retry(2, braid::Backoff::none());
        CHECK(retried.stream(Value("ab")).snapshots());
        CHECK((retried | braid::Lambda([](const Value& v) { return v; })).stream(Value("ab")).collect() ==
              std::vector<Value>{{{"a", "ab"}}});
    }
}

TEST_CASE("[chunks] composites that mix pieces and snapshots give snapshots", "[unit]") {
    SECTION("Parallel: the whole object so far, the last one equal to invoke") {
        braid::Parallel both({{"g", growing()}, {"l", letters()}});
        auto [chunks, snapshots] = pulled(both.stream(Value("ab")));
        CHECK(snapshots);
        REQUIRE(chunks.size() == 4);
        CHECK(chunks.back() == both.invoke(Value("ab")));
        CHECK(chunks.back() == Value{{"g", {{"a", "ab"}}}, {"l", "ab"}});
        braid::Parallel pieces_only({{"l", letters()}, {"m", letters()}});
        CHECK_FALSE(pieces_only.stream(Value("ab")).snapshots());
    }
    SECTION("assign: the input, then the input with the computed keys") {
        auto assigned = braid::Passthrough::assign({{"g", braid::pick("text") | growing()}});
        const Value input = {{"text", "hi"}};
        auto [chunks, snapshots] = pulled(assigned.stream(input));
        CHECK(snapshots);
        CHECK(chunks.front() == input);
        CHECK(chunks.back() == assigned.invoke(input));
        CHECK(chunks.back() == Value{{"text", "hi"}, {"g", {{"a", "hi"}}}});
        auto after = growing() | braid::Passthrough::assign({{"n", braid::Lambda([](const Value&) { return Value(1); })}});
        auto [grown, grown_snapshots] = pulled(after.stream(Value("ab")));
        CHECK(grown_snapshots);
        CHECK(grown == std::vector<Value>{{{"a", "a"}}, {{"a", "ab"}}, {{"a", "ab"}, {"n", 1}}});
    }
    SECTION("Branch and fallbacks: the pieces of the other side become running totals") {
        braid::Branch branch({{[](const Value& v) { return v == "ab"; }, growing()}}, letters());
        CHECK(branch.stream(Value("ab")).collect().back() == Value{{"a", "ab"}});
        auto [chunks, snapshots] = pulled(branch.stream(Value("xyz")));
        CHECK(snapshots);
        CHECK(chunks == std::vector<Value>{"x", "xy", "xyz"});
        braid::AnyRunnable failing = braid::Lambda([](const Value&) -> Value {
            throw braid::Error(braid::errc::device, "down");
        });
        auto fallback = failing.with_fallbacks({letters()});
        CHECK_FALSE(fallback.stream(Value("ab")).snapshots());
        auto mixed = growing().with_fallbacks({letters()});
        CHECK(mixed.stream(Value("ab")).snapshots());
    }
}

TEST_CASE("[chunks] find_impl looks through the conversion to AnyRunnable", "[unit]") {
    auto typed = braid::make_runnable(std::make_shared<Growing>());
    const braid::AnyRunnable any = braid::Lambda([](const std::string& s) { return s.size(); }, "size");
    CHECK(braid::find_impl<Growing>(typed) != nullptr);
    CHECK(braid::find_impl<Growing>(any) == nullptr);
    CHECK(braid::find_impl<Growing>(typed.with_retry(2)) == nullptr);
    CHECK(braid::find_impl<braid::RunnableImpl<std::string, std::size_t>>(any) != nullptr);
    CHECK(braid::find_impl<Growing>(braid::AnyRunnable()) == nullptr);
}

TEST_CASE("[chunks] a dynamic branch condition must answer a boolean", "[unit]") {
    const braid::AnyRunnable is_long = braid::Lambda([](const Value& v) { return Value(v.get<std::string>().size() > 3); });
    const braid::AnyRunnable says_yes = braid::Lambda([](const Value&) { return Value("yes"); }, "says_yes");
    braid::Branch branch({{is_long, braid::Lambda([](const Value&) { return Value("long"); })}},
                         braid::Lambda([](const Value&) { return Value("short"); }));
    CHECK(branch.invoke(Value("abcdef")) == "long");
    CHECK(branch.invoke(Value("ab")) == "short");
    braid::Branch bad({{says_yes, braid::Passthrough()}}, braid::Passthrough());
    CHECK(error_message_of([&] { (void)bad.invoke(Value("x")); }) ==
          "branch condition 'says_yes' returned string, not true or false");
    CHECK(error_kind_of([] { braid::BranchCase c{braid::AnyRunnable(), braid::Passthrough()}; }) ==
          braid::errc::invalid_argument);
}
