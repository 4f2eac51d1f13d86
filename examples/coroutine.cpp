// A coroutine program: one loop, one connection, parameters in and typed rows out.
// Usage: pgring-example-coroutine 'postgresql://user:secret@host/db'
#include <pgring/pgring.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

pgring::task<void> run(pgring::loop& lp, const char* dsn) {
    auto conn = co_await pgring::connection::connect(lp, dsn);
    std::printf("connected to PostgreSQL %s\n", conn.parameter("server_version").value_or("?").c_str());

    co_await conn.execute("CREATE TEMP TABLE fruit (id int4 PRIMARY KEY, name text, price numeric)");
    const char* names[] = {"apple", "banana", "cherry"};
    for (std::int32_t i = 0; i < 3; ++i) {
        co_await conn.execute("INSERT INTO fruit VALUES ($1, $2, $3)", i, names[i], "1.25");  // text into numeric
    }
    for (pgring::row_view row : co_await conn.query("SELECT id, name, price * 2 FROM fruit ORDER BY id")) {
        auto [id, name, price] = row.as<std::int32_t, std::string, pgring::numeric>();
        std::printf("%d %-8s %s\n", id, name.c_str(), price.to_string().c_str());
    }
    auto total = co_await conn.query_value<std::int64_t>("SELECT count(*) FROM fruit WHERE id >= $1", 1);
    std::printf("%lld fruits with id >= 1\n", static_cast<long long>(total));

    auto failed = co_await conn.try_execute("INSERT INTO fruit VALUES (1, 'again', 0)");
    std::printf("duplicate key: %s (SQLSTATE %s)\n", failed.diag().message.c_str(), failed.diag().sqlstate.c_str());
}

int main(int argc, char** argv) {
    pgring::loop lp;
    try {
        lp.run(run(lp, argc > 1 ? argv[1] : ""));
    } catch (const pgring::error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
