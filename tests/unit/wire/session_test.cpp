// Unit tests of wire::session: scripted conversations replayed whole, split at every byte,
// byte by byte, and with the connection lost at every feed (see tests/support/session_script).

#include "wire/session.hpp"

#include <pgring/sqlstate.hpp>

#include "backend_builders.hpp"
#include "session_script.hpp"
#include "wire/frontend.hpp"
#include "wire/scram.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string>
#include <vector>

namespace pgring::wire {
namespace {

namespace bb = pgring::test::backend;
using pgring::test::bytes;
using pgring::test::session_script;
using ek = event_kind;

bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

// Encodes with the frontend encoders (their bytes are tested in frontend_test.cpp).
template <class F>
bytes written(F&& f) {
    write_buffer out;
    f(out);
    return pgring::test::take_written(out);
}

session_options trust_options() {
    session_options o;
    o.user = "alice";
    o.database = "db";
    o.application_name = "app";
    return o;
}

bytes startup_bytes(const session_options& o) {
    return written([&](write_buffer& out) {
        std::vector<frontend::startup_parameter> p{{"user", o.user}};
        if (!o.database.empty()) {
            p.emplace_back("database", o.database);
        }
        if (!o.application_name.empty()) {
            p.emplace_back("application_name", o.application_name);
        }
        p.emplace_back("client_encoding", "UTF8");
        ASSERT_FALSE(frontend::encode_startup(out, p));
    });
}

bytes startup_reply() {
    return cat({bb::authentication_ok(), bb::parameter_status("server_version", "15.8"),
                bb::parameter_status("client_encoding", "UTF8"), bb::backend_key_data(1234, 5678),
                bb::ready_for_query('I')});
}

// A script already through startup (trust).
session_script ready_script(session_options o = trust_options()) {
    session_script s(o);
    s.start()
        .expect_write(startup_bytes(o))
        .feed(startup_reply())
        .expect_event(ek::authenticated)
        .expect_event(ek::parameter_status)
        .expect_event(ek::parameter_status)
        .expect_event(ek::backend_key_data)
        .expect_event(ek::ready);
    return s;
}

bytes row_description_ab() {
    return bb::row_description_builder().field("a", 23, 0).field("b", 25, 0).frame();
}

TEST(SessionStartup, ReadyStateAfterStartup) {
    session_options o = trust_options();
    session_script s(o);
    s.start()
        .expect_write(startup_bytes(o))
        .feed(startup_reply())
        .expect_event(ek::authenticated,
                      [](const event&, const session& ss) {
                          EXPECT_EQ(ss.state(), session_state::startup_parameters);
                      })
        .expect_event(ek::parameter_status,
                      [](const event& ev, const session&) {
                          const auto& p = std::get<backend::parameter_status>(ev.msg);
                          EXPECT_EQ(p.name, "server_version");
                          EXPECT_EQ(p.value, "15.8");
                      })
        .expect_event(ek::parameter_status)
        .expect_event(ek::backend_key_data)
        .expect_event(ek::ready,
                      [](const event&, const session& ss) {
                          EXPECT_EQ(ss.state(), session_state::ready);
                          EXPECT_TRUE(ss.idle());
                          EXPECT_EQ(ss.transaction_status(), 'I');
                          EXPECT_EQ(ss.backend_key().process_id, 1234);
                          EXPECT_EQ(ss.backend_key().secret_key, 5678);
                          EXPECT_EQ(ss.parameter("server_version").value_or(""), "15.8");
                          EXPECT_FALSE(ss.parameter("nope").has_value());
                      })
        .expect_need_more()
        .run();
}

TEST(SessionStartup, CommandsBeforeReadyAreRefused) {
    session s(trust_options());
    write_buffer out;
    EXPECT_EQ(s.send_query(out, "SELECT 1"), errc::invalid_state);
    ASSERT_FALSE(s.start(out));
    EXPECT_EQ(s.start(out), errc::invalid_state);
    EXPECT_EQ(s.send_sync(out), errc::invalid_state);
    EXPECT_EQ(s.send_copy_data(out, {}), errc::invalid_state);
}

TEST(SessionStartup, StartupRejectsNulInOptions) {
    session_options o = trust_options();
    o.user = std::string("al\0ice", 6);
    session s(o);
    write_buffer out;
    EXPECT_EQ(s.start(out), errc::embedded_nul);
    EXPECT_TRUE(out.empty());
}

TEST(SessionStartup, ExtraParametersAreSentButClientEncodingIsForced) {
    session_options o = trust_options();
    o.options = "-c geqo=off";
    o.parameters = {{"search_path", "s1"}, {"client_encoding", "LATIN1"}};
    session s(o);
    write_buffer out;
    ASSERT_FALSE(s.start(out));
    const bytes got = pgring::test::take_written(out);
    const bytes want = written([&](write_buffer& w) {
        std::vector<frontend::startup_parameter> p{{"user", "alice"},
                                                   {"database", "db"},
                                                   {"application_name", "app"},
                                                   {"options", "-c geqo=off"},
                                                   {"client_encoding", "UTF8"},
                                                   {"search_path", "s1"}};
        ASSERT_FALSE(frontend::encode_startup(w, p));
    });
    EXPECT_EQ(got, want);
}

TEST(SessionAuth, CleartextPasswordIsSent) {
    session_options o = trust_options();
    o.password = "pw";
    session_script s(o);
    s.start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_cleartext())
        .expect_need_more()
        .expect_write(written([](write_buffer& w) { ASSERT_FALSE(frontend::encode_password(w, "pw")); }))
        .feed(startup_reply())
        .expect_event(ek::authenticated)
        .run();
}

TEST(SessionAuth, Md5PasswordIsHashedWithUserAndSalt) {
    session_options o = trust_options();
    o.password = "pw";
    const std::array<std::byte, 4> salt{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
    session_script s(o);
    s.start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_md5(salt))
        .expect_need_more()
        .expect_write(written([&](write_buffer& w) {
            ASSERT_FALSE(frontend::encode_password(w, md5_password_hash("alice", "pw", salt)));
        }))
        .feed(startup_reply())
        .expect_event(ek::authenticated)
        .run();
}

TEST(SessionAuth, PasswordRequiredWhenNoneGiven) {
    session_options o = trust_options();
    session_script s(o);
    s.start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_cleartext())
        .expect_fatal(errc::password_required)
        .run();
}

