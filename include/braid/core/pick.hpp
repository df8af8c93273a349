/// @file
/// @brief pick: select one key, or some keys, of an object (LangChain's `.pick`).
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "braid/core/runnable.hpp"

namespace braid {

/// A step returning `input[key]`.
/// Fails with Error(errc::validation) when the input is not an object and Error(errc::not_found) when the
/// key is missing. Streaming (StreamMode::transform): yields the key's part of each object chunk that has
/// it (chunks without it are skipped; not_found if no chunk had it).
/// @throws Error(errc::invalid_argument) for an empty key.
AnyRunnable pick(std::string key);

/// A step returning the object `{k: input[k]}` for the listed keys that the input has (missing keys are
/// left out). Fails with Error(errc::validation) when the input is not an object. Streams like pick(key).
/// @throws Error(errc::invalid_argument) for no key or an empty key.
AnyRunnable pick(std::vector<std::string> keys);

/// `pick({"a", "b"})`: the same as pick(std::vector<std::string>) (this overload keeps a braced list of
/// names from being read as a std::string).
inline AnyRunnable pick(std::initializer_list<std::string> keys) { return pick(std::vector<std::string>(keys)); }

} // namespace braid
