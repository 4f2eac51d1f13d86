#include "session_script.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace pgring::fuzz {

// Results of the commands are ignored: a command that fails (e.g. on a session the fuzzer
// drove into a failed state) writes nothing, which is all the script needs.

namespace {

std::span<const std::byte> as_bytes(std::string_view s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

}  // namespace

wire::session_options conversation_options(std::string user, std::string password, std::string database) {
    wire::session_options o;
    o.user = std::move(user);
    o.password = std::move(password);
    o.database = std::move(database);
    o.application_name = "pgring-fuzz";
    o.scram_client_nonce = "pgringfuzznonce0123456789";
    return o;
}

bool session_script_step(wire::session& s, wire::write_buffer& out, int n) {
    static constexpr std::array<std::int16_t, 1> binary{1};
    switch (n) {
        case 0:
            (void)s.send_query(out, "SELECT 1 AS one, NULL::text AS nothing, 'x'::text AS x");
            return true;
        case 1: {
            // Extended query with binary int4 and a row large enough to span receive buffers.
            const std::array<std::byte, 4> p1{std::byte{0}, std::byte{0}, std::byte{0}, std::byte{41}};
            const std::array<wire::frontend::raw_parameter, 2> params{
                wire::frontend::raw_parameter{false, p1},
                wire::frontend::raw_parameter{false, as_bytes("70000")}};
            const std::array<std::int16_t, 2> formats{1, 0};
            (void)s.send_parse(out, "", "SELECT $1::int4 + 1 AS n, repeat('x', $2::int4) AS big");
            (void)s.send_describe_statement(out, "");
            (void)s.send_bind(out, "", "", formats, params, binary);
            (void)s.send_execute(out, "", 0);
            (void)s.send_sync(out);
            return true;
        }
        case 2: {
            // A pipeline whose middle query fails: the last one must still run.
            (void)s.send_parse(out, "s1", "SELECT 10 / $1::int4");
            for (const char* v : {"2", "0", "5"}) {
                const std::array<wire::frontend::raw_parameter, 1> params{
                    wire::frontend::raw_parameter{false, as_bytes(v)}};
                (void)s.send_bind(out, "", "s1", {}, params, binary);
                (void)s.send_execute(out, "", 0);
                (void)s.send_sync(out);
            }
            (void)s.send_close(out, 'S', "s1");
            (void)s.send_sync(out);
            return true;
        }
        case 3:
            (void)s.send_query(out, "SELEC 1");
            return true;
        case 4:
            (void)s.send_query(out, "COPY (SELECT g, 'v' || g FROM generate_series(1, 50) g) TO STDOUT");
            return true;
        case 5:
            (void)s.send_query(out, "CREATE TEMP TABLE fuzz_t (a int, b text); COPY fuzz_t FROM STDIN");
            return true;
        case 6:
            (void)s.send_query(out,
                              "DO $$BEGIN RAISE NOTICE 'hello %', 42; END$$; LISTEN fuzz_c; "
                              "NOTIFY fuzz_c, 'payload'; SET application_name = 'fuzz2'");
            return true;
        case 7:
            (void)s.send_query(out, "");
            return true;
        case 8:
            // Portal with a row limit: PortalSuspended, then the rest.
            (void)s.send_query(out, "BEGIN");
            (void)s.send_parse(out, "", "SELECT g FROM generate_series(1, 5) g");
            (void)s.send_bind(out, "p", "", {}, {}, binary);
            (void)s.send_describe_portal(out, "p");
            (void)s.send_execute(out, "p", 2);
            (void)s.send_execute(out, "p", 0);
            (void)s.send_sync(out);
            (void)s.send_query(out, "COMMIT");
            return true;
        case 9: {
            // COPY FROM STDIN through the extended protocol (its Sync is swallowed in copy-in).
            (void)s.send_parse(out, "", "COPY fuzz_t FROM STDIN");
            (void)s.send_bind(out, "", "", {}, {}, {});
            (void)s.send_execute(out, "", 0);
            (void)s.send_sync(out);
            return true;
        }
        default:
            return false;
    }
}

void copy_in_reply(wire::session& s, wire::write_buffer& out) {
    (void)s.send_copy_data(out, as_bytes("1\tone\n2\ttwo\n"));
    (void)s.send_copy_data(out, as_bytes("3\t\\N\n"));
    (void)s.send_copy_done(out);
}

}  // namespace pgring::fuzz
