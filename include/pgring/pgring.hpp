#pragma once

/// @file
/// Umbrella header: includes every public pgring header.

#include <pgring/batch.hpp>
#include <pgring/blocking.hpp>
#include <pgring/codec.hpp>
#include <pgring/connect_options.hpp>
#include <pgring/connection.hpp>
#include <pgring/copy.hpp>
#include <pgring/cursor.hpp>
#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/hstore.hpp>
#include <pgring/loop.hpp>
#include <pgring/notification.hpp>
#include <pgring/oid.hpp>
#include <pgring/pool.hpp>
#include <pgring/record.hpp>
#include <pgring/result.hpp>
#include <pgring/row.hpp>
#include <pgring/snapshot.hpp>
#include <pgring/sqlstate.hpp>
#include <pgring/task.hpp>
#include <pgring/text.hpp>
#include <pgring/text_search.hpp>
#include <pgring/tid.hpp>
#include <pgring/transaction.hpp>
#include <pgring/type_info.hpp>
#include <pgring/types.hpp>
