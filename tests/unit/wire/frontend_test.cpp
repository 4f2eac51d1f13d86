#include "wire/frontend.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using pgring::errc;
using pgring::oid_t;
using pgring::wire::write_buffer;
namespace fe = pgring::wire::frontend;
using bytes = std::vector<std::byte>;

// "53 00 00 00 04" -> bytes. Golden bytes below are written from the layouts in the PostgreSQL
// docs, "Message Formats".
bytes hex(std::string_view s) {
    bytes out;
    int nibble = -1;
    for (const char c : s) {
        int v;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v = c - 'A' + 10;
        } else {
            continue;
        }
        if (nibble < 0) {
            nibble = v;
        } else {
            out.push_back(static_cast<std::byte>(nibble * 16 + v));
            nibble = -1;
        }
    }
    EXPECT_LT(nibble, 0) << "odd number of hex digits in " << s;
    return out;
}

std::span<const std::byte> as_span(std::string_view s) {
    return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

std::vector<bytes> spans_of(const write_buffer& wb) {
    std::span<const std::byte> spans[1024];
    const std::size_t n = wb.pending(spans, 1024);
    std::vector<bytes> out;
    for (std::size_t i = 0; i < n; ++i) {
        out.emplace_back(spans[i].begin(), spans[i].end());
    }
    return out;
}

bytes pending_of(const write_buffer& wb) {
    bytes out;
    for (const bytes& s : spans_of(wb)) {
        out.insert(out.end(), s.begin(), s.end());
    }
    return out;
}

using encoder = std::function<void(write_buffer&)>;

// Encodes into fresh buffers of several chunk sizes (messages spanning chunks included) and
// compares with the golden bytes.
void expect_golden(const encoder& encode, std::string_view golden) {
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{8}, std::size_t{16},
                                    write_buffer::default_chunk_size}) {
        write_buffer wb(chunk);
        encode(wb);
        EXPECT_FALSE(wb.in_message());
        EXPECT_EQ(pending_of(wb), hex(golden)) << "chunk size " << chunk;
    }
}

TEST(FrontendEncode, Sync) {
    expect_golden([](write_buffer& wb) { fe::encode_sync(wb); }, "53 00 00 00 04");
}

TEST(FrontendEncode, Flush) {
    expect_golden([](write_buffer& wb) { fe::encode_flush(wb); }, "48 00 00 00 04");
}

TEST(FrontendEncode, CopyDone) {
    expect_golden([](write_buffer& wb) { fe::encode_copy_done(wb); }, "63 00 00 00 04");
}

TEST(FrontendEncode, Terminate) {
    expect_golden([](write_buffer& wb) { fe::encode_terminate(wb); }, "58 00 00 00 04");
}

TEST(FrontendEncode, SslRequest) {
    // Int32(8), Int32(80877103) = 1234 << 16 | 5679.
    expect_golden([](write_buffer& wb) { fe::encode_ssl_request(wb); }, "00 00 00 08 04 d2 16 2f");
}

TEST(FrontendEncode, CancelRequest) {
    // Int32(16), Int32(80877102), process ID, secret key.
    expect_golden([](write_buffer& wb) { fe::encode_cancel_request(wb, 0x01020304, -2); },
                  "00 00 00 10 04 d2 16 2e 01 02 03 04 ff ff ff fe");
}

TEST(FrontendEncode, CancelRequestFitsTheSmallestMaxLength) {
    write_buffer wb(4, 0);
    fe::encode_cancel_request(wb, 1, 2);
    EXPECT_EQ(pending_of(wb), hex("00 00 00 10 04 d2 16 2e 00 00 00 01 00 00 00 02"));
}

TEST(FrontendEncode, StartupMessage) {
    // Int32 length, Int32(196608), name/value C strings, terminating zero byte.
    const fe::startup_parameter params[] = {{"user", "bob"}, {"database", "db"}};
    expect_golden([&](write_buffer& wb) { ASSERT_FALSE(fe::encode_startup(wb, params)); },
                  "00 00 00 1e 00 03 00 00"
                  "75 73 65 72 00 62 6f 62 00"
                  "64 61 74 61 62 61 73 65 00 64 62 00"
                  "00");
}

