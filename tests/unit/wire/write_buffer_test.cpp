#include "wire/write_buffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <new>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using pgring::errc;
using pgring::wire::write_buffer;
using bytes = std::vector<std::byte>;

bytes to_bytes(std::string_view s) {
    bytes b;
    for (const char c : s) {
        b.push_back(static_cast<std::byte>(c));
    }
    return b;
}

bytes be32(std::uint32_t v) {
    return {std::byte(v >> 24), std::byte(v >> 16), std::byte(v >> 8), std::byte(v)};
}

bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const bytes& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

// The pending spans, one vector per span, so that tests see the chunk layout too.
std::vector<bytes> spans_of(const write_buffer& wb) {
    std::span<const std::byte> spans[256];
    const std::size_t n = wb.pending(spans, 256);
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

// A message `tag`, length, then `body`.
bytes message(char tag, const bytes& body) {
    return cat({bytes{std::byte(tag)}, be32(static_cast<std::uint32_t>(body.size() + 4)), body});
}

void write_message(write_buffer& wb, char tag, std::string_view body) {
    wb.begin_message(tag);
    wb.append(body);
    ASSERT_FALSE(wb.end_message());
}

// Everything observable about two buffers is equal: pending layout and bytes, message state.
void expect_same(const write_buffer& a, const write_buffer& b) {
    EXPECT_EQ(spans_of(a), spans_of(b));
    EXPECT_EQ(a.pending_bytes(), b.pending_bytes());
    EXPECT_EQ(a.in_message(), b.in_message());
    EXPECT_EQ(a.message_size(), b.message_size());
}

TEST(WriteBuffer, StartsEmptyWithoutAllocating) {
    write_buffer wb(16);
    EXPECT_TRUE(wb.empty());
    EXPECT_EQ(wb.pending_bytes(), 0u);
    EXPECT_FALSE(wb.in_message());
    EXPECT_EQ(wb.message_size(), 0u);
    EXPECT_EQ(wb.chunks_allocated(), 0u);
    EXPECT_TRUE(spans_of(wb).empty());
}

TEST(WriteBuffer, OpenMessageIsNotPending) {
    write_buffer wb(64);
    wb.begin_message('Q');
    EXPECT_TRUE(wb.in_message());
    wb.append(std::string_view("abc"));
    EXPECT_EQ(wb.message_size(), 8u);
    EXPECT_TRUE(wb.empty());
    EXPECT_TRUE(spans_of(wb).empty());
    ASSERT_FALSE(wb.end_message());
    EXPECT_FALSE(wb.in_message());
    EXPECT_EQ(wb.message_size(), 0u);
    EXPECT_EQ(pending_of(wb), message('Q', to_bytes("abc")));
    EXPECT_EQ(wb.pending_bytes(), 8u);
}

TEST(WriteBuffer, BytesAfterTheSealPointStayHidden) {
    write_buffer wb(64);
    write_message(wb, 'S', "");
    wb.begin_message('Q');
    wb.append(std::string_view("more"));
    EXPECT_EQ(pending_of(wb), message('S', {}));
    ASSERT_FALSE(wb.end_message());
    EXPECT_EQ(pending_of(wb), cat({message('S', {}), message('Q', to_bytes("more"))}));
}

TEST(WriteBuffer, TaglessMessageHasLengthOnly) {
    write_buffer wb(64);
    wb.begin_message('\0');
    EXPECT_EQ(wb.message_size(), 4u);
    wb.append_i32(80877103);
    ASSERT_FALSE(wb.end_message());
    EXPECT_EQ(pending_of(wb), (bytes{std::byte{0}, std::byte{0}, std::byte{0}, std::byte{8}, std::byte{0x04},
                                     std::byte{0xd2}, std::byte{0x16}, std::byte{0x2f}}));
}

TEST(WriteBuffer, IntegersAreBigEndian) {
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{64}}) {
        write_buffer wb(chunk);
        wb.begin_message('x');
        wb.append_u8(0xAB);
        wb.append_i16(-2);
        wb.append_i32(0x01020304);
        wb.append_u32(0xF0E0D0C0u);
        wb.append_i64(0x0102030405060708LL);
        ASSERT_FALSE(wb.end_message());
        const bytes body{std::byte{0xAB}, std::byte{0xFF}, std::byte{0xFE}, std::byte{1},    std::byte{2},
                         std::byte{3},    std::byte{4},    std::byte{0xF0}, std::byte{0xE0}, std::byte{0xD0},
                         std::byte{0xC0}, std::byte{1},    std::byte{2},    std::byte{3},    std::byte{4},
                         std::byte{5},    std::byte{6},    std::byte{7},    std::byte{8}};
        EXPECT_EQ(pending_of(wb), message('x', body)) << "chunk size " << chunk;
    }
}

