#pragma once
// Placeholder until tools/gen_sqlstate.py generates this file.
#include <pgring/error.hpp>
