// Unit tests of wire::frame_reader: frames handed out in place, reassembly of frames split
// across inputs (at every byte boundary), size limits, sticky errors and the copy counter.

#include "wire/framing.hpp"

#include <pgring/error.hpp>

#include "backend_builders.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <string>
#include <vector>

// Records the largest single allocation, to show that reassembly memory follows the bytes that
// arrive and not the length a frame declares.
namespace {
std::size_t largest_allocation = 0;
}  // namespace

// GCC pairs the replacement operator new with free() below and warns; they match by design.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
    largest_allocation = std::max(largest_allocation, n);
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

namespace pgring::wire {
namespace {

namespace bb = pgring::test::backend;
using pgring::test::bytes;
using pgring::test::from_hex;
using pgring::test::to_bytes;
using pgring::test::to_hex;
using st = frame_reader::status;

// A frame copied out of the reader, so it can be compared after the reader moved on.
struct copied_frame {
    char tag = 0;
    bytes body;
    bool operator==(const copied_frame&) const = default;
};

std::ostream& operator<<(std::ostream& os, const copied_frame& f) {
    return os << "frame '" << f.tag << "' " << pgring::test::to_hex(f.body);
}

struct run_result {
    std::vector<copied_frame> frames;
    std::error_code ec;
};

// Feeds `chunks` in order, calling next() until each chunk is used up, as a driver would.
// Checks the reader's contract on every call: consumed <= input, need_more consumes everything.
run_result feed(frame_reader& reader, const std::vector<std::span<const std::byte>>& chunks) {
    run_result out;
    for (std::span<const std::byte> in : chunks) {
        for (;;) {
            frame f;
            const auto r = reader.next(in, f);
            EXPECT_LE(r.consumed, in.size());
            if (r.st == st::frame) {
                out.frames.push_back({f.tag, bytes(f.body.begin(), f.body.end())});
                in = in.subspan(r.consumed);
                continue;
            }
            if (r.st == st::error) {
                EXPECT_TRUE(r.ec);
                out.ec = r.ec;
                return out;
            }
            EXPECT_EQ(r.consumed, in.size());
            break;
        }
    }
    return out;
}

run_result feed_whole(frame_reader& reader, const bytes& stream) {
    return feed(reader, {std::span(stream)});
}

// A stream with frames of different sizes, empty bodies, and one larger than a typical chunk.
bytes sample_stream() {
    return bb::concat(bb::row_description_builder().field("a", 23).field("b", 25).frame(),
                      bb::data_row_builder().text("1").null().frame(), bb::bind_complete(),
                      bb::data_row_builder().text(std::string(300, 'x')).frame(),
                      bb::command_complete("SELECT 2"), bb::ready_for_query('I'));
}

std::vector<copied_frame> expected_sample_frames() {
    frame_reader reader;
    return feed_whole(reader, sample_stream()).frames;
}

TEST(FrameReader, WholeFrameIsAViewIntoTheInput) {
    const bytes in = bb::command_complete("SELECT 1");
    frame_reader reader;
    frame f;
    const auto r = reader.next(in, f);
    ASSERT_EQ(r.st, st::frame);
    EXPECT_FALSE(r.ec);
    EXPECT_EQ(r.consumed, in.size());
    EXPECT_EQ(f.tag, 'C');
    EXPECT_EQ(f.body.data(), in.data() + 5);
    EXPECT_EQ(f.body.size(), in.size() - 5);
    EXPECT_EQ(reader.copied_bytes(), 0u);
    EXPECT_FALSE(reader.has_partial());
}

TEST(FrameReader, EmptyBody) {
    const bytes in = bb::parse_complete();
    frame_reader reader;
    frame f;
    const auto r = reader.next(in, f);
    ASSERT_EQ(r.st, st::frame);
    EXPECT_EQ(r.consumed, 5u);
    EXPECT_EQ(f.tag, '1');
    EXPECT_TRUE(f.body.empty());
}

TEST(FrameReader, SeveralFramesInOneInput) {
    const bytes in = sample_stream();
    frame_reader reader;
    std::span<const std::byte> rest(in);
    std::string tags;
    for (;;) {
        frame f;
        const auto r = reader.next(rest, f);
        if (r.st != st::frame) {
            EXPECT_EQ(r.st, st::need_more);
            EXPECT_EQ(r.consumed, 0u);
            break;
        }
        tags += f.tag;
        EXPECT_GE(f.body.data(), in.data());
        EXPECT_LE(f.body.data() + f.body.size(), in.data() + in.size());
        rest = rest.subspan(r.consumed);
    }
    EXPECT_EQ(tags, "TD2DCZ");
    EXPECT_TRUE(rest.empty());
    EXPECT_EQ(reader.copied_bytes(), 0u);
}

TEST(FrameReader, ZeroLengthInput) {
    frame_reader reader;
    frame f;
    const auto r = reader.next({}, f);
    EXPECT_EQ(r.st, st::need_more);
    EXPECT_EQ(r.consumed, 0u);
    EXPECT_FALSE(r.ec);
    EXPECT_FALSE(reader.has_partial());
}

TEST(FrameReader, ZeroLengthInputKeepsThePartialFrame) {
    const bytes in = bb::command_complete("SELECT 1");
    frame_reader reader;
    frame f;
    ASSERT_EQ(reader.next(std::span(in).first(7), f).st, st::need_more);
    EXPECT_TRUE(reader.has_partial());
    const auto r = reader.next({}, f);
    EXPECT_EQ(r.st, st::need_more);
    EXPECT_EQ(r.consumed, 0u);
    EXPECT_TRUE(reader.has_partial());
    const auto done = reader.next(std::span(in).subspan(7), f);
    ASSERT_EQ(done.st, st::frame);
    EXPECT_EQ(done.consumed, in.size() - 7);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(f.body.data()), f.body.size()),
              std::string_view("SELECT 1\0", 9));
}

