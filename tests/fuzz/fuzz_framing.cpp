// libFuzzer target for wire::frame_reader.
//
// Input: [max:2][seed:2][stream...]
//   max   big-endian UInt16: the reader's max_message_size; 0xFFFF means the default (1 GiB)
//   seed  drives the chunk sizes the stream is cut into (zero-length chunks included)
//   stream the bytes fed to the reader
// The stream is read twice, once whole and once in chunks; both must give the same frames and
// the same error. Every frame is compared with the bytes at its position in the stream, which
// also makes ASan read every body, wherever it lives (input or reassembly buffer).

#include "wire/framing.hpp"

#include <pgring/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace {

using pgring::wire::frame;
using pgring::wire::frame_reader;

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

struct outcome {
    std::size_t frames = 0;
    std::size_t consumed = 0;
    std::error_code ec;
    bool partial = false;
};

// Small deterministic generator for chunk sizes.
struct xorshift {
    std::uint32_t s;
    std::uint32_t next() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return s;
    }
};

// One call's frame: check it against the stream bytes it came from. `end` is the absolute
// stream offset just past the frame.
void check_frame(const frame& f, std::span<const std::byte> stream, std::size_t end, std::size_t max) {
    const std::size_t total = 5 + f.body.size();
    check(f.body.size() <= max);
    check(end >= total && end <= stream.size());
    const std::size_t start = end - total;
    check(static_cast<char>(stream[start]) == f.tag);
    const std::uint32_t length = (std::to_integer<std::uint32_t>(stream[start + 1]) << 24) |
                                 (std::to_integer<std::uint32_t>(stream[start + 2]) << 16) |
                                 (std::to_integer<std::uint32_t>(stream[start + 3]) << 8) |
                                 std::to_integer<std::uint32_t>(stream[start + 4]);
    check(length == f.body.size() + 4);
    check(f.body.empty() || std::memcmp(f.body.data(), stream.data() + start + 5, f.body.size()) == 0);
}

// Feeds `stream` cut into chunks of the sizes in `cuts`; a last chunk takes the rest (it may
// be empty, which also exercises zero-length input).
outcome run(std::span<const std::byte> stream, std::size_t max, const std::vector<std::size_t>& cuts) {
    std::vector<std::size_t> starts;
    std::vector<std::span<const std::byte>> chunks;
    std::size_t off = 0;
    for (const std::size_t c : cuts) {
        const std::size_t n = std::min(c, stream.size() - off);
        starts.push_back(off);
        chunks.push_back(stream.subspan(off, n));
        off += n;
    }
    starts.push_back(off);
    chunks.push_back(stream.subspan(off));

    frame_reader reader(max);
    outcome out;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        const std::span<const std::byte> chunk = chunks[i];
        std::span<const std::byte> in = chunk;
        for (;;) {
            frame f;
            const frame_reader::result r = reader.next(in, f);
            check(r.consumed <= in.size());
            out.consumed += r.consumed;
            if (r.st == frame_reader::status::error) {
                check(static_cast<bool>(r.ec));
                // Sticky: the same error again, nothing consumed.
                frame g;
                const frame_reader::result again = reader.next(in.subspan(r.consumed), g);
                check(again.st == frame_reader::status::error && again.ec == r.ec && again.consumed == 0);
                out.ec = r.ec;
                return out;
            }
            check(!r.ec);
            if (r.st == frame_reader::status::need_more) {
                check(r.consumed == in.size());
                break;
            }
            ++out.frames;
            const std::size_t end =
                starts[i] + static_cast<std::size_t>(in.data() - chunk.data()) + r.consumed;
            check_frame(f, stream, end, max);
            // A frame wholly inside this chunk is a view into it, not a copy.
            if (r.consumed == 5 + f.body.size()) {
                check(f.body.data() == in.data() + 5);
            }
            in = in.subspan(r.consumed);
        }
    }
    check(out.consumed == stream.size());
    check(reader.copied_bytes() <= stream.size());
    out.partial = reader.has_partial();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) {
        return 0;
    }
    const std::size_t max_field = (std::size_t{data[0]} << 8) | data[1];
    const std::size_t max = max_field == 0xFFFF ? frame_reader::default_max_message_size : max_field;
    xorshift rng{((std::uint32_t{data[2]} << 8) | data[3]) * 2654435761u + 1};
    const std::span<const std::byte> stream(reinterpret_cast<const std::byte*>(data + 4), size - 4);

    // Chunk sizes: mostly small (to split headers), sometimes zero, sometimes large. At most
    // 1024 chunks (the rest goes in one), so a large stream does not cost thousands of calls.
    std::vector<std::size_t> cuts;
    const std::uint32_t scale = (data[3] & 0x3) == 0 ? 3 : (data[3] & 0x3) == 1 ? 16 : 300;
    for (std::size_t covered = 0; covered < stream.size() && cuts.size() < 1024;) {
        const std::size_t n = rng.next() % (scale + 1);
        cuts.push_back(n);
        covered += n;
    }

    const outcome whole = run(stream, max, {});
    const outcome pieces = run(stream, max, cuts);
    check(whole.frames == pieces.frames);
    check(whole.ec == pieces.ec);
    if (!whole.ec) {
        check(whole.partial == pieces.partial);
    }
    return 0;
}
