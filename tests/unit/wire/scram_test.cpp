#include "wire/scram.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <pgring/error.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

using pgring::errc;
using pgring::wire::md5_password_hash;
using pgring::wire::saslprep;
using pgring::wire::scram_sha256;

// ---- RFC 7677 section 3 ---------------------------------------------------------------------

constexpr std::string_view rfc_server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view rfc_client_final =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view rfc_server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

TEST(ScramRfc7677, ClientFirstMatchesTheRfc) {
    scram_sha256 c("pencil", "rOprNGfwEbeRWgbNEkqO", scram_sha256::default_max_iterations, "user");
    EXPECT_EQ(c.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    EXPECT_TRUE(c.client_final().empty());
}

TEST(ScramRfc7677, FullExchangeMatchesTheRfc) {
    scram_sha256 c("pencil", "rOprNGfwEbeRWgbNEkqO", scram_sha256::default_max_iterations, "user");
    ASSERT_FALSE(c.handle_server_first(rfc_server_first));
    EXPECT_EQ(c.client_final(), rfc_client_final);
    EXPECT_FALSE(c.handle_server_final(rfc_server_final));
    EXPECT_TRUE(c.error_detail().empty());
}

TEST(ScramRfc7677, WrongPasswordGivesAnotherProofAndRejectsTheServer) {
    scram_sha256 c("pencil2", "rOprNGfwEbeRWgbNEkqO", scram_sha256::default_max_iterations, "user");
    ASSERT_FALSE(c.handle_server_first(rfc_server_first));
    EXPECT_NE(c.client_final(), rfc_client_final);
    EXPECT_EQ(c.handle_server_final(rfc_server_final), errc::scram_server_signature_mismatch);
}

// ---- PostgreSQL-style exchange (empty n=) ----------------------------------------------------
// Expected values computed independently with Python's hashlib.pbkdf2_hmac and hmac.

constexpr std::string_view pg_nonce = "fyko+d2lbbFgONRv9qkxdawL";
constexpr std::string_view pg_server_first =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=AQIDBAUGBwgJCgsMDQ4PEA==,i=4096";
constexpr std::string_view pg_client_final =
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=Yr5C4zdVX6y5ZgY5PzxYSF/UH/zR/pTVxFbC/kUHTrQ=";
constexpr std::string_view pg_server_final = "v=s5+UD4rAMs8TeIOVb/yIo76p6FfsXXNZVN7HSIscA2U=";

TEST(ScramPostgres, ClientFirstHasEmptyUserName) {
    scram_sha256 c("pencil", pg_nonce);
    EXPECT_EQ(c.client_first(), "n,,n=,r=fyko+d2lbbFgONRv9qkxdawL");
}

TEST(ScramPostgres, FullExchangeWithEmptyUserName) {
    scram_sha256 c("pencil", pg_nonce);
    ASSERT_FALSE(c.handle_server_first(pg_server_first));
    EXPECT_EQ(c.client_final(), pg_client_final);
    EXPECT_FALSE(c.handle_server_final(pg_server_final));
}

TEST(ScramPostgres, UserNameIsEscaped) {
    scram_sha256 c("pencil", "abc", scram_sha256::default_max_iterations, "a,b=c");
    EXPECT_EQ(c.client_first(), "n,,n=a=2Cb=3Dc,r=abc");
}

// ---- server-first-message rejections ---------------------------------------------------------
// Client nonce "abc", password "pencil"; small_valid is accepted (checked below) and each test breaks
// one rule of it.

constexpr std::string_view small_valid = "r=abcdef,s=c2FsdA==,i=1";

struct first_result {
    std::error_code ec;
    std::string detail;
    std::string client_final;
};

first_result server_first(std::string_view msg, std::uint32_t max_iterations = 4096) {
    scram_sha256 c("pencil", "abc", max_iterations);
    first_result r;
    r.ec = c.handle_server_first(msg);
    r.detail = c.error_detail();
    r.client_final = c.client_final();
    return r;
}

void expect_protocol_error(std::string_view msg) {
    const first_result r = server_first(msg);
    EXPECT_EQ(r.ec, errc::scram_protocol_error) << "input: " << msg;
    EXPECT_FALSE(r.detail.empty()) << "input: " << msg;
    EXPECT_TRUE(r.client_final.empty()) << "input: " << msg;
}

TEST(ScramServerFirst, AcceptsTheReferenceMessage) {
    const first_result r = server_first(small_valid);
    EXPECT_FALSE(r.ec) << r.detail;
    EXPECT_EQ(r.client_final.rfind("c=biws,r=abcdef,p=", 0), 0U);
}

TEST(ScramServerFirst, RejectsMandatoryExtension) {
    const first_result r = server_first("m=ext,r=abcdef,s=c2FsdA==,i=1");
    EXPECT_EQ(r.ec, errc::scram_protocol_error);
    EXPECT_NE(r.detail.find("m="), std::string::npos);
}

TEST(ScramServerFirst, RejectsEmptyMessage) {
    expect_protocol_error("");
}

TEST(ScramServerFirst, RejectsAttributesOutOfOrder) {
    expect_protocol_error("s=c2FsdA==,r=abcdef,i=1");
    expect_protocol_error("r=abcdef,i=1,s=c2FsdA==");
}

TEST(ScramServerFirst, RejectsMissingAttribute) {
    expect_protocol_error("r=abcdef,i=1");
    expect_protocol_error("r=abcdef,s=c2FsdA==");
    expect_protocol_error("r=abcdef,s=c2FsdA==,");
    expect_protocol_error("r=abcdef");
}

TEST(ScramServerFirst, RejectsAttributeWithoutEquals) {
    expect_protocol_error("rabcdef,s=c2FsdA==,i=1");
    expect_protocol_error("r");
}

TEST(ScramServerFirst, RejectsTrailingAttributes) {
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=1,x=y");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=1,");
}