TEST(WriteBuffer, AppendCstringRejectsNulAndWritesNothing) {
    write_buffer wb(16);
    wb.begin_message('Q');
    EXPECT_EQ(wb.append_cstring(std::string_view("a\0b", 3)), errc::embedded_nul);
    EXPECT_EQ(wb.message_size(), 5u);
    EXPECT_FALSE(wb.append_cstring("ab"));
    ASSERT_FALSE(wb.end_message());
    EXPECT_EQ(pending_of(wb), message('Q', cat({to_bytes("ab"), bytes{std::byte{0}}})));
}

TEST(WriteBuffer, EndMessageWithoutMessageIsInvalidState) {
    write_buffer wb(16);
    EXPECT_EQ(wb.end_message(), errc::invalid_state);
    EXPECT_TRUE(wb.empty());
}

TEST(WriteBuffer, MessageSpansChunks) {
    write_buffer wb(8);
    const std::string body = "0123456789abcdefghijklmnopqrstuvwxyz";
    write_message(wb, 'd', body);
    const auto spans = spans_of(wb);
    EXPECT_GT(spans.size(), 4u);
    for (const bytes& s : spans) {
        EXPECT_LE(s.size(), 8u);
    }
    EXPECT_EQ(pending_of(wb), message('d', to_bytes(body)));
}

// The 5-byte header of a message is contiguous whatever is left in the current chunk.
TEST(WriteBuffer, HeaderNeverStraddlesChunks) {
    for (std::size_t chunk = 1; chunk <= 12; ++chunk) {
        for (std::size_t prefix = 0; prefix <= 20; ++prefix) {
            write_buffer wb(chunk);
            wb.begin_message('a');
            wb.append(std::string(prefix, 'p'));
            ASSERT_FALSE(wb.end_message());
            wb.begin_message('b');
            wb.append(std::string_view("xy"));
            ASSERT_FALSE(wb.end_message());
            const bytes expected =
                cat({message('a', to_bytes(std::string(prefix, 'p'))), message('b', to_bytes("xy"))});
            EXPECT_EQ(pending_of(wb), expected);
            // Find the span holding the second message's first byte.
            std::size_t offset = 0;
            const std::size_t start = 5 + prefix;
            for (const bytes& s : spans_of(wb)) {
                if (start >= offset && start < offset + s.size()) {
                    EXPECT_GE(offset + s.size() - start, 5u) << "chunk " << chunk << " prefix " << prefix;
                    EXPECT_EQ(s[start - offset], std::byte{'b'});
                }
                offset += s.size();
            }
        }
    }
}

TEST(WriteBuffer, ReserveIsContiguousEvenPastChunkSize) {
    for (const std::size_t n :
         {std::size_t{1}, std::size_t{7}, std::size_t{16}, std::size_t{17}, std::size_t{40}}) {
        write_buffer wb(16);
        write_message(wb, 'a', "123456789");  // leaves 2 bytes free in the first chunk
        wb.begin_message('d');
        std::span<std::byte> s = wb.reserve(n);
        ASSERT_EQ(s.size(), n);
        for (std::size_t i = 0; i < n; ++i) {
            s[i] = static_cast<std::byte>(i);
        }
        wb.append_u8(0xEE);
        ASSERT_FALSE(wb.end_message());
        bytes body;
        for (std::size_t i = 0; i < n; ++i) {
            body.push_back(static_cast<std::byte>(i));
        }
        body.push_back(std::byte{0xEE});
        EXPECT_EQ(pending_of(wb), cat({message('a', to_bytes("123456789")), message('d', body)}));
        // The reserved bytes sit inside one span.
        bool found = false;
        for (const bytes& span : spans_of(wb)) {
            const auto it = std::search(span.begin(), span.end(), body.begin(), body.end() - 1);
            found = found || it != span.end();
        }
        EXPECT_TRUE(found) << n;
    }
}

TEST(WriteBuffer, ImpossibleReserveThrowsBadAlloc) {
    write_buffer wb(16);
    write_message(wb, 'S', "");
    EXPECT_THROW(wb.reserve(SIZE_MAX - 3), std::bad_alloc);
    EXPECT_EQ(pending_of(wb), message('S', {}));
    write_message(wb, 'H', "");
    EXPECT_EQ(pending_of(wb), cat({message('S', {}), message('H', {})}));
}