TEST(SessionAuth, DisabledMethodsAreRefused) {
    session_options o = trust_options();
    o.password = "pw";
    o.allow_cleartext_password = false;
    o.allow_md5_password = false;
    const std::array<std::byte, 4> salt{};
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_cleartext())
        .expect_fatal(errc::unsupported_authentication)
        .run();
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_md5(salt))
        .expect_fatal(errc::unsupported_authentication)
        .run();
}

TEST(SessionAuth, UnsupportedMethodsAreNamed) {
    for (std::int32_t code : {2, 6, 7, 9}) {
        session_options o = trust_options();
        std::array<std::byte, 4> body{};
        body[3] = static_cast<std::byte>(code);
        session_script(o)
            .start()
            .expect_write(startup_bytes(o))
            .feed(bb::frame('R', bytes(body.begin(), body.end())))
            .expect_event(ek::fatal,
                          [](const event& ev, const session& ss) {
                              EXPECT_EQ(ev.ec, errc::unsupported_authentication);
                              EXPECT_NE(ss.last_error().client_message.find("not supported"), std::string::npos);
                          })
            .run();
    }
}

TEST(SessionAuth, SaslWithoutScramSha256IsRefused) {
    session_options o = trust_options();
    o.password = "pw";
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_sasl({"SCRAM-SHA-256-PLUS"}))
        .expect_fatal(errc::unsupported_authentication)
        .run();
}

// An independent SCRAM-SHA-256 server side, so the exchange is checked end to end.
struct scram_server {
    std::string password;
    std::string salt = "0123456789abcdef";
    int iterations = 4096;
    std::string client_first_bare;
    std::string server_first;

    static std::string b64(const unsigned char* p, std::size_t n) {
        std::string out(4 * ((n + 2) / 3) + 1, '\0');
        const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
        out.resize(static_cast<std::size_t>(len));
        return out;
    }
    static std::array<unsigned char, 32> hmac(const unsigned char* key, std::size_t klen, std::string_view msg) {
        std::array<unsigned char, 32> out{};
        unsigned int len = 32;
        HMAC(EVP_sha256(), key, static_cast<int>(klen), reinterpret_cast<const unsigned char*>(msg.data()),
             msg.size(), out.data(), &len);
        return out;
    }
    std::string first(std::string_view client_first, std::string_view server_nonce_suffix) {
        client_first_bare = std::string(client_first.substr(3));  // drop "n,,"
        const std::string nonce = client_first_bare.substr(client_first_bare.find("r=") + 2);
        server_first = "r=" + nonce + std::string(server_nonce_suffix) +
                       ",s=" + b64(reinterpret_cast<const unsigned char*>(salt.data()), salt.size()) +
                       ",i=" + std::to_string(iterations);
        return server_first;
    }
    std::string final_message(std::string_view client_final) {
        std::array<unsigned char, 32> salted{};
        PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                          iterations, EVP_sha256(), 32, salted.data());
        const std::string without_proof(client_final.substr(0, client_final.find(",p=")));
        const std::string auth = client_first_bare + "," + server_first + "," + without_proof;
        const auto server_key = hmac(salted.data(), 32, "Server Key");
        const auto sig = hmac(server_key.data(), 32, auth);
        return "v=" + b64(sig.data(), 32);
    }
};

std::string payload_after(const bytes& msg, std::size_t skip) {
    return std::string(reinterpret_cast<const char*>(msg.data()) + skip, msg.size() - skip);
}

