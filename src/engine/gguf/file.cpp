// gguf::File: parses and validates a whole GGUF v2/v3 header before anything is handed out. Every read
// goes through Reader, which checks the bytes left first, so hostile counts and lengths fail with a
// message (field + byte offset) instead of reading past the end or allocating what the file cannot hold.
#include "braid/engine/gguf_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>

#include "braid/engine/quant.hpp"
#include "engine/gguf/encoding.hpp"

namespace braid::gguf {

namespace {

constexpr std::uint32_t kMaxArrayDepth = 8;  // nested arrays deeper than this are refused (no deep recursion)

std::string quote(std::string_view s) {
    constexpr std::size_t kMax = 80;
    std::string out = "'";
    for (char c : s.substr(0, kMax)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
    }
    if (s.size() > kMax) out += "…";
    return out + "'";
}

// Bounds-checked little-endian reader over the file's bytes.
class Reader {
public:
    Reader(const std::byte* data, std::uint64_t size, const std::string& name) : data_(data), size_(size), name_(name) {}

    std::uint64_t pos() const noexcept { return pos_; }
    std::uint64_t left() const noexcept { return size_ - pos_; }
    const std::byte* here() const noexcept { return data_ + pos_; }

    [[noreturn]] void fail(const std::string& what) const { throw Error(errc::model_format, "gguf " + quote(name_) + ": " + what); }

    void need(std::uint64_t n, const std::string& what) const {
        if (n > left())
            fail(what + " at byte " + std::to_string(pos_) + " needs " + std::to_string(n) + " bytes but the file ends at byte " +
                 std::to_string(size_) + " (truncated?)");
    }

    template <typename T>
    T read(const std::string& what) {
        need(sizeof(T), what);
        T v = detail::load<T>(here());
        pos_ += sizeof(T);
        return v;
    }

    void skip(std::uint64_t n, const std::string& what) {
        need(n, what);
        pos_ += n;
    }

    std::string_view string(const std::string& what) {
        const std::uint64_t at = pos_;
        const auto n = read<std::uint64_t>(what);  // the length
        if (n > left())
            fail(what + ": string length " + std::to_string(n) + " at byte " + std::to_string(at) +
                 " extends past the end of the file (size " + std::to_string(size_) + ")");
        std::string_view s(reinterpret_cast<const char*>(here()), static_cast<std::size_t>(n));
        pos_ += n;
        return s;
    }

private:
    const std::byte* data_;
    std::uint64_t size_;
    std::uint64_t pos_ = 0;
    const std::string& name_;
};

bool valid_value_type(std::uint32_t t) { return t <= static_cast<std::uint32_t>(ValueType::F64); }

// Smallest encoding of one element of @p type (for checking a count against the bytes left).
std::uint64_t min_encoded_size(ValueType type) {
    if (type == ValueType::String) return 8;
    if (type == ValueType::Array) return 12;
    return value_type_size(type);
}

// Validates one encoded value of @p type at the reader's position and moves past it.
void skip_value(Reader& r, ValueType type, std::uint32_t depth, const std::string& what) {
    switch (type) {
    case ValueType::String: r.string(what); return;
    case ValueType::Bool: {
        const std::uint64_t at = r.pos();
        const auto b = r.read<std::uint8_t>(what);
        if (b > 1) r.fail(what + ": bool value " + std::to_string(b) + " at byte " + std::to_string(at) + " is neither 0 nor 1");
        return;
    }
    case ValueType::Array: {
        if (depth >= kMaxArrayDepth)
            r.fail(what + ": arrays nested deeper than " + std::to_string(kMaxArrayDepth) + " levels at byte " +
                   std::to_string(r.pos()));
        const std::uint64_t type_at = r.pos();
        const auto raw_type = r.read<std::uint32_t>(what + " element type");
        if (!valid_value_type(raw_type))
            r.fail(what + ": unknown array element type " + std::to_string(raw_type) + " at byte " + std::to_string(type_at));
        const auto element_type = static_cast<ValueType>(raw_type);
        const std::uint64_t count_at = r.pos();
        const auto count = r.read<std::uint64_t>(what + " element count");
        const std::uint64_t min_size = min_encoded_size(element_type);
        if (count > r.left() / min_size)
            r.fail(what + ": array of " + std::to_string(count) + " " + std::string(value_type_name(element_type)) +
                   " elements (count at byte " + std::to_string(count_at) + ") cannot fit in the " + std::to_string(r.left()) +
                   " bytes left in the file");
        if (element_type != ValueType::String && element_type != ValueType::Array && element_type != ValueType::Bool) {
            r.skip(count * min_size, what);
            return;
        }
        const std::string element = what + " element";
        for (std::uint64_t i = 0; i < count; ++i) skip_value(r, element_type, depth + 1, element);
        return;
    }
    default: r.skip(value_type_size(type), what); return;
    }
}

std::uint64_t align_up(std::uint64_t v, std::uint64_t alignment) {
    const std::uint64_t rest = v % alignment;
    return rest == 0 ? v : v + (alignment - rest);
}

} // namespace

void detail::validate_encoded_value(ValueType type, std::span<const std::byte> encoded, const std::string& what) {
    static const std::byte kEmpty[1] = {};
    Reader r(encoded.empty() ? kEmpty : encoded.data(), encoded.size(), what);
    if (!valid_value_type(static_cast<std::uint32_t>(type)))
        r.fail("unknown value type " + std::to_string(static_cast<std::uint32_t>(type)));
    skip_value(r, type, 0, "value");
    if (r.left() != 0) r.fail(std::to_string(r.left()) + " bytes left after the value");
}

struct File::Impl {
    std::string name;
    // Owned storage: a memory map, or a byte vector; or neither for a caller-owned view.
    void* map = nullptr;
    std::size_t map_size = 0;
    std::vector<std::byte> owned;
    const std::byte* data = nullptr;
    std::uint64_t size = 0;

