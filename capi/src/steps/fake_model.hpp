// The fake chat model of the C ABI: its JSON configuration, and finding it behind a runnable.
#pragma once

#include "braid/core/runnable.hpp"
#include "braid/testing/fake_chat_model.hpp"

namespace braid::capi {

/// The kind named @p name ("invalid_argument", "parse", ... as braid::errc_name gives them).
/// @throws Error(errc::invalid_argument) naming @p what for an unknown name.
errc kind_named(const Value& name, const std::string& what);

/// A fake chat model step from an array of answers or a config object (see braid_fake_chat_model()).
/// @throws Error(errc::invalid_argument) naming the bad key.
AnyRunnable make_fake_chat_model(const Value& config);

/// The FakeChatModel behind @p runnable, or nullptr when it is something else.
const testing::FakeChatModel* fake_chat_model_of(const AnyRunnable& runnable) noexcept;

} // namespace braid::capi