TEST(SessionAuth, ScramExchangeVerifiesServer) {
    session_options o = trust_options();
    o.password = "pencil";
    o.scram_client_nonce = "fixedclientnonce";
    scram_server server{"pencil"};
    // The conversation is deterministic with a fixed nonce, so it can be precomputed.
    scram_sha256 client("pencil", "fixedclientnonce");
    const std::string server_first = server.first(client.client_first(), "SERVERPART");
    ASSERT_FALSE(client.handle_server_first(server_first));
    const std::string server_final = server.final_message(client.client_final());

    session_script s(o);
    s.start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_sasl({"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}))
        .expect_need_more()
        .expect_write_if([&](const bytes& b) {
            // 'p' len "SCRAM-SHA-256\0" int32 len client-first
            const std::string all = payload_after(b, 5);
            EXPECT_EQ(all.substr(0, 14), std::string("SCRAM-SHA-256\0", 14));
            EXPECT_EQ(all.substr(18), client.client_first());
        })
        .feed(bb::authentication_sasl_continue(bytes(reinterpret_cast<const std::byte*>(server_first.data()),
                                                     reinterpret_cast<const std::byte*>(server_first.data()) +
                                                         server_first.size())))
        .expect_need_more()
        .expect_write_if([&](const bytes& b) { EXPECT_EQ(payload_after(b, 5), client.client_final()); })
        .feed(bb::authentication_sasl_final(bytes(reinterpret_cast<const std::byte*>(server_final.data()),
                                                  reinterpret_cast<const std::byte*>(server_final.data()) +
                                                      server_final.size())))
        .expect_need_more()
        .feed(startup_reply())
        .expect_event(ek::authenticated)
        .run();
}

TEST(SessionAuth, ScramRejectsForgedServerSignature) {
    session_options o = trust_options();
    o.password = "pencil";
    o.scram_client_nonce = "fixedclientnonce";
    scram_server server{"not the password"};
    scram_sha256 client("pencil", "fixedclientnonce");
    const std::string server_first = server.first(client.client_first(), "SERVERPART");
    ASSERT_FALSE(client.handle_server_first(server_first));
    const std::string server_final = server.final_message(client.client_final());
    auto b = [](const std::string& s) { return bytes(reinterpret_cast<const std::byte*>(s.data()),
                                                    reinterpret_cast<const std::byte*>(s.data()) + s.size()); };
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_sasl({"SCRAM-SHA-256"}))
        .expect_need_more()
        .expect_write_if([](const bytes&) {})
        .feed(bb::authentication_sasl_continue(b(server_first)))
        .expect_need_more()
        .expect_write_if([](const bytes&) {})
        .feed(bb::authentication_sasl_final(b(server_final)))
        .expect_fatal(errc::scram_server_signature_mismatch)
        .run();
}

TEST(SessionAuth, ScramRejectsAuthenticationOkBeforeFinal) {
    session_options o = trust_options();
    o.password = "pencil";
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_sasl({"SCRAM-SHA-256"}))
        .expect_need_more()
        .expect_write_if([](const bytes&) {})
        .feed(bb::authentication_ok())
        .expect_fatal(errc::scram_protocol_error)
        .run();
}

TEST(SessionAuth, ScramRejectsNonceThatDoesNotExtendOurs) {
    session_options o = trust_options();
    o.password = "pencil";
    o.scram_client_nonce = "fixedclientnonce";
    const std::string bad = "r=someoneelse,s=QUJDRA==,i=4096";
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_sasl({"SCRAM-SHA-256"}))
        .expect_need_more()
        .expect_write_if([](const bytes&) {})
        .feed(bb::authentication_sasl_continue(
            bytes(reinterpret_cast<const std::byte*>(bad.data()), reinterpret_cast<const std::byte*>(bad.data()) + bad.size())))
        .expect_fatal(errc::scram_protocol_error)
        .run();
}

TEST(SessionAuth, ServerErrorDuringStartupIsFatalWithDiagnostics) {
    session_options o = trust_options();
    o.password = "wrong";
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(bb::authentication_cleartext())
        .expect_need_more()
        .expect_write_if([](const bytes&) {})
        .feed(bb::error_response_builder()
                  .severity("FATAL")
                  .code("28P01")
                  .message("password authentication failed for user \"alice\"")
                  .frame())
        .expect_event(ek::fatal,
                      [](const event& ev, const session& ss) {
                          EXPECT_EQ(ev.ec, sqlstate::invalid_password);
                          EXPECT_EQ(ss.last_error().sqlstate, "28P01");
                          EXPECT_EQ(ss.last_error().message, "password authentication failed for user \"alice\"");
                          EXPECT_EQ(ss.state(), session_state::failed);
                      })
        .run();
}

TEST(SessionStartup, NegotiateProtocolVersionIsAccepted) {
    session_options o = trust_options();
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(cat({bb::negotiate_protocol_version(0, {"_pq_.x"}), startup_reply()}))
        .expect_event(ek::authenticated)
        .run();
}

TEST(SessionStartup, UnexpectedMessageDuringStartupIsFatal) {
    session_options o = trust_options();
    session_script(o)
        .start()
        .expect_write(startup_bytes(o))
        .feed(bb::data_row_builder().text("x").frame())
        .expect_fatal(errc::unexpected_message)
        .run();
}

