// The C functions of braid/gguf.h.
#include "gguf_json.hpp"
#include "handles.hpp"
#include "json_io.hpp"
#include "braid/gguf.h"

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_gguf_open(braid_gguf** out_file, const char* path) {
    return guard([&] {
        out_param(out_file, "out_file");
        auto file = std::make_shared<const gguf::File>(gguf::File::open(require(path, "path")));
        auto* handle = new GgufHandle;
        handle->file = std::move(file);
        *out_file = to_handle<braid_gguf>(handle);
    });
}

void braid_gguf_free(braid_gguf* file) { release(file); }

braid_status braid_gguf_info(char** out_json, const braid_gguf* file) {
    return guard([&] {
        out_param(out_json, "out_json");
        put_string(out_json, dump_json(gguf_info_json(*use(file, "file").file)));
    });
}

braid_status braid_gguf_metadata(char** out_json, const braid_gguf* file, uint32_t max_array_items) {
    return guard([&] {
        out_param(out_json, "out_json");
        const std::uint64_t limit = max_array_items == UINT32_MAX ? UINT64_MAX : max_array_items;
        put_string(out_json, dump_json(gguf_metadata_json(*use(file, "file").file, limit)));
    });
}

braid_status braid_gguf_value(char** out_json, const braid_gguf* file, const char* key) {
    return guard([&] {
        out_param(out_json, "out_json");
        const gguf::File& f = *use(file, "file").file;
        put_string(out_json, dump_json(gguf_value_json(f.at(require(key, "key")), UINT64_MAX)));
    });
}

braid_status braid_gguf_tensors(char** out_json, const braid_gguf* file) {
    return guard([&] {
        out_param(out_json, "out_json");
        put_string(out_json, dump_json(gguf_tensors_json(*use(file, "file").file)));
    });
}

} // extern "C"
