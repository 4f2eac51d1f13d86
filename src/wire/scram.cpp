#include "wire/scram.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace pgring::wire {

namespace {

constexpr std::size_t key_size = 32;
constexpr std::size_t client_nonce_bytes = 18;

// A SHA-256-sized key that wipes itself: every intermediate of the SCRAM computation is
// password-equivalent (SaltedPassword, ClientKey, StoredKey, ServerKey) and must not linger.
struct secret_key {
    std::array<unsigned char, key_size> bytes{};

    secret_key() = default;
    secret_key(const secret_key&) = delete;
    secret_key& operator=(const secret_key&) = delete;
    ~secret_key() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

void cleanse(std::string& s) noexcept {
    if (!s.empty()) {
        OPENSSL_cleanse(s.data(), s.size());
    }
}

const unsigned char* bytes_of(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// ---- base64 (RFC 4648, standard alphabet, padded) -------------------------------------------

constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(const unsigned char* p, std::size_t n) {
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
        out.push_back(base64_alphabet[(v >> 18) & 0x3F]);
        out.push_back(base64_alphabet[(v >> 12) & 0x3F]);
        out.push_back(base64_alphabet[(v >> 6) & 0x3F]);
        out.push_back(base64_alphabet[v & 0x3F]);
    }
    if (n - i == 1) {
        const std::uint32_t v = std::uint32_t{p[i]} << 16;
        out.push_back(base64_alphabet[(v >> 18) & 0x3F]);
        out.push_back(base64_alphabet[(v >> 12) & 0x3F]);
        out.append("==");
    } else if (n - i == 2) {
        const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
        out.push_back(base64_alphabet[(v >> 18) & 0x3F]);
        out.push_back(base64_alphabet[(v >> 12) & 0x3F]);
        out.push_back(base64_alphabet[(v >> 6) & 0x3F]);
        out.push_back('=');
    }
    return out;
}

int base64_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

// Strict decoder: length a multiple of 4, no whitespace, '=' only as final padding, and the
// unused bits before the padding zero (canonical form), so one value has one spelling.
bool base64_decode(std::string_view in, std::string& out) {
    out.clear();
    if (in.empty() || in.size() % 4 != 0) {
        return false;
    }
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        const bool last = i + 4 == in.size();
        const int a = base64_value(in[i]);
        const int b = base64_value(in[i + 1]);
        if (a < 0 || b < 0) {
            return false;
        }
        if (last && in[i + 2] == '=') {
            if (in[i + 3] != '=' || (b & 0x0F) != 0) {
                return false;
            }
            out.push_back(static_cast<char>((a << 2) | (b >> 4)));
            return true;
        }
        const int c = base64_value(in[i + 2]);
        if (c < 0) {
            return false;
        }
        if (last && in[i + 3] == '=') {
            if ((c & 0x03) != 0) {
                return false;
            }
            out.push_back(static_cast<char>((a << 2) | (b >> 4)));
            out.push_back(static_cast<char>(((b & 0x0F) << 4) | (c >> 2)));
            return true;
        }
        const int d = base64_value(in[i + 3]);
        if (d < 0) {
            return false;
        }
        out.push_back(static_cast<char>((a << 2) | (b >> 4)));
        out.push_back(static_cast<char>(((b & 0x0F) << 4) | (c >> 2)));
        out.push_back(static_cast<char>(((c & 0x03) << 6) | d));
    }
    return true;
}

// RFC 5802 "printable": %x21-2B / %x2D-7E, i.e. visible ASCII except ','.
bool is_printable_nonce(std::string_view s) noexcept {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x21 || c > 0x7E || c == ',') {
            return false;
        }
    }
    return !s.empty();
}

