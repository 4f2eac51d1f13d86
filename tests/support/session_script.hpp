#pragma once

// session_script: scripted conversations with a wire::session, replayed many ways.
//
//   session_script(opts)
//       .start().expect_write(startup_bytes)
//       .feed(backend::authentication_ok()).expect_event(event_kind::authenticated)
//       ...
//       .run();
//
// run() replays the script
//   (a) with every feed() delivered whole,
//   (b) for every byte boundary k of every feed, with that feed split into [0,k) and [k,n),
//   (c) with every feed delivered one byte at a time,
// and requires the same events (compared by a full textual description, so a view that points
// at the wrong bytes is caught) in every replay; then
//   (d) for each feed in turn, replaces it by connection_lost() and requires a fatal
//       connection_closed event, after which every command fails with connection_closed.
// Commands are re-issued against a fresh session in each replay, so a script is a pure value.

#include <pgring/error.hpp>

#include "wire/session.hpp"
#include "wire/write_buffer.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace pgring::test {

using bytes = std::vector<std::byte>;

/// A full description of an event: its kind and every decoded field.
std::string describe(const wire::event& ev);

/// Concatenates the pending bytes of a write buffer and consumes them.
bytes take_written(wire::write_buffer& out);

class session_script {
public:
    using command = std::function<std::error_code(wire::session&, wire::write_buffer&)>;
    using check = std::function<void(const wire::event&, const wire::session&)>;

    explicit session_script(wire::session_options options) : options_(std::move(options)) {}

    /// session.start(out); must succeed.
    session_script& start();
    /// Runs a command; it must return `expected` (default: success).
    session_script& call(command c, std::error_code expected = {});
    /// The bytes written since the last expect_write must equal `b`.
    session_script& expect_write(bytes b);
    /// The bytes written since the last expect_write must satisfy `pred` (e.g. SCRAM with a
    /// random nonce); the bytes are consumed.
    session_script& expect_write_if(std::function<void(const bytes&)> pred);
    /// Queues server bytes.
    session_script& feed(bytes b);
    /// The next event must be of `kind`; `c` may check more.
    session_script& expect_event(wire::event_kind kind, check c = {});
    /// The next event is fatal with error `ec`.
    session_script& expect_fatal(std::error_code ec);
    /// All fed bytes are used up (the next consume returns need_more).
    session_script& expect_need_more();

    /// Replays as described above. Fails the current test on any difference.
    void run();

    /// Replays once, with feeds delivered whole; for debugging a script.
    void run_once();

private:
    struct step {
        enum class kind { start, call, expect_write, expect_write_if, feed, expect_event, expect_need_more } k;
        command cmd;
        std::error_code ec;
        bytes data;
        std::function<void(const bytes&)> pred;
        wire::event_kind event{};
        check chk;
        bool fatal_check = false;
    };

    // split_feed: index of the feed to split (or -1), split_at: first piece size (0 = byte by
    // byte); lose_feed: the feed to replace by connection_lost (or -1). Returns the event log.
    std::vector<std::string> replay(int split_feed, std::size_t split_at, int lose_feed, bool byte_by_byte);

    wire::session_options options_;
    std::vector<step> steps_;
};

}  // namespace pgring::test