TEST(WriteBuffer, ReserveZeroWritesNothing) {
    write_buffer wb(8);
    wb.begin_message('d');
    EXPECT_TRUE(wb.reserve(0).empty());
    ASSERT_FALSE(wb.end_message());
    EXPECT_EQ(pending_of(wb), message('d', {}));
}

TEST(WriteBuffer, ReservePatchStaysValid) {
    write_buffer wb(8);
    wb.begin_message('B');
    std::byte* p = wb.reserve_patch(4);
    wb.append(std::string_view("0123456789abcdef"));  // moves on to other chunks
    p[0] = std::byte{1};
    p[1] = std::byte{0};
    p[2] = std::byte{0};
    p[3] = std::byte{4};
    ASSERT_FALSE(wb.end_message());
    EXPECT_EQ(pending_of(wb), message('B', cat({bytes{std::byte{1}, std::byte{0}, std::byte{0}, std::byte{4}},
                                                to_bytes("0123456789abcdef")})));
}

TEST(WriteBuffer, PendingStopsAtMax) {
    write_buffer wb(8);
    write_message(wb, 'd', "0123456789abcdefghij");
    const auto all = spans_of(wb);
    ASSERT_GE(all.size(), 3u);
    std::span<const std::byte> two[2];
    ASSERT_EQ(wb.pending(two, 2), 2u);
    EXPECT_EQ(bytes(two[0].begin(), two[0].end()), all[0]);
    EXPECT_EQ(bytes(two[1].begin(), two[1].end()), all[1]);
    EXPECT_EQ(wb.pending(two, 0), 0u);
}

// Builds the same stream of several messages over tiny chunks.
bytes fill_stream(write_buffer& wb) {
    bytes expected;
    for (int i = 0; i < 6; ++i) {
        const std::string body(static_cast<std::size_t>(i * 5), static_cast<char>('a' + i));
        write_message(wb, static_cast<char>('A' + i), body);
        const bytes m = message(static_cast<char>('A' + i), to_bytes(body));
        expected.insert(expected.end(), m.begin(), m.end());
    }
    return expected;
}

TEST(WriteBuffer, PartialConsumeAtEveryOffset) {
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{8}, std::size_t{16}}) {
        write_buffer probe(chunk);
        const bytes full = fill_stream(probe);
        for (std::size_t k = 0; k <= full.size(); ++k) {
            write_buffer wb(chunk);
            fill_stream(wb);
            wb.consume(k);
            EXPECT_EQ(wb.pending_bytes(), full.size() - k);
            EXPECT_EQ(pending_of(wb), bytes(full.begin() + static_cast<std::ptrdiff_t>(k), full.end()))
                << "chunk " << chunk << " offset " << k;
            // Then the rest in uneven steps.
            std::size_t done = k;
            std::size_t step = 1;
            while (!wb.empty()) {
                const std::size_t s = std::min(step, wb.pending_bytes());
                wb.consume(s);
                done += s;
                ASSERT_EQ(pending_of(wb),
                          bytes(full.begin() + static_cast<std::ptrdiff_t>(done), full.end()));
                step = step * 2 + 1;
            }
            EXPECT_EQ(done, full.size());
            EXPECT_TRUE(spans_of(wb).empty());
        }
    }
}

TEST(WriteBuffer, ConsumeKeepsTheOpenMessage) {
    write_buffer wb(8);
    write_message(wb, 'S', "");
    wb.begin_message('Q');
    wb.append(std::string_view("0123456789"));
    wb.consume(5);
    EXPECT_TRUE(wb.empty());
    EXPECT_EQ(wb.message_size(), 15u);
    ASSERT_FALSE(wb.end_message());
    EXPECT_EQ(pending_of(wb), message('Q', to_bytes("0123456789")));
}

TEST(WriteBuffer, WarmBufferStopsAllocating) {
    write_buffer wb(16);
    std::size_t after_warmup = 0;
    for (int round = 0; round < 200; ++round) {
        for (int i = 0; i < 10; ++i) {
            write_message(wb, 'B', "parameter bytes");
            write_message(wb, 'E', "");
        }
        wb.begin_message('d');
        wb.reserve(50);  // an oversized chunk every round
        ASSERT_FALSE(wb.end_message());
        write_message(wb, 'S', "");
        // The driver sends in pieces.
        while (!wb.empty()) {
            wb.consume(std::min<std::size_t>(37, wb.pending_bytes()));
        }
        if (round == 2) {
            after_warmup = wb.chunks_allocated();
        }
    }
    EXPECT_GT(after_warmup, 0u);
    EXPECT_EQ(wb.chunks_allocated(), after_warmup);
}