TEST(FrontendEncode, StartupMessageWithoutParameters) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_startup(wb, {})); },
                  "00 00 00 09 00 03 00 00 00");
}

TEST(FrontendEncode, StartupMessageEmptyValue) {
    const fe::startup_parameter params[] = {{"options", ""}};
    expect_golden([&](write_buffer& wb) { ASSERT_FALSE(fe::encode_startup(wb, params)); },
                  "00 00 00 12 00 03 00 00 6f 70 74 69 6f 6e 73 00 00 00");
}

TEST(FrontendEncode, PasswordMessage) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_password(wb, "pw")); },
                  "70 00 00 00 07 70 77 00");
}

TEST(FrontendEncode, SaslInitialResponse) {
    // Byte1('p'), Int32 length, mechanism C string, Int32 data length, data.
    expect_golden(
        [](write_buffer& wb) {
            ASSERT_FALSE(fe::encode_sasl_initial_response(wb, "SCRAM-SHA-256", as_span("abc")));
        },
        "70 00 00 00 19"
        "53 43 52 41 4d 2d 53 48 41 2d 32 35 36 00"
        "00 00 00 03 61 62 63");
}

TEST(FrontendEncode, SaslResponse) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_sasl_response(wb, as_span("xyz"))); },
                  "70 00 00 00 07 78 79 7a");
}

TEST(FrontendEncode, Query) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_query(wb, "SELECT 1")); },
                  "51 00 00 00 0d 53 45 4c 45 43 54 20 31 00");
}

TEST(FrontendEncode, EmptyQuery) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_query(wb, "")); }, "51 00 00 00 05 00");
}

TEST(FrontendEncode, Parse) {
    // Byte1('P'), Int32 length, name, query, Int16 type count, Int32 OID per type.
    const oid_t types[] = {23, 0xFFFFFFF0u};
    expect_golden([&](write_buffer& wb) { ASSERT_FALSE(fe::encode_parse(wb, "s1", "SELECT $1, $2", types)); },
                  "50 00 00 00 1f"
                  "73 31 00"
                  "53 45 4c 45 43 54 20 24 31 2c 20 24 32 00"
                  "00 02 00 00 00 17 ff ff ff f0");
}

TEST(FrontendEncode, ParseUnnamedWithoutTypes) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_parse(wb, "", "", {})); },
                  "50 00 00 00 08 00 00 00 00");
}

TEST(FrontendEncode, Bind) {
    // Byte1('B'), Int32 length, portal, statement, Int16 format count, Int16 formats,
    // Int16 parameter count, (Int32 length, bytes) per parameter with -1 for NULL,
    // Int16 result format count, Int16 result formats.
    const std::int16_t formats[] = {1};
    const std::byte int4_42[] = {std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0x2a}};
    const fe::raw_parameter params[] = {{false, int4_42}, {true, {}}, {false, {}}};
    const std::int16_t result_formats[] = {1, 0};
    expect_golden(
        [&](write_buffer& wb) {
            ASSERT_FALSE(fe::encode_bind(wb, "", "s1", formats, params, result_formats));
        },
        "42 00 00 00 24"
        "00 73 31 00"
        "00 01 00 01"
        "00 03 00 00 00 04 00 00 00 2a ff ff ff ff 00 00 00 00"
        "00 02 00 01 00 00");
}

TEST(FrontendEncode, BindWithoutParameters) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_bind(wb, "p", "", {}, {}, {})); },
                  "42 00 00 00 0d 70 00 00 00 00 00 00 00 00");
}

TEST(FrontendEncode, BindEncoderReserveWritesInPlace) {
    // Per-parameter formats, a value written through reserve() that is larger than a chunk.
    const std::int16_t formats[] = {1, 0};
    const std::string text(20, 't');
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{8}, std::size_t{16}}) {
        write_buffer wb(chunk);
        fe::bind_encoder b(wb, "", "", formats, 2);
        std::span<std::byte> s = b.reserve(20);
        ASSERT_EQ(s.size(), 20u);
        for (std::byte& x : s) {
            x = std::byte{0x11};
        }
        b.value(as_span(text));
        ASSERT_FALSE(b.finish({}));
        EXPECT_FALSE(b.error());
        const bytes expected =
            hex("42 00 00 00 40 00 00 00 02 00 01 00 00 00 02"
                "00 00 00 14 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11"
                "00 00 00 14 74 74 74 74 74 74 74 74 74 74 74 74 74 74 74 74 74 74 74 74"
                "00 00");
        EXPECT_EQ(pending_of(wb), expected) << chunk;
    }
}