// RFC 5802 saslname: ',' and '=' are escaped as "=2C" and "=3D".
std::string escape_saslname(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (const char c : name) {
        if (c == ',') {
            out.append("=2C");
        } else if (c == '=') {
            out.append("=3D");
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// ---- crypto primitives ----------------------------------------------------------------------

bool hmac_sha256(const unsigned char* key, std::size_t key_len, std::string_view msg, secret_key& out) {
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key, static_cast<int>(key_len), bytes_of(msg), msg.size(), out.bytes.data(),
             &len) == nullptr) {
        return false;
    }
    return len == key_size;
}

bool sha256(const unsigned char* data, std::size_t n, secret_key& out) {
    unsigned int len = 0;
    if (EVP_Digest(data, n, out.bytes.data(), &len, EVP_sha256(), nullptr) != 1) {
        return false;
    }
    return len == key_size;
}

// ---- SASLprep tables (RFC 3454 appendices, as used by RFC 4013) -----------------------------

struct code_range {
    char32_t first;
    char32_t last;
};

template <std::size_t N>
bool in_table(char32_t c, const code_range (&table)[N]) noexcept {
    for (const code_range& r : table) {
        if (c < r.first) {
            return false;
        }
        if (c <= r.last) {
            return true;
        }
    }
    return false;
}

// C.1.2 Non-ASCII space characters: mapped to U+0020 (RFC 4013 section 2.1). U+200B is also in
// B.1; like PostgreSQL the space mapping wins, and both sides of an exchange must agree.
constexpr code_range non_ascii_space[] = {
    {0x00A0, 0x00A0}, {0x1680, 0x1680}, {0x2000, 0x200B},
    {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};

// B.1 Commonly mapped to nothing.
constexpr code_range mapped_to_nothing[] = {
    {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x1806, 0x1806}, {0x180B, 0x180D},
    {0x200B, 0x200D}, {0x2060, 0x2060}, {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF},
};

// Prohibited output (RFC 4013 section 2.3), sorted and merged: C.2.1 and C.2.2 (control),
// C.3 (private use), C.4 (non-characters; the plane-final pairs U+xFFFE/U+xFFFF are checked
// apart), C.5 (surrogates), C.6 (inappropriate for plain text), C.7 (ideographic description),
// C.8 (change display properties) and C.9 (tagging). C.1.2 cannot remain after mapping.
constexpr code_range prohibited[] = {
    {0x0000, 0x001F},   {0x007F, 0x009F},   {0x0340, 0x0341},   {0x06DD, 0x06DD},   {0x070F, 0x070F},
    {0x180E, 0x180E},   {0x200C, 0x200F},   {0x2028, 0x202E},   {0x2060, 0x2063},   {0x206A, 0x206F},
    {0x2FF0, 0x2FFB},   {0xD800, 0xF8FF},   {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFF},
    {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0xFFFFD}, {0x100000, 0x10FFFD},
};

bool is_prohibited(char32_t c) noexcept {
    return (c & 0xFFFE) == 0xFFFE || in_table(c, prohibited);
}

// Decodes one UTF-8 sequence at s[i], advancing i. Rejects what RFC 3629 forbids: stray
// continuation bytes, truncated sequences, overlong forms, surrogates and values past U+10FFFF.
bool next_code_point(std::string_view s, std::size_t& i, char32_t& out) noexcept {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t c = 0;
    char32_t min = 0;
    if (lead < 0x80) {
        out = lead;
        ++i;
        return true;
    }
    if ((lead & 0xE0) == 0xC0) {
        len = 2;
        c = lead & 0x1F;
        min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        len = 3;
        c = lead & 0x0F;
        min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        len = 4;
        c = lead & 0x07;
        min = 0x10000;
    } else {
        return false;
    }
    if (s.size() - i < len) {
        return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const auto cont = static_cast<unsigned char>(s[i + k]);
        if ((cont & 0xC0) != 0x80) {
            return false;
        }
        c = (c << 6) | (cont & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        return false;
    }
    out = c;
    i += len;
    return true;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

}  // namespace

std::string saslprep(std::string_view password) {
    bool ascii = true;
    for (const char c : password) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) {
        return std::string(password);
    }
    // Mapping never lengthens the text (a multi-byte space becomes one byte), so reserving the
    // input size up front means the string never reallocates and leaves no unwiped copy behind.
    std::string out;
    out.reserve(password.size());
    bool use_raw = false;
    std::size_t i = 0;
    while (i < password.size()) {
        char32_t c = 0;
        if (!next_code_point(password, i, c)) {
            use_raw = true;
            break;
        }
        if (in_table(c, non_ascii_space)) {
            out.push_back(' ');
        } else if (in_table(c, mapped_to_nothing)) {
            continue;
        } else if (is_prohibited(c)) {
            use_raw = true;
            break;
        } else {
            append_utf8(out, c);
        }
    }
    // PostgreSQL refuses a password that maps to nothing and falls back to the raw bytes.
    if (use_raw || out.empty()) {
        cleanse(out);
        out.assign(password.data(), password.size());
    }
    return out;
}

scram_sha256::scram_sha256(std::string_view password, std::string_view client_nonce,
                           std::uint32_t max_iterations, std::string_view username)
    : password_(saslprep(password)), max_iterations_(max_iterations) {
    if (client_nonce.empty()) {
        std::array<unsigned char, client_nonce_bytes> raw{};
        if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) == 1) {
            client_nonce_ = base64_encode(raw.data(), raw.size());
        }
    } else {
        client_nonce_ = std::string(client_nonce);
    }
    // An empty nonce here means RAND_bytes failed; the constructor cannot report it, so
    // handle_server_first() does, before anything derived from the password leaves the client.
    nonce_ok_ = is_printable_nonce(client_nonce_);
    client_first_bare_ = "n=" + escape_saslname(username) + ",r=" + client_nonce_;
    client_first_ = "n,," + client_first_bare_;
}

