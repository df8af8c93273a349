// The caller-buffer pattern (braid/tokenizer.h): the size needed is always written; a NULL buffer with
// capacity 0 asks for the size; a buffer too small is BRAID_ERROR_BUFFER_TOO_SMALL.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "boundary.hpp"

namespace braid::capi {

/// Error(errc::invalid_argument) when @p buffer is NULL but @p capacity is not 0.
inline void check_buffer(const void* buffer, std::size_t capacity, const char* what) {
    if (!buffer && capacity > 0)
        throw Error(errc::invalid_argument, std::string(what) + " is NULL but its capacity is " + std::to_string(capacity));
}

/// Copies @p count items to @p buffer when they fit; the status of the pattern.
template <class T>
braid_status deliver(T* buffer, std::size_t capacity, const T* items, std::size_t count, const char* what) {
    if (!buffer && capacity == 0)
        return BRAID_OK; // a size query
    if (count > capacity)
        return fail(BRAID_ERROR_BUFFER_TOO_SMALL, std::string(what) + " has room for " + std::to_string(capacity) +
                                                      ", " + std::to_string(count) + " needed");
    if (count > 0)
        std::memcpy(buffer, items, count * sizeof(T));
    return BRAID_OK;
}

/// Copies @p text and a NUL to @p buffer when they fit; the status of the pattern.
inline braid_status deliver_text(char* buffer, std::size_t capacity, std::string_view text, const char* what) {
    if (!buffer && capacity == 0)
        return BRAID_OK;
    if (text.size() + 1 > capacity)
        return fail(BRAID_ERROR_BUFFER_TOO_SMALL, std::string(what) + " has room for " + std::to_string(capacity) +
                                                      " bytes, " + std::to_string(text.size() + 1) +
                                                      " needed (the text and its NUL)");
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    return BRAID_OK;
}

} // namespace braid::capi
