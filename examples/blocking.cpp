// A blocking program: no coroutines, each call waits for its answer.
// Usage: pgring-example-blocking 'postgresql://user:secret@host/db'
#include <pgring/pgring.hpp>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

int main(int argc, char** argv) try {
    pgring::blocking::connection conn(argc > 1 ? argv[1] : "");

    auto stmt = conn.prepare("SELECT n, n * n, CASE WHEN n % 2 = 0 THEN 'even' END FROM generate_series(1, $1) n");
    for (pgring::row_view row : conn.query(stmt, std::int32_t{4})) {
        auto [n, square, even] = row.as<std::int32_t, std::int32_t, std::optional<std::string>>();
        std::printf("%d^2 = %d %s\n", n, square, even.value_or("(odd)").c_str());
    }

    auto me = conn.query_one("SELECT current_user AS who, pg_backend_pid() AS pid");
    std::printf("%s, backend %d\n", me.get<std::string>("who").c_str(), me.get<std::int32_t>("pid"));

    auto r = conn.try_query_value<std::int32_t>("SELECT 1 / $1::int4", 0);
    if (!r) {
        std::printf("as expected: %s\n", r.diag().message.c_str());
    }
    return 0;
} catch (const pgring::error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
}
