#pragma once

// The scripted conversation shared by the session fuzzer (fuzz_session_consume.cpp) and the
// corpus capture tool (tools/capture_corpus.cpp): the capture tool runs it against a real
// server and records the bytes the server sent; the fuzzer replays (mutated) bytes through a
// session that issues the very same commands at the very same points, so the seeds reach deep
// states (extended query, pipelines with errors, COPY both ways, notices, portals).
//
// Driving rule, for both: after start(), whenever the session is idle (the `ready` event or a
// `ready_for_query` that empties the queue) call session_script_step(s, out, n++) until it
// returns false; on a `copy_in_response` event call copy_in_reply(s, out).

#include "wire/session.hpp"
#include "wire/write_buffer.hpp"

namespace pgring::fuzz {

/// Options for the conversation: user and password as given, database "pgring_test", a fixed
/// SCRAM nonce so recorded SCRAM exchanges replay.
wire::session_options conversation_options(std::string user, std::string password, std::string database);

/// Issues the commands of step `n` (0-based). Returns false when there is no step `n`.
bool session_script_step(wire::session& s, wire::write_buffer& out, int n);

/// Answers a CopyInResponse: a few CopyData rows, then CopyDone.
void copy_in_reply(wire::session& s, wire::write_buffer& out);

}  // namespace pgring::fuzz
