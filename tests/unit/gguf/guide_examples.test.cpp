// docs/guides/gguf.md: the example at the top of the guide, run on a real model file.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"

TEST_CASE("[gguf] the guide's example: read metadata and tensors, write a file", "[unit]") {
    const std::filesystem::path model = std::filesystem::path(BRAID_TEST_DATA_DIR) / "models" / "stories260K.gguf";
    const std::filesystem::path written =
        std::filesystem::temp_directory_path() / ("braid-gguf-guide-" + std::to_string(::getpid()) + ".gguf");

    // --- as in the guide ---
    auto file = braid::gguf::File::open(model);
    std::string arch = file.get<std::string>("general.architecture");
    auto ctx = file.get_or<std::uint32_t>(arch + ".context_length", 2048);
    std::size_t listed = 0;
    for (const braid::gguf::TensorInfo& t : file.tensors()) {
        std::printf("%.*s %s\n", int(t.name.size()), t.name.data(), std::string(braid::engine::tensor_type_name(t.type)).c_str());
        ++listed;
    }
    std::vector<float> w = file.dequantize(file.tensor("token_embd.weight"));

    braid::gguf::Writer out;
    out.set("general.architecture", "llama");
    const std::int64_t dims[] = {4, 2};
    out.add_tensor("t", dims, std::vector<float>(8, 1.0f));
    out.write(written);
    // --- end of the guide's lines ---

    CHECK(arch == "llama");
    CHECK(ctx == 2048);
    CHECK(listed == 48);
    CHECK(w.size() == 512u * 64u); // 512 tokens × 64 values
    const auto back = braid::gguf::File::open(written);
    CHECK(back.get<std::string>("general.architecture") == "llama");
    CHECK(back.tensor("t").rows() == 2);
    CHECK(back.dequantize(back.tensor("t")) == std::vector<float>(8, 1.0f));
    std::filesystem::remove(written);
}