TEST(FrontendEncode, Describe) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_describe(wb, 'S', "s1")); },
                  "44 00 00 00 08 53 73 31 00");
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_describe(wb, 'P', "")); },
                  "44 00 00 00 06 50 00");
}

TEST(FrontendEncode, Execute) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_execute(wb, "", 0)); },
                  "45 00 00 00 09 00 00 00 00 00");
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_execute(wb, "p", 100)); },
                  "45 00 00 00 0a 70 00 00 00 00 64");
}

TEST(FrontendEncode, Close) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_close(wb, 'S', "s1")); },
                  "43 00 00 00 08 53 73 31 00");
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_close(wb, 'P', "c")); },
                  "43 00 00 00 07 50 63 00");
}

TEST(FrontendEncode, CopyData) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_copy_data(wb, as_span("ab"))); },
                  "64 00 00 00 06 61 62");
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_copy_data(wb, {})); }, "64 00 00 00 04");
}

TEST(FrontendEncode, CopyFail) {
    expect_golden([](write_buffer& wb) { ASSERT_FALSE(fe::encode_copy_fail(wb, "oops")); },
                  "66 00 00 00 09 6f 6f 70 73 00");
}

TEST(FrontendEncode, PipelineOfMessagesAcrossChunks) {
    expect_golden(
        [](write_buffer& wb) {
            const oid_t types[] = {23};
            ASSERT_FALSE(fe::encode_parse(wb, "", "SELECT $1", types));
            const fe::raw_parameter params[] = {{true, {}}};
            ASSERT_FALSE(fe::encode_bind(wb, "", "", {}, params, {}));
            ASSERT_FALSE(fe::encode_describe(wb, 'P', ""));
            ASSERT_FALSE(fe::encode_execute(wb, "", 0));
            fe::encode_sync(wb);
        },
        "50 00 00 00 15 00 53 45 4c 45 43 54 20 24 31 00 00 01 00 00 00 17"
        "42 00 00 00 10 00 00 00 00 00 01 ff ff ff ff 00 00"
        "44 00 00 00 06 50 00"
        "45 00 00 00 09 00 00 00 00 00"
        "53 00 00 00 04");
}

TEST(FrontendEncode, MaximumCountsAreAccepted) {
    write_buffer wb;
    const std::vector<oid_t> types(65535, 25);
    ASSERT_FALSE(fe::encode_parse(wb, "", "", types));
    bytes all = pending_of(wb);
    ASSERT_EQ(all.size(), 1 + 4 + 1 + 1 + 2 + 4 * 65535u);
    EXPECT_EQ(bytes(all.begin() + 7, all.begin() + 9), hex("ff ff"));
    wb.consume(wb.pending_bytes());

    const std::vector<fe::raw_parameter> params(65535, fe::raw_parameter{true, {}});
    const std::vector<std::int16_t> formats(65535, 1);
    ASSERT_FALSE(fe::encode_bind(wb, "", "", formats, params, formats));
    all = pending_of(wb);
    ASSERT_EQ(all.size(), 1 + 4 + 1 + 1 + 2 + 2 * 65535u + 2 + 4 * 65535u + 2 + 2 * 65535u);
    EXPECT_EQ(bytes(all.begin() + 7, all.begin() + 9), hex("ff ff"));
}

// --- error paths: the buffer is left exactly as it was --------------------------------------

// Two buffers with the same history (sealed messages over several chunks, partly consumed); the
// failing encode runs on one of them. They must stay indistinguishable, now and after more writes.
void expect_rollback(const std::function<std::error_code(write_buffer&)>& encode, std::error_code expected,
                     std::size_t max_length = write_buffer::max_message_length) {
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{8}, std::size_t{16}, std::size_t{4096}}) {
        SCOPED_TRACE(::testing::Message() << "chunk size " << chunk);
        write_buffer a(chunk, max_length);
        write_buffer b(chunk, max_length);
        for (write_buffer* wb : {&a, &b}) {
            ASSERT_FALSE(fe::encode_query(*wb, "SELECT"));
            fe::encode_sync(*wb);
            wb->consume(3);
        }
        EXPECT_EQ(encode(a), expected);
        EXPECT_FALSE(a.in_message());
        EXPECT_EQ(spans_of(a), spans_of(b));
        EXPECT_EQ(a.pending_bytes(), b.pending_bytes());
        for (write_buffer* wb : {&a, &b}) {
            ASSERT_FALSE(fe::encode_execute(*wb, "portal", 7));
            fe::encode_flush(*wb);
        }
        EXPECT_EQ(pending_of(a), pending_of(b));
    }
}