TEST(ScramServerFirst, RejectsNonceThatDoesNotStartWithOurs) {
    expect_protocol_error("r=xbcdef,s=c2FsdA==,i=1");
    expect_protocol_error("r=defabc,s=c2FsdA==,i=1");
}

TEST(ScramServerFirst, RejectsNonceThatAddsNothing) {
    expect_protocol_error("r=abc,s=c2FsdA==,i=1");
}

TEST(ScramServerFirst, RejectsNonceShorterThanOurs) {
    expect_protocol_error("r=ab,s=c2FsdA==,i=1");
    expect_protocol_error("r=,s=c2FsdA==,i=1");
}

TEST(ScramServerFirst, RejectsNonPrintableNonce) {
    expect_protocol_error(
        std::string_view("r=abc\x01"
                         "def,s=c2FsdA==,i=1"));
    expect_protocol_error("r=abc def,s=c2FsdA==,i=1");
    expect_protocol_error(
        "r=abc\x7f"
        "def,s=c2FsdA==,i=1");
    expect_protocol_error("r=abc\xc3\xa9,s=c2FsdA==,i=1");
    expect_protocol_error(std::string_view("r=abc\0def,s=c2FsdA==,i=1", 24));
}

TEST(ScramServerFirst, RejectsEmptySalt) {
    expect_protocol_error("r=abcdef,s=,i=1");
}

TEST(ScramServerFirst, RejectsInvalidBase64Salt) {
    expect_protocol_error("r=abcdef,s=c2FsdA=,i=1");    // length not a multiple of 4
    expect_protocol_error("r=abcdef,s=c2FsdA,i=1");     // missing padding
    expect_protocol_error("r=abcdef,s=c2F sdA==,i=1");  // whitespace
    expect_protocol_error("r=abcdef,s=c2Fs-A==,i=1");   // URL-safe alphabet
    expect_protocol_error("r=abcdef,s=c2==c2Fs,i=1");   // padding in the middle
    expect_protocol_error("r=abcdef,s=c2Fsd===,i=1");   // three padding characters
    expect_protocol_error("r=abcdef,s=c2FsdA=A,i=1");   // data after padding
    expect_protocol_error("r=abcdef,s=c2FsdB==,i=1");   // non-zero bits under the padding
    expect_protocol_error("r=abcdef,s=====,i=1");
}

