#include "mask_library.hpp"

#include <algorithm>
#include <utility>

namespace braid::engine::grammar_detail {

namespace {
// Bytes of masks kept per vocabulary, across all grammars: a 100k-token mask is 12.5 KiB, so about
// 5,000 distinct configurations (MaskBench's 5,797 schemas meet about that many truncated ones).
constexpr std::size_t kMaskLibraryBytes = std::size_t{64} << 20;
} // namespace

std::shared_ptr<MaskLibrary> MaskLibrary::of(const std::shared_ptr<const TokenIndex>& index) {
    static std::mutex mu;
    static std::vector<std::pair<std::weak_ptr<const TokenIndex>, std::shared_ptr<MaskLibrary>>> libraries;
    std::lock_guard lock(mu);
    std::erase_if(libraries, [](const auto& l) { return l.first.expired(); });
    for (const auto& [x, library] : libraries)
        if (!x.owner_before(index) && !index.owner_before(x))
            return library;
    auto library = std::make_shared<MaskLibrary>();
    libraries.emplace_back(index, library);
    return library;
}

std::shared_ptr<const SharedMask> MaskLibrary::find(const std::string& signature) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(signature);
    if (it == entries_.end())
        return nullptr;
    ages_.splice(ages_.begin(), ages_, it->second.age);
    return it->second.mask;
}

void MaskLibrary::add(const std::string& signature, std::shared_ptr<const SharedMask> mask) {
    const std::size_t bytes = mask->bytes() + 2 * signature.size();
    if (bytes > kMaskLibraryBytes)
        return;
    std::lock_guard lock(mu_);
    auto [it, added] = entries_.try_emplace(signature);
    if (!added)
        return; // another matcher stored the same mask first
    ages_.push_front(&it->first);
    it->second = {std::move(mask), ages_.begin()};
    bytes_ += bytes;
    while (bytes_ > kMaskLibraryBytes) {
        auto old = entries_.find(*ages_.back());
        bytes_ -= old->second.mask->bytes() + 2 * old->first.size();
        ages_.pop_back();
        entries_.erase(old);
    }
}

} // namespace braid::engine::grammar_detail
