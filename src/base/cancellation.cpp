#include "braid/cancellation.hpp"

#include "braid/error.hpp"

namespace braid {

void CancellationToken::cancel() const {
    if (!state_)
        throw Error(errc::invalid_argument,
                    "CancellationToken::cancel: this token is empty (RunConfig's default); assign a "
                    "CancellationToken() to RunConfig::cancellation and cancel that one");
    state_->flag.store(true, std::memory_order_relaxed);
}

CancellationToken CancellationToken::any_of(const CancellationToken& a, const CancellationToken& b) {
    if (!a.valid())
        return b;
    if (!b.valid() || a.state_ == b.state_)
        return a;
    CancellationToken linked;
    linked.state_->linked[0] = a.state_;
    linked.state_->linked[1] = b.state_;
    return linked;
}

} // namespace braid
