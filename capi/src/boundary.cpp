#include "boundary.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include <nlohmann/json.hpp>

namespace braid::capi {

namespace {

struct LastError {
    std::string message;
    bool out_of_memory = false; // the message itself could not be stored
};

LastError& last_error() noexcept {
    thread_local LastError error;
    return error;
}

} // namespace

bool kind_of(braid_status status, errc& kind) noexcept {
    const int value = -static_cast<int>(status);
    if (value < static_cast<int>(errc::invalid_argument) || value > static_cast<int>(errc::internal))
        return false;
    kind = static_cast<errc>(value);
    return true;
}

void throw_callback_stop(braid_status returned, const std::string& what) {
    const std::string text = what + " (it returned " + std::to_string(static_cast<int>(returned)) + ", " +
                             braid_status_str(returned) + ")";
    errc kind{};
    if (kind_of(returned, kind))
        throw Error(kind, text);
    if (returned == BRAID_ERROR_CALLBACK)
        throw CallbackError(BRAID_ERROR_CALLBACK, text);
    throw Error(errc::cancelled, text);
}

Failure describe(const std::exception_ptr& error) noexcept {
    try {
        try {
            std::rethrow_exception(error);
        } catch (const Error& e) {
            return {status_of(e.kind()), e.what()};
        } catch (const CallbackError& e) {
            return {e.status(), e.what()};
        } catch (const std::bad_alloc&) {
            return {BRAID_ERROR_OUT_OF_MEMORY, "out of memory"};
        } catch (const nlohmann::json::exception& e) {
            // Steps turn these into validation errors; one reaching here is braid's own mistake.
            return {BRAID_ERROR_INTERNAL, std::string("unexpected JSON error: ") + e.what()};
        } catch (const std::exception& e) {
            return {BRAID_ERROR_INTERNAL, std::string("unexpected exception: ") + e.what()};
        } catch (...) {
            return {BRAID_ERROR_INTERNAL, "unexpected exception of unknown type"};
        }
    } catch (...) { // copying the message failed
        return {BRAID_ERROR_OUT_OF_MEMORY, {}};
    }
}

braid_status fail(braid_status status, std::string_view message) noexcept {
    LastError& error = last_error();
    try {
        error.message.assign(message);
        error.out_of_memory = false;
    } catch (...) {
        error.out_of_memory = true;
    }
    return status;
}

braid_status fail_current() noexcept {
    const Failure failure = describe(std::current_exception());
    if (failure.status == BRAID_ERROR_OUT_OF_MEMORY && failure.message.empty())
        return fail(failure.status, "out of memory");
    return fail(failure.status, failure.message);
}

ErrorPredicate statuses_predicate(const braid_status* statuses, std::size_t count, const char* what) {
    require(statuses, what);
    std::vector<braid_status> accepted;
    for (std::size_t i = 0; i < count; ++i) {
        if (statuses[i] >= BRAID_OK)
            throw Error(errc::invalid_argument, std::string(what) + "[" + std::to_string(i) + "] is " +
                                                    std::to_string(statuses[i]) + ", not an error code");
        accepted.push_back(statuses[i]);
    }
    return [accepted = std::move(accepted)](const std::exception_ptr& error) {
        const braid_status status = describe(error).status;
        for (braid_status s : accepted)
            if (s == status)
                return true;
        return false;
    };
}

char* copy_string(std::string_view text) {
    auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (!copy)
        throw std::bad_alloc();
    if (!text.empty())
        std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

} // namespace braid::capi

extern "C" {

const char* braid_last_error(void) {
    const auto& error = braid::capi::last_error();
    return error.out_of_memory ? "out of memory (the error message could not be stored)" : error.message.c_str();
}

const char* braid_status_str(braid_status status) {
    switch (status) {
    case BRAID_OK: return "ok";
    case BRAID_DONE: return "done";
    case BRAID_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case BRAID_ERROR_PARSE: return "parse error";
    case BRAID_ERROR_IO: return "i/o error";
    case BRAID_ERROR_MODEL_FORMAT: return "malformed model file";
    case BRAID_ERROR_UNSUPPORTED: return "unsupported";
    case BRAID_ERROR_OUT_OF_MEMORY: return "out of memory";
    case BRAID_ERROR_DEVICE: return "device error";
    case BRAID_ERROR_CANCELLED: return "cancelled";
    case BRAID_ERROR_TIMEOUT: return "timeout";
    case BRAID_ERROR_TOOL: return "tool error";
    case BRAID_ERROR_TEMPLATE: return "template error";
    case BRAID_ERROR_VALIDATION: return "validation error";
    case BRAID_ERROR_NOT_FOUND: return "not found";
    case BRAID_ERROR_INTERNAL: return "internal error";
    case BRAID_ERROR_CALLBACK: return "callback failed";
    case BRAID_ERROR_BUFFER_TOO_SMALL: return "buffer too small";
    case BRAID_STATUS_MAX_ENUM: break;
    }
    return "unknown status";
}

void braid_string_free(char* string) { std::free(string); }

} // extern "C"