TEST(ScramServerFirst, AcceptsSaltOfEveryPaddingLength) {
    EXPECT_FALSE(server_first("r=abcdef,s=c2FsdA==,i=1").ec);  // "salt"
    EXPECT_FALSE(server_first("r=abcdef,s=c2FsdHk=,i=1").ec);  // "salty"
    EXPECT_FALSE(server_first("r=abcdef,s=c2FsdGVk,i=1").ec);  // "salted"
}

TEST(ScramServerFirst, RejectsZeroIterations) {
    const first_result r = server_first("r=abcdef,s=c2FsdA==,i=0");
    EXPECT_EQ(r.ec, errc::scram_protocol_error);
}

TEST(ScramServerFirst, RejectsMalformedIterationCount) {
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=-1");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=+1");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=01");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=1x");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i= 1");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=1 ");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=0x10");
    expect_protocol_error("r=abcdef,s=c2FsdA==,i=99999999999999999999999999x");
}

TEST(ScramServerFirst, IterationCapIsInclusive) {
    EXPECT_FALSE(server_first("r=abcdef,s=c2FsdA==,i=4096", 4096).ec);
    const first_result r = server_first("r=abcdef,s=c2FsdA==,i=4097", 4096);
    EXPECT_EQ(r.ec, errc::scram_iteration_count_too_high);
    EXPECT_NE(r.detail.find("4096"), std::string::npos);
    EXPECT_TRUE(r.client_final.empty());
}

TEST(ScramServerFirst, DefaultCapRejectsHugeCount) {
    scram_sha256 c("pencil", "abc");
    EXPECT_EQ(c.handle_server_first("r=abcdef,s=c2FsdA==,i=1000001"), errc::scram_iteration_count_too_high);
}

TEST(ScramServerFirst, IterationCountDoesNotWrapAround) {
    // 2^32 + 1 would be 1 in 32 bits, 2^64 + 1 would be 1 in 64 bits.
    EXPECT_EQ(server_first("r=abcdef,s=c2FsdA==,i=4294967297").ec, errc::scram_iteration_count_too_high);
    EXPECT_EQ(server_first("r=abcdef,s=c2FsdA==,i=18446744073709551617").ec,
              errc::scram_iteration_count_too_high);
    EXPECT_EQ(server_first("r=abcdef,s=c2FsdA==,i=999999999999999999999999999999999999").ec,
              errc::scram_iteration_count_too_high);
}

TEST(ScramServerFirst, CountAboveIntMaxIsTooHighEvenWithoutCap) {
    scram_sha256 c("pencil", "abc", UINT32_MAX);
    EXPECT_EQ(c.handle_server_first("r=abcdef,s=c2FsdA==,i=2147483648"),
              errc::scram_iteration_count_too_high);
}

TEST(ScramServerFirst, SecondCallIsOutOfOrder) {
    scram_sha256 c("pencil", "abc");
    ASSERT_FALSE(c.handle_server_first(small_valid));
    EXPECT_EQ(c.handle_server_first(small_valid), errc::scram_protocol_error);
    EXPECT_FALSE(c.error_detail().empty());
}

TEST(ScramServerFirst, NoRetryAfterFailure) {
    scram_sha256 c("pencil", "abc");
    ASSERT_EQ(c.handle_server_first("r=xyz,s=c2FsdA==,i=1"), errc::scram_protocol_error);
    EXPECT_EQ(c.handle_server_first(small_valid), errc::scram_protocol_error);
    EXPECT_TRUE(c.client_final().empty());
}

