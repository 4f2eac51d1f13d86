#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "wire/scram.hpp"

namespace pgring::wire {

namespace {

constexpr std::size_t md5_size = 16;

// MD5 over the concatenation of two byte ranges, as 32 lowercase hex digits into `hex`.
// Both inputs are password-derived, so nothing is concatenated into a temporary buffer: the
// digest context is fed the two parts, and the raw digest is wiped after formatting.
bool md5_hex(std::span<const unsigned char> a, std::span<const unsigned char> b,
             std::array<char, 2 * md5_size>& hex) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) {
        return false;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    const bool ok = EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1 &&
                    EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 &&
                    EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
                    EVP_DigestFinal_ex(ctx, digest.data(), &len) == 1 && len == md5_size;
    EVP_MD_CTX_free(ctx);
    if (ok) {
        constexpr char digits[] = "0123456789abcdef";
        for (std::size_t i = 0; i < md5_size; ++i) {
            hex[2 * i] = digits[digest[i] >> 4];
            hex[2 * i + 1] = digits[digest[i] & 0x0F];
        }
    }
    OPENSSL_cleanse(digest.data(), digest.size());
    return ok;
}

std::span<const unsigned char> bytes_of(std::string_view s) noexcept {
    return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

}  // namespace

std::string md5_password_hash(std::string_view user, std::string_view password,
                              std::span<const std::byte> salt) {
    // The inner hash is what pg_authid stores for an md5 password: it is password-equivalent
    // for md5 authentication and is wiped once used.
    std::array<char, 2 * md5_size> inner{};
    std::array<char, 2 * md5_size> outer{};
    const bool ok = md5_hex(bytes_of(password), bytes_of(user), inner) &&
                    md5_hex(bytes_of(std::string_view(inner.data(), inner.size())),
                            {reinterpret_cast<const unsigned char*>(salt.data()), salt.size()}, outer);
    OPENSSL_cleanse(inner.data(), inner.size());
    if (!ok) {
        return {};
    }
    std::string result = "md5";
    result.append(outer.data(), outer.size());
    return result;
}

}  // namespace pgring::wire
