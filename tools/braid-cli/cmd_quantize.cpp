// braid-cli quantize: rewrites a GGUF model with its weight matrices in another type.
//
// Policy (documented in docs/guides/gguf.md): every tensor with 2 or more dims (weight matrices, the token
// embedding and the output matrix included) becomes TYPE; 1-D tensors (norms, biases) stay as they are
// (F32 in practice). A matrix whose rows are not a whole number of TYPE blocks falls back to q8_0 when its
// rows fit 32-element blocks, else to f16. Already-quantized sources are refused unless
// --allow-requantize (quantizing twice adds both errors). Metadata is copied; general.file_type and
// general.quantization_version are set.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/engine/quant.hpp"
#include "braid/error.hpp"
#include "command.hpp"

// Each command in a namespace of its own: braid-cli is compiled a few files per unit (BRAID_UNITY_BUILD).
namespace braid::cli::cmd_quantize {
namespace {

using engine::TensorType;

// llama.cpp's `llama_ftype` value for a file mostly of @p type (what general.file_type records).
std::uint32_t file_type_of(TensorType type) {
    switch (type) {
    case TensorType::F32: return 0;
    case TensorType::F16: return 1;
    case TensorType::Q4_0: return 2;
    case TensorType::Q8_0: return 7;
    case TensorType::Q4_K: return 14;  // MOSTLY_Q4_K_S: uniform Q4_K, no mixing
    case TensorType::Q6_K: return 18;
    case TensorType::BF16: return 32;
    default: throw Error(errc::internal, "no file type for " + std::string(engine::tensor_type_name(type)));
    }
}

bool is_float_type(TensorType t) { return t == TensorType::F32 || t == TensorType::F16 || t == TensorType::BF16; }

TensorType target_for(const gguf::TensorInfo& t, TensorType wanted) {
    if (t.n_dims < 2) return t.type;
    if (t.ne[0] % engine::block_elements(wanted) == 0) return wanted;
    if (t.ne[0] % 32 == 0) return TensorType::Q8_0;
    return TensorType::F16;
}

int run(Args& args) {
    const bool allow_requantize = args.has("--allow-requantize");
    const bool quiet = args.has("--quiet");
    const auto positional = args.positional();
    if (positional.size() != 3)
        throw Error(errc::invalid_argument, "quantize needs IN.gguf OUT.gguf TYPE (q8_0, q4_0, q4_k, q6_k, f16, bf16)");
    const auto wanted = engine::tensor_type_from_name(positional[2]);
    if (!wanted || *wanted == TensorType::F32 || !engine::can_quantize(*wanted))
        throw Error(errc::invalid_argument, "quantize TYPE must be one of q8_0, q4_0, q4_k, q6_k, f16, bf16 (got '" +
                                                positional[2] + "')");
    const auto in = gguf::File::open(positional[0]);
    for (const auto& t : in.tensors()) {
        if (t.n_dims < 2) continue;
        if (!engine::is_supported(t.type))
            throw Error(errc::unsupported, "tensor '" + std::string(t.name) + "' has type " +
                                               std::string(engine::tensor_type_name(t.type)) + ", which braid cannot read");
        if (!is_float_type(t.type) && !allow_requantize)
            throw Error(errc::invalid_argument, "tensor '" + std::string(t.name) + "' is already " +
                                                    std::string(engine::tensor_type_name(t.type)) +
                                                    "; pass --allow-requantize to quantize it again");
    }

    const bool progress = !quiet && ::isatty(STDERR_FILENO);
    const auto start = std::chrono::steady_clock::now();
    gguf::Writer out;
    if (in.alignment() != gguf::default_alignment) out.set_alignment(static_cast<std::uint32_t>(in.alignment()));
    for (const auto& e : in.metadata()) out.set(e.key, e.value);
    out.set("general.file_type", file_type_of(*wanted));
    if (!is_float_type(*wanted)) out.set("general.quantization_version", std::uint32_t{2});

    std::uint64_t in_bytes = 0, out_bytes = 0;
    std::size_t converted = 0, fallbacks = 0, index = 0;
    std::vector<float> row;
    for (const auto& t : in.tensors()) {
        ++index;
        const TensorType target = target_for(t, *wanted);
        in_bytes += t.bytes;
        if (target == t.type) {
            out.add_tensor(t.name, t.type, t.dims(), t.span());
            out_bytes += t.bytes;
        } else {
            if (target != *wanted) ++fallbacks;
            const std::int64_t n = t.ne[0];
            const std::int64_t out_row = engine::row_bytes(target, n);
            std::vector<std::byte> data(static_cast<std::size_t>(out_row * t.rows()));
            row.resize(static_cast<std::size_t>(n));
            for (std::int64_t r = 0; r < t.rows(); ++r) {
                engine::dequantize_row(t.type, t.data + static_cast<std::uint64_t>(r) * t.row_bytes(), row.data(), n);
                engine::quantize_row(target, row.data(), data.data() + r * out_row, n);
            }
            out.add_tensor(t.name, target, t.dims(), data);
            out_bytes += data.size();
            ++converted;
        }
        if (progress) {
            const int width = 30;
            const int filled = static_cast<int>(width * index / in.tensors().size());
            std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu %-40.40s", filled, "##############################", width - filled, "",
                         index, in.tensors().size(), std::string(t.name).c_str());
            std::fflush(stderr);
        }
    }
    if (progress) std::fprintf(stderr, "\r%*s\r", 90, "");
    out.write(positional[1]);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!quiet)
        std::fprintf(stderr, "%s: %zu of %zu tensors to %s, %zu to q8_0/f16 (rows not whole %s blocks), tensor data %.2f MB -> %.2f MB, %.2f s\n",
                     positional[1].c_str(), converted - fallbacks, in.tensors().size(), positional[2].c_str(), fallbacks,
                     positional[2].c_str(),
                     static_cast<double>(in_bytes) / 1e6, static_cast<double>(out_bytes) / 1e6, seconds);
    return 0;
}

const Registration reg{{"quantize",
                        "IN.gguf OUT.gguf TYPE [--allow-requantize] [--quiet]: weight matrices to q8_0/q4_0/q4_k/q6_k/f16/bf16",
                        run}};

} // namespace
} // namespace braid::cli::cmd_quantize
