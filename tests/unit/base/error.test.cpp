#include <catch2/catch.hpp>

#include "braid/error.hpp"

TEST_CASE("[error] braid::Error carries its kind and message", "[unit]") {
    try {
        throw braid::Error(braid::errc::model_format, "tensor 'w' extends past the end of the file");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()) == "tensor 'w' extends past the end of the file");
        CHECK(e.code() == braid::errc::model_format);
        CHECK(std::string(e.code().category().name()) == "braid");
        CHECK(e.code().message() == "model_format");
    }
}

TEST_CASE("[error] every kind has a distinct stable name", "[unit]") {
    CHECK(std::string(braid::errc_name(braid::errc::invalid_argument)) == "invalid_argument");
    CHECK(std::string(braid::errc_name(braid::errc::internal)) == "internal");
    CHECK(std::string(braid::errc_name(static_cast<braid::errc>(999))) == "unknown");
}

TEST_CASE("[error] kinds are found by name", "[unit]") {
    for (int k = 1; k <= 14; ++k) {
        const auto kind = static_cast<braid::errc>(k);
        CHECK(braid::errc_from_name(braid::errc_name(kind)) == kind);
    }
    CHECK_FALSE(braid::errc_from_name("unknown").has_value());
    CHECK_FALSE(braid::errc_from_name("").has_value());
    CHECK_FALSE(braid::errc_from_name("Parse").has_value());
}
