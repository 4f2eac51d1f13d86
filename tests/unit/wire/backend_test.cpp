// Unit tests of the backend message decoders (wire/backend.hpp): every message decodes from the
// builders' bytes (and from golden bytes written from the PostgreSQL docs, "Message Formats"),
// and every check a decoder makes has a malformed case of its own.

#include "wire/backend.hpp"

#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include "backend_builders.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// Counts allocations so the tests can show that decoders never allocate.
namespace {
std::size_t allocation_count = 0;
}  // namespace

// GCC pairs the replacement operator new with free() below and warns; they match by design.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
    ++allocation_count;
    if (void* p = std::malloc(n == 0 ? 1 : n)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace pgring::wire::backend {
namespace {

namespace bb = pgring::test::backend;
using pgring::test::bytes;
using pgring::test::from_hex;
using pgring::test::to_bytes;
using pgring::test::to_hex;

const std::error_code malformed = errc::malformed_message;

// The body of a whole frame made by a builder (after checking its header).
std::span<const std::byte> body_of(const bytes& f) {
    EXPECT_GE(f.size(), 5u);
    const std::uint32_t length =
        (std::to_integer<std::uint32_t>(f[1]) << 24) | (std::to_integer<std::uint32_t>(f[2]) << 16) |
        (std::to_integer<std::uint32_t>(f[3]) << 8) | std::to_integer<std::uint32_t>(f[4]);
    EXPECT_EQ(length + 1, f.size()) << to_hex(f);
    return std::span<const std::byte>(f).subspan(5);
}

char tag_of(const bytes& f) {
    return static_cast<char>(f.at(0));
}

std::string_view str(std::span<const std::byte> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

bool inside(std::span<const std::byte> part, std::span<const std::byte> whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

bool inside(std::string_view part, std::span<const std::byte> whole) {
    return inside(std::as_bytes(std::span<const char>(part.data(), part.size())), whole);
}

// ---- Builders --------------------------------------------------------------------------------

TEST(BackendBuilders, FrameHasTagLengthAndBody) {
    EXPECT_EQ(bb::frame('Z', {std::byte{'I'}}), from_hex("5a 00 00 00 05 49"));
    EXPECT_EQ(bb::frame('1', {}), from_hex("31 00 00 00 04"));
}

TEST(BackendBuilders, ConcatKeepsOrder) {
    EXPECT_EQ(bb::concat(bb::parse_complete(), bb::bind_complete()), from_hex("31 00000004 32 00000004"));
    EXPECT_EQ(bb::concat({bb::no_data()}), from_hex("6e 00000004"));
}

TEST(BackendBuilders, ToHexShowsOffsetsBytesAndText) {
    const std::string h = to_hex(to_bytes("SELECT 1"));
    EXPECT_NE(h.find("53 45 4c 45 43 54 20 31"), std::string::npos) << h;
    EXPECT_NE(h.find("|SELECT 1|"), std::string::npos) << h;
    EXPECT_EQ(to_hex({}), "(empty)\n");
}

// ---- message_name ----------------------------------------------------------------------------

TEST(BackendMessageName, NamesEveryMessage) {
    EXPECT_EQ(message_name('D'), "DataRow");
    EXPECT_EQ(message_name('E'), "ErrorResponse");
    EXPECT_EQ(message_name('N'), "NoticeResponse");
    EXPECT_EQ(message_name('R'), "Authentication");
    EXPECT_EQ(message_name('Z'), "ReadyForQuery");
    EXPECT_EQ(message_name('v'), "NegotiateProtocolVersion");
    for (char t : std::string_view("RK23CdcGHWDIEVvnNAtS1sZT")) {
        EXPECT_NE(message_name(t), "unknown") << t;
    }
}

TEST(BackendMessageName, UnknownTags) {
    EXPECT_EQ(message_name('!'), "unknown");
    EXPECT_EQ(message_name('Q'), "unknown");  // a frontend message
    EXPECT_EQ(message_name('\0'), "unknown");
}

// ---- Authentication --------------------------------------------------------------------------

TEST(AuthenticationDecode, Ok) {
    const bytes f = bb::authentication_ok();
    EXPECT_EQ(f, from_hex("52 00000008 00000000"));
    authentication a;
    a.request = authentication::kind::sasl;
    ASSERT_FALSE(decode_authentication(body_of(f), a));
    EXPECT_EQ(a.request, authentication::kind::ok);
    EXPECT_TRUE(a.salt.empty());
    EXPECT_TRUE(a.data.empty());
}

TEST(AuthenticationDecode, CleartextPassword) {
    authentication a;
    const bytes msg = bb::authentication_cleartext();
    ASSERT_FALSE(decode_authentication(body_of(msg), a));
    EXPECT_EQ(a.request, authentication::kind::cleartext_password);
}

TEST(AuthenticationDecode, Md5PasswordGoldenBytes) {
    // AuthenticationMD5Password: 'R', Int32(12), Int32(5), Byte4 salt.
    const bytes golden = from_hex("52 0000000c 00000005 01 02 03 fe");
    const std::array<std::byte, 4> salt{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{0xfe}};
    EXPECT_EQ(bb::authentication_md5(salt), golden);
    authentication a;
    ASSERT_FALSE(decode_authentication(body_of(golden), a));
    EXPECT_EQ(a.request, authentication::kind::md5_password);
    ASSERT_EQ(a.salt.size(), 4u);
    EXPECT_TRUE(std::equal(a.salt.begin(), a.salt.end(), salt.begin()));
    EXPECT_TRUE(inside(a.salt, body_of(golden)));
}

TEST(AuthenticationDecode, Md5RejectsShortSalt) {
    const std::array<std::byte, 3> salt{};
    authentication a;
    EXPECT_EQ(decode_authentication(body_of(bb::authentication_md5(salt)), a), malformed);
}

TEST(AuthenticationDecode, Md5RejectsLongSalt) {
    const std::array<std::byte, 5> salt{};
    authentication a;
    EXPECT_EQ(decode_authentication(body_of(bb::authentication_md5(salt)), a), malformed);
}

TEST(AuthenticationDecode, SaslMechanismList) {
    const bytes f = bb::authentication_sasl({"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"});
    authentication a;
    ASSERT_FALSE(decode_authentication(body_of(f), a));
    EXPECT_EQ(a.request, authentication::kind::sasl);
    EXPECT_EQ(str(a.data), std::string_view("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", 34));
    EXPECT_TRUE(a.offers_mechanism("SCRAM-SHA-256"));
    EXPECT_TRUE(a.offers_mechanism("SCRAM-SHA-256-PLUS"));
    EXPECT_FALSE(a.offers_mechanism("SCRAM-SHA"));
    EXPECT_FALSE(a.offers_mechanism(""));
}

TEST(AuthenticationDecode, SaslGoldenBytes) {
    // AuthenticationSASL: 'R', Int32 length, Int32(10), "SCRAM-SHA-256\0", "\0".
    const bytes golden = from_hex("52 00000017 0000000a 5343 5241 4d2d 5348 412d 3235 3600 00");
    EXPECT_EQ(bb::authentication_sasl({"SCRAM-SHA-256"}), golden);
    authentication a;
    ASSERT_FALSE(decode_authentication(body_of(golden), a));
    EXPECT_TRUE(a.offers_mechanism("SCRAM-SHA-256"));
}

TEST(AuthenticationDecode, SaslEmptyListOffersNothing) {
    authentication a;
    const bytes msg = bb::authentication_sasl({});
    ASSERT_FALSE(decode_authentication(body_of(msg), a));
    EXPECT_FALSE(a.offers_mechanism("SCRAM-SHA-256"));
}

TEST(AuthenticationDecode, SaslRejectsMissingEmptyName) {
    authentication a;
    EXPECT_EQ(decode_authentication(
                  body_of(bb::authentication(10, to_bytes(std::string_view("SCRAM-SHA-256\0", 14)))), a),
              malformed);
}

TEST(AuthenticationDecode, SaslRejectsUnterminatedName) {
    authentication a;
    EXPECT_EQ(decode_authentication(body_of(bb::authentication(10, to_bytes("SCRAM-SHA-256"))), a),
              malformed);
}

TEST(AuthenticationDecode, SaslRejectsEmptyBody) {
    authentication a;
    EXPECT_EQ(decode_authentication(body_of(bb::authentication(10)), a), malformed);
}

TEST(AuthenticationDecode, SaslRejectsBytesAfterList) {
    authentication a;
    EXPECT_EQ(
        decode_authentication(body_of(bb::authentication(10, to_bytes(std::string_view("A\0\0x", 4)))), a),
        malformed);
}

TEST(AuthenticationDecode, SaslContinueAndFinalCarryData) {
    const bytes data = to_bytes("r=abc,s=c2FsdA==,i=4096");
    authentication a;
    const bytes msg = bb::authentication_sasl_continue(data);
    ASSERT_FALSE(decode_authentication(body_of(msg), a));
    EXPECT_EQ(a.request, authentication::kind::sasl_continue);
    EXPECT_EQ(str(a.data), "r=abc,s=c2FsdA==,i=4096");
    EXPECT_FALSE(a.offers_mechanism("r=abc,s=c2FsdA==,i=4096"));

    const bytes msg2 = bb::authentication_sasl_final(to_bytes("v=xyz"));
    ASSERT_FALSE(decode_authentication(body_of(msg2), a));
    EXPECT_EQ(a.request, authentication::kind::sasl_final);
    EXPECT_EQ(str(a.data), "v=xyz");
}

TEST(AuthenticationDecode, GssContinueCarriesData) {
    authentication a;
    const bytes msg = bb::authentication(8, to_bytes("tok"));
    ASSERT_FALSE(decode_authentication(body_of(msg), a));
    EXPECT_EQ(a.request, authentication::kind::gss_continue);
    EXPECT_EQ(str(a.data), "tok");
}

TEST(AuthenticationDecode, KnownMethodsWithoutPayloadDecode) {
    for (std::int32_t code : {2, 6, 7, 9}) {
        authentication a;
        const bytes msg = bb::authentication(code);
        ASSERT_FALSE(decode_authentication(body_of(msg), a)) << code;
        EXPECT_EQ(static_cast<std::int32_t>(a.request), code);
    }
}

TEST(AuthenticationDecode, RejectsTrailingBytesAfterRequestWithoutPayload) {
    for (std::int32_t code : {0, 2, 3, 6, 7, 9}) {
        authentication a;
        EXPECT_EQ(decode_authentication(body_of(bb::authentication(code, to_bytes("x"))), a), malformed)
            << code;
    }
}

TEST(AuthenticationDecode, UnknownRequestCodeIsUnsupported) {
    for (std::int32_t code : {1, 4, 13, 100, -1}) {
        authentication a;
        EXPECT_EQ(decode_authentication(body_of(bb::authentication(code)), a),
                  errc::unsupported_authentication)
            << code;
    }
}

TEST(AuthenticationDecode, RejectsBodyShorterThanCode) {
    authentication a;
    EXPECT_EQ(decode_authentication(body_of(bb::frame('R', {std::byte{0}, std::byte{0}, std::byte{0}})), a),
              malformed);
    EXPECT_EQ(decode_authentication({}, a), malformed);
}

// ---- BackendKeyData --------------------------------------------------------------------------

TEST(BackendKeyDataDecode, GoldenBytes) {
    const bytes golden = from_hex("4b 0000000c 000004d2 fffffffe");
    EXPECT_EQ(bb::backend_key_data(1234, -2), golden);
    backend_key_data k;
    ASSERT_FALSE(decode_backend_key_data(body_of(golden), k));
    EXPECT_EQ(k.process_id, 1234);
    EXPECT_EQ(k.secret_key, -2);
}

TEST(BackendKeyDataDecode, RejectsWrongSize) {
    const auto frame = bb::backend_key_data(1, 2);
    const bytes body(frame.begin() + 5, frame.end());
    backend_key_data k;
    EXPECT_EQ(decode_backend_key_data(std::span(body).first(7), k), malformed);
    bytes longer = body;
    longer.push_back(std::byte{0});
    EXPECT_EQ(decode_backend_key_data(longer, k), malformed);
}

// ---- CommandComplete -------------------------------------------------------------------------

TEST(CommandCompleteDecode, Tag) {
    const bytes f = bb::command_complete("INSERT 0 5");
    EXPECT_EQ(f, from_hex("43 0000000f 494e5345525420302035 00"));
    command_complete c;
    ASSERT_FALSE(decode_command_complete(body_of(f), c));
    EXPECT_EQ(c.command_tag, "INSERT 0 5");
    EXPECT_TRUE(inside(c.command_tag, body_of(f)));
}

TEST(CommandCompleteDecode, EmptyTag) {
    command_complete c;
    const bytes msg = bb::command_complete("");
    ASSERT_FALSE(decode_command_complete(body_of(msg), c));
    EXPECT_EQ(c.command_tag, "");
}

TEST(CommandCompleteDecode, RejectsMissingNul) {
    command_complete c;
    EXPECT_EQ(decode_command_complete(body_of(bb::frame('C', to_bytes("SELECT 1"))), c), malformed);
    EXPECT_EQ(decode_command_complete({}, c), malformed);
}

TEST(CommandCompleteDecode, RejectsTrailingBytes) {
    command_complete c;
    EXPECT_EQ(
        decode_command_complete(body_of(bb::frame('C', to_bytes(std::string_view("SELECT 1\0x", 10)))), c),
        malformed);
    EXPECT_EQ(
        decode_command_complete(body_of(bb::frame('C', to_bytes(std::string_view("SELECT 1\0\0", 10)))), c),
        malformed);
}

struct rows_case {
    std::string_view tag;
    bool has_count;
    std::uint64_t rows;
};

TEST(CommandCompleteRowsAffected, ParsesCountedTags) {
    const rows_case cases[] = {
        {"INSERT 0 5", true, 5},   {"INSERT 16384 1", true, 1},
        {"UPDATE 3", true, 3},     {"DELETE 0", true, 0},
        {"SELECT 100", true, 100}, {"MOVE 2", true, 2},
        {"FETCH 7", true, 7},      {"COPY 12", true, 12},
        {"MERGE 4", true, 4},      {"SELECT 18446744073709551615", true, UINT64_MAX},
    };
    for (const auto& tc : cases) {
        command_complete c{tc.tag};
        std::uint64_t rows = 12345;
        ASSERT_EQ(c.rows_affected(rows), tc.has_count) << tc.tag;
        EXPECT_EQ(rows, tc.rows) << tc.tag;
    }
}

TEST(CommandCompleteRowsAffected, NoCountForOtherTags) {
    for (std::string_view tag : {"CREATE TABLE", "BEGIN", "SELECT", "", "SET", "DROP INDEX", "CREATE TABLE 5",
                                 "INSERTX 1", "select 1", " 1", "LISTEN"}) {
        command_complete c{tag};
        std::uint64_t rows = 77;
        EXPECT_FALSE(c.rows_affected(rows)) << tag;
        EXPECT_EQ(rows, 77u) << tag;
    }
}

TEST(CommandCompleteRowsAffected, RejectsBadNumbers) {
    for (std::string_view tag : {"SELECT ", "SELECT -1", "SELECT 1a", "SELECT +1", "INSERT 0 ", "UPDATE 1 ",
                                 "SELECT 0x10", "DELETE 1.5"}) {
        command_complete c{tag};
        std::uint64_t rows = 77;
        EXPECT_FALSE(c.rows_affected(rows)) << tag;
    }
}

TEST(CommandCompleteRowsAffected, RejectsOverflow) {
    for (std::string_view tag : {"SELECT 18446744073709551616", "SELECT 18446744073709551620",
                                 "SELECT 99999999999999999999", "INSERT 0 1000000000000000000000000"}) {
        command_complete c{tag};
        std::uint64_t rows = 77;
        EXPECT_FALSE(c.rows_affected(rows)) << tag;
    }
}

// ---- CopyInResponse / CopyOutResponse / CopyBothResponse -------------------------------------

TEST(CopyResponseDecode, TextColumns) {
    const bytes f = bb::copy_in_response(0, {0, 0, 0});
    EXPECT_EQ(f, from_hex("47 0000000d 00 0003 0000 0000 0000"));
    copy_response c;
    ASSERT_FALSE(decode_copy_response(body_of(f), c));
    EXPECT_EQ(c.format, 0);
    ASSERT_EQ(c.column_count, 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(c.column_format(i), 0);
    }
}

TEST(CopyResponseDecode, BinaryColumns) {
    copy_response c;
    const bytes msg = bb::copy_out_response(1, {1, 1});
    ASSERT_FALSE(decode_copy_response(body_of(msg), c));
    EXPECT_EQ(c.format, 1);
    ASSERT_EQ(c.column_count, 2u);
    EXPECT_EQ(c.column_format(0), 1);
    EXPECT_EQ(c.column_format(1), 1);
}

TEST(CopyResponseDecode, NoColumns) {
    copy_response c;
    const bytes msg = bb::copy_both_response(0, {});
    ASSERT_FALSE(decode_copy_response(body_of(msg), c));
    EXPECT_EQ(c.column_count, 0u);
    EXPECT_TRUE(c.column_formats.empty());
}

TEST(CopyResponseDecode, RejectsInvalidOverallFormat) {
    copy_response c;
    EXPECT_EQ(decode_copy_response(body_of(bb::copy_in_response(2, {})), c), malformed);
    EXPECT_EQ(decode_copy_response(body_of(bb::copy_in_response(-1, {})), c), malformed);
}

TEST(CopyResponseDecode, RejectsInvalidColumnFormat) {
    copy_response c;
    EXPECT_EQ(decode_copy_response(body_of(bb::copy_in_response(1, {1, 2})), c), malformed);
    EXPECT_EQ(decode_copy_response(body_of(bb::copy_in_response(1, {-1})), c), malformed);
}

TEST(CopyResponseDecode, RejectsBinaryColumnInTextCopy) {
    copy_response c;
    EXPECT_EQ(decode_copy_response(body_of(bb::copy_in_response(0, {0, 1})), c), malformed);
}

TEST(CopyResponseDecode, RejectsNegativeColumnCount) {
    copy_response c;
    EXPECT_EQ(decode_copy_response(body_of(bb::frame('G', from_hex("00 ffff"))), c), malformed);
}

TEST(CopyResponseDecode, RejectsMissingColumnFormats) {
    copy_response c;
    EXPECT_EQ(decode_copy_response(body_of(bb::frame('G', from_hex("00 0002 0000"))), c), malformed);
    EXPECT_EQ(decode_copy_response(body_of(bb::frame('G', from_hex("00 0001 00"))), c), malformed);
}

TEST(CopyResponseDecode, RejectsTrailingBytes) {
    copy_response c;
    EXPECT_EQ(decode_copy_response(body_of(bb::frame('G', from_hex("00 0001 0000 00"))), c), malformed);
}

TEST(CopyResponseDecode, RejectsShortHeader) {
    copy_response c;
    EXPECT_EQ(decode_copy_response(body_of(bb::frame('G', from_hex("00 00"))), c), malformed);
    EXPECT_EQ(decode_copy_response({}, c), malformed);
}

// ---- CopyData --------------------------------------------------------------------------------

TEST(CopyDataDecode, BodyIsTheData) {
    const bytes f = bb::copy_data(to_bytes("1\tone\n"));
    copy_data d;
    ASSERT_FALSE(decode_copy_data(body_of(f), d));
    EXPECT_EQ(str(d.data), "1\tone\n");
    EXPECT_EQ(d.data.data(), body_of(f).data());
}

TEST(CopyDataDecode, EmptyData) {
    copy_data d;
    const bytes msg = bb::copy_data({});
    ASSERT_FALSE(decode_copy_data(body_of(msg), d));
    EXPECT_TRUE(d.data.empty());
}

// ---- DataRow ---------------------------------------------------------------------------------

TEST(DataRowDecode, GoldenBytes) {
    // DataRow: Int16 column count, then per column Int32 length (-1 for NULL) and the bytes.
    const bytes golden = from_hex("44 0000000f 0002 00000001 31 ffffffff");
    EXPECT_EQ(bb::data_row_builder().text("1").null().frame(), golden);
    data_row r;
    ASSERT_FALSE(decode_data_row(body_of(golden), r));
    EXPECT_EQ(r.column_count, 2u);
}

TEST(DataRowDecode, TextNullBinaryAndEmptyFields) {
    const std::array<std::byte, 4> int4{std::byte{0}, std::byte{0}, std::byte{0}, std::byte{42}};
    const bytes f = bb::data_row_builder().text("42").null().bytes(int4).text("").frame();
    const auto body = body_of(f);
    data_row r;
    ASSERT_FALSE(decode_data_row(body, r));
    ASSERT_EQ(r.column_count, 4u);
    std::vector<field_view> fields;
    for (auto it = r.begin(); it != r.end(); ++it) {
        fields.push_back(*it);
    }
    ASSERT_EQ(fields.size(), 4u);
    EXPECT_FALSE(fields[0].is_null);
    EXPECT_EQ(str(fields[0].value), "42");
    EXPECT_TRUE(fields[1].is_null);
    EXPECT_TRUE(fields[1].value.empty());
    EXPECT_FALSE(fields[2].is_null);
    ASSERT_EQ(fields[2].value.size(), 4u);
    EXPECT_EQ(fields[2].value[3], std::byte{42});
    EXPECT_FALSE(fields[3].is_null);  // an empty string is not NULL
    EXPECT_TRUE(fields[3].value.empty());
    for (const auto& fv : fields) {
        EXPECT_TRUE(fv.is_null || inside(fv.value, body));
    }
    EXPECT_EQ(r.fields.data(), body.data() + 2);
}

TEST(DataRowDecode, ZeroColumns) {
    data_row r;
    const bytes msg = bb::data_row_builder().frame();
    ASSERT_FALSE(decode_data_row(body_of(msg), r));
    EXPECT_EQ(r.column_count, 0u);
    EXPECT_TRUE(r.begin() == r.end());
}

TEST(DataRowDecode, IteratorPostIncrement) {
    const bytes f = bb::data_row_builder().text("a").text("bc").frame();
    data_row r;
    ASSERT_FALSE(decode_data_row(body_of(f), r));
    auto it = r.begin();
    const auto old = it++;
    EXPECT_EQ(str((*old).value), "a");
    EXPECT_EQ(str((*it).value), "bc");
    ++it;
    EXPECT_TRUE(it == r.end());
}

TEST(DataRowDecode, ManyColumns) {
    bb::data_row_builder b;
    for (int i = 0; i < 1600; ++i) {
        if (i % 3 == 0) {
            b.null();
        } else {
            b.text(std::to_string(i));
        }
    }
    const bytes f = b.frame();
    data_row r;
    ASSERT_FALSE(decode_data_row(body_of(f), r));
    ASSERT_EQ(r.column_count, 1600u);
    int i = 0;
    for (const field_view fv : r) {
        if (i % 3 == 0) {
            EXPECT_TRUE(fv.is_null);
        } else {
            EXPECT_EQ(str(fv.value), std::to_string(i));
        }
        ++i;
    }
    EXPECT_EQ(i, 1600);
}

TEST(DataRowDecode, RejectsEmptyBody) {
    data_row r;
    EXPECT_EQ(decode_data_row({}, r), malformed);
    EXPECT_EQ(decode_data_row(body_of(bb::frame('D', {std::byte{0}})), r), malformed);
}

TEST(DataRowDecode, RejectsNegativeCount) {
    data_row r;
    EXPECT_EQ(decode_data_row(body_of(bb::data_row_builder().column_count(-1).frame()), r), malformed);
    EXPECT_EQ(decode_data_row(body_of(bb::data_row_builder().text("x").column_count(-32768).frame()), r),
              malformed);
}

TEST(DataRowDecode, RejectsLengthBelowMinusOne) {
    data_row r;
    EXPECT_EQ(decode_data_row(body_of(bb::data_row_builder().raw_field(-2).frame()), r), malformed);
    EXPECT_EQ(decode_data_row(body_of(bb::data_row_builder().text("ok").raw_field(INT32_MIN).frame()), r),
              malformed);
}

TEST(DataRowDecode, RejectsLengthPastEnd) {
    data_row r;
    EXPECT_EQ(decode_data_row(body_of(bb::data_row_builder().raw_field(10, to_bytes("abc")).frame()), r),
              malformed);
    EXPECT_EQ(
        decode_data_row(body_of(bb::data_row_builder().raw_field(INT32_MAX, to_bytes("abc")).frame()), r),
        malformed);
}

TEST(DataRowDecode, RejectsMissingField) {
    data_row r;
    EXPECT_EQ(decode_data_row(body_of(bb::data_row_builder().text("a").column_count(2).frame()), r),
              malformed);
}

TEST(DataRowDecode, RejectsTruncatedLength) {
    data_row r;
    EXPECT_EQ(decode_data_row(body_of(bb::frame('D', from_hex("0001 0000 00"))), r), malformed);
}

TEST(DataRowDecode, RejectsTrailingBytes) {
    data_row r;
    EXPECT_EQ(decode_data_row(body_of(bb::data_row_builder().text("a").trailing(to_bytes("z")).frame()), r),
              malformed);
    // A count smaller than the fields present leaves trailing bytes too.
    EXPECT_EQ(decode_data_row(body_of(bb::data_row_builder().text("a").null().column_count(1).frame()), r),
              malformed);
}

// ---- ErrorResponse / NoticeResponse ----------------------------------------------------------

TEST(ErrorResponseDecode, GoldenBytes) {
    // ErrorResponse: (Byte1 code, String value)*, then a zero byte.
    const bytes golden = from_hex("45 00000016 53 4552524f5200 43 323335303500 4d 78 00 00");
    EXPECT_EQ(bb::error_response_builder().severity("ERROR").code("23505").message("x").frame(), golden);
    error_response e;
    ASSERT_FALSE(decode_error_response(body_of(golden), e));
    EXPECT_EQ(e.field('S'), "ERROR");
    EXPECT_EQ(e.field('C'), "23505");
    EXPECT_EQ(e.field('M'), "x");
}

TEST(ErrorResponseDecode, IteratesFieldsInOrder) {
    const bytes f = bb::error_response_builder()
                        .severity("ERROR")
                        .field('V', "ERROR")
                        .code("23505")
                        .message("duplicate key value violates unique constraint \"t_pkey\"")
                        .detail("Key (id)=(1) already exists.")
                        .field('n', "t_pkey")
                        .frame();
    error_response e;
    ASSERT_FALSE(decode_error_response(body_of(f), e));
    std::string codes;
    for (const notice_field nf : e) {
        codes += nf.code;
        EXPECT_TRUE(inside(nf.value, body_of(f)));
    }
    EXPECT_EQ(codes, "SVCMDn");
    EXPECT_EQ(e.field('D'), "Key (id)=(1) already exists.");
    EXPECT_EQ(e.field('H'), "");
}

TEST(ErrorResponseDecode, ToDiagnosticsCopiesEveryFieldAndClearsFirst) {
    const bytes f = bb::error_response_builder()
                        .severity("FEHLER")
                        .field('V', "ERROR")
                        .code("42P01")
                        .message("relation \"nope\" does not exist")
                        .hint("h")
                        .field('P', "15")
                        .field('p', "3")
                        .field('q', "iq")
                        .field('W', "w")
                        .field('s', "public")
                        .field('t', "tab")
                        .field('c', "col")
                        .field('d', "dom")
                        .field('n', "con")
                        .field('F', "parse_relation.c")
                        .field('L', "1392")
                        .field('R', "parserOpenTable")
                        .field('Z', "unknown code: ignored")
                        .frame();
    error_response e;
    ASSERT_FALSE(decode_error_response(body_of(f), e));
    diagnostics d;
    d.detail = "stale";
    d.client_message = "stale";
    e.to_diagnostics(d);
    EXPECT_EQ(d.severity, "FEHLER");
    EXPECT_EQ(d.severity_nonlocalized, "ERROR");
    EXPECT_EQ(d.sqlstate, "42P01");
    EXPECT_EQ(d.message, "relation \"nope\" does not exist");
    EXPECT_EQ(d.detail, "");
    EXPECT_EQ(d.client_message, "");
    EXPECT_EQ(d.hint, "h");
    EXPECT_EQ(d.position, "15");
    EXPECT_EQ(d.internal_position, "3");
    EXPECT_EQ(d.internal_query, "iq");
    EXPECT_EQ(d.where, "w");
    EXPECT_EQ(d.schema_name, "public");
    EXPECT_EQ(d.table_name, "tab");
    EXPECT_EQ(d.column_name, "col");
    EXPECT_EQ(d.data_type_name, "dom");
    EXPECT_EQ(d.constraint_name, "con");
    EXPECT_EQ(d.file, "parse_relation.c");
    EXPECT_EQ(d.line, "1392");
    EXPECT_EQ(d.routine, "parserOpenTable");
}

TEST(ErrorResponseDecode, NoFields) {
    error_response e;
    const bytes msg = bb::error_response_builder().frame();
    ASSERT_FALSE(decode_error_response(body_of(msg), e));
    EXPECT_TRUE(e.begin() == e.end());
    EXPECT_EQ(e.field('M'), "");
}

TEST(ErrorResponseDecode, EmptyValue) {
    error_response e;
    const bytes msg = bb::error_response_builder().detail("").message("m").frame();
    ASSERT_FALSE(decode_error_response(body_of(msg), e));
    EXPECT_EQ(e.field('D'), "");
    EXPECT_EQ(e.field('M'), "m");
}

TEST(ErrorResponseDecode, NoticeResponseHasTheSameLayout) {
    const bytes f = bb::notice_response_builder().severity("NOTICE").code("00000").message("hi").frame();
    EXPECT_EQ(tag_of(f), 'N');
    notice_response n;
    ASSERT_FALSE(decode_error_response(body_of(f), n));
    EXPECT_EQ(n.field('S'), "NOTICE");
    EXPECT_EQ(n.field('M'), "hi");
}

TEST(ErrorResponseDecode, RejectsEmptyBody) {
    error_response e;
    EXPECT_EQ(decode_error_response({}, e), malformed);
}

TEST(ErrorResponseDecode, RejectsMissingTerminator) {
    error_response e;
    EXPECT_EQ(decode_error_response(body_of(bb::frame('E', to_bytes(std::string_view("SERROR\0", 7)))), e),
              malformed);
}

TEST(ErrorResponseDecode, RejectsUnterminatedValue) {
    error_response e;
    EXPECT_EQ(decode_error_response(body_of(bb::frame('E', to_bytes("SERROR"))), e), malformed);
    EXPECT_EQ(decode_error_response(body_of(bb::frame('E', to_bytes("S"))), e), malformed);
}

TEST(ErrorResponseDecode, RejectsTrailingBytes) {
    error_response e;
    EXPECT_EQ(decode_error_response(body_of(bb::frame('E', to_bytes(std::string_view("SERROR\0\0M", 9)))), e),
              malformed);
    EXPECT_EQ(decode_error_response(body_of(bb::frame('E', to_bytes(std::string_view("\0\0", 2)))), e),
              malformed);
}

// ---- FunctionCallResponse --------------------------------------------------------------------

TEST(FunctionCallResponseDecode, Value) {
    const bytes f = bb::function_call_response(to_bytes("abc"));
    EXPECT_EQ(f, from_hex("56 0000000b 00000003 616263"));
    function_call_response r;
    ASSERT_FALSE(decode_function_call_response(body_of(f), r));
    EXPECT_FALSE(r.is_null);
    EXPECT_EQ(str(r.value), "abc");
}

TEST(FunctionCallResponseDecode, NullAndEmpty) {
    function_call_response r;
    r.is_null = false;
    const bytes msg = bb::function_call_response(std::nullopt);
    ASSERT_FALSE(decode_function_call_response(body_of(msg), r));
    EXPECT_TRUE(r.is_null);
    const bytes msg2 = bb::function_call_response(bytes{});
    ASSERT_FALSE(decode_function_call_response(body_of(msg2), r));
    EXPECT_FALSE(r.is_null);
    EXPECT_TRUE(r.value.empty());
}

TEST(FunctionCallResponseDecode, RejectsLengthBelowMinusOne) {
    function_call_response r;
    EXPECT_EQ(decode_function_call_response(body_of(bb::frame('V', from_hex("fffffffe"))), r), malformed);
}

TEST(FunctionCallResponseDecode, RejectsLengthPastEnd) {
    function_call_response r;
    EXPECT_EQ(decode_function_call_response(body_of(bb::frame('V', from_hex("00000004 616263"))), r),
              malformed);
}

TEST(FunctionCallResponseDecode, RejectsTrailingBytes) {
    function_call_response r;
    EXPECT_EQ(decode_function_call_response(body_of(bb::frame('V', from_hex("00000002 616263"))), r),
              malformed);
    EXPECT_EQ(decode_function_call_response(body_of(bb::frame('V', from_hex("ffffffff 00"))), r), malformed);
}

TEST(FunctionCallResponseDecode, RejectsShortBody) {
    function_call_response r;
    EXPECT_EQ(decode_function_call_response(body_of(bb::frame('V', from_hex("000000"))), r), malformed);
}

// ---- NegotiateProtocolVersion ----------------------------------------------------------------

TEST(NegotiateProtocolVersionDecode, Options) {
    const bytes f = bb::negotiate_protocol_version(0, {"_pq_.a", "_pq_.bc"});
    negotiate_protocol_version n;
    ASSERT_FALSE(decode_negotiate_protocol_version(body_of(f), n));
    EXPECT_EQ(n.newest_minor_version, 0);
    EXPECT_EQ(n.option_count, 2);
    EXPECT_EQ(str(n.options), std::string_view("_pq_.a\0_pq_.bc\0", 15));
}

TEST(NegotiateProtocolVersionDecode, NoOptions) {
    const bytes f = bb::negotiate_protocol_version(2, {});
    EXPECT_EQ(f, from_hex("76 0000000c 00000002 00000000"));
    negotiate_protocol_version n;
    ASSERT_FALSE(decode_negotiate_protocol_version(body_of(f), n));
    EXPECT_EQ(n.newest_minor_version, 2);
    EXPECT_EQ(n.option_count, 0);
    EXPECT_TRUE(n.options.empty());
}

TEST(NegotiateProtocolVersionDecode, RejectsNegativeCount) {
    negotiate_protocol_version n;
    EXPECT_EQ(decode_negotiate_protocol_version(body_of(bb::frame('v', from_hex("00000000 ffffffff"))), n),
              malformed);
}

TEST(NegotiateProtocolVersionDecode, RejectsMissingOption) {
    negotiate_protocol_version n;
    EXPECT_EQ(
        decode_negotiate_protocol_version(body_of(bb::frame('v', from_hex("00000000 00000002 6100"))), n),
        malformed);
}

TEST(NegotiateProtocolVersionDecode, RejectsUnterminatedOption) {
    negotiate_protocol_version n;
    EXPECT_EQ(decode_negotiate_protocol_version(body_of(bb::frame('v', from_hex("00000000 00000001 61"))), n),
              malformed);
}

TEST(NegotiateProtocolVersionDecode, RejectsTrailingBytes) {
    negotiate_protocol_version n;
    EXPECT_EQ(
        decode_negotiate_protocol_version(body_of(bb::frame('v', from_hex("00000000 00000001 6100 62"))), n),
        malformed);
}

TEST(NegotiateProtocolVersionDecode, RejectsShortBody) {
    negotiate_protocol_version n;
    EXPECT_EQ(decode_negotiate_protocol_version(body_of(bb::frame('v', from_hex("00000000 0000"))), n),
              malformed);
}

// ---- NotificationResponse --------------------------------------------------------------------

TEST(NotificationResponseDecode, Fields) {
    const bytes f = bb::notification_response(42, "chan", "payload");
    EXPECT_EQ(f, from_hex("41 00000015 0000002a 6368616e00 7061796c6f616400"));
    notification_response n;
    ASSERT_FALSE(decode_notification_response(body_of(f), n));
    EXPECT_EQ(n.process_id, 42);
    EXPECT_EQ(n.channel, "chan");
    EXPECT_EQ(n.payload, "payload");
}

TEST(NotificationResponseDecode, EmptyPayload) {
    notification_response n;
    const bytes msg = bb::notification_response(1, "c", "");
    ASSERT_FALSE(decode_notification_response(body_of(msg), n));
    EXPECT_EQ(n.payload, "");
}

TEST(NotificationResponseDecode, RejectsMissingPayload) {
    notification_response n;
    EXPECT_EQ(decode_notification_response(body_of(bb::frame('A', from_hex("00000001 6300"))), n), malformed);
    EXPECT_EQ(decode_notification_response(body_of(bb::frame('A', from_hex("00000001 6300 70"))), n),
              malformed);
}

TEST(NotificationResponseDecode, RejectsTrailingBytes) {
    notification_response n;
    EXPECT_EQ(decode_notification_response(body_of(bb::frame('A', from_hex("00000001 6300 7000 00"))), n),
              malformed);
}

TEST(NotificationResponseDecode, RejectsShortBody) {
    notification_response n;
    EXPECT_EQ(decode_notification_response(body_of(bb::frame('A', from_hex("000000"))), n), malformed);
}

// ---- ParameterDescription --------------------------------------------------------------------

TEST(ParameterDescriptionDecode, Oids) {
    const bytes f = bb::parameter_description({oid::int4, oid::text, 4000000000u});
    EXPECT_EQ(f, from_hex("74 00000012 0003 00000017 00000019 ee6b2800"));
    parameter_description d;
    ASSERT_FALSE(decode_parameter_description(body_of(f), d));
    ASSERT_EQ(d.count, 3u);
    EXPECT_EQ(d.oid(0), oid::int4);
    EXPECT_EQ(d.oid(1), oid::text);
    EXPECT_EQ(d.oid(2), 4000000000u);
}

TEST(ParameterDescriptionDecode, NoParameters) {
    parameter_description d;
    const bytes msg = bb::parameter_description({});
    ASSERT_FALSE(decode_parameter_description(body_of(msg), d));
    EXPECT_EQ(d.count, 0u);
}

TEST(ParameterDescriptionDecode, CountAbove32767IsUnsigned) {
    // A statement may have up to 65535 parameters; the Int16 count is read unsigned.
    bytes body = from_hex("ffff");
    body.resize(2 + 65535 * 4, std::byte{0});
    parameter_description d;
    ASSERT_FALSE(decode_parameter_description(body, d));
    EXPECT_EQ(d.count, 65535u);
}

TEST(ParameterDescriptionDecode, RejectsMissingOids) {
    parameter_description d;
    EXPECT_EQ(decode_parameter_description(body_of(bb::frame('t', from_hex("0002 00000017"))), d), malformed);
    EXPECT_EQ(decode_parameter_description(body_of(bb::frame('t', from_hex("0001 000000"))), d), malformed);
}

TEST(ParameterDescriptionDecode, RejectsTrailingBytes) {
    parameter_description d;
    EXPECT_EQ(decode_parameter_description(body_of(bb::frame('t', from_hex("0001 00000017 00"))), d),
              malformed);
}

TEST(ParameterDescriptionDecode, RejectsShortBody) {
    parameter_description d;
    EXPECT_EQ(decode_parameter_description(body_of(bb::frame('t', from_hex("00"))), d), malformed);
}

// ---- ParameterStatus -------------------------------------------------------------------------

TEST(ParameterStatusDecode, NameAndValue) {
    const bytes f = bb::parameter_status("client_encoding", "UTF8");
    parameter_status p;
    ASSERT_FALSE(decode_parameter_status(body_of(f), p));
    EXPECT_EQ(p.name, "client_encoding");
    EXPECT_EQ(p.value, "UTF8");
}

TEST(ParameterStatusDecode, EmptyValue) {
    parameter_status p;
    const bytes msg = bb::parameter_status("application_name", "");
    ASSERT_FALSE(decode_parameter_status(body_of(msg), p));
    EXPECT_EQ(p.value, "");
}

TEST(ParameterStatusDecode, RejectsMissingValue) {
    parameter_status p;
    EXPECT_EQ(decode_parameter_status(body_of(bb::frame('S', to_bytes(std::string_view("a\0", 2)))), p),
              malformed);
    EXPECT_EQ(decode_parameter_status(body_of(bb::frame('S', to_bytes(std::string_view("a\0b", 3)))), p),
              malformed);
    EXPECT_EQ(decode_parameter_status({}, p), malformed);
}

TEST(ParameterStatusDecode, RejectsTrailingBytes) {
    parameter_status p;
    EXPECT_EQ(decode_parameter_status(body_of(bb::frame('S', to_bytes(std::string_view("a\0b\0c", 5)))), p),
              malformed);
}

// ---- ReadyForQuery ---------------------------------------------------------------------------

TEST(ReadyForQueryDecode, EveryStatus) {
    EXPECT_EQ(bb::ready_for_query('I'), from_hex("5a 00000005 49"));
    for (char s : {'I', 'T', 'E'}) {
        ready_for_query r;
        r.status = 'x';
        const bytes msg = bb::ready_for_query(s);
        ASSERT_FALSE(decode_ready_for_query(body_of(msg), r)) << s;
        EXPECT_EQ(r.status, s);
    }
}

TEST(ReadyForQueryDecode, RejectsUnknownStatus) {
    for (char s : {'Q', 'i', '\0', 'X'}) {
        ready_for_query r;
        EXPECT_EQ(decode_ready_for_query(body_of(bb::ready_for_query(s)), r), malformed) << int{s};
    }
}

TEST(ReadyForQueryDecode, RejectsWrongSize) {
    ready_for_query r;
    EXPECT_EQ(decode_ready_for_query({}, r), malformed);
    EXPECT_EQ(decode_ready_for_query(body_of(bb::frame('Z', {std::byte{'I'}, std::byte{'I'}})), r),
              malformed);
}

// ---- RowDescription --------------------------------------------------------------------------

TEST(RowDescriptionDecode, GoldenBytesOfSelectOne) {
    // What PostgreSQL sends for SELECT 1: one column "?column?", no table, int4 (23), size 4,
    // typmod -1, text format.
    const bytes golden =
        from_hex("54 00000021 0001 3f636f6c756d6e3f00 00000000 0000 00000017 0004 ffffffff 0000");
    EXPECT_EQ(bb::row_description_builder().field("?column?", oid::int4, 0, 0, 0, 4, -1).frame(), golden);
    row_description d;
    ASSERT_FALSE(decode_row_description(body_of(golden), d));
    ASSERT_EQ(d.column_count, 1u);
    const field_description fd = *d.begin();
    EXPECT_EQ(fd.name, "?column?");
    EXPECT_EQ(fd.table_oid, 0u);
    EXPECT_EQ(fd.column_attribute, 0);
    EXPECT_EQ(fd.type_oid, oid::int4);
    EXPECT_EQ(fd.type_size, 4);
    EXPECT_EQ(fd.type_modifier, -1);
    EXPECT_EQ(fd.format, 0);
}

TEST(RowDescriptionDecode, SeveralColumns) {
    const bytes f = bb::row_description_builder()
                        .field("id", oid::int4, 1, 16384, 1, 4, -1)
                        .field("", oid::text, 0)
                        .field("price", oid::numeric, 1, 16384, 3, -1, 0x000a0006)
                        .frame();
    row_description d;
    ASSERT_FALSE(decode_row_description(body_of(f), d));
    ASSERT_EQ(d.column_count, 3u);
    std::vector<field_description> cols;
    for (const field_description fd : d) {
        cols.push_back(fd);
        EXPECT_TRUE(inside(fd.name, body_of(f)));
    }
    ASSERT_EQ(cols.size(), 3u);
    EXPECT_EQ(cols[0].name, "id");
    EXPECT_EQ(cols[0].table_oid, 16384u);
    EXPECT_EQ(cols[0].column_attribute, 1);
    EXPECT_EQ(cols[0].format, 1);
    EXPECT_EQ(cols[1].name, "");
    EXPECT_EQ(cols[1].type_oid, oid::text);
    EXPECT_EQ(cols[2].name, "price");
    EXPECT_EQ(cols[2].type_oid, oid::numeric);
    EXPECT_EQ(cols[2].column_attribute, 3);
    EXPECT_EQ(cols[2].type_size, -1);
    EXPECT_EQ(cols[2].type_modifier, 0x000a0006);
    EXPECT_EQ(cols[2].format, 1);
}

TEST(RowDescriptionDecode, ZeroColumns) {
    row_description d;
    const bytes msg = bb::row_description_builder().frame();
    ASSERT_FALSE(decode_row_description(body_of(msg), d));
    EXPECT_EQ(d.column_count, 0u);
    EXPECT_TRUE(d.begin() == d.end());
}

TEST(RowDescriptionDecode, RejectsNegativeCount) {
    row_description d;
    EXPECT_EQ(decode_row_description(body_of(bb::row_description_builder().column_count(-1).frame()), d),
              malformed);
}

TEST(RowDescriptionDecode, RejectsInvalidFormat) {
    row_description d;
    EXPECT_EQ(
        decode_row_description(body_of(bb::row_description_builder().field("a", oid::int4, 2).frame()), d),
        malformed);
    EXPECT_EQ(
        decode_row_description(body_of(bb::row_description_builder().field("a", oid::int4, -1).frame()), d),
        malformed);
}

TEST(RowDescriptionDecode, RejectsUnterminatedName) {
    row_description d;
    EXPECT_EQ(decode_row_description(body_of(bb::frame('T', from_hex("0001 616263"))), d), malformed);
}

TEST(RowDescriptionDecode, RejectsShortFixedPart) {
    const bytes whole = bb::row_description_builder().field("a", oid::int4).frame();
    const auto body = body_of(whole);
    row_description d;
    for (std::size_t cut = 1; cut < body.size(); ++cut) {
        EXPECT_EQ(decode_row_description(body.first(body.size() - cut), d), malformed) << cut;
    }
}

TEST(RowDescriptionDecode, RejectsMissingField) {
    row_description d;
    EXPECT_EQ(decode_row_description(
                  body_of(bb::row_description_builder().field("a", oid::int4).column_count(2).frame()), d),
              malformed);
}

TEST(RowDescriptionDecode, RejectsTrailingBytes) {
    row_description d;
    EXPECT_EQ(
        decode_row_description(
            body_of(bb::row_description_builder().field("a", oid::int4).trailing(to_bytes("x")).frame()), d),
        malformed);
}

// ---- Messages without a body -----------------------------------------------------------------

TEST(EmptyMessageDecode, AcceptsEmptyBody) {
    for (const bytes& f : {bb::parse_complete(), bb::bind_complete(), bb::close_complete(), bb::no_data(),
                           bb::empty_query_response(), bb::portal_suspended(), bb::copy_done()}) {
        EXPECT_EQ(f.size(), 5u);
        EXPECT_FALSE(decode_empty(body_of(f))) << tag_of(f);
    }
}

TEST(EmptyMessageDecode, RejectsNonEmptyBody) {
    EXPECT_EQ(decode_empty(body_of(bb::frame('1', {std::byte{0}}))), malformed);
}

// ---- decode() --------------------------------------------------------------------------------

template <class T>
void expect_decodes_to(const bytes& f) {
    message m;
    const std::error_code ec = decode(tag_of(f), body_of(f), m);
    EXPECT_FALSE(ec) << message_name(tag_of(f)) << ": " << ec.message() << "\n" << to_hex(f);
    EXPECT_TRUE(std::holds_alternative<T>(m)) << message_name(tag_of(f)) << " gave index " << m.index();
}

TEST(BackendDecode, DispatchesEveryMessage) {
    const std::array<std::byte, 4> salt{};
    expect_decodes_to<authentication>(bb::authentication_md5(salt));
    expect_decodes_to<backend_key_data>(bb::backend_key_data(1, 2));
    expect_decodes_to<bind_complete>(bb::bind_complete());
    expect_decodes_to<close_complete>(bb::close_complete());
    expect_decodes_to<command_complete>(bb::command_complete("SELECT 1"));
    expect_decodes_to<copy_response>(bb::copy_in_response(0, {0}));
    expect_decodes_to<copy_response>(bb::copy_out_response(0, {0}));
    expect_decodes_to<copy_response>(bb::copy_both_response(1, {1}));
    expect_decodes_to<copy_data>(bb::copy_data(to_bytes("x")));
    expect_decodes_to<copy_done>(bb::copy_done());
    expect_decodes_to<data_row>(bb::data_row_builder().text("1").frame());
    expect_decodes_to<empty_query_response>(bb::empty_query_response());
    expect_decodes_to<error_response>(bb::error_response_builder().message("m").frame());
    expect_decodes_to<error_response>(bb::notice_response_builder().message("m").frame());
    expect_decodes_to<function_call_response>(bb::function_call_response(std::nullopt));
    expect_decodes_to<negotiate_protocol_version>(bb::negotiate_protocol_version(0, {"_pq_.x"}));
    expect_decodes_to<no_data>(bb::no_data());
    expect_decodes_to<notification_response>(bb::notification_response(1, "c", "p"));
    expect_decodes_to<parameter_description>(bb::parameter_description({oid::int4}));
    expect_decodes_to<parameter_status>(bb::parameter_status("a", "b"));
    expect_decodes_to<parse_complete>(bb::parse_complete());
    expect_decodes_to<portal_suspended>(bb::portal_suspended());
    expect_decodes_to<ready_for_query>(bb::ready_for_query('T'));
    expect_decodes_to<row_description>(bb::row_description_builder().field("a", oid::int4).frame());
}

TEST(BackendDecode, FilledViewMatchesTheMessageDecoder) {
    const bytes f = bb::data_row_builder().text("hello").null().frame();
    message m;
    ASSERT_FALSE(decode(tag_of(f), body_of(f), m));
    const auto& r = std::get<data_row>(m);
    EXPECT_EQ(r.column_count, 2u);
    EXPECT_EQ(str((*r.begin()).value), "hello");
}

TEST(BackendDecode, UnknownTag) {
    message m;
    for (char t : {'!', 'Q', 'x', '\0', '\xff', 'P'}) {
        EXPECT_EQ(decode(t, {}, m), errc::unknown_message_type) << int{t};
    }
}

TEST(BackendDecode, PassesOnTheDecodersError) {
    message m;
    EXPECT_EQ(decode('Z', body_of(bb::ready_for_query('Q')), m), malformed);
    EXPECT_EQ(decode('1', body_of(bb::frame('1', {std::byte{0}})), m), malformed);
    EXPECT_EQ(decode('s', body_of(bb::frame('s', {std::byte{0}})), m), malformed);
    EXPECT_EQ(decode('R', body_of(bb::authentication(99)), m), errc::unsupported_authentication);
}

TEST(BackendDecode, DecodersDoNotAllocate) {
    const std::array<std::byte, 4> salt{};
    const std::vector<bytes> frames = {
        bb::authentication_md5(salt),
        bb::authentication_sasl({"SCRAM-SHA-256"}),
        bb::backend_key_data(1, 2),
        bb::command_complete("INSERT 0 12"),
        bb::copy_in_response(0, {0, 0}),
        bb::copy_data(to_bytes("row\n")),
        bb::data_row_builder().text("1").null().text("abc").frame(),
        bb::error_response_builder().severity("ERROR").code("XX000").message("m").frame(),
        bb::function_call_response(to_bytes("x")),
        bb::negotiate_protocol_version(0, {"_pq_.x"}),
        bb::notification_response(1, "c", "p"),
        bb::parameter_description({oid::int4}),
        bb::parameter_status("a", "b"),
        bb::ready_for_query('I'),
        bb::row_description_builder().field("a", oid::int4).field("b", oid::text).frame(),
        bb::parse_complete(),
        bb::ready_for_query('Q'),
        bb::data_row_builder().raw_field(-5).frame(),
    };
    const std::size_t before = allocation_count;
    std::size_t work = 0;
    for (const bytes& f : frames) {
        message m;
        const std::error_code ec = decode(tag_of(f), body_of(f), m);
        work += static_cast<std::size_t>(ec.value());
        if (const auto* r = std::get_if<data_row>(&m)) {
            for (const field_view fv : *r) {
                work += fv.value.size();
            }
        } else if (const auto* d = std::get_if<row_description>(&m)) {
            for (const field_description fd : *d) {
                work += fd.name.size();
            }
        } else if (const auto* e = std::get_if<error_response>(&m)) {
            work += e->field('M').size();
        } else if (const auto* c = std::get_if<command_complete>(&m)) {
            std::uint64_t rows = 0;
            work += c->rows_affected(rows) ? rows : 0;
        }
    }
    EXPECT_EQ(allocation_count, before);
    EXPECT_GT(work, 0u);
}

}  // namespace
}  // namespace pgring::wire::backend
