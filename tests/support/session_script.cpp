#include "session_script.hpp"

#include <cstdio>
#include <sstream>
#include <variant>

namespace pgring::test {

namespace {

std::string text_or_hex(std::span<const std::byte> b) {
    std::string out;
    bool printable = true;
    for (auto c : b) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) {
            printable = false;
            break;
        }
    }
    if (printable) {
        out.push_back('"');
        out.append(reinterpret_cast<const char*>(b.data()), b.size());
        out.push_back('"');
        return out;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out = "0x";
    for (auto c : b) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(hex[u >> 4]);
        out.push_back(hex[u & 15]);
    }
    return out;
}

struct describer {
    std::ostringstream& os;
    void operator()(const wire::backend::data_row& r) const {
        os << " [";
        for (auto f : r) {
            os << (f.is_null ? std::string("NULL") : text_or_hex(f.value)) << ',';
        }
        os << ']';
    }
    void operator()(const wire::backend::row_description& d) const {
        os << " [";
        for (auto f : d) {
            os << f.name << ':' << f.type_oid << ':' << f.format << ',';
        }
        os << ']';
    }
    void operator()(const wire::backend::command_complete& c) const { os << ' ' << c.command_tag; }
    void operator()(const wire::backend::error_response& e) const {
        for (auto f : e) {
            os << ' ' << f.code << '=' << f.value;
        }
    }
    void operator()(const wire::backend::parameter_status& p) const { os << ' ' << p.name << '=' << p.value; }
    void operator()(const wire::backend::notification_response& n) const {
        os << ' ' << n.process_id << ' ' << n.channel << ' ' << n.payload;
    }
    void operator()(const wire::backend::parameter_description& d) const {
        for (std::size_t i = 0; i < d.count; ++i) {
            os << ' ' << d.oid(i);
        }
    }
    void operator()(const wire::backend::copy_response& c) const {
        os << ' ' << int(c.format) << '/' << c.column_count;
        for (std::size_t i = 0; i < c.column_count; ++i) {
            os << ',' << c.column_format(i);
        }
    }
    void operator()(const wire::backend::copy_data& d) const { os << ' ' << text_or_hex(d.data); }
    void operator()(const wire::backend::ready_for_query& r) const { os << ' ' << r.status; }
    void operator()(const wire::backend::backend_key_data& k) const { os << ' ' << k.process_id << '/' << k.secret_key; }
    template <class T>
    void operator()(const T&) const {}
};

}  // namespace

std::string describe(const wire::event& ev) {
    std::ostringstream os;
    os << wire::event_name(ev.kind);
    if (ev.ec) {
        os << " ec=" << ev.ec.category().name() << ':' << ev.ec.value();
    }
    if (ev.kind != wire::event_kind::need_more) {
        std::visit(describer{os}, ev.msg);
    }
    return os.str();
}

bytes take_written(wire::write_buffer& out) {
    bytes b;
    std::span<const std::byte> spans[64];
    while (!out.empty()) {
        const std::size_t n = out.pending(spans, 64);
        std::size_t total = 0;
        for (std::size_t i = 0; i < n; ++i) {
            b.insert(b.end(), spans[i].begin(), spans[i].end());
            total += spans[i].size();
        }
        out.consume(total);
    }
    return b;
}

session_script& session_script::start() {
    step s{step::kind::start};
    steps_.push_back(std::move(s));
    return *this;
}

session_script& session_script::call(command c, std::error_code expected) {
    step s{step::kind::call};
    s.cmd = std::move(c);
    s.ec = expected;
    steps_.push_back(std::move(s));
    return *this;
}

session_script& session_script::expect_write(bytes b) {
    step s{step::kind::expect_write};
    s.data = std::move(b);
    steps_.push_back(std::move(s));
    return *this;
}

session_script& session_script::expect_write_if(std::function<void(const bytes&)> pred) {
    step s{step::kind::expect_write_if};
    s.pred = std::move(pred);
    steps_.push_back(std::move(s));
    return *this;
}

session_script& session_script::feed(bytes b) {
    step s{step::kind::feed};
    s.data = std::move(b);
    steps_.push_back(std::move(s));
    return *this;
}

session_script& session_script::expect_event(wire::event_kind kind, check c) {
    step s{step::kind::expect_event};
    s.event = kind;
    s.chk = std::move(c);
    steps_.push_back(std::move(s));
    return *this;
}

session_script& session_script::expect_fatal(std::error_code ec) {
    return expect_event(wire::event_kind::fatal, [ec](const wire::event& ev, const wire::session& s) {
        EXPECT_EQ(ev.ec, ec) << ev.ec.message() << " / " << s.last_error().primary();
        EXPECT_EQ(s.state(), wire::session_state::failed);
    });
}

session_script& session_script::expect_need_more() {
    step s{step::kind::expect_need_more};
    steps_.push_back(std::move(s));
    return *this;
}

