#pragma once

/// @file
/// The value types pgring provides where the standard library has no exact match for a
/// PostgreSQL type: numeric, uuid, the date/time types and interval, and arrays of any shape.

#include <pgring/array.hpp>
#include <pgring/datetime.hpp>
#include <pgring/numeric.hpp>
#include <pgring/uuid.hpp>