    std::uint32_t version = 0;
    std::uint64_t alignment = default_alignment;
    std::uint64_t data_offset = 0;
    std::vector<MetadataEntry> metadata;
    std::unordered_map<std::string_view, std::size_t> key_index;
    std::vector<TensorInfo> tensors;
    std::unordered_map<std::string_view, std::size_t> tensor_index;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (map) ::munmap(map, map_size);
    }

    void parse();
};

void File::Impl::parse() {
    Reader r(data, size, name);
    if (size < 4 || std::memcmp(data, "GGUF", 4) != 0) {
        std::string found;
        for (std::uint64_t i = 0; i < std::min<std::uint64_t>(size, 4); ++i) {
            const auto c = static_cast<unsigned char>(data[i]);
            found += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
        }
        r.fail("not a GGUF file: the magic at byte 0 is '" + found + "', expected 'GGUF'");
    }
    r.skip(4, "magic");
    version = r.read<std::uint32_t>("version");
    if (version != 2 && version != 3) {
        std::string hint = version == 1 ? " (GGUF v1 is not supported; convert the file again)"
                           : (version & 0xffff) == 0 && version != 0 ? " (a big-endian file?)" : "";
        throw Error(errc::unsupported, "gguf " + quote(name) + ": version " + std::to_string(version) +
                                           " at byte 4 is not supported (braid reads versions 2 and 3)" + hint);
    }
    const auto tensor_count = r.read<std::uint64_t>("tensor count");
    const auto kv_count = r.read<std::uint64_t>("metadata count");
    // A key/value needs ≥ 13 bytes (key length, type, 1-byte value), a tensor info ≥ 24.
    if (kv_count > r.left() / 13)
        r.fail("metadata count " + std::to_string(kv_count) + " at byte 16 cannot fit in the " + std::to_string(r.left()) +
               " bytes left in the file");
    if (tensor_count > r.left() / 24)
        r.fail("tensor count " + std::to_string(tensor_count) + " at byte 8 cannot fit in the " + std::to_string(r.left()) +
               " bytes left in the file");

    metadata.reserve(static_cast<std::size_t>(kv_count));
    key_index.reserve(static_cast<std::size_t>(kv_count));
    for (std::uint64_t i = 0; i < kv_count; ++i) {
        const std::uint64_t key_at = r.pos();
        const std::string_view key = r.string("metadata key #" + std::to_string(i));
        const std::string what = "metadata " + quote(key);
        if (key_index.count(key)) r.fail(what + " at byte " + std::to_string(key_at) + " is a duplicate key");
        const std::uint64_t type_at = r.pos();
        const auto raw_type = r.read<std::uint32_t>(what + " type");
        if (!valid_value_type(raw_type))
            r.fail(what + ": unknown value type " + std::to_string(raw_type) + " at byte " + std::to_string(type_at));
        const auto type = static_cast<ValueType>(raw_type);
        const std::byte* begin = r.here();
        skip_value(r, type, 0, what);
        key_index.emplace(key, metadata.size());
        metadata.push_back({key, Value::from_encoded(type, begin, r.here())});
    }

    if (auto it = key_index.find("general.alignment"); it != key_index.end()) {
        const Value& v = metadata[it->second].value;
        if (!is_integer_type(v.type()))
            r.fail("general.alignment is a " + std::string(value_type_name(v.type())) + ", expected uint32");
        const std::int64_t a = v.as_int();
        if (a <= 0 || (a & (a - 1)) != 0 || a > (std::int64_t{1} << 30))
            r.fail("general.alignment " + std::to_string(a) + " is not a power of two (1 … 2^30)");
        alignment = static_cast<std::uint64_t>(a);
    }

    tensors.reserve(static_cast<std::size_t>(tensor_count));
    tensor_index.reserve(static_cast<std::size_t>(tensor_count));
    for (std::uint64_t i = 0; i < tensor_count; ++i) {
        const std::uint64_t info_at = r.pos();
        TensorInfo t;
        t.name = r.string("tensor #" + std::to_string(i) + " name");
        const std::string what = "tensor " + quote(t.name);
        if (tensor_index.count(t.name)) r.fail(what + " (info at byte " + std::to_string(info_at) + ") is a duplicate name");
        const std::uint64_t dims_at = r.pos();
        const auto n_dims = r.read<std::uint32_t>(what + " n_dims");
        if (n_dims < 1 || n_dims > static_cast<std::uint32_t>(max_dims))
            r.fail(what + ": n_dims " + std::to_string(n_dims) + " at byte " + std::to_string(dims_at) + " is not in 1…" +
                   std::to_string(max_dims));
        t.n_dims = static_cast<int>(n_dims);
        std::int64_t elements = 1;
        for (std::uint32_t d = 0; d < n_dims; ++d) {
            const std::uint64_t dim_at = r.pos();
            const auto dim = r.read<std::uint64_t>(what + " dim " + std::to_string(d));
            if (dim == 0 || dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                r.fail(what + ": dim " + std::to_string(d) + " = " + std::to_string(dim) + " at byte " + std::to_string(dim_at) +
                       " is not a positive size");
            const auto sdim = static_cast<std::int64_t>(dim);
            if (elements > std::numeric_limits<std::int64_t>::max() / sdim)
                r.fail(what + ": element count overflows (dim " + std::to_string(d) + " = " + std::to_string(dim) + " at byte " +
                       std::to_string(dim_at) + ")");
            elements *= sdim;
            t.ne[d] = sdim;
        }
        t.elements = elements;
        const std::uint64_t type_at = r.pos();
        const auto type_id = r.read<std::uint32_t>(what + " type");
        const auto type = engine::tensor_type_from_id(type_id);
        if (!type) r.fail(what + ": unknown tensor type id " + std::to_string(type_id) + " at byte " + std::to_string(type_at));
        t.type = *type;
        const std::int64_t per_block = engine::block_elements(t.type);
        if (t.ne[0] % per_block != 0)
            r.fail(what + ": row size ne[0] = " + std::to_string(t.ne[0]) + " is not a multiple of the " +
                   std::string(engine::tensor_type_name(t.type)) + " block size " + std::to_string(per_block));
        const auto blocks = static_cast<std::uint64_t>(elements / per_block);
        const auto bytes_per_block = static_cast<std::uint64_t>(engine::block_bytes(t.type));
        if (blocks > std::numeric_limits<std::uint64_t>::max() / bytes_per_block)
            r.fail(what + ": data size overflows");
        t.bytes = blocks * bytes_per_block;
        const std::uint64_t offset_at = r.pos();
        t.offset = r.read<std::uint64_t>(what + " offset");
        if (t.offset % alignment != 0)
            r.fail(what + ": data offset " + std::to_string(t.offset) + " at byte " + std::to_string(offset_at) +
                   " is not a multiple of the alignment " + std::to_string(alignment));
        tensor_index.emplace(t.name, tensors.size());
        tensors.push_back(t);
    }

    data_offset = align_up(r.pos(), alignment);
    if (!tensors.empty() && data_offset > size)
        r.fail("the data section would start at byte " + std::to_string(data_offset) + ", past the end of the file (size " +
               std::to_string(size) + ")");
    for (TensorInfo& t : tensors) {
        const std::uint64_t room = size - std::min(size, data_offset);
        if (t.offset > room || t.bytes > room - t.offset)
            r.fail("tensor " + quote(t.name) + ": data [" + std::to_string(data_offset) + " + " + std::to_string(t.offset) +
                   ", +" + std::to_string(t.bytes) + " bytes) extends past the end of the file (size " + std::to_string(size) + ")");
        t.file_offset = data_offset + t.offset;
        t.data = data + t.file_offset;
    }
    std::vector<const TensorInfo*> by_offset;
    by_offset.reserve(tensors.size());
    for (const TensorInfo& t : tensors) by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
        const TensorInfo& a = *by_offset[i - 1];
        const TensorInfo& b = *by_offset[i];
        if (a.offset + a.bytes > b.offset)
            r.fail("tensor " + quote(b.name) + " (data offset " + std::to_string(b.offset) + ") overlaps tensor " + quote(a.name) +
                   " (data [" + std::to_string(a.offset) + ", " + std::to_string(a.offset + a.bytes) + "))");
    }
}