TEST(SessionQuery, SimpleQueryRowsAndCompletion) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT a, b FROM t"); })
        .expect_write(written([](write_buffer& w) { ASSERT_FALSE(frontend::encode_query(w, "SELECT a, b FROM t")); }))
        .feed(cat({row_description_ab(), bb::data_row_builder().text("1").text("one").frame(),
                   bb::data_row_builder().text("2").null().frame(), bb::command_complete("SELECT 2"),
                   bb::ready_for_query('I')}))
        .expect_event(ek::row_description,
                      [](const event& ev, const session&) {
                          const auto& d = std::get<backend::row_description>(ev.msg);
                          ASSERT_EQ(d.column_count, 2);
                          auto it = d.begin();
                          EXPECT_EQ((*it).name, "a");
                          EXPECT_EQ((*it).type_oid, 23u);
                      })
        .expect_event(ek::data_row,
                      [](const event& ev, const session&) {
                          const auto& r = std::get<backend::data_row>(ev.msg);
                          ASSERT_EQ(r.column_count, 2);
                          auto it = r.begin();
                          const auto f = *it;
                          EXPECT_FALSE(f.is_null);
                          EXPECT_EQ(std::string(reinterpret_cast<const char*>(f.value.data()), f.value.size()), "1");
                      })
        .expect_event(ek::data_row,
                      [](const event& ev, const session&) {
                          const auto& r = std::get<backend::data_row>(ev.msg);
                          auto it = r.begin();
                          ++it;
                          EXPECT_TRUE((*it).is_null);
                      })
        .expect_event(ek::command_complete,
                      [](const event& ev, const session& ss) {
                          std::uint64_t n = 0;
                          EXPECT_TRUE(std::get<backend::command_complete>(ev.msg).rows_affected(n));
                          EXPECT_EQ(n, 2u);
                          EXPECT_EQ(ss.in_flight(), 1u);
                      })
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .expect_need_more()
        .run();
}

TEST(SessionQuery, SimpleQueryWithSeveralStatementsAndAnError) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "BEGIN; SELECT 1; SELEC 2"); })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::command_complete("BEGIN"), bb::row_description_builder().field("?column?", 23, 0).frame(),
                   bb::data_row_builder().text("1").frame(), bb::command_complete("SELECT 1"),
                   bb::error_response_builder().severity("ERROR").code("42601").message("syntax error").frame(),
                   bb::ready_for_query('E')}))
        .expect_event(ek::command_complete)
        .expect_event(ek::row_description)
        .expect_event(ek::data_row)
        .expect_event(ek::command_complete)
        .expect_event(ek::error,
                      [](const event& ev, const session& ss) {
                          EXPECT_EQ(ev.ec, sqlstate::syntax_error);
                          EXPECT_EQ(ss.last_error().message, "syntax error");
                          EXPECT_EQ(ss.state(), session_state::ready);
                      })
        .expect_event(ek::ready_for_query,
                      [](const event&, const session& ss) { EXPECT_EQ(ss.transaction_status(), 'E'); })
        .expect_need_more()
        .run();
}

TEST(SessionQuery, EmptyQuery) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, ""); })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::empty_query_response(), bb::ready_for_query('I')}))
        .expect_event(ek::empty_query)
        .expect_event(ek::ready_for_query)
        .run();
}

bytes int4(std::int32_t v) {
    return {std::byte(v >> 24), std::byte(v >> 16), std::byte(v >> 8), std::byte(v)};
}

// Parse, Describe statement, Bind, Execute, Sync for one binary int4 parameter.
std::error_code send_select(session& s, write_buffer& out, std::int32_t v) {
    static const std::array<std::int16_t, 1> binary{1};
    const bytes p = int4(v);
    const std::array<frontend::raw_parameter, 1> params{frontend::raw_parameter{false, p}};
    if (auto ec = s.send_bind(out, "", "s", binary, params, binary)) {
        return ec;
    }
    if (auto ec = s.send_execute(out, "", 0)) {
        return ec;
    }
    return s.send_sync(out);
}

TEST(SessionExtended, PrepareThenPipelinedExecutions) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            if (auto ec = s.send_parse(out, "s", "SELECT $1::int4")) {
                return ec;
            }
            if (auto ec = s.send_describe_statement(out, "s")) {
                return ec;
            }
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes& b) { EXPECT_EQ(b.size(), 25u + 8u + 5u); })  // Parse, Describe, Sync
        .call([](session& s, write_buffer& out) { return send_select(s, out, 7); })
        .call([](session& s, write_buffer& out) { return send_select(s, out, 8); })
        .call([](session& s, write_buffer& out) {
            EXPECT_EQ(s.in_flight(), 9u);
            return std::error_code{};
        })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::parse_complete(), bb::parameter_description({23}),
                   bb::row_description_builder().field("int4", 23, 0).frame(), bb::ready_for_query('I')}))
        .expect_event(ek::parse_complete)
        .expect_event(ek::parameter_description,
                      [](const event& ev, const session&) {
                          EXPECT_EQ(std::get<backend::parameter_description>(ev.msg).oid(0), 23u);
                      })
        .expect_event(ek::row_description)
        .expect_event(ek::ready_for_query)
        .feed(cat({bb::bind_complete(), bb::data_row_builder().bytes(int4(7)).frame(), bb::command_complete("SELECT 1"),
                   bb::ready_for_query('I'), bb::bind_complete(), bb::data_row_builder().bytes(int4(8)).frame(),
                   bb::command_complete("SELECT 1"), bb::ready_for_query('I')}))
        .expect_event(ek::bind_complete)
        .expect_event(ek::data_row,
                      [](const event& ev, const session&) {
                          const auto f = *std::get<backend::data_row>(ev.msg).begin();
                          EXPECT_EQ(bytes(f.value.begin(), f.value.end()), int4(7));
                      })
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query)
        .expect_event(ek::bind_complete)
        .expect_event(ek::data_row)
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .expect_need_more()
        .run();
}