TEST(WriteBuffer, ClearDropsEverythingAndRecycles) {
    write_buffer wb(8);
    fill_stream(wb);
    wb.begin_message('Q');
    wb.append(std::string_view("open"));
    const std::size_t allocated = wb.chunks_allocated();
    wb.clear();
    EXPECT_TRUE(wb.empty());
    EXPECT_FALSE(wb.in_message());
    EXPECT_TRUE(spans_of(wb).empty());
    const bytes again = fill_stream(wb);
    EXPECT_EQ(pending_of(wb), again);
    EXPECT_EQ(wb.chunks_allocated(), allocated);
}

TEST(WriteBuffer, MoveTransfersContent) {
    write_buffer a(8);
    const bytes full = fill_stream(a);
    a.consume(3);
    write_buffer b(std::move(a));
    EXPECT_EQ(pending_of(b), bytes(full.begin() + 3, full.end()));
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from buffers are reusable
    write_message(a, 'H', "");
    EXPECT_EQ(pending_of(a), message('H', {}));
    write_buffer c(8);
    write_message(c, 'X', "");
    c = std::move(b);
    EXPECT_EQ(pending_of(c), bytes(full.begin() + 3, full.end()));
    write_message(c, 'S', "");
    EXPECT_EQ(pending_of(c), cat({bytes(full.begin() + 3, full.end()), message('S', {})}));
}

TEST(WriteBuffer, MaxLengthIsCheckedAtEndMessage) {
    write_buffer wb(8, 32);
    EXPECT_EQ(wb.max_length(), 32u);
    write_message(wb, 'S', "");
    wb.begin_message('d');
    wb.append(std::string(28, 'x'));  // length field 32: allowed
    EXPECT_FALSE(wb.end_message());
    const auto m = wb.get_mark();
    wb.begin_message('d');
    wb.append(std::string(29, 'x'));  // length field 33
    EXPECT_EQ(wb.end_message(), errc::message_too_large);
    EXPECT_TRUE(wb.in_message());
    wb.rollback(m);
    EXPECT_FALSE(wb.in_message());
    EXPECT_EQ(pending_of(wb), cat({message('S', {}), message('d', to_bytes(std::string(28, 'x')))}));
}

TEST(WriteBuffer, MaxLengthCountsTaglessHeader) {
    write_buffer wb(64, 16);
    wb.begin_message('\0');
    wb.append(std::string(12, 'x'));
    EXPECT_FALSE(wb.end_message());
    wb.begin_message('\0');
    wb.append(std::string(13, 'x'));
    EXPECT_EQ(wb.end_message(), errc::message_too_large);
}

TEST(WriteBuffer, MaxLengthIsClamped) {
    EXPECT_EQ(write_buffer(8, 0).max_length(), write_buffer::min_max_length);
    EXPECT_EQ(write_buffer(8, ~std::size_t{0}).max_length(), write_buffer::max_message_length);
    EXPECT_EQ(write_buffer().max_length(), write_buffer::max_message_length);
}

TEST(WriteBuffer, RollbackWithinOneChunk) {
    write_buffer wb(64);
    write_message(wb, 'S', "");
    const auto m = wb.get_mark();
    write_message(wb, 'Q', "abc");
    wb.begin_message('P');
    wb.append(std::string_view("xyz"));
    wb.rollback(m);
    EXPECT_FALSE(wb.in_message());
    EXPECT_EQ(pending_of(wb), message('S', {}));
    write_message(wb, 'H', "");
    EXPECT_EQ(pending_of(wb), cat({message('S', {}), message('H', {})}));
}

