/// @file
/// @brief Result<T>: a value or the exception that prevented it (per-item outcome of batch_results).
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "braid/error.hpp"

namespace braid {

/// The outcome of one item: its value, or the exception it failed with.
template <class T>
class Result {
public:
    /// A successful result.
    static Result success(T value) {
        Result r;
        r.value_.emplace(std::move(value));
        return r;
    }
    /// A failed result (@p error must not be null).
    static Result failure(std::exception_ptr error) {
        Result r;
        r.error_ = std::move(error);
        return r;
    }

    /// True when the item succeeded.
    bool ok() const noexcept { return value_.has_value(); }
    /// The value. @throws the item's exception if it failed.
    const T& value() const& {
        if (!value_)
            std::rethrow_exception(error_);
        return *value_;
    }
    /// The value, moved out. @throws the item's exception if it failed.
    T&& value() && {
        if (!value_)
            std::rethrow_exception(error_);
        return std::move(*value_);
    }
    /// The exception (null when ok()).
    const std::exception_ptr& error() const noexcept { return error_; }
    /// The error kind when it failed with a braid::Error, else std::nullopt.
    std::optional<errc> error_kind() const {
        if (!error_)
            return std::nullopt;
        try {
            std::rethrow_exception(error_);
        } catch (const Error& e) {
            return e.kind();
        } catch (...) {
            return std::nullopt;
        }
    }
    /// The failure's message ("" when ok()).
    std::string error_message() const {
        if (!error_)
            return {};
        try {
            std::rethrow_exception(error_);
        } catch (const std::exception& e) {
            return e.what();
        } catch (...) {
            return "unknown exception";
        }
    }

private:
    Result() = default;
    std::optional<T> value_;
    std::exception_ptr error_;
};

} // namespace braid