TEST(SessionExtended, ErrorSkipsToSyncAndLaterQueriesRun) {
    ready_script()
        .call([](session& s, write_buffer& out) { return send_select(s, out, 1); })
        .call([](session& s, write_buffer& out) { return send_select(s, out, 0); })
        .call([](session& s, write_buffer& out) { return send_select(s, out, 3); })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::bind_complete(), bb::data_row_builder().bytes(int4(1)).frame(), bb::command_complete("SELECT 1"),
                   bb::ready_for_query('I'), bb::bind_complete(),
                   bb::error_response_builder().severity("ERROR").code("22012").message("division by zero").frame(),
                   bb::ready_for_query('I'), bb::bind_complete(), bb::data_row_builder().bytes(int4(3)).frame(),
                   bb::command_complete("SELECT 1"), bb::ready_for_query('I')}))
        .expect_event(ek::bind_complete)
        .expect_event(ek::data_row)
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query)
        .expect_event(ek::bind_complete)
        .expect_event(ek::error,
                      [](const event& ev, const session& ss) {
                          EXPECT_EQ(ev.ec, sqlstate::division_by_zero);
                          EXPECT_EQ(ss.in_flight(), 4u);  // this Sync + 3 of the last query
                      })
        .expect_event(ek::ready_for_query)
        .expect_event(ek::bind_complete)
        .expect_event(ek::data_row)
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .run();
}

TEST(SessionExtended, ParseErrorSkipsDescribeBindExecute) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            (void)s.send_parse(out, "", "SELEC");
            (void)s.send_describe_statement(out, "");
            (void)s.send_bind(out, "", "", {}, {}, {});
            (void)s.send_execute(out, "", 0);
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::error_response_builder().severity("ERROR").code("42601").message("syntax").frame(),
                   bb::ready_for_query('I')}))
        .expect_event(ek::error)
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .run();
}

TEST(SessionExtended, DescribePortalNoDataAndCloseComplete) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            (void)s.send_bind(out, "p", "s", {}, {}, {});
            (void)s.send_describe_portal(out, "p");
            (void)s.send_execute(out, "p", 0);
            (void)s.send_close(out, 'P', "p");
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::bind_complete(), bb::no_data(), bb::command_complete("CREATE TABLE"), bb::close_complete(),
                   bb::ready_for_query('I')}))
        .expect_event(ek::bind_complete)
        .expect_event(ek::no_data)
        .expect_event(ek::command_complete)
        .expect_event(ek::close_complete)
        .expect_event(ek::ready_for_query)
        .run();
}

TEST(SessionExtended, PortalSuspendedThenRest) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            (void)s.send_bind(out, "p", "s", {}, {}, {});
            (void)s.send_execute(out, "p", 1, 1);
            (void)s.send_execute(out, "p", 0, 1);
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::bind_complete(), bb::data_row_builder().text("1").frame(), bb::portal_suspended(),
                   bb::data_row_builder().text("2").frame(), bb::command_complete("SELECT 1"),
                   bb::ready_for_query('T')}))
        .expect_event(ek::bind_complete)
        .expect_event(ek::data_row)
        .expect_event(ek::portal_suspended)
        .expect_event(ek::data_row)
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query,
                      [](const event&, const session& ss) { EXPECT_EQ(ss.transaction_status(), 'T'); })
        .run();
}

TEST(SessionExtended, DataRowWidthMustMatchKnownColumns) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            (void)s.send_bind(out, "", "s", {}, {}, {});
            (void)s.send_execute(out, "", 0, 2);
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::bind_complete(), bb::data_row_builder().text("1").frame()}))
        .expect_event(ek::bind_complete)
        .expect_fatal(errc::protocol_violation)
        .run();
}

TEST(SessionExtended, DataRowWidthComesFromDescribeInThePipeline) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            (void)s.send_bind(out, "", "s", {}, {}, {});
            (void)s.send_describe_portal(out, "");
            (void)s.send_execute(out, "", 0);
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::bind_complete(), row_description_ab(), bb::data_row_builder().text("1").frame()}))
        .expect_event(ek::bind_complete)
        .expect_event(ek::row_description)
        .expect_fatal(errc::protocol_violation)
        .run();
}

TEST(SessionQuery, DataRowWidthMustMatchRowDescription) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT a, b"); })
        .expect_write_if([](const bytes&) {})
        .feed(cat({row_description_ab(), bb::data_row_builder().text("1").text("2").text("3").frame()}))
        .expect_event(ek::row_description)
        .expect_fatal(errc::protocol_violation)
        .run();
}

TEST(SessionQuery, DataRowWithoutRowDescriptionIsFatal) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT 1"); })
        .expect_write_if([](const bytes&) {})
        .feed(bb::data_row_builder().text("1").frame())
        .expect_fatal(errc::unexpected_message)
        .run();
}

