// libFuzzer target for the GGUF reader: any bytes must either open or give a braid::Error, never crash,
// hang or allocate hugely. A file that opens is walked completely (every value, array element and small
// tensor), then copied through gguf::Writer and re-read, which must give the same metadata and tensors.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/engine/quant.hpp"

namespace {

void walk(const braid::gguf::Value& v, std::size_t& sink) {
    sink += v.to_display_string(4).size();
    if (v.type() == braid::gguf::ValueType::Array) {
        const auto a = v.as_array();
        if (a.element_type() == braid::gguf::ValueType::String) sink += a.strings().size();
        for (braid::gguf::Value item : a) walk(item, sink);
    }
}

void check(bool ok) {
    if (!ok) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace braid;
    const auto bytes = std::as_bytes(std::span<const std::uint8_t>(data, size));
    try {
        const auto file = gguf::File::view(bytes);
        std::size_t sink = 0;
        for (const auto& e : file.metadata()) walk(e.value, sink);
        gguf::Writer w;
        // The data alignment only: general.alignment itself is copied in file order, with its own type.
        w.set_alignment(static_cast<std::uint32_t>(file.alignment()));
        w.remove("general.alignment");
        for (const auto& e : file.metadata()) w.set(e.key, e.value);
        for (const auto& t : file.tensors()) {
            if (t.elements <= (1 << 16) && engine::is_supported(t.type)) sink += file.dequantize(t).size();
            w.add_tensor(t.name, t.type, t.dims(), t.span());
        }
        const auto copy = gguf::File::from_bytes(w.to_bytes());
        check(copy.metadata().size() == file.metadata().size());
        check(copy.tensors().size() == file.tensors().size());
        for (std::size_t i = 0; i < file.metadata().size(); ++i) {
            const auto a = file.metadata()[i].value.encoded(), b = copy.metadata()[i].value.encoded();
            check(file.metadata()[i].key == copy.metadata()[i].key);
            check(std::equal(a.begin(), a.end(), b.begin(), b.end()));
        }
        for (std::size_t i = 0; i < file.tensors().size(); ++i) {
            const auto& a = file.tensors()[i];
            const auto& b = copy.tensors()[i];
            check(a.name == b.name && a.type == b.type && a.ne == b.ne && a.bytes == b.bytes);
            check(std::equal(a.data, a.data + a.bytes, b.data));
        }
        (void)sink;
    } catch (const braid::Error&) {
    }
    return 0;
}