// Two buffers: one writes junk after a mark and rolls it back, the other never wrote it. Right
// after the rollback they are indistinguishable, chunk layout included, and they produce the same
// bytes whatever is written next.
void twin_rollback(std::size_t chunk, std::size_t prefix_len, std::size_t junk_len, bool reserve_junk,
                   bool mark_inside_message) {
    write_buffer a(chunk);
    write_buffer b(chunk);
    for (write_buffer* wb : {&a, &b}) {
        write_message(*wb, 'S', "");
        wb->consume(2);
        if (mark_inside_message) {
            wb->begin_message('Q');
        }
        wb->append(std::string(prefix_len, 'p'));
    }
    const auto m = a.get_mark();
    // Junk: more of the open message (if any), sealed messages, an open one.
    a.append(std::string(junk_len, 'j'));
    if (mark_inside_message) {
        ASSERT_FALSE(a.end_message());
    }
    write_message(a, 'X', std::string(junk_len, 'k'));
    a.begin_message('Y');
    if (reserve_junk) {
        a.reserve(junk_len * 3 + 1);
    } else {
        a.append(std::string(junk_len, 'l'));
    }
    a.rollback(m);
    expect_same(a, b);
    for (write_buffer* wb : {&a, &b}) {
        wb->append(std::string_view("suffix"));
        if (mark_inside_message) {
            ASSERT_FALSE(wb->end_message());
        }
        write_message(*wb, 'Z', "0123456789");
    }
    // Regular chunks are interchangeable, so the layout still matches (a header needs an
    // oversized chunk when chunks are under 5 bytes).
    if (chunk >= 5) {
        expect_same(a, b);
    }
    for (write_buffer* wb : {&a, &b}) {
        wb->begin_message('W');
        for (std::byte& x : wb->reserve(chunk + 2)) {
            x = std::byte{0x5A};
        }
        ASSERT_FALSE(wb->end_message());
    }
    // The same bytes; the layout may now differ, as `a` has an oversized spare chunk `b` lacks.
    EXPECT_EQ(pending_of(a), pending_of(b));
}

TEST(WriteBuffer, RollbackRestoresLayoutAcrossChunks) {
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{8}, std::size_t{16}}) {
        for (std::size_t prefix = 0; prefix < 12; ++prefix) {
            for (const std::size_t junk : {std::size_t{0}, std::size_t{3}, std::size_t{9}, std::size_t{40}}) {
                for (const bool reserve_junk : {false, true}) {
                    for (const bool inside : {false, true}) {
                        SCOPED_TRACE(::testing::Message()
                                     << "chunk " << chunk << " prefix " << prefix << " junk " << junk
                                     << " reserve " << reserve_junk << " inside " << inside);
                        twin_rollback(chunk, prefix, junk, reserve_junk, inside);
                    }
                }
            }
        }
    }
}

TEST(WriteBuffer, RollbackInsideOpenMessageKeepsItOpen) {
    write_buffer wb(8);
    wb.begin_message('B');
    wb.append(std::string_view("abc"));
    const auto m = wb.get_mark();
    wb.append(std::string(30, 'z'));
    wb.rollback(m);
    EXPECT_TRUE(wb.in_message());
    EXPECT_EQ(wb.message_size(), 8u);
    wb.append(std::string_view("d"));
    ASSERT_FALSE(wb.end_message());
    EXPECT_EQ(pending_of(wb), message('B', to_bytes("abcd")));
}

TEST(WriteBuffer, RollbackAfterConsumingEarlierBytes) {
    write_buffer wb(8);
    write_message(wb, 'Q', "0123456789");
    const auto m = wb.get_mark();
    wb.consume(7);
    write_message(wb, 'X', std::string(20, 'x'));
    wb.begin_message('Y');
    wb.append(std::string(20, 'y'));
    wb.rollback(m);
    const bytes first = message('Q', to_bytes("0123456789"));
    EXPECT_EQ(pending_of(wb), bytes(first.begin() + 7, first.end()));
    write_message(wb, 'S', "");
    EXPECT_EQ(pending_of(wb), cat({bytes(first.begin() + 7, first.end()), message('S', {})}));
}

TEST(WriteBuffer, RollbackAfterEverythingWasSent) {
    write_buffer wb(8);
    write_message(wb, 'Q', "01234");
    const auto m = wb.get_mark();
    wb.consume(wb.pending_bytes());
    write_message(wb, 'X', std::string(20, 'x'));
    wb.rollback(m);
    EXPECT_TRUE(wb.empty());
    write_message(wb, 'S', "");
    EXPECT_EQ(pending_of(wb), message('S', {}));
}

TEST(WriteBuffer, RollbackToFreshBufferMark) {
    write_buffer wb(8);
    const auto m = wb.get_mark();
    write_message(wb, 'X', std::string(20, 'x'));
    wb.begin_message('Y');
    wb.rollback(m);
    EXPECT_TRUE(wb.empty());
    EXPECT_FALSE(wb.in_message());
    write_message(wb, 'S', "");
    EXPECT_EQ(pending_of(wb), message('S', {}));
}