TEST(SessionProtocol, SecondReadyForQueryIsFatal) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT 1"); })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::empty_query_response(), bb::ready_for_query('I'), bb::ready_for_query('I')}))
        .expect_event(ek::empty_query)
        .expect_event(ek::ready_for_query)
        .expect_fatal(errc::unexpected_message)
        .run();
}

TEST(SessionProtocol, WrongCompletionOrderIsFatal) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            (void)s.send_parse(out, "", "SELECT 1");
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes&) {})
        .feed(bb::bind_complete())
        .expect_event(ek::fatal,
                      [](const event& ev, const session& ss) {
                          EXPECT_EQ(ev.ec, errc::unexpected_message);
                          EXPECT_NE(ss.last_error().client_message.find("BindComplete"), std::string::npos);
                          EXPECT_NE(ss.last_error().client_message.find("ParseComplete"), std::string::npos);
                      })
        .run();
}

TEST(SessionProtocol, UnknownMessageTypeIsFatal) {
    ready_script().feed(bb::frame('!', {})).expect_fatal(errc::unknown_message_type).run();
}

TEST(SessionProtocol, MalformedMessageIsFatal) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT 1"); })
        .expect_write_if([](const bytes&) {})
        .feed(bb::frame('Z', {std::byte{'Q'}}))
        .expect_fatal(errc::malformed_message)
        .run();
}

TEST(SessionProtocol, BadLengthIsFatal) {
    ready_script()
        .feed({std::byte{'Z'}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{3}})
        .expect_fatal(errc::malformed_message)
        .run();
}

TEST(SessionProtocol, MessageOverLimitIsFatal) {
    session_options o = trust_options();
    o.max_message_size = 32;  // the startup messages fit
    ready_script(o)
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT 1"); })
        .expect_write_if([](const bytes&) {})
        .feed(bb::data_row_builder().text("0123456789abcdefghij0123456789abcdefghij").frame())
        .expect_fatal(errc::message_too_large)
        .run();
}

TEST(SessionProtocol, AsyncMessagesArriveBetweenRows) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT a, b"); })
        .expect_write_if([](const bytes&) {})
        .feed(cat({row_description_ab(),
                   bb::notice_response_builder().severity("NOTICE").code("00000").message("hi").frame(),
                   bb::data_row_builder().text("1").text("2").frame(), bb::notification_response(42, "ch", "pl"),
                   bb::parameter_status("TimeZone", "UTC"), bb::command_complete("SELECT 1"),
                   bb::ready_for_query('I'), bb::notification_response(43, "ch", "idle")}))
        .expect_event(ek::row_description)
        .expect_event(ek::notice,
                      [](const event& ev, const session&) {
                          EXPECT_EQ(std::get<backend::error_response>(ev.msg).field('M'), "hi");
                      })
        .expect_event(ek::data_row)
        .expect_event(ek::notification,
                      [](const event& ev, const session&) {
                          const auto& n = std::get<backend::notification_response>(ev.msg);
                          EXPECT_EQ(n.process_id, 42);
                          EXPECT_EQ(n.channel, "ch");
                          EXPECT_EQ(n.payload, "pl");
                      })
        .expect_event(ek::parameter_status,
                      [](const event&, const session& ss) { EXPECT_EQ(ss.parameter("TimeZone").value_or(""), "UTC"); })
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query)
        .expect_event(ek::notification)
        .run();
}

TEST(SessionProtocol, FatalErrorMidQueryFailsSession) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT pg_sleep(10)"); })
        .expect_write_if([](const bytes&) {})
        .feed(bb::error_response_builder()
                  .severity("FATAL")
                  .field('V', "FATAL")
                  .code("57P01")
                  .message("terminating connection due to administrator command")
                  .frame())
        .expect_event(ek::fatal,
                      [](const event& ev, const session& ss) {
                          EXPECT_EQ(ev.ec, sqlstate::admin_shutdown);
                          EXPECT_TRUE(is_fatal(ev.ec));
                          EXPECT_EQ(ss.state(), session_state::failed);
                          EXPECT_EQ(ss.in_flight(), 0u);
                      })
        .call([](session& s, write_buffer& out) { return s.send_query(out, "SELECT 1"); },
              errc::connection_closed)
        .run();
}

TEST(SessionProtocol, ErrorWhileIdleIsReported) {
    ready_script()
        .feed(bb::error_response_builder().severity("ERROR").code("XX000").message("odd").frame())
        .expect_event(ek::error)
        .run();
}

TEST(SessionProtocol, ConnectionLostReportsWhatWasInFlight) {
    session s(trust_options());
    write_buffer out;
    ASSERT_FALSE(s.start(out));
    bytes in = startup_reply();
    std::span<const std::byte> input(in);
    while (s.consume(input, out).kind != ek::ready) {
    }
    ASSERT_FALSE(s.send_query(out, "SELECT 1"));
    const event ev = s.connection_lost();
    EXPECT_EQ(ev.kind, ek::fatal);
    EXPECT_EQ(ev.ec, errc::connection_closed);
    EXPECT_NE(s.last_error().client_message.find("1 request(s) in flight"), std::string::npos);
    EXPECT_EQ(s.connection_lost().ec, errc::connection_closed);
}

