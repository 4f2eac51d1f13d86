#pragma once

/// @file
/// PostgreSQL's full-text search types: pgring::tsvector (a sorted list of lexemes with
/// positions) and pgring::tsquery (a boolean/phrase query over lexemes), with their binary
/// codecs.

#include <pgring/codec.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pgring {

/// The weight of a tsvector position: A is the highest, D (the default) the lowest.
enum class ts_weight : std::uint8_t {
    d = 0,  ///< D, the default; not written in the text form.
    c = 1,  ///< C
    b = 2,  ///< B
    a = 3,  ///< A
};

/// A PostgreSQL `tsvector`: lexemes, each with up to 256 positions (1 to 16383) and their
/// weights.
///
/// The server keeps lexemes sorted (by bytes, a prefix first) and unique, and each lexeme's
/// positions strictly increasing; it sorts and merges what it receives, so a value sent in
/// another order comes back in its order. Decoding checks the positions but keeps the lexemes in
/// the order they arrive.
///
/// Thread: a plain value.
struct tsvector {
    /// One position of a lexeme.
    struct position {
        /// The position, 1 to 16383 (0 is representable on the wire but never produced).
        std::uint16_t pos = 1;
        /// Its weight.
        ts_weight weight = ts_weight::d;

        /// Member-wise comparison.
        friend constexpr auto operator<=>(const position&, const position&) = default;
    };

    /// One lexeme and its positions (none for a lexeme stripped of positions).
    struct lexeme {
        /// The lexeme's text: 0 to 2047 bytes, no NUL byte.
        std::string text;
        /// Its positions, strictly increasing, at most 256.
        std::vector<position> positions;

        /// Member-wise comparison.
        friend auto operator<=>(const lexeme&, const lexeme&) = default;
    };

    /// The largest lexeme, in bytes (MAXSTRLEN).
    static constexpr std::size_t max_lexeme_size = 2047;
    /// The most positions a lexeme has (MAXNUMPOS).
    static constexpr std::size_t max_positions = 256;
    /// The largest position (MAXENTRYPOS - 1).
    static constexpr std::uint16_t max_position = 16383;

    /// The lexemes.
    std::vector<lexeme> lexemes;

    /// True when every lexeme is at most max_lexeme_size bytes without a NUL byte and has at most
    /// max_positions positions, each at most max_position and strictly increasing: when the value
    /// can be sent.
    bool is_valid() const noexcept;

    /// PostgreSQL's text output: `'a':1A,2 'b' 'it''s':3B`: each lexeme quoted, `'` and `\`
    /// doubled, then `:` and its positions, each followed by its weight letter unless D,
    /// lexemes separated by one space. The lexemes are written in the value's order.
    std::string to_string() const;

    /// Parses tsvector's input form into the value the server makes of it: lexemes separated by
    /// whitespace, each bare (up to whitespace or `:`; `\` escapes the next character) or in single
    /// quotes (`''` or `\'` for a quote), optionally followed by `:` and comma-separated positions,
    /// each a number (above 16383 taken as 16383) and an optional weight letter (A to D, either
    /// case, `*` for A). As the server does, the lexemes are sorted by bytes and merged, and each
    /// lexeme's positions sorted, a repeated position kept once with its highest weight, and cut
    /// to the first 256. Unlike the server, which ignores digits after a weight letter (`1A2` is
    /// `1A`), that is refused.
    ///
    /// Errors: `std::errc::invalid_argument` for anything else: an empty or unterminated quoted
    /// lexeme, a lone `\`, a position of 0, a missing position after `:` or `,`, a lexeme longer
    /// than 2047 bytes, a NUL byte; `out` is unchanged on error.
    static std::error_code parse(std::string_view text, tsvector& out);

    /// Member-wise comparison.
    friend auto operator<=>(const tsvector&, const tsvector&) = default;
};

/// A PostgreSQL `tsquery`: a tree of lexeme operands and operators, held as the server sends
/// it: a flat list of items in prefix order, where an operator is followed by its right
/// operand's items, then (for a binary operator) its left operand's.
///
/// Build one from operand() and the operator functions (`tsquery::and_(operand("a"),
/// not_(operand("b")))`), or fill `items` directly; is_valid() says whether they form one tree.
///
/// Thread: a plain value.
struct tsquery {
    /// The operators of tsquery, with the server's codes.
    enum class op : std::uint8_t {
        not_ = 1,    ///< `!` (unary)
        and_ = 2,    ///< `&`
        or_ = 3,     ///< `|`
        phrase = 4,  ///< `<->`, `<N>`
    };

