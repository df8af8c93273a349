#include "braid/error.hpp"

namespace braid {

const char* errc_name(errc e) noexcept {
    switch (e) {
    case errc::invalid_argument: return "invalid_argument";
    case errc::parse: return "parse";
    case errc::io: return "io";
    case errc::model_format: return "model_format";
    case errc::unsupported: return "unsupported";
    case errc::out_of_memory: return "out_of_memory";
    case errc::device: return "device";
    case errc::cancelled: return "cancelled";
    case errc::timeout: return "timeout";
    case errc::tool: return "tool";
    case errc::template_error: return "template_error";
    case errc::validation: return "validation";
    case errc::not_found: return "not_found";
    case errc::internal: return "internal";
    }
    return "unknown";
}

std::optional<errc> errc_from_name(std::string_view name) noexcept {
    for (int k = static_cast<int>(errc::invalid_argument); k <= static_cast<int>(errc::internal); ++k) {
        if (name == errc_name(static_cast<errc>(k))) {
            return static_cast<errc>(k);
        }
    }
    return std::nullopt;
}

namespace {
class BraidCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "braid"; }
    std::string message(int value) const override { return errc_name(static_cast<errc>(value)); }
};
} // namespace

const std::error_category& error_category() noexcept {
    static const BraidCategory category;
    return category;
}

} // namespace braid