const std::string_view with_nul("a\0b", 3);

TEST(FrontendErrors, StartupRejectsNulEmptyNameAndOversize) {
    const fe::startup_parameter nul_name[] = {{"user", "bob"}, {with_nul, "x"}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_startup(wb, nul_name); }, errc::embedded_nul);
    const fe::startup_parameter nul_value[] = {{"user", with_nul}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_startup(wb, nul_value); }, errc::embedded_nul);
    const fe::startup_parameter empty_name[] = {{"user", "bob"}, {"", "x"}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_startup(wb, empty_name); },
                    errc::value_out_of_range);
    // The server's MAX_STARTUP_PACKET_LENGTH is 10000.
    const std::string big(10000 - 4 - 4 - 8 - 1 - 1, 'x');
    const fe::startup_parameter fits[] = {{"options", big}};
    write_buffer wb;
    ASSERT_FALSE(fe::encode_startup(wb, fits));
    EXPECT_EQ(wb.pending_bytes(), 10000u);
    const std::string bigger = big + "x";
    const fe::startup_parameter too_big[] = {{"options", bigger}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_startup(wb, too_big); },
                    errc::message_too_large);
    const fe::startup_parameter small[] = {{"user", "bob"}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_startup(wb, small); }, errc::message_too_large,
                    16);
}

TEST(FrontendErrors, PasswordMessage) {
    expect_rollback([](write_buffer& wb) { return fe::encode_password(wb, with_nul); }, errc::embedded_nul);
    // Length field 4 + 12 + 1 = 17 > 16.
    expect_rollback([](write_buffer& wb) { return fe::encode_password(wb, "123456789012"); },
                    errc::message_too_large, 16);
    write_buffer wb(8, 16);
    EXPECT_FALSE(fe::encode_password(wb, "12345678901"));
}

TEST(FrontendErrors, SaslMessages) {
    expect_rollback(
        [](write_buffer& wb) { return fe::encode_sasl_initial_response(wb, with_nul, as_span("x")); },
        errc::embedded_nul);
    // Length field 4 + 2 + 4 + data.
    expect_rollback(
        [](write_buffer& wb) { return fe::encode_sasl_initial_response(wb, "M", as_span("1234567890")); },
        errc::message_too_large, 19);
    write_buffer wb(8, 19);
    EXPECT_FALSE(fe::encode_sasl_initial_response(wb, "M", as_span("123456789")));
    expect_rollback(
        [](write_buffer& wb) { return fe::encode_sasl_response(wb, as_span("12345678901234567")); },
        errc::message_too_large, 20);
}

TEST(FrontendErrors, Query) {
    expect_rollback([](write_buffer& wb) { return fe::encode_query(wb, with_nul); }, errc::embedded_nul);
    expect_rollback([](write_buffer& wb) { return fe::encode_query(wb, std::string(100, 'q')); },
                    errc::message_too_large, 104);
}

TEST(FrontendErrors, Parse) {
    const oid_t one[] = {23};
    expect_rollback([&](write_buffer& wb) { return fe::encode_parse(wb, with_nul, "SELECT 1", one); },
                    errc::embedded_nul);
    expect_rollback([&](write_buffer& wb) { return fe::encode_parse(wb, "s", with_nul, one); },
                    errc::embedded_nul);
    const std::vector<oid_t> too_many(65536, 23);
    expect_rollback([&](write_buffer& wb) { return fe::encode_parse(wb, "s", "SELECT 1", too_many); },
                    errc::too_many_parameters);
    // Length field: 4 + 2 + 2 + 2 + 4 per type.
    const oid_t two[] = {23, 25};
    expect_rollback([&](write_buffer& wb) { return fe::encode_parse(wb, "s", "q", two); },
                    errc::message_too_large, 17);
    write_buffer wb(8, 17);
    EXPECT_FALSE(fe::encode_parse(wb, "s", "q", one));
}

