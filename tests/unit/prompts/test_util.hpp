// Helpers shared by the prompts tests.
#pragma once

#include <catch2/catch.hpp>

#include "unit/error_text.hpp"