scram_sha256::~scram_sha256() {
    cleanse(password_);
    OPENSSL_cleanse(server_signature_, sizeof server_signature_);
}

std::error_code scram_sha256::fail(errc e, std::string_view detail) {
    state_ = state::failed;
    error_detail_.assign(detail.data(), detail.size());
    cleanse(password_);
    return e;
}

std::error_code scram_sha256::handle_server_first(std::string_view server_first) {
    if (state_ != state::await_server_first) {
        return fail(errc::scram_protocol_error, "server-first-message out of order");
    }
    if (!nonce_ok_) {
        return fail(errc::scram_protocol_error, client_nonce_.empty()
                                                    ? "could not generate a random client nonce"
                                                    : "client nonce is not printable ASCII without ','");
    }

    // server-first-message = nonce "," salt "," iteration-count; RFC 5802 allows a leading
    // mandatory extension ("m=") and trailing extensions, PostgreSQL sends neither and libpq
    // rejects both, so the message is exactly three attributes in this order.
    if (server_first.substr(0, 2) == "m=") {
        return fail(errc::scram_protocol_error, "server requires an unsupported extension (m=)");
    }
    std::string_view attrs[3];
    std::string_view rest = server_first;
    constexpr char names[3] = {'r', 's', 'i'};
    for (std::size_t k = 0; k < 3; ++k) {
        const std::size_t comma = rest.find(',');
        const std::string_view attr = rest.substr(0, comma);
        if (attr.size() < 2 || attr[0] != names[k] || attr[1] != '=') {
            static constexpr const char* expected[3] = {"expected r= (nonce) in server-first-message",
                                                        "expected s= (salt) after the nonce",
                                                        "expected i= (iteration count) after the salt"};
            return fail(errc::scram_protocol_error, expected[k]);
        }
        attrs[k] = attr.substr(2);
        if (comma == std::string_view::npos) {
            rest = {};
            if (k < 2) {
                return fail(errc::scram_protocol_error, "server-first-message is truncated");
            }
        } else {
            if (k == 2) {
                return fail(errc::scram_protocol_error, "unexpected data after the iteration count");
            }
            rest = rest.substr(comma + 1);
        }
    }
    const std::string_view nonce = attrs[0];
    const std::string_view salt_b64 = attrs[1];
    const std::string_view count = attrs[2];

    if (!is_printable_nonce(nonce)) {
        return fail(errc::scram_protocol_error, "nonce is empty or not printable ASCII");
    }
    if (nonce.size() <= client_nonce_.size() || nonce.substr(0, client_nonce_.size()) != client_nonce_) {
        return fail(errc::scram_protocol_error, "server nonce does not extend the client nonce");
    }

    std::string salt;
    if (!base64_decode(salt_b64, salt)) {
        return fail(errc::scram_protocol_error, "salt is not valid base64");
    }
    if (salt.size() > static_cast<std::size_t>(INT_MAX)) {
        return fail(errc::scram_protocol_error, "salt is too long");
    }

    // posit-number = %x31-39 *DIGIT. Syntax is checked to the end before the cap, so
    // "99999999999999999999x" is a protocol error, not a too-high count.
    if (count.empty() || count[0] == '0') {
        return fail(errc::scram_protocol_error, "iteration count is not a positive decimal number");
    }
    std::uint64_t iterations = 0;
    bool too_high = false;
    for (const char c : count) {
        if (c < '0' || c > '9') {
            return fail(errc::scram_protocol_error, "iteration count is not a positive decimal number");
        }
        if (!too_high) {
            iterations = iterations * 10 + static_cast<std::uint64_t>(c - '0');
            // PKCS5_PBKDF2_HMAC takes an int count, so INT_MAX is a hard cap whatever the option.
            too_high = iterations > max_iterations_ || iterations > static_cast<std::uint64_t>(INT_MAX);
        }
    }
    if (too_high) {
        std::string detail = "server asked for ";
        detail.append(count.size() <= 20 ? count : std::string_view("more than 10^20"));
        detail.append(" PBKDF2 iterations, the limit is ").append(std::to_string(max_iterations_));
        return fail(errc::scram_iteration_count_too_high, detail);
    }
    if (password_.size() > static_cast<std::size_t>(INT_MAX)) {
        return fail(errc::scram_protocol_error, "password is too long");
    }

    std::string final_without_proof = "c=biws,r=";
    final_without_proof.append(nonce);
    auth_message_.reserve(client_first_bare_.size() + server_first.size() + final_without_proof.size() + 2);
    auth_message_.append(client_first_bare_)
        .append(",")
        .append(server_first)
        .append(",")
        .append(final_without_proof);

    // RFC 5802 section 3:
    //   SaltedPassword  := Hi(Normalize(password), salt, i)
    //   ClientKey       := HMAC(SaltedPassword, "Client Key")
    //   StoredKey       := H(ClientKey)
    //   ClientSignature := HMAC(StoredKey, AuthMessage)
    //   ClientProof     := ClientKey XOR ClientSignature
    //   ServerKey       := HMAC(SaltedPassword, "Server Key")
    //   ServerSignature := HMAC(ServerKey, AuthMessage)
    secret_key salted;
    secret_key client_key;
    secret_key stored_key;
    secret_key client_signature;
    secret_key server_key;
    secret_key server_signature;
    const bool ok = PKCS5_PBKDF2_HMAC(password_.data(), static_cast<int>(password_.size()), bytes_of(salt),
                                      static_cast<int>(salt.size()), static_cast<int>(iterations),
                                      EVP_sha256(), static_cast<int>(key_size), salted.bytes.data()) == 1 &&
                    hmac_sha256(salted.bytes.data(), key_size, "Client Key", client_key) &&
                    sha256(client_key.bytes.data(), key_size, stored_key) &&
                    hmac_sha256(stored_key.bytes.data(), key_size, auth_message_, client_signature) &&
                    hmac_sha256(salted.bytes.data(), key_size, "Server Key", server_key) &&
                    hmac_sha256(server_key.bytes.data(), key_size, auth_message_, server_signature);
    cleanse(password_);
    if (!ok) {
        return fail(errc::scram_protocol_error, "libcrypto failed to compute the SCRAM keys");
    }
    secret_key proof;
    for (std::size_t k = 0; k < key_size; ++k) {
        proof.bytes[k] = client_key.bytes[k] ^ client_signature.bytes[k];
    }
    static_assert(sizeof server_signature_ == key_size);
    for (std::size_t k = 0; k < key_size; ++k) {
        server_signature_[k] = server_signature.bytes[k];
    }

    client_final_ = std::move(final_without_proof);
    client_final_.append(",p=").append(base64_encode(proof.bytes.data(), key_size));
    state_ = state::await_server_final;
    return {};
}

std::error_code scram_sha256::handle_server_final(std::string_view server_final) {
    if (state_ != state::await_server_final) {
        return fail(errc::scram_protocol_error, "server-final-message out of order");
    }
    if (server_final.substr(0, 2) == "e=") {
        return fail(errc::scram_protocol_error, server_final.substr(2));
    }
    if (server_final.substr(0, 2) != "v=") {
        return fail(errc::scram_protocol_error, "expected v= (server signature) or e= (error)");
    }
    const std::string_view value = server_final.substr(2);
    if (value.find(',') != std::string_view::npos) {
        return fail(errc::scram_protocol_error, "unexpected data after the server signature");
    }
    std::string signature;
    if (!base64_decode(value, signature)) {
        return fail(errc::scram_protocol_error, "server signature is not valid base64");
    }
    if (signature.size() != key_size) {
        return fail(errc::scram_protocol_error, "server signature is not 32 bytes long");
    }
    if (CRYPTO_memcmp(signature.data(), server_signature_, key_size) != 0) {
        return fail(errc::scram_server_signature_mismatch, {});
    }
    state_ = state::done;
    return {};
}

}  // namespace pgring::wire