TEST(FrontendErrors, DescribeAndClose) {
    expect_rollback([](write_buffer& wb) { return fe::encode_describe(wb, 'X', "s"); },
                    errc::value_out_of_range);
    expect_rollback([](write_buffer& wb) { return fe::encode_describe(wb, '\0', "s"); },
                    errc::value_out_of_range);
    expect_rollback([](write_buffer& wb) { return fe::encode_describe(wb, 'S', with_nul); },
                    errc::embedded_nul);
    expect_rollback([](write_buffer& wb) { return fe::encode_describe(wb, 'S', std::string(20, 's')); },
                    errc::message_too_large, 16);
    expect_rollback([](write_buffer& wb) { return fe::encode_close(wb, 's', "s"); },
                    errc::value_out_of_range);
    expect_rollback([](write_buffer& wb) { return fe::encode_close(wb, 'P', with_nul); }, errc::embedded_nul);
    expect_rollback([](write_buffer& wb) { return fe::encode_close(wb, 'P', std::string(20, 's')); },
                    errc::message_too_large, 16);
}

TEST(FrontendErrors, Execute) {
    expect_rollback([](write_buffer& wb) { return fe::encode_execute(wb, with_nul, 0); }, errc::embedded_nul);
    // 4 + 8 + 4 = 16 fits, 4 + 9 + 4 = 17 does not.
    write_buffer wb(8, 16);
    EXPECT_FALSE(fe::encode_execute(wb, "1234567", 0));
    expect_rollback([](write_buffer& wb) { return fe::encode_execute(wb, "12345678", 0); },
                    errc::message_too_large, 16);
}

TEST(FrontendErrors, Copy) {
    expect_rollback([](write_buffer& wb) { return fe::encode_copy_data(wb, as_span("12345678901234567")); },
                    errc::message_too_large, 20);
    write_buffer wb(8, 20);
    EXPECT_FALSE(fe::encode_copy_data(wb, as_span("1234567890123456")));
    expect_rollback([](write_buffer& wb) { return fe::encode_copy_fail(wb, with_nul); }, errc::embedded_nul);
    expect_rollback([](write_buffer& wb) { return fe::encode_copy_fail(wb, std::string(16, 'f')); },
                    errc::message_too_large, 20);
}

const std::byte four[] = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};

TEST(FrontendErrors, BindNames) {
    const fe::raw_parameter params[] = {{false, four}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, with_nul, "s", {}, params, {}); },
                    errc::embedded_nul);
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", with_nul, {}, params, {}); },
                    errc::embedded_nul);
}

TEST(FrontendErrors, BindCounts) {
    const std::vector<fe::raw_parameter> too_many(65536, fe::raw_parameter{true, {}});
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", "", {}, too_many, {}); },
                    errc::too_many_parameters);
    const std::vector<std::int16_t> formats(65536, 1);
    const fe::raw_parameter one[] = {{false, four}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", "", formats, one, {}); },
                    errc::too_many_parameters);
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", "", {}, one, formats); },
                    errc::too_many_parameters);
    // Two format codes for three parameters.
    const std::int16_t two_formats[] = {1, 1};
    const fe::raw_parameter three[] = {{false, four}, {true, {}}, {false, four}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", "", two_formats, three, {}); },
                    errc::value_out_of_range);
    // Two format codes for no parameters.
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", "", two_formats, {}, {}); },
                    errc::value_out_of_range);
}

TEST(FrontendErrors, BindEncoderWrongParameterCount) {
    // Too few.
    expect_rollback(
        [](write_buffer& wb) {
            fe::bind_encoder b(wb, "", "s", {}, 2);
            b.value(four);
            return b.finish({});
        },
        errc::value_out_of_range);
    // Too many, through each way of adding a parameter.
    for (int way = 0; way < 3; ++way) {
        expect_rollback(
            [way](write_buffer& wb) {
                fe::bind_encoder b(wb, "", "s", {}, 1);
                b.null();
                if (way == 0) {
                    b.null();
                } else if (way == 1) {
                    b.value(four);
                } else {
                    EXPECT_TRUE(b.reserve(4).empty());
                }
                EXPECT_EQ(b.error(), errc::value_out_of_range);
                return b.finish({});
            },
            errc::value_out_of_range);
    }
}