File::File(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
File::~File() = default;

File File::open(const std::filesystem::path& path) {
    auto impl = std::make_unique<Impl>();
    impl->name = path.string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(errc::io, "cannot open " + quote(impl->name) + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw Error(errc::io, "cannot stat " + quote(impl->name) + ": " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(errc::io, quote(impl->name) + " is not a regular file");
    }
    impl->size = static_cast<std::uint64_t>(st.st_size);
    static const std::byte kEmpty[1] = {};
    if (impl->size == 0) {
        impl->data = kEmpty;
    } else {
        void* map = ::mmap(nullptr, static_cast<std::size_t>(impl->size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            throw Error(errc::io, "cannot map " + quote(impl->name) + ": " + std::strerror(err));
        }
        impl->map = map;
        impl->map_size = static_cast<std::size_t>(impl->size);
        impl->data = static_cast<const std::byte*>(map);
    }
    ::close(fd);  // the mapping stays valid
    impl->parse();
    return File(std::move(impl));
}

File File::view(std::span<const std::byte> bytes, std::string name) {
    auto impl = std::make_unique<Impl>();
    impl->name = std::move(name);
    static const std::byte kEmpty[1] = {};
    impl->data = bytes.empty() ? kEmpty : bytes.data();
    impl->size = bytes.size();
    impl->parse();
    return File(std::move(impl));
}

File File::from_bytes(std::vector<std::byte> bytes, std::string name) {
    auto impl = std::make_unique<Impl>();
    impl->name = std::move(name);
    impl->owned = std::move(bytes);
    static const std::byte kEmpty[1] = {};
    impl->data = impl->owned.empty() ? kEmpty : impl->owned.data();
    impl->size = impl->owned.size();
    impl->parse();
    return File(std::move(impl));
}

const std::string& File::name() const noexcept { return impl_->name; }
std::uint32_t File::version() const noexcept { return impl_->version; }
std::uint64_t File::alignment() const noexcept { return impl_->alignment; }
std::uint64_t File::data_offset() const noexcept { return impl_->data_offset; }
std::span<const std::byte> File::bytes() const noexcept { return {impl_->data, static_cast<std::size_t>(impl_->size)}; }
const std::vector<MetadataEntry>& File::metadata() const noexcept { return impl_->metadata; }
const std::vector<TensorInfo>& File::tensors() const noexcept { return impl_->tensors; }

const Value* File::find(std::string_view key) const noexcept {
    auto it = impl_->key_index.find(key);
    return it == impl_->key_index.end() ? nullptr : &impl_->metadata[it->second].value;
}

const Value& File::at(std::string_view key) const {
    if (const Value* v = find(key)) return *v;
    throw Error(errc::not_found, "gguf " + quote(impl_->name) + " has no metadata key " + quote(key));
}

const TensorInfo* File::find_tensor(std::string_view name) const noexcept {
    auto it = impl_->tensor_index.find(name);
    return it == impl_->tensor_index.end() ? nullptr : &impl_->tensors[it->second];
}

const TensorInfo& File::tensor(std::string_view name) const {
    if (const TensorInfo* t = find_tensor(name)) return *t;
    throw Error(errc::not_found, "gguf " + quote(impl_->name) + " has no tensor " + quote(name));
}

std::vector<float> File::dequantize(const TensorInfo& t) const {
    const std::byte* begin = impl_->data;
    if (t.data < begin || t.data + t.bytes > begin + impl_->size)
        throw Error(errc::invalid_argument, "tensor " + quote(t.name) + " does not belong to gguf " + quote(impl_->name));
    if (!engine::is_supported(t.type))
        throw Error(errc::unsupported, "tensor " + quote(t.name) + " has type " + std::string(engine::tensor_type_name(t.type)) +
                                           ", which braid cannot dequantize");
    std::vector<float> out(static_cast<std::size_t>(t.elements));
    const std::uint64_t row_bytes = t.row_bytes();
    for (std::int64_t row = 0; row < t.rows(); ++row)
        engine::dequantize_row(t.type, t.data + static_cast<std::uint64_t>(row) * row_bytes,
                               out.data() + row * t.ne[0], t.ne[0]);
    return out;
}

} // namespace braid::gguf
