// A program outside the pgring build that uses the installed headers and library: built by
// tests/install/run_install_test.sh with pkg-config (shared and static) and with CMake
// (pgring::pgring and pgring::pgring_static). It calls functions defined in the library, so a
// missing or wrong library fails the link; it prints each check and exits 1 if one fails.

#include <pgring/pgring.hpp>
#include <pgring/task.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
    std::printf("  %s: %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) {
        ++failures;
    }
}

pgring::task<int> forty_one() {
    co_return 41;
}

pgring::task<int> answer() {
    const int v = co_await forty_one();
    co_return v + 1;
}

pgring::task<void> throws_server_error() {
    throw pgring::error(pgring::make_sqlstate_error("23505"));
    co_return;
}

// Runs a task that never suspends on I/O to its end: the caller has no loop, and a task with
// no continuation returns to whoever resumed it.
template <class T>
auto run_to_end(pgring::task<T>& t) {
    t.handle().resume();
    return t.handle().promise().result();
}

}  // namespace

int main() {
    std::printf("pgring consumer\n");

    const std::error_code unique = pgring::make_sqlstate_error("23505");
    check(unique == pgring::sqlstate::unique_violation, "make_sqlstate_error(\"23505\") == unique_violation");
    check(std::strcmp(unique.category().name(), "pgring.sqlstate") == 0, "sqlstate category name");
    check(unique.message().find("23505") != std::string::npos, "sqlstate message names the code");
    check(!pgring::is_fatal(unique), "a unique violation is not fatal");
    check(pgring::is_fatal(pgring::make_sqlstate_error("57P01")), "admin_shutdown is fatal");
    check(pgring::unpack_sqlstate(pgring::pack_sqlstate("57P01")) == "57P01", "pack/unpack round trip");
    check(pgring::make_sqlstate_error("2350") == pgring::errc::protocol_violation,
          "a malformed SQLSTATE gives errc::protocol_violation");

    const std::error_code closed = pgring::errc::connection_closed;
    check(std::strcmp(closed.category().name(), "pgring") == 0, "client category name");
    check(pgring::is_fatal(closed), "connection_closed is fatal");

    pgring::diagnostics diag;
    check(diag.set_field('M', "duplicate key value") && diag.set_field('C', "23505"), "diagnostics fields");
    try {
        throw pgring::error(unique, diag);
    } catch (const std::system_error& e) {
        const auto* pe = dynamic_cast<const pgring::error*>(&e);
        check(pe != nullptr && pe->diag().sqlstate == "23505", "pgring::error carries diagnostics");
        check(std::string(e.what()).find("duplicate key value") != std::string::npos,
              "what() has the message");
        check(e.code() == pgring::sqlstate::unique_violation, "pgring::error code");
    }

    check(pgring::oid::int4 == 23, "oid::int4 == 23");

    pgring::task<int> t = answer();
    check(t.valid() && !t.done(), "a task is lazy");
    check(run_to_end(t) == 42 && t.done(), "a task awaiting a task returns 42");

    pgring::task<void> failing = throws_server_error();
    bool caught = false;
    try {
        run_to_end(failing);
    } catch (const pgring::error& e) {
        caught = e.code() == pgring::sqlstate::unique_violation;
    }
    check(caught, "a task rethrows its exception");

    std::printf("%s\n", failures == 0 ? "all checks passed" : "some checks FAILED");
    return failures == 0 ? 0 : 1;
}
