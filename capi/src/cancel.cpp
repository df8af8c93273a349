// Cancellation tokens: a handle around braid::CancellationToken (copies share the flag).
#include "handles.hpp"
#include "braid/runnable.h"

using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_cancel_token_create(braid_cancel_token** out_token) {
    return guard([&] {
        out_param(out_token, "out_token");
        *out_token = to_handle<braid_cancel_token>(new CancelTokenHandle);
    });
}

braid_status braid_cancel_token_cancel(braid_cancel_token* token) {
    return guard([&] { use(token, "token").token.cancel(); });
}

int32_t braid_cancel_token_is_cancelled(const braid_cancel_token* token) {
    try {
        return use(token, "token").token.cancelled() ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

void braid_cancel_token_free(braid_cancel_token* token) { release(token); }

} // extern "C"
