// Test data for the C ABI tests: a copy of a GGUF model with a chat template added
// (tokenizer.chat_template), written with braid's GGUF writer. The shipped small models have none.
//
//   braid_capi_make_chat_model IN.gguf TEMPLATE.jinja OUT.gguf
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s IN.gguf TEMPLATE.jinja OUT.gguf\n", argv[0]);
        return 2;
    }
    try {
        const auto in = braid::gguf::File::open(argv[1]);
        std::ifstream file(argv[2], std::ios::binary);
        std::ostringstream text;
        text << file.rdbuf();
        if (!file)
            throw std::runtime_error(std::string("cannot read ") + argv[2]);
        braid::gguf::Writer out;
        out.set_alignment(static_cast<std::uint32_t>(in.alignment()));
        for (const auto& entry : in.metadata())
            out.set(entry.key, entry.value);
        out.set("tokenizer.chat_template", text.str());
        for (const auto& t : in.tensors())
            out.add_tensor(t.name, t.type, t.dims(), t.span());
        out.write(argv[3]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
        return 1;
    }
    return 0;
}