TEST(ScramServerFirst, InvalidExplicitClientNonceFails) {
    scram_sha256 c("pencil", "a,b");
    EXPECT_EQ(c.handle_server_first("r=a,bdef,s=c2FsdA==,i=1"), errc::scram_protocol_error);
    scram_sha256 d("pencil", "a b");
    EXPECT_EQ(d.handle_server_first("r=a bdef,s=c2FsdA==,i=1"), errc::scram_protocol_error);
}

// ---- server-final-message --------------------------------------------------------------------

// A client that has accepted the RFC 7677 server-first-message.
scram_sha256* rfc_client_after_first(std::unique_ptr<scram_sha256>& holder) {
    holder = std::make_unique<scram_sha256>("pencil", "rOprNGfwEbeRWgbNEkqO",
                                            scram_sha256::default_max_iterations, "user");
    EXPECT_FALSE(holder->handle_server_first(rfc_server_first));
    return holder.get();
}

TEST(ScramServerFinal, RejectsWrongSignature) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    // The RFC signature with its first byte changed (0xea -> 0xeb).
    EXPECT_EQ(c->handle_server_final("v=67riTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
              errc::scram_server_signature_mismatch);
}

TEST(ScramServerFinal, RejectsSignatureWithLastByteChanged) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    EXPECT_EQ(c->handle_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G8="),
              errc::scram_server_signature_mismatch);
}

TEST(ScramServerFinal, ServerErrorIsReported) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    EXPECT_EQ(c->handle_server_final("e=invalid-proof"), errc::scram_protocol_error);
    EXPECT_EQ(c->error_detail(), "invalid-proof");
}

TEST(ScramServerFinal, RejectsUnknownAttribute) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    EXPECT_EQ(c->handle_server_final("x=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
              errc::scram_protocol_error);
}

TEST(ScramServerFinal, RejectsEmptyMessage) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    EXPECT_EQ(c->handle_server_final(""), errc::scram_protocol_error);
}

TEST(ScramServerFinal, RejectsInvalidBase64Signature) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    EXPECT_EQ(c->handle_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4"),
              errc::scram_protocol_error);
}

TEST(ScramServerFinal, RejectsSignatureOfWrongLength) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    EXPECT_EQ(c->handle_server_final("v=c2FsdA=="), errc::scram_protocol_error);
    std::unique_ptr<scram_sha256> h2;
    scram_sha256* c2 = rfc_client_after_first(h2);
    EXPECT_EQ(c2->handle_server_final("v="), errc::scram_protocol_error);
}

TEST(ScramServerFinal, RejectsTrailingExtension) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    EXPECT_EQ(c->handle_server_final(std::string(rfc_server_final) + ",x=y"), errc::scram_protocol_error);
}

TEST(ScramServerFinal, BeforeServerFirstIsOutOfOrder) {
    scram_sha256 c("pencil", "rOprNGfwEbeRWgbNEkqO", scram_sha256::default_max_iterations, "user");
    EXPECT_EQ(c.handle_server_final(rfc_server_final), errc::scram_protocol_error);
    EXPECT_FALSE(c.error_detail().empty());
}

TEST(ScramServerFinal, SecondCallIsOutOfOrder) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    ASSERT_FALSE(c->handle_server_final(rfc_server_final));
    EXPECT_EQ(c->handle_server_final(rfc_server_final), errc::scram_protocol_error);
}

