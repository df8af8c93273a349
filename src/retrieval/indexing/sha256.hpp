// SHA-256 (FIPS 180-4) of a byte string as lowercase hex: the record manager's content keys. Private to
// src/retrieval.
#pragma once

#include <string>
#include <string_view>

namespace braid::retrieval::detail {

/// The SHA-256 digest of @p data, 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

} // namespace braid::retrieval::detail
