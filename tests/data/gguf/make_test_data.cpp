// Generates the small GGUF files in this folder from /work/shared/models/synthetic/tiny-llama-gqa-*.gguf
// (see README.md). For every quantized source file it keeps, for each tensor type the file uses, the two
// smallest tensors of that type (bytes copied verbatim) and all metadata; the f32/f16/bf16 extracts keep
// the union of those tensor names, so every extracted quantized tensor has its F32 original.
//
// Build and run from the repository root after building braid_gguf in build/gguf:
//   g++ -std=c++20 -O2 -Iinclude tests/data/gguf/make_test_data.cpp build/gguf/src/libbraid_gguf.a \
//       build/gguf/src/libbraid_base.a -o /tmp/make_gguf_test_data
//   /tmp/make_gguf_test_data /work/shared/models/synthetic tests/data/gguf
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"

using namespace braid;

namespace {

void extract(const gguf::File& in, const std::set<std::string>& names, const std::string& out_path) {
    gguf::Writer w;
    for (const auto& e : in.metadata()) w.set(e.key, e.value);
    for (const auto& t : in.tensors()) {
        if (!names.count(std::string(t.name))) continue;
        w.add_tensor(t.name, t.type, t.dims(), t.span());
    }
    w.write(out_path);
    std::printf("%s: %zu tensors\n", out_path.c_str(), w.tensor_count());
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s SYNTHETIC_DIR OUT_DIR\n", argv[0]);
        return 2;
    }
    const std::string src = argv[1], dst = argv[2];
    const std::vector<std::string> quantized = {"q2_k", "q3_k_m", "q4_0", "q4_1", "q4_k_m", "q5_0",
                                                "q5_1", "q5_k_m", "q6_k", "q8_0"};
    std::set<std::string> all_names;
    std::map<std::string, std::set<std::string>> per_file;
    for (const auto& q : quantized) {
        auto f = gguf::File::open(src + "/tiny-llama-gqa-" + q + ".gguf");
        std::map<engine::TensorType, std::vector<const gguf::TensorInfo*>> by_type;
        for (const auto& t : f.tensors()) by_type[t.type].push_back(&t);
        for (auto& [type, list] : by_type) {
            std::stable_sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->bytes < b->bytes; });
            for (std::size_t i = 0; i < list.size() && i < 2; ++i) {
                per_file[q].insert(std::string(list[i]->name));
                all_names.insert(std::string(list[i]->name));
            }
        }
        extract(f, per_file[q], dst + "/tiny-llama-gqa-" + q + ".extract.gguf");
    }
    for (const std::string plain : {"f32", "f16", "bf16"}) {
        auto f = gguf::File::open(src + "/tiny-llama-gqa-" + plain + ".gguf");
        extract(f, all_names, dst + "/tiny-llama-gqa-" + plain + ".extract.gguf");
    }
    return 0;
}