TEST(ScramServerFinal, NoRetryAfterMismatch) {
    std::unique_ptr<scram_sha256> h;
    scram_sha256* c = rfc_client_after_first(h);
    ASSERT_EQ(c->handle_server_final("v=67riTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
              errc::scram_server_signature_mismatch);
    EXPECT_EQ(c->handle_server_final(rfc_server_final), errc::scram_protocol_error);
}

TEST(ScramServerFinal, AfterFailedServerFirstIsOutOfOrder) {
    scram_sha256 c("pencil", "abc");
    ASSERT_TRUE(c.handle_server_first("r=abc,s=c2FsdA==,i=1"));
    EXPECT_EQ(c.handle_server_final("v=c2FsdA=="), errc::scram_protocol_error);
}

// ---- random client nonce ---------------------------------------------------------------------

std::string nonce_of(const scram_sha256& c) {
    const std::string& first = c.client_first();
    EXPECT_EQ(first.rfind("n,,n=,r=", 0), 0U);
    return first.substr(8);
}

TEST(ScramNonce, RandomNonceIsBase64OfEighteenBytes) {
    scram_sha256 c("pencil");
    const std::string nonce = nonce_of(c);
    ASSERT_EQ(nonce.size(), 24U);
    for (const char ch : nonce) {
        const bool b64 = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                         ch == '+' || ch == '/';
        EXPECT_TRUE(b64) << "character " << static_cast<int>(static_cast<unsigned char>(ch));
    }
    std::array<unsigned char, 24> decoded{};
    EXPECT_EQ(EVP_DecodeBlock(decoded.data(), reinterpret_cast<const unsigned char*>(nonce.data()), 24), 18);
}

TEST(ScramNonce, RandomNonceDiffersBetweenInstances) {
    std::vector<std::string> seen;
    for (int i = 0; i < 8; ++i) {
        scram_sha256 c("pencil");
        const std::string n = nonce_of(c);
        for (const std::string& s : seen) {
            EXPECT_NE(n, s);
        }
        seen.push_back(n);
    }
}

// Server side computed here with libcrypto directly, so the random-nonce path is checked end to
// end against something other than scram_sha256 itself.
std::string b64(const unsigned char* p, std::size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

std::array<unsigned char, 32> hmac(const unsigned char* key, std::string_view msg) {
    std::array<unsigned char, 32> out{};
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, 32, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out.data(),
         &len);
    return out;
}

TEST(ScramNonce, RandomNonceExchangeVerifies) {
    scram_sha256 c("pencil");
    const std::string nonce = nonce_of(c) + "serverpart";
    const std::string salt = "saltsaltsalt";
    const std::string server_first =
        "r=" + nonce + ",s=" + b64(reinterpret_cast<const unsigned char*>(salt.data()), salt.size()) +
        ",i=16";
    ASSERT_FALSE(c.handle_server_first(server_first));
    const std::string& final_msg = c.client_final();
    const std::size_t p = final_msg.find(",p=");
    ASSERT_NE(p, std::string::npos);
    EXPECT_EQ(final_msg.substr(0, p), "c=biws,r=" + nonce);

    std::array<unsigned char, 32> salted{};
    ASSERT_EQ(PKCS5_PBKDF2_HMAC("pencil", 6, reinterpret_cast<const unsigned char*>(salt.data()),
                                static_cast<int>(salt.size()), 16, EVP_sha256(), 32, salted.data()),
              1);
    const std::string auth = c.client_first().substr(3) + "," + server_first + "," + final_msg.substr(0, p);
    // The server checks the proof: H(ClientKey) computed from the proof must equal StoredKey.
    const auto client_key = hmac(salted.data(), "Client Key");
    std::array<unsigned char, 32> stored{};
    unsigned int len = 32;
    ASSERT_EQ(EVP_Digest(client_key.data(), 32, stored.data(), &len, EVP_sha256(), nullptr), 1);
    const auto client_signature = hmac(stored.data(), auth);
    std::array<unsigned char, 32> proof{};
    for (std::size_t i = 0; i < 32; ++i) {
        proof[i] = client_key[i] ^ client_signature[i];
    }
    EXPECT_EQ(final_msg.substr(p + 3), b64(proof.data(), 32));

    const auto server_key = hmac(salted.data(), "Server Key");
    const auto server_signature = hmac(server_key.data(), auth);
    EXPECT_FALSE(c.handle_server_final("v=" + b64(server_signature.data(), 32)));
}

// ---- SASLprep --------------------------------------------------------------------------------

TEST(Saslprep, AsciiIsUnchanged) {
    EXPECT_EQ(saslprep("pencil"), "pencil");
    EXPECT_EQ(saslprep("with space"), "with space");
    EXPECT_EQ(saslprep(""), "");
    // PostgreSQL passes any 7-bit string through, control characters included.
    EXPECT_EQ(saslprep("ctl\x01\x7f"), "ctl\x01\x7f");
}

TEST(Saslprep, OtherNonAsciiIsUnchanged) {
    EXPECT_EQ(saslprep("p\xc3\xa4ssw\xc3\xb6rd"), "p\xc3\xa4ssw\xc3\xb6rd");      // "pässwörd"
    EXPECT_EQ(saslprep("\xe5\xaf\x86\xe7\xa0\x81"), "\xe5\xaf\x86\xe7\xa0\x81");  // CJK
    EXPECT_EQ(saslprep("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");                  // U+1F600
}

TEST(Saslprep, MapsNonAsciiSpacesToSpace) {
    const char* spaces[] = {
        "\xc2\xa0",      // U+00A0
        "\xe1\x9a\x80",  // U+1680
        "\xe2\x80\x80",  // U+2000
        "\xe2\x80\x8a",  // U+200A
        "\xe2\x80\x8b",  // U+200B (also in B.1; the space mapping wins, as in PostgreSQL)
        "\xe2\x80\xaf",  // U+202F
        "\xe2\x81\x9f",  // U+205F
        "\xe3\x80\x80",  // U+3000
    };
    for (const char* s : spaces) {
        EXPECT_EQ(saslprep(std::string("a") + s + "b"), "a b") << s;
    }
}

TEST(Saslprep, RemovesCharactersMappedToNothing) {
    const char* nothing[] = {
        "\xc2\xad",      // U+00AD soft hyphen
        "\xcd\x8f",      // U+034F
        "\xe1\xa0\x86",  // U+1806
        "\xe1\xa0\x8b",  // U+180B
        "\xe1\xa0\x8d",  // U+180D
        "\xe2\x80\x8c",  // U+200C
        "\xe2\x80\x8d",  // U+200D
        "\xe2\x81\xa0",  // U+2060
        "\xef\xb8\x80",  // U+FE00
        "\xef\xb8\x8f",  // U+FE0F
        "\xef\xbb\xbf",  // U+FEFF
    };
    for (const char* s : nothing) {
        EXPECT_EQ(saslprep(std::string("pen") + s + "cil"), "pencil") << s;
    }
}

TEST(Saslprep, InvalidUtf8IsUsedRaw) {
    // Each also holds a U+00A0, to show that no mapping was applied.
    const std::string inputs[] = {
        "a\xc2\xa0\xff",                  // byte never valid in UTF-8
        "a\xc2\xa0\x80",                  // stray continuation byte
        "a\xc2\xa0\xc3",                  // truncated sequence
        "a\xc2\xa0\xc0\xaf",              // overlong '/'
        "a\xc2\xa0\xe0\x80\xaf",          // overlong, 3 bytes
        "a\xc2\xa0\xed\xa0\x80",          // surrogate U+D800
        "a\xc2\xa0\xf4\x90\x80\x80",      // U+110000
        "a\xc2\xa0\xf8\x88\x80\x80\x80",  // 5-byte form
    };
    for (const std::string& s : inputs) {
        EXPECT_EQ(saslprep(s), s);
    }
}

TEST(Saslprep, ProhibitedCharactersMeanRawBytes) {
    const char* prohibited[] = {
        "\x01",              // C.2.1 ASCII control
        "\xc2\x80",          // C.2.2 U+0080
        "\xdb\x9d",          // C.2.2 U+06DD
        "\xe2\x80\xa8",      // C.2.2 U+2028
        "\xee\x80\x80",      // C.3 private use U+E000
        "\xf3\xb0\x80\x80",  // C.3 U+F0000
        "\xef\xb7\x90",      // C.4 U+FDD0
        "\xef\xbf\xbe",      // C.4 U+FFFE
        "\xf0\x9f\xbf\xbf",  // C.4 U+1FFFF
        "\xef\xbf\xbd",      // C.6 U+FFFD
        "\xe2\xbf\xb0",      // C.7 U+2FF0
        "\xcd\x80",          // C.8 U+0340
        "\xe2\x80\x8e",      // C.8 U+200E
        "\xe2\x80\xae",      // C.8 U+202E
        "\xf3\xa0\x80\x81",  // C.9 U+E0001
        "\xf3\xa0\x81\xbf",  // C.9 U+E007F
    };
    for (const char* p : prohibited) {
        const std::string s = std::string("a\xc2\xa0") + p;
        EXPECT_EQ(saslprep(s), s) << p;
    }
}

TEST(Saslprep, PasswordMappedToNothingIsUsedRaw) {
    EXPECT_EQ(saslprep("\xc2\xad"), "\xc2\xad");
    EXPECT_EQ(saslprep("\xc2\xad\xef\xbb\xbf"), "\xc2\xad\xef\xbb\xbf");
}

TEST(Saslprep, ScramAppliesSaslprep) {
    scram_sha256 mapped(
        "pen\xc2\xa0\xc2\xad"
        "cil",
        "abc");
    scram_sha256 plain("pen cil", "abc");
    ASSERT_FALSE(mapped.handle_server_first(small_valid));
    ASSERT_FALSE(plain.handle_server_first(small_valid));
    EXPECT_EQ(mapped.client_final(), plain.client_final());
}

TEST(Saslprep, ScramUsesRawBytesOfInvalidUtf8) {
    // Expected value computed independently with Python's hashlib over the raw bytes.
    scram_sha256 c("\xff\xfepass", "abc");
    ASSERT_FALSE(c.handle_server_first(small_valid));
    EXPECT_EQ(c.client_final(), "c=biws,r=abcdef,p=xdT2PztueZbYOMnBX1qvqBBG7IRtLti8Slmk4quO76s=");
    EXPECT_FALSE(c.handle_server_final("v=L0Am2BuzjcHHFVtcAuOAO969ttTPLccjZBfPhYVBsP8="));
}

// ---- md5 -------------------------------------------------------------------------------------
// Expected values computed independently with Python's hashlib.

std::vector<std::byte> bytes_of(std::initializer_list<unsigned> v) {
    std::vector<std::byte> out;
    for (const unsigned b : v) {
        out.push_back(static_cast<std::byte>(b));
    }
    return out;
}

TEST(Md5PasswordHash, MatchesKnownValue) {
    EXPECT_EQ(md5_password_hash("postgres", "secret", bytes_of({0x01, 0x02, 0x03, 0x04})),
              "md5bb41a296aab6baccb36ff243a562abff");
}

TEST(Md5PasswordHash, MatchesSecondKnownValue) {
    EXPECT_EQ(md5_password_hash("alice", "pw", bytes_of({0xde, 0xad, 0xbe, 0xef})),
              "md5ab7d1e954d515903b9acff2f924db610");
}

TEST(Md5PasswordHash, EmptyInputs) {
    EXPECT_EQ(md5_password_hash("", "", {}), "md574be16979710d4c4e7c6647856088456");
}

TEST(Md5PasswordHash, SaltChangesTheHash) {
    const std::string a = md5_password_hash("postgres", "secret", bytes_of({0x01, 0x02, 0x03, 0x04}));
    const std::string b = md5_password_hash("postgres", "secret", bytes_of({0x01, 0x02, 0x03, 0x05}));
    EXPECT_NE(a, b);
    EXPECT_EQ(b.size(), 35U);
}

}  // namespace
