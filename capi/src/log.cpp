// The C functions of braid/log.h: the process-wide log sink, set from C (and through it Java and C#).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "boundary.hpp"
#include "braid/log.h"
#include "braid/run_control.hpp"

using namespace braid;
using namespace braid::capi;

namespace {

LogLevel level_of(const braid_log_level& level) {
    // Read as the 32-bit integer C passed: any value may come from C, and loading one outside the
    // enumerators as a C++ enum is undefined.
    std::int32_t raw = 0;
    static_assert(sizeof raw == sizeof level);
    std::memcpy(&raw, &level, sizeof raw);
    if (raw < BRAID_LOG_DEBUG || raw > BRAID_LOG_OFF)
        throw Error(errc::invalid_argument, "level " + std::to_string(raw) + " is not a braid_log_level");
    return static_cast<LogLevel>(raw);
}

// A C sink and its user data; destroy runs when the last copy of the C++ sink holding it goes away, which
// is after the last message being delivered to it (the library keeps the sink alive while it calls it).
struct CSink {
    braid_log_fn fn;
    void* user_data;
    braid_destroy_fn destroy;
    ~CSink() {
        if (destroy)
            destroy(user_data);
    }
};

} // namespace

extern "C" {

braid_status braid_log_set_sink(braid_log_fn sink, void* user_data, braid_destroy_fn destroy, braid_log_level level) {
    const std::shared_ptr<CSink> owner(new CSink{sink, user_data, destroy});
    return guard([&] {
        const LogLevel l = level_of(level);
        if (!sink)
            return set_log_sink(nullptr, l); // owner's destroy runs when this call returns
        set_log_sink(
            [owner](LogLevel lvl, std::string_view component, std::string_view message) {
                const std::string c(component), m(message); // NUL-terminated for C
                owner->fn(static_cast<braid_log_level>(lvl), c.c_str(), m.c_str(), owner->user_data);
            },
            l);
    });
}

braid_status braid_log_set_level(braid_log_level level) {
    return guard([&] { set_log_level(level_of(level)); });
}

braid_log_level braid_log_get_level(void) { return static_cast<braid_log_level>(log_level()); }

} // extern "C"