    /// Weight flags of an operand (`'a':AB` matches only positions weighted A or B; none matches
    /// any weight).
    static constexpr std::uint8_t weight_a = 8;
    static constexpr std::uint8_t weight_b = 4;  ///< B, see weight_a.
    static constexpr std::uint8_t weight_c = 2;  ///< C, see weight_a.
    static constexpr std::uint8_t weight_d = 1;  ///< D, see weight_a.

    /// The largest phrase distance (`<16384>`).
    static constexpr std::int16_t max_distance = 16384;

    /// One item: an operand or an operator.
    struct item {
        /// True for an operand (lexeme), false for an operator.
        bool is_operand = true;
        /// An operand's lexeme: at most 2047 bytes, no NUL byte.
        std::string lexeme;
        /// An operand's weight flags (weight_a | ...; 0 for any).
        std::uint8_t weights = 0;
        /// An operand's prefix flag (`'a':*`).
        bool prefix = false;
        /// An operator's operator.
        op oper = op::and_;
        /// A phrase operator's distance (1 is `<->`), 0 to max_distance.
        std::int16_t distance = 1;

        /// Member-wise comparison.
        friend auto operator<=>(const item&, const item&) = default;
    };

    /// The items in prefix order; empty for the empty query.
    std::vector<item> items;

    /// A query of one lexeme.
    static tsquery operand(std::string lexeme, std::uint8_t weights = 0, bool prefix = false);
    /// `!q`.
    static tsquery not_(tsquery q);
    /// `left & right`.
    static tsquery and_(tsquery left, tsquery right);
    /// `left | right`.
    static tsquery or_(tsquery left, tsquery right);
    /// `left <distance> right` (`<->` for distance 1).
    static tsquery phrase(tsquery left, tsquery right, std::int16_t distance = 1);

    /// True when the items form exactly one tree (or none), with every lexeme valid, weights
    /// within 0 to 15, known operators and phrase distances within 0 to max_distance: when the
    /// value can be sent.
    bool is_valid() const noexcept;

    /// PostgreSQL's text output: `'a' & !'b' | 'c' <-> 'd' <2> 'e'`: lexemes quoted as in
    /// tsvector, `:` then `*` for a prefix and the weight letters when either is set, operators
    /// between spaces, and `( ... )` where the server puts them: around an operand of lower
    /// priority than its operator (| below & below <-> below !) and around a phrase that is a
    /// phrase's right operand. An empty query is "", and so is a value whose items do not form one
    /// tree.
    std::string to_string() const;

    /// Member-wise comparison.
    friend auto operator<=>(const tsquery&, const tsquery&) = default;
};

/// tsvector <-> `pgring::tsvector` (tsvectorsend: int32 lexeme count, then per lexeme its
/// NUL-terminated text, a uint16 position count and the positions as uint16, the weight in the
/// top two bits).
///
/// Errors: decoding rejects (`errc::malformed_message`) a negative count or one past what the
/// bytes can hold, a lexeme without terminator or longer than 2047 bytes, more than 256
/// positions, positions not strictly increasing, short input and trailing bytes. Encoding
/// refuses (`errc::value_out_of_range`) a value that is not tsvector::is_valid().
template <>
struct codec<tsvector> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::tsvector;

    static bool accepts(oid_t type) noexcept { return type == oid::tsvector; }
    static std::size_t encoded_size(const tsvector& value, oid_t type) noexcept;
    static std::error_code encode(const tsvector& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, tsvector& out);
    ///@}
};

/// tsquery <-> `pgring::tsquery` (tsquerysend: int32 item count, then the items in prefix order:
/// a type byte, 1 for an operand (weight byte, prefix byte, NUL-terminated lexeme) or 2 for an
/// operator (operator byte; for a phrase, an int16 distance)).
///
/// Errors: decoding rejects (`errc::malformed_message`) a negative count or one past what the
/// bytes can hold, an unknown item type or operator, a weight above 15, a prefix byte other than
/// 0 and 1, a lexeme without terminator or longer than 2047 bytes, a phrase distance outside 0
/// to 16384, items that do not form exactly one tree, short input and trailing bytes. Encoding
/// refuses (`errc::value_out_of_range`) a value that is not tsquery::is_valid().
template <>
struct codec<tsquery> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = oid::tsquery;

    static bool accepts(oid_t type) noexcept { return type == oid::tsquery; }
    static std::size_t encoded_size(const tsquery& value, oid_t type) noexcept;
    static std::error_code encode(const tsquery& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, tsquery& out);
    ///@}
};

}  // namespace pgring
