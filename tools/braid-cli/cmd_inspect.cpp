// braid-cli inspect: a GGUF file's header, metadata (long arrays summarized) and tensors, as text or as
// JSON lines (one object per line: the file, then each metadata entry, then each tensor).
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "braid/engine/gguf_file.hpp"
#include "braid/error.hpp"
#include "command.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_inspect {
namespace {

using nlohmann::ordered_json;

std::string dump(const ordered_json& j) { return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

ordered_json value_json(const gguf::Value& v, std::size_t max_items) {
    switch (v.type()) {
    case gguf::ValueType::Bool: return v.as_bool();
    case gguf::ValueType::F32: case gguf::ValueType::F64: return v.as_double();
    case gguf::ValueType::U64: return v.as_uint();
    case gguf::ValueType::String: return std::string(v.as_string());
    case gguf::ValueType::Array: {
        const gguf::ArrayView a = v.as_array();
        ordered_json items = ordered_json::array();
        for (gguf::Value item : a) {
            if (items.size() == max_items) break;
            items.push_back(value_json(item, max_items));
        }
        return ordered_json{{"element_type", std::string(gguf::value_type_name(a.element_type()))},
                            {"count", a.size()},
                            {items.size() < a.size() ? "first" : "items", items}};
    }
    default: return v.as_int();
    }
}

std::string dims_text(const gguf::TensorInfo& t) {
    std::string s = "[";
    for (std::size_t i = 0; i < t.dims().size(); ++i) s += (i ? ", " : "") + std::to_string(t.dims()[i]);
    return s + "]";
}

int run(Args& args) {
    const bool json = args.has("--json");
    const std::string items_text = args.value("--items", "8");
    const auto positional = args.positional();
    if (positional.size() != 1) throw Error(errc::invalid_argument, "inspect needs exactly one MODEL.gguf");
    std::size_t max_items = 0;
    try {
        max_items = static_cast<std::size_t>(std::stoul(items_text));
    } catch (const std::exception&) {
        throw Error(errc::invalid_argument, "--items needs a number, got '" + items_text + "'");
    }

    const auto file = gguf::File::open(positional[0]);
    std::uint64_t parameters = 0, tensor_bytes = 0;
    std::map<std::string, std::size_t> type_counts;
    for (const auto& t : file.tensors()) {
        parameters += static_cast<std::uint64_t>(t.elements);
        tensor_bytes += t.bytes;
        ++type_counts[std::string(engine::tensor_type_name(t.type))];
    }

    if (json) {
        ordered_json types = ordered_json::object();
        for (const auto& [name, count] : type_counts) types[name] = count;
        std::cout << dump({{"kind", "file"}, {"path", file.name()}, {"version", file.version()},
                           {"size", file.bytes().size()}, {"alignment", file.alignment()},
                           {"data_offset", file.data_offset()}, {"metadata_count", file.metadata().size()},
                           {"tensor_count", file.tensors().size()}, {"parameters", parameters},
                           {"tensor_bytes", tensor_bytes}, {"tensor_types", types}})
                  << '\n';
        for (const auto& e : file.metadata())
            std::cout << dump({{"kind", "metadata"}, {"key", std::string(e.key)},
                               {"type", std::string(gguf::value_type_name(e.value.type()))},
                               {"value", value_json(e.value, max_items)}})
                      << '\n';
        for (const auto& t : file.tensors())
            std::cout << dump({{"kind", "tensor"}, {"name", std::string(t.name)},
                               {"type", std::string(engine::tensor_type_name(t.type))},
                               {"dims", std::vector<std::int64_t>(t.dims().begin(), t.dims().end())},
                               {"elements", t.elements}, {"offset", t.file_offset}, {"bytes", t.bytes},
                               {"supported", engine::is_supported(t.type)}})
                      << '\n';
        return 0;
    }

    std::printf("%s: GGUF v%u, %zu bytes, alignment %llu, data at byte %llu\n", file.name().c_str(), file.version(),
                file.bytes().size(), static_cast<unsigned long long>(file.alignment()),
                static_cast<unsigned long long>(file.data_offset()));
    std::printf("\nmetadata (%zu):\n", file.metadata().size());
    for (const auto& e : file.metadata()) {
        std::string type(gguf::value_type_name(e.value.type()));
        if (e.value.type() == gguf::ValueType::Array)
            type += "<" + std::string(gguf::value_type_name(e.value.as_array().element_type())) + ">";
        std::printf("  %-44.*s %-14s %s\n", static_cast<int>(e.key.size()), e.key.data(), type.c_str(),
                    e.value.to_display_string(max_items).c_str());
    }
    std::printf("\ntensors (%zu, %llu parameters, %llu bytes):\n", file.tensors().size(),
                static_cast<unsigned long long>(parameters), static_cast<unsigned long long>(tensor_bytes));
    for (const auto& t : file.tensors()) {
        std::printf("  %-40.*s %-8s %-22s %12llu bytes at %llu%s\n", static_cast<int>(t.name.size()), t.name.data(),
                    std::string(engine::tensor_type_name(t.type)).c_str(), dims_text(t).c_str(),
                    static_cast<unsigned long long>(t.bytes), static_cast<unsigned long long>(t.file_offset),
                    engine::is_supported(t.type) ? "" : "  (unsupported type)");
    }
    std::printf("\ntensor types:");
    for (const auto& [name, count] : type_counts) std::printf(" %s×%zu", name.c_str(), count);
    std::printf("\n");
    return 0;
}

const Registration reg{{"inspect", "MODEL.gguf [--json] [--items N]: metadata (arrays: first N items) and tensors", run}};

} // namespace
} // namespace braid::cli::cmd_inspect