TEST(FrameReader, ReassembledFrameIsDroppedOnTheNextCall) {
    const bytes in = bb::ready_for_query('I');
    frame_reader reader;
    frame f;
    ASSERT_EQ(reader.next(std::span(in).first(2), f).st, st::need_more);
    ASSERT_EQ(reader.next(std::span(in).subspan(2), f).st, st::frame);
    EXPECT_EQ(f.tag, 'Z');
    ASSERT_EQ(f.body.size(), 1u);
    EXPECT_EQ(f.body[0], std::byte{'I'});
    EXPECT_FALSE(f.body.data() >= in.data() && f.body.data() < in.data() + in.size());  // a copy
    const auto r = reader.next({}, f);
    EXPECT_EQ(r.st, st::need_more);
    EXPECT_FALSE(reader.has_partial());
}

TEST(FrameReader, HugeReassemblyBufferIsFreedAfterItsFrame) {
    const bytes big = bb::data_row_builder().text(std::string(1 << 20, 'x')).frame();
    const bytes small = bb::ready_for_query('I');
    frame_reader reader;
    frame f;
    ASSERT_EQ(reader.next(std::span(big).first(100), f).st, st::need_more);
    ASSERT_EQ(reader.next(std::span(big).subspan(100), f).st, st::frame);
    EXPECT_EQ(f.body.size(), big.size() - 5);
    EXPECT_GE(reader.reassembly_capacity(), big.size());
    // A small straddling frame keeps its (small) buffer; the big one is released.
    ASSERT_EQ(reader.next(std::span(small).first(3), f).st, st::need_more);
    EXPECT_LE(reader.reassembly_capacity(), frame_reader::keep_reassembly_capacity);
    ASSERT_EQ(reader.next(std::span(small).subspan(3), f).st, st::frame);
    EXPECT_EQ(f.tag, 'Z');
}

TEST(FrameReader, SplitAtEveryByteBoundaryGivesTheSameFrames) {
    const bytes in = sample_stream();
    const auto expected = expected_sample_frames();
    ASSERT_EQ(expected.size(), 6u);
    for (std::size_t k = 0; k <= in.size(); ++k) {
        frame_reader reader;
        const auto got = feed(reader, {std::span(in).first(k), std::span(in).subspan(k)});
        EXPECT_FALSE(got.ec) << "split at " << k;
        EXPECT_EQ(got.frames, expected) << "split at " << k;
        EXPECT_FALSE(reader.has_partial()) << "split at " << k;
    }
}

