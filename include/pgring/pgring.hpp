#pragma once

/// @file
/// Umbrella header: includes every public pgring header.

#include <pgring/codec.hpp>
#include <pgring/connect_options.hpp>
#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>
#include <pgring/sqlstate.hpp>
#include <pgring/task.hpp>
#include <pgring/types.hpp>