TEST(FrontendErrors, BindEncoderValueOverInt32Max) {
    expect_rollback(
        [](write_buffer& wb) {
            fe::bind_encoder b(wb, "", "s", {}, 1);
            EXPECT_TRUE(b.reserve(std::size_t{0x80000000}).empty());
            return b.finish({});
        },
        errc::value_out_of_range);
}

TEST(FrontendErrors, BindTooLarge) {
    // Header of Bind "" "" with no formats and one parameter: length field 4+1+1+2+2 = 10, then
    // 4 + n for the value and 2 for the result-format count.
    write_buffer ok(8, 16 + 24);
    const std::string value24(24, 'v');
    const fe::raw_parameter fits[] = {{false, as_span(value24)}};
    EXPECT_FALSE(fe::encode_bind(ok, "", "", {}, fits, {}));
    EXPECT_EQ(ok.pending_bytes(), 41u);
    const std::string value25(25, 'v');
    const fe::raw_parameter too_big[] = {{false, as_span(value25)}};
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", "", {}, too_big, {}); },
                    errc::message_too_large, 40);
    expect_rollback(
        [](write_buffer& wb) {
            fe::bind_encoder b(wb, "", "", {}, 1);
            EXPECT_TRUE(b.reserve(25).empty());
            return b.finish({});
        },
        errc::message_too_large, 40);
    // The values fit, the result formats do not: end_message() refuses.
    const std::int16_t result_formats[] = {1};
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", "", {}, fits, result_formats); },
                    errc::message_too_large, 40);
    // The fixed part alone is too long: 1000 NULL parameters need 4 bytes each.
    const std::vector<fe::raw_parameter> nulls(1000, fe::raw_parameter{true, {}});
    expect_rollback([&](write_buffer& wb) { return fe::encode_bind(wb, "", "", {}, nulls, {}); },
                    errc::message_too_large, 3000);
}

TEST(FrontendErrors, BindEncoderFailRollsBackAndSticks) {
    expect_rollback(
        [](write_buffer& wb) {
            fe::bind_encoder b(wb, "", "s", {}, 3);
            b.value(four);
            b.fail(errc::type_mismatch);
            b.fail(errc::unexpected_null);  // the first error stays
            b.null();
            b.value(four);
            EXPECT_TRUE(b.reserve(4).empty());
            EXPECT_EQ(b.error(), errc::type_mismatch);
            return b.finish({});
        },
        errc::type_mismatch);
}

TEST(FrontendErrors, BindEncoderFailWithoutCodeIsInvalidState) {
    expect_rollback(
        [](write_buffer& wb) {
            fe::bind_encoder b(wb, "", "s", {}, 1);
            b.fail({});
            return b.finish({});
        },
        errc::invalid_state);
}

TEST(FrontendErrors, BindEncoderRollsBackWithoutFinish) {
    expect_rollback(
        [](write_buffer& wb) {
            {
                fe::bind_encoder b(wb, "", "s", {}, 2);
                b.value(four);
                b.null();
            }
            return std::error_code(errc::cancelled);
        },
        errc::cancelled);
}

TEST(FrontendErrors, BindEncoderDestructorAfterFailureLeavesLaterWrites) {
    write_buffer wb(8);
    {
        fe::bind_encoder b(wb, "", "s", {}, 1);
        b.fail(errc::type_mismatch);
        fe::encode_sync(wb);
    }
    EXPECT_EQ(pending_of(wb), hex("53 00 00 00 04"));
}

TEST(FrontendErrors, BindEncoderFinishTwiceReturnsFirstResult) {
    write_buffer wb(8);
    fe::bind_encoder b(wb, "", "", {}, 0);
    EXPECT_FALSE(b.finish({}));
    EXPECT_FALSE(b.finish({}));
    b.fail(errc::type_mismatch);  // too late: the message is sealed
    EXPECT_FALSE(b.error());
    EXPECT_EQ(pending_of(wb), hex("42 00 00 00 0c 00 00 00 00 00 00 00 00"));
}

}  // namespace