TEST(FrameReader, SplitInThreeAtEveryPairOfBoundaries) {
    const bytes in = bb::concat(bb::data_row_builder().text("ab").null().frame(), bb::parse_complete(),
                                bb::ready_for_query('T'));
    frame_reader whole;
    const auto expected = feed_whole(whole, in).frames;
    ASSERT_EQ(expected.size(), 3u);
    for (std::size_t i = 0; i <= in.size(); ++i) {
        for (std::size_t j = i; j <= in.size(); ++j) {
            frame_reader reader;
            const std::span<const std::byte> s(in);
            const auto got = feed(reader, {s.first(i), s.subspan(i, j - i), s.subspan(j)});
            EXPECT_EQ(got.frames, expected) << "split at " << i << ", " << j;
        }
    }
}

TEST(FrameReader, OneByteAtATime) {
    const bytes in = sample_stream();
    std::vector<std::span<const std::byte>> chunks;
    for (std::size_t i = 0; i < in.size(); ++i) {
        chunks.push_back(std::span(in).subspan(i, 1));
    }
    frame_reader reader;
    const auto got = feed(reader, chunks);
    EXPECT_FALSE(got.ec);
    EXPECT_EQ(got.frames, expected_sample_frames());
    EXPECT_EQ(reader.copied_bytes(), in.size());
}

TEST(FrameReader, LengthBelowFourIsMalformed) {
    for (const char* hex : {"43 00000000", "43 00000003", "43 00000001 00 00 00"}) {
        frame_reader reader;
        frame f;
        const auto r = reader.next(from_hex(hex), f);
        EXPECT_EQ(r.st, st::error) << hex;
        EXPECT_EQ(r.ec, errc::malformed_message) << hex;
    }
}

TEST(FrameReader, LengthBelowFourIsMalformedWhenTheHeaderIsSplit) {
    const bytes in = from_hex("43 00000003");
    for (std::size_t k = 1; k < in.size(); ++k) {
        frame_reader reader;
        const auto got = feed(reader, {std::span(in).first(k), std::span(in).subspan(k)});
        EXPECT_EQ(got.ec, errc::malformed_message) << "split at " << k;
    }
}

TEST(FrameReader, LengthAbove31BitsIsMalformed) {
    frame_reader reader(SIZE_MAX);
    frame f;
    const auto r = reader.next(from_hex("44 80000000"), f);
    EXPECT_EQ(r.st, st::error);
    EXPECT_EQ(r.ec, errc::malformed_message);
}

TEST(FrameReader, BodyUpToTheLimitIsAccepted) {
    frame_reader reader(100);
    EXPECT_EQ(reader.max_message_size(), 100u);
    const bytes in = bb::copy_data(bytes(100, std::byte{'x'}));
    frame f;
    const auto r = reader.next(in, f);
    ASSERT_EQ(r.st, st::frame);
    EXPECT_EQ(f.body.size(), 100u);
}

TEST(FrameReader, BodyOverTheLimitIsTooLarge) {
    frame_reader reader(100);
    const bytes in = bb::copy_data(bytes(101, std::byte{'x'}));
    frame f;
    const auto r = reader.next(in, f);
    EXPECT_EQ(r.st, st::error);
    EXPECT_EQ(r.ec, errc::message_too_large);
    // Only the header is needed to know: no bytes of the body are looked at or kept.
    frame_reader header_only(100);
    const auto h = header_only.next(std::span(in).first(5), f);
    EXPECT_EQ(h.ec, errc::message_too_large);
    EXPECT_EQ(header_only.copied_bytes(), 0u);
}

TEST(FrameReader, BodyOverTheLimitIsTooLargeWhenTheHeaderIsSplit) {
    const bytes in = bb::copy_data(bytes(101, std::byte{'x'}));
    for (std::size_t k = 1; k < 5; ++k) {
        frame_reader reader(100);
        const auto got = feed(reader, {std::span(in).first(k), std::span(in).subspan(k)});
        EXPECT_EQ(got.ec, errc::message_too_large) << "split at " << k;
        EXPECT_TRUE(got.frames.empty());
    }
}

TEST(FrameReader, SetMaxMessageSizeApplies) {
    frame_reader reader;
    reader.set_max_message_size(3);
    const bytes in = bb::command_complete("abc");  // body: 4 bytes
    frame f;
    EXPECT_EQ(reader.next(in, f).ec, errc::message_too_large);
}