TEST(SessionProtocol, TerminateWritesXAndCloses) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            s.terminate(out);
            EXPECT_EQ(s.state(), session_state::closed);
            return s.send_query(out, "SELECT 1");
        },
              errc::connection_closed)
        .expect_write({std::byte{'X'}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{4}})
        .run();
}

TEST(SessionCopy, CopyOutFromSimpleQuery) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "COPY t TO STDOUT"); })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::copy_out_response(0, {0, 0}), bb::copy_data({std::byte{'a'}, std::byte{'\n'}}),
                   bb::copy_data({std::byte{'b'}, std::byte{'\n'}}), bb::copy_done(), bb::command_complete("COPY 2"),
                   bb::ready_for_query('I')}))
        .expect_event(ek::copy_out_response,
                      [](const event&, const session& ss) { EXPECT_EQ(ss.state(), session_state::copy_out); })
        .expect_event(ek::copy_data)
        .expect_event(ek::copy_data)
        .expect_event(ek::copy_done)
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .run();
}

TEST(SessionCopy, CopyInFromSimpleQuery) {
    const bytes row{std::byte{'1'}, std::byte{'\n'}};
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "COPY t FROM STDIN"); })
        .expect_write_if([](const bytes&) {})
        .feed(bb::copy_in_response(0, {0}))
        .expect_event(ek::copy_in_response)
        .call([&](session& s, write_buffer& out) {
            EXPECT_EQ(s.send_query(out, "SELECT 1"), errc::invalid_state);
            (void)s.send_copy_data(out, row);
            return s.send_copy_done(out);
        })
        .expect_write(written([&](write_buffer& w) {
            ASSERT_FALSE(frontend::encode_copy_data(w, row));
            frontend::encode_copy_done(w);
        }))
        .feed(cat({bb::command_complete("COPY 1"), bb::ready_for_query('I')}))
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .run();
}

TEST(SessionCopy, ExtendedCopyInResendsTheSwallowedSync) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            (void)s.send_bind(out, "", "copy", {}, {}, {});
            (void)s.send_execute(out, "", 0);
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::bind_complete(), bb::copy_in_response(0, {0})}))
        .expect_event(ek::bind_complete)
        .expect_event(ek::copy_in_response)
        .call([](session& s, write_buffer& out) { return s.send_copy_done(out); })
        .expect_write(written([](write_buffer& w) {
            frontend::encode_copy_done(w);
            frontend::encode_sync(w);
        }))
        .feed(cat({bb::command_complete("COPY 0"), bb::ready_for_query('I')}))
        .expect_event(ek::command_complete)
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .run();
}

TEST(SessionCopy, CopyFailGetsAnErrorAndTheSessionSurvives) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "COPY t FROM STDIN"); })
        .expect_write_if([](const bytes&) {})
        .feed(bb::copy_in_response(1, {1}))
        .expect_event(ek::copy_in_response)
        .call([](session& s, write_buffer& out) { return s.send_copy_fail(out, "client gave up"); })
        .expect_write(written([](write_buffer& w) { ASSERT_FALSE(frontend::encode_copy_fail(w, "client gave up")); }))
        .feed(cat({bb::error_response_builder().severity("ERROR").code("57014").message("COPY from stdin failed").frame(),
                   bb::ready_for_query('I')}))
        .expect_event(ek::error, [](const event& ev, const session&) { EXPECT_EQ(ev.ec, sqlstate::query_canceled); })
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .run();
}

TEST(SessionCopy, ServerErrorDuringExtendedCopyInSendsSync) {
    ready_script()
        .call([](session& s, write_buffer& out) {
            (void)s.send_bind(out, "", "copy", {}, {}, {});
            (void)s.send_execute(out, "", 0);
            return s.send_sync(out);
        })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::bind_complete(), bb::copy_in_response(0, {0}),
                   bb::error_response_builder().severity("ERROR").code("22P02").message("bad input").frame()}))
        .expect_event(ek::bind_complete)
        .expect_event(ek::copy_in_response)
        .expect_event(ek::error)
        .expect_write(written([](write_buffer& w) { frontend::encode_sync(w); }))
        .feed(bb::ready_for_query('I'))
        .expect_event(ek::ready_for_query, [](const event&, const session& ss) { EXPECT_TRUE(ss.idle()); })
        .run();
}

TEST(SessionCopy, CopyDataOutsideCopyIsRefusedOrFatal) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_copy_data(out, {}); }, errc::invalid_state)
        .call([](session& s, write_buffer& out) { return s.send_query(out, "COPY t FROM STDIN"); })
        .expect_write_if([](const bytes&) {})
        .feed(cat({bb::copy_in_response(0, {}), bb::copy_data({std::byte{'x'}})}))
        .expect_event(ek::copy_in_response)
        .expect_fatal(errc::unexpected_message)
        .run();
}

TEST(SessionCopy, BadCopyFormatIsFatal) {
    ready_script()
        .call([](session& s, write_buffer& out) { return s.send_query(out, "COPY t FROM STDIN"); })
        .expect_write_if([](const bytes&) {})
        .feed(bb::frame('G', {std::byte{2}, std::byte{0}, std::byte{0}}))
        .expect_fatal(errc::malformed_message)
        .run();
}