// Random operations against a plain byte-vector model, with a fixed seed.
struct model {
    bytes stream;  // every byte written (positions are indices)
    std::size_t sealed = 0;
    std::size_t consumed = 0;
    bool in_message = false;
    std::size_t message_start = 0;
    std::size_t length_at = 0;
    std::vector<std::size_t> message_starts;
};

void check_against(const write_buffer& wb, const model& md) {
    const bytes want(md.stream.begin() + static_cast<std::ptrdiff_t>(md.consumed),
                     md.stream.begin() + static_cast<std::ptrdiff_t>(md.sealed));
    ASSERT_EQ(pending_of(wb), want);
    ASSERT_EQ(wb.pending_bytes(), md.sealed - md.consumed);
    ASSERT_EQ(wb.in_message(), md.in_message);
    ASSERT_EQ(wb.message_size(), md.in_message ? md.stream.size() - md.message_start : 0);
    // Headers of unsent messages lie inside one span.
    const auto spans = spans_of(wb);
    for (const std::size_t start : md.message_starts) {
        if (start < md.consumed || start >= md.sealed) {
            continue;
        }
        std::size_t offset = md.consumed;
        for (const bytes& s : spans) {
            if (start >= offset && start < offset + s.size()) {
                ASSERT_GE(offset + s.size() - start, 5u);
            }
            offset += s.size();
        }
    }
}

TEST(WriteBuffer, RandomOperationsMatchModel) {
    for (const std::size_t chunk :
         {std::size_t{1}, std::size_t{6}, std::size_t{8}, std::size_t{16}, std::size_t{64}}) {
        std::mt19937 rng(static_cast<unsigned>(chunk) * 7919u);
        write_buffer wb(chunk);
        model md;
        std::vector<std::pair<write_buffer::mark, model>> marks;
        for (int step = 0; step < 4000; ++step) {
            const unsigned op = rng() % 100;
            if (!md.in_message && op < 20) {
                wb.begin_message('M');
                md.message_start = md.stream.size();
                md.message_starts.push_back(md.stream.size());
                md.stream.push_back(std::byte{'M'});
                md.length_at = md.stream.size();
                md.stream.insert(md.stream.end(), 4, std::byte{0});
                md.in_message = true;
            } else if (md.in_message && op < 45) {
                const std::size_t n = rng() % (3 * chunk + 2);
                bytes data(n);
                for (std::byte& x : data) {
                    x = static_cast<std::byte>(rng());
                }
                if (rng() % 2 == 0) {
                    wb.append(data);
                } else {
                    std::span<std::byte> s = wb.reserve(n);
                    ASSERT_EQ(s.size(), n);
                    std::copy(data.begin(), data.end(), s.begin());
                }
                md.stream.insert(md.stream.end(), data.begin(), data.end());
            } else if (md.in_message && op < 55) {
                const auto v = static_cast<std::int32_t>(rng());
                wb.append_i32(v);
                const bytes b = be32(static_cast<std::uint32_t>(v));
                md.stream.insert(md.stream.end(), b.begin(), b.end());
            } else if (md.in_message && op < 70) {
                ASSERT_FALSE(wb.end_message());
                const bytes len = be32(static_cast<std::uint32_t>(md.stream.size() - md.length_at));
                std::copy(len.begin(), len.end(),
                          md.stream.begin() + static_cast<std::ptrdiff_t>(md.length_at));
                md.in_message = false;
                md.sealed = md.stream.size();
            } else if (op < 80) {
                const std::size_t pending = md.sealed - md.consumed;
                const std::size_t n = pending == 0 ? 0 : rng() % (pending + 1);
                wb.consume(n);
                md.consumed += n;
                // Marks whose sealed point was passed are no longer valid.
                marks.erase(std::remove_if(marks.begin(), marks.end(),
                                           [&](const auto& mk) { return mk.second.sealed < md.consumed; }),
                            marks.end());
            } else if (op < 90) {
                marks.emplace_back(wb.get_mark(), md);
            } else if (!marks.empty()) {
                const std::size_t i = rng() % marks.size();
                wb.rollback(marks[i].first);
                const std::size_t consumed = md.consumed;
                md = marks[i].second;
                md.consumed = consumed;
                marks.resize(i + 1);
            }
            check_against(wb, md);
            if (HasFatalFailure()) {
                FAIL() << "chunk " << chunk << " step " << step;
            }
        }
    }
}

}  // namespace