std::vector<std::string> session_script::replay(int split_feed, std::size_t split_at, int lose_feed,
                                                bool byte_by_byte) {
    std::vector<std::string> log;
    wire::session session(options_);
    wire::write_buffer out(64);  // tiny chunks: messages span chunks
    std::deque<bytes> pieces;    // input not yet consumed; stable storage for views
    std::span<const std::byte> current;
    int feed_index = -1;
    bool lost = false;

    bool in_piece = false;  // current points into pieces.front()

    // Views of an event may point into pieces.front(), so a piece is dropped only when the
    // next event is asked for and the piece is used up.
    auto next_event = [&]() -> wire::event {
        for (;;) {
            if (current.empty()) {
                if (in_piece) {
                    pieces.pop_front();
                    in_piece = false;
                }
                if (pieces.empty()) {
                    return session.consume(current, out);
                }
                current = std::span<const std::byte>(pieces.front());
                in_piece = true;
            }
            wire::event ev = session.consume(current, out);
            if (ev.kind != wire::event_kind::need_more) {
                return ev;
            }
        }
    };

    for (std::size_t i = 0; i < steps_.size() && !lost; ++i) {
        step& s = steps_[i];
        SCOPED_TRACE("step " + std::to_string(i) + (split_feed >= 0 ? " split feed " + std::to_string(split_feed) +
                                                                          " at " + std::to_string(split_at)
                                                                    : std::string()) +
                     (byte_by_byte ? " byte by byte" : "") +
                     (lose_feed >= 0 ? " losing feed " + std::to_string(lose_feed) : ""));
        switch (s.k) {
            case step::kind::start:
                EXPECT_FALSE(session.start(out));
                break;
            case step::kind::call: {
                const std::error_code ec = s.cmd(session, out);
                EXPECT_EQ(ec, s.ec) << ec.message();
                break;
            }
            case step::kind::expect_write: {
                const bytes written = take_written(out);
                EXPECT_EQ(written, s.data);
                break;
            }
            case step::kind::expect_write_if:
                s.pred(take_written(out));
                break;
            case step::kind::feed: {
                ++feed_index;
                if (feed_index == lose_feed) {
                    wire::event ev = session.connection_lost();
                    EXPECT_EQ(ev.kind, wire::event_kind::fatal);
                    EXPECT_EQ(ev.ec, errc::connection_closed);
                    EXPECT_EQ(session.state(), wire::session_state::failed);
                    EXPECT_EQ(session.send_query(out, "SELECT 1"), errc::connection_closed);
                    EXPECT_EQ(session.send_sync(out), errc::connection_closed);
                    std::span<const std::byte> none;
                    EXPECT_EQ(session.consume(none, out).kind, wire::event_kind::fatal);
                    lost = true;
                    break;
                }
                if (feed_index == split_feed && split_at > 0 && split_at < s.data.size()) {
                    pieces.emplace_back(s.data.begin(), s.data.begin() + static_cast<std::ptrdiff_t>(split_at));
                    pieces.emplace_back(s.data.begin() + static_cast<std::ptrdiff_t>(split_at), s.data.end());
                } else if (byte_by_byte) {
                    for (std::byte b : s.data) {
                        pieces.emplace_back(1, b);
                    }
                } else {
                    pieces.push_back(s.data);
                }
                break;
            }
            case step::kind::expect_event: {
                wire::event ev = next_event();
                log.push_back(describe(ev));
                EXPECT_EQ(ev.kind, s.event) << "got " << describe(ev) << " / " << session.last_error().primary();
                if (ev.kind == s.event && s.chk) {
                    s.chk(ev, session);
                }
                break;
            }
            case step::kind::expect_need_more: {
                wire::event ev = next_event();
                EXPECT_EQ(ev.kind, wire::event_kind::need_more) << "got " << describe(ev);
                break;
            }
        }
    }
    return log;
}

void session_script::run_once() { replay(-1, 0, -1, false); }

void session_script::run() {
    const std::vector<std::string> baseline = replay(-1, 0, -1, false);
    if (::testing::Test::HasFailure()) {
        return;
    }
    int feeds = 0;
    for (const step& s : steps_) {
        if (s.k == step::kind::feed) {
            for (std::size_t k = 1; k < s.data.size(); ++k) {
                EXPECT_EQ(replay(feeds, k, -1, false), baseline) << "feed " << feeds << " split at " << k;
                if (::testing::Test::HasFailure()) {
                    return;
                }
            }
            ++feeds;
        }
    }
    EXPECT_EQ(replay(-1, 0, -1, true), baseline) << "byte by byte";
    for (int lose = 0; lose < feeds && !::testing::Test::HasFailure(); ++lose) {
        replay(-1, 0, lose, false);
    }
}

}  // namespace pgring::test
