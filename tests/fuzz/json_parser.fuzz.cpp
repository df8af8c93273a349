// libFuzzer target: JSON extraction from model text and the incremental partial JSON parser.
// Checks, beyond "no crash, no hang": streaming in chunks gives what parse() gives; partial values
// only grow (unless a key repeats); a value the partial parser completes is the one nlohmann::json reads from those bytes.
#include <braid/error.hpp>
#include <braid/parsers/json_output_parser.hpp>
#include <braid/parsers/partial_json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

bool grows_into(const braid::Value& a, const braid::Value& b) {
    if (a.is_string() && b.is_string()) {
        return b.get_ref<const std::string&>().compare(0, a.get_ref<const std::string&>().size(),
                                                        a.get_ref<const std::string&>()) == 0;
    }
    if (a.is_array() && b.is_array()) {
        if (a.size() > b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) if (!grows_into(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object() && b.is_object()) {
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto found = b.find(it.key());
            if (found == b.end() || !grows_into(it.value(), *found)) return false;
        }
        return true;
    }
    return a == b;
}

void check(bool ok) {
    if (!ok) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = 1 + data[0] % 16;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

    // 1. parse() against a chunked stream.
    std::optional<braid::Value> whole;
    std::string whole_error;
    try {
        whole = braid::JsonOutputParser().parse(text);
    } catch (const braid::Error& e) {
        whole_error = e.what();
    }
    auto stream = braid::JsonOutputParser().stream();
    std::optional<braid::Value> streamed;
    std::string stream_error;
    try {
        for (std::size_t i = 0; i < text.size(); i += chunk) stream.feed(text.substr(i, chunk));
        stream.finish();
        streamed = stream.result();
    } catch (const braid::Error& e) {
        stream_error = e.what();
    }
    check(whole.has_value() == streamed.has_value());
    if (whole) check(*whole == *streamed);
    else check(whole_error == stream_error);

    // 2. The partial parser alone: growth, and agreement with nlohmann on completed values.
    braid::PartialJsonParser parser;
    braid::Value previous;
    bool any = false;
    try {
        for (std::size_t i = 0; i < text.size() && !parser.complete(); i += chunk) {
            parser.feed(text.substr(i, chunk));
            if (parser.take_changed()) {
                if (any && !parser.repeated_key()) check(grows_into(previous, parser.value()));
                previous = parser.value();
                any = true;
                (void)previous.dump(); // partial strings stay valid UTF-8 (dump would throw)
            }
        }
        if (parser.finish()) {
            const auto reference = nlohmann::ordered_json::parse(text.substr(0, parser.offset()), nullptr, false);
            // nlohmann refuses what we also refuse (out-of-range numbers); on what both read, they agree.
            if (!reference.is_discarded()) check(reference == parser.value());
        }
    } catch (const braid::Error&) {
    }
    return 0;
}
