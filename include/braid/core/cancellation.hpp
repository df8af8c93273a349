/// @file
/// @brief CancellationToken (defined in the base layer, braid/cancellation.hpp, so that the engine takes
/// the same token as runnables); this header keeps the core's include path.
#pragma once

#include "braid/cancellation.hpp"