TEST(SessionEvents, EveryKindHasAName) {
    for (int k = 0; k <= static_cast<int>(event_kind::fatal); ++k) {
        EXPECT_NE(event_name(static_cast<event_kind>(k)), "unknown");
    }
}

// A session through startup, driven by hand (the fast-path tests call next_data_row directly).
struct ready_session {
    session s{trust_options()};
    write_buffer out{256};
    ready_session() {
        EXPECT_FALSE(s.start(out));
        const bytes reply = startup_reply();
        std::span<const std::byte> in(reply);
        for (;;) {
            const event ev = s.consume(in, out);
            if (ev.kind == ek::ready || ev.kind == ek::need_more || ev.kind == ek::fatal) {
                EXPECT_EQ(ev.kind, ek::ready);
                break;
            }
        }
    }
};

TEST(SessionFastPath, TakesTheRowsOfTheFrontExecuteAndLeavesTheRestToConsume) {
    ready_session r;
    EXPECT_FALSE(send_select(r.s, r.out, 5));
    const bytes stream = cat({bb::bind_complete(), bb::data_row_builder().bytes(int4(1)).frame(),
                              bb::data_row_builder().bytes(int4(2)).frame(), bb::data_row_builder().null().frame(),
                              bb::command_complete("SELECT 3"), bb::ready_for_query('I')});
    std::span<const std::byte> in(stream);
    backend::data_row row;
    EXPECT_FALSE(r.s.next_data_row(in, row)) << "BindComplete first";
    EXPECT_EQ(r.s.consume(in, r.out).kind, ek::bind_complete);
    std::vector<bytes> values;
    while (r.s.next_data_row(in, row)) {
        const auto f = *row.begin();
        values.push_back(f.is_null ? bytes{} : bytes(f.value.begin(), f.value.end()));
    }
    ASSERT_EQ(values.size(), 3u);
    EXPECT_EQ(values[1], int4(2));
    EXPECT_TRUE(values[2].empty());
    EXPECT_EQ(r.s.consume(in, r.out).kind, ek::command_complete);
    EXPECT_EQ(r.s.consume(in, r.out).kind, ek::ready_for_query);
    EXPECT_TRUE(r.s.idle());
    EXPECT_FALSE(r.s.next_data_row(in, row)) << "idle: no Execute to answer";
}

TEST(SessionFastPath, PartialMalformedAndMisfitRowsGoToConsume) {
    ready_session r;
    static const std::array<std::int16_t, 1> binary{1};
    const bytes p = int4(5);
    const std::array<frontend::raw_parameter, 1> params{frontend::raw_parameter{false, p}};
    EXPECT_FALSE(r.s.send_bind(r.out, "", "s", binary, params, binary));
    EXPECT_FALSE(r.s.send_execute(r.out, "", 0, 1));  // rows of one column
    EXPECT_FALSE(r.s.send_sync(r.out));
    const bytes bind = bb::bind_complete();
    std::span<const std::byte> in(bind);
    EXPECT_EQ(r.s.consume(in, r.out).kind, ek::bind_complete);
    // A row split across two inputs: the fast path declines; consume() reassembles it.
    const bytes first = bb::data_row_builder().bytes(int4(9)).frame();
    std::span<const std::byte> head(first.data(), 6);
    std::span<const std::byte> tail(first.data() + 6, first.size() - 6);
    backend::data_row row;
    EXPECT_FALSE(r.s.next_data_row(head, row));
    EXPECT_EQ(head.size(), 6u) << "nothing consumed";
    EXPECT_EQ(r.s.consume(head, r.out).kind, ek::need_more);
    EXPECT_FALSE(r.s.next_data_row(tail, row)) << "a partial message is pending in the reader";
    EXPECT_EQ(r.s.consume(tail, r.out).kind, ek::data_row);
    // A row with another column count than the Execute's: declined; consume() fails the session.
    const bytes wide = bb::data_row_builder().bytes(int4(1)).bytes(int4(2)).frame();
    std::span<const std::byte> w(wide);
    EXPECT_FALSE(r.s.next_data_row(w, row));
    EXPECT_EQ(w.size(), wide.size());
    EXPECT_EQ(r.s.consume(w, r.out).kind, ek::fatal);
}

TEST(SessionFastPath, AMalformedRowIsLeftToConsumeWhichFails) {
    ready_session r;
    EXPECT_FALSE(send_select(r.s, r.out, 5));
    bytes bad = bb::data_row_builder().bytes(int4(1)).frame();
    bad[bad.size() - 5] = std::byte{0x7f};  // the field length now runs past the message
    const bytes stream = cat({bb::bind_complete(), bad});
    std::span<const std::byte> in(stream);
    EXPECT_EQ(r.s.consume(in, r.out).kind, ek::bind_complete);
    backend::data_row row;
    EXPECT_FALSE(r.s.next_data_row(in, row));
    EXPECT_EQ(r.s.consume(in, r.out).kind, ek::fatal);
}

}  // namespace
}  // namespace pgring::wire