TEST(FrameReader, ReassemblyDoesNotAllocateTheDeclaredLength) {
    frame_reader reader;  // 1 GiB limit
    // Declares a 512 MiB body, sends 100 bytes of it.
    bytes in = from_hex("64 20000004");
    in.resize(105, std::byte{'x'});
    largest_allocation = 0;
    frame f;
    const auto r = reader.next(in, f);
    EXPECT_EQ(r.st, st::need_more);
    EXPECT_EQ(r.consumed, in.size());
    EXPECT_TRUE(reader.has_partial());
    EXPECT_LT(largest_allocation, std::size_t{64} << 10);
    // More of the body arrives: memory still follows the bytes received.
    const bytes more(1000, std::byte{'y'});
    largest_allocation = 0;
    const auto r2 = reader.next(more, f);
    EXPECT_EQ(r2.st, st::need_more);
    EXPECT_LT(largest_allocation, std::size_t{64} << 10);
}

TEST(FrameReader, ErrorIsSticky) {
    frame_reader reader;
    frame f;
    const auto bad = reader.next(from_hex("43 00000002"), f);
    ASSERT_EQ(bad.ec, errc::malformed_message);
    const bytes good = bb::ready_for_query('I');
    for (int i = 0; i < 3; ++i) {
        const auto r = reader.next(good, f);
        EXPECT_EQ(r.st, st::error);
        EXPECT_EQ(r.ec, errc::malformed_message);
        EXPECT_EQ(r.consumed, 0u);
    }
    EXPECT_EQ(reader.next({}, f).st, st::error);
}

TEST(FrameReader, ResetClearsErrorAndPartialFrame) {
    frame_reader reader;
    frame f;
    ASSERT_EQ(reader.next(from_hex("43 00000002"), f).st, st::error);
    reader.reset();
    const bytes good = bb::ready_for_query('I');
    ASSERT_EQ(reader.next(std::span(good).first(3), f).st, st::need_more);
    EXPECT_TRUE(reader.has_partial());
    reader.reset();
    EXPECT_FALSE(reader.has_partial());
    const auto r = reader.next(good, f);
    ASSERT_EQ(r.st, st::frame);
    EXPECT_EQ(f.tag, 'Z');
}

TEST(FrameReader, CopiedBytesCountsOnlyTheStraddlingFrame) {
    const bytes a = bb::command_complete("SELECT 1");                   // 14 bytes
    const bytes b = bb::data_row_builder().text("abcdefghij").frame();  // 21 bytes
    const bytes c = bb::ready_for_query('I');                           // 6 bytes
    const bytes in = bb::concat(a, b, c);
    const std::size_t split = a.size() + 7;  // inside b
    frame_reader reader;
    const auto got = feed(reader, {std::span(in).first(split), std::span(in).subspan(split)});
    ASSERT_EQ(got.frames.size(), 3u);
    EXPECT_EQ(reader.copied_bytes(), b.size());

    frame_reader whole;
    ASSERT_EQ(feed_whole(whole, in).frames.size(), 3u);
    EXPECT_EQ(whole.copied_bytes(), 0u);
}

TEST(FrameReader, StraddlingFrameConsumesOnlyItsOwnBytes) {
    const bytes a = bb::data_row_builder().text("abcdefghij").frame();
    const bytes b = bb::ready_for_query('E');
    const bytes in = bb::concat(a, b);
    frame_reader reader;
    frame f;
    ASSERT_EQ(reader.next(std::span(in).first(8), f).st, st::need_more);
    const auto rest = std::span<const std::byte>(in).subspan(8);
    const auto r = reader.next(rest, f);
    ASSERT_EQ(r.st, st::frame);
    EXPECT_EQ(r.consumed, a.size() - 8);
    EXPECT_EQ(f.tag, 'D');
    const auto r2 = reader.next(rest.subspan(r.consumed), f);
    ASSERT_EQ(r2.st, st::frame);
    EXPECT_EQ(f.tag, 'Z');
    EXPECT_EQ(f.body.data(), in.data() + a.size() + 5);  // back to views into the input
}

TEST(FrameReader, ErrorAfterFramesStopsTheStream) {
    const bytes in = bb::concat(bb::parse_complete(), from_hex("43 00000001"), bb::ready_for_query('I'));
    frame_reader reader;
    const auto got = feed_whole(reader, in);
    ASSERT_EQ(got.frames.size(), 1u);
    EXPECT_EQ(got.frames[0].tag, '1');
    EXPECT_EQ(got.ec, errc::malformed_message);
}

}  // namespace
}  // namespace pgring::wire
