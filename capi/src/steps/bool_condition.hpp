// A Branch condition from a Value runnable that must answer true or false.
#pragma once

#include "braid/core/runnable.hpp"

namespace braid::capi {

/// The condition @p condition as a Runnable<Value, bool>: no run of its own (the condition's run is the
/// one events show); an answer that is not a JSON boolean fails with Error(errc::validation).
Runnable<Value, bool> bool_condition(AnyRunnable condition);

} // namespace braid::capi
