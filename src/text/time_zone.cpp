// TZif parsing (RFC 8536), POSIX TZ strings and the zone lookup of PostgreSQL's pg_tzset.

#include "text/time_zone.hpp"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <system_error>

namespace pgring::text {

namespace {

constexpr std::string_view zoneinfo_dir = "/usr/share/zoneinfo";
constexpr std::size_t max_tzif_size = 1 << 20;
constexpr std::size_t max_cached_zones = 256;

char to_upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, int m, int d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// The proleptic Gregorian year of a day count since 1970-01-01.
std::int64_t year_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t y, int m) noexcept {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Local seconds since 1970-01-01 at which `rule` falls in year `y`.
std::int64_t rule_local_seconds(const time_zone::posix_date& rule, std::int64_t y) noexcept {
    std::int64_t day = 0;
    switch (rule.form) {
    case time_zone::posix_date::kind::julian_no_leap:
        day = days_from_civil(y, 1, 1) + rule.day - 1 + (is_leap(y) && rule.day >= 60 ? 1 : 0);
        break;
    case time_zone::posix_date::kind::zero_based:
        day = days_from_civil(y, 1, 1) + rule.day;
        break;
    case time_zone::posix_date::kind::month_week_day: {
        const std::int64_t first = days_from_civil(y, rule.month, 1);
        const int first_dow = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
        int mday = 1 + (rule.day - first_dow + 7) % 7 + 7 * (rule.week - 1);
        while (mday > days_in_month(y, rule.month)) {
            mday -= 7;
        }
        day = first + mday - 1;
        break;
    }
    }
    return day * 86400 + rule.time;
}

// POSIX TZ string parsing, over a cursor.
struct posix_parser {
    std::string_view s;
    std::size_t pos = 0;

    bool at_end() const noexcept { return pos >= s.size(); }
    char peek() const noexcept { return at_end() ? '\0' : s[pos]; }

    // A zone name: <quoted> or three or more letters; with `allow_empty`, also none at all when
    // an offset follows (PostgreSQL, unlike IANA, takes "+05:30" as a zone with an empty name).
    bool name(std::string& out, bool allow_empty = false) {
        if (allow_empty && (peek() == '+' || peek() == '-' || is_digit(peek()))) {
            out.clear();
            return true;
        }
        if (peek() == '<') {
            const std::size_t close = s.find('>', pos + 1);
            if (close == std::string_view::npos || close == pos + 1) {
                return false;
            }
            out.assign(s.substr(pos + 1, close - pos - 1));
            pos = close + 1;
            return true;
        }
        const std::size_t start = pos;
        while (is_alpha(peek())) {
            ++pos;
        }
        if (pos - start < 3) {
            return false;
        }
        out.assign(s.substr(start, pos - start));
        return true;
    }

    bool number(int max, int& out) {
        if (!is_digit(peek())) {
            return false;
        }
        int v = 0;
        while (is_digit(peek())) {
            v = v * 10 + (s[pos++] - '0');
            if (v > max) {
                return false;
            }
        }
        out = v;
        return true;
    }

    // [+-]hh[:mm[:ss]] in seconds, positive unless a '-' leads.
    bool seconds(int max_hours, std::int32_t& out) {
        bool negative = false;
        if (peek() == '+' || peek() == '-') {
            negative = s[pos++] == '-';
        }
        int h = 0;
        int m = 0;
        int sec = 0;
        if (!number(max_hours, h)) {
            return false;
        }
        if (peek() == ':') {
            ++pos;
            if (!number(59, m)) {
                return false;
            }
            if (peek() == ':') {
                ++pos;
                if (!number(60, sec)) {
                    return false;
                }
            }
        }
        const std::int32_t v = h * 3600 + m * 60 + sec;
        out = negative ? -v : v;
        return true;
    }

    bool date(time_zone::posix_date& out) {
        using kind = time_zone::posix_date::kind;
        if (peek() == 'J') {
            ++pos;
            out.form = kind::julian_no_leap;
            if (!number(365, out.day) || out.day < 1) {
                return false;
            }
        } else if (peek() == 'M') {
            ++pos;
            out.form = kind::month_week_day;
            if (!number(12, out.month) || out.month < 1 || peek() != '.') {
                return false;
            }
            ++pos;
            if (!number(5, out.week) || out.week < 1 || peek() != '.') {
                return false;
            }
            ++pos;
            if (!number(6, out.day)) {
                return false;
            }
        } else {
            out.form = kind::zero_based;
            if (!number(365, out.day)) {
                return false;
            }
        }
        out.time = 7200;
        if (peek() == '/') {
            ++pos;
            if (!seconds(167, out.time)) {
                return false;
            }
        }
        return true;
    }
};

bool parse_posix(std::string_view spec, time_zone::posix_rule& rule) {
    posix_parser p{spec};
    std::int32_t west = 0;
    if (!p.name(rule.std_abbreviation, true) || !p.seconds(24, west)) {
        return false;
    }
    rule.std_offset = -west;
    if (p.at_end()) {
        return true;
    }
    rule.has_dst = true;
    if (!p.name(rule.dst_abbreviation)) {
        return false;
    }
    rule.dst_offset = rule.std_offset + 3600;
    if (!p.at_end() && p.peek() != ',') {
        if (!p.seconds(24, west)) {
            return false;
        }
        rule.dst_offset = -west;
    }
    if (p.at_end()) {
        // PostgreSQL's default rule (TZDEFRULESTRING): the US rule since 2007.
        rule.start = {time_zone::posix_date::kind::month_week_day, 0, 2, 3, 7200};
        rule.end = {time_zone::posix_date::kind::month_week_day, 0, 1, 11, 7200};
        return true;
    }
    if (p.peek() != ',') {
        return false;
    }
    ++p.pos;
    if (!p.date(rule.start) || p.peek() != ',') {
        return false;
    }
    ++p.pos;
    return p.date(rule.end) && p.at_end();
}

std::uint32_t load_be32(const unsigned char* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

std::int64_t load_be64(const unsigned char* p) noexcept {
    return static_cast<std::int64_t>((std::uint64_t{load_be32(p)} << 32) | load_be32(p + 4));
}

bool read_file(const std::filesystem::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::string data;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        data.append(buf, static_cast<std::size_t>(in.gcount()));
        if (data.size() > max_tzif_size) {
            return false;
        }
    }
    out = std::move(data);
    return true;
}

// Reads the zoneinfo file `name`, matching each path component case-insensitively when the
// exact path does not exist (as PostgreSQL's pg_open_tzfile does).
bool read_zoneinfo(std::string_view name, std::string& out) {
    if (name.empty() || name.front() == '/' || name.size() > 255) {
        return false;
    }
    std::filesystem::path path(zoneinfo_dir);
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t slash = name.find('/', start);
        if (slash == std::string_view::npos) {
            slash = name.size();
        }
        const std::string_view part = name.substr(start, slash - start);
        if (part.empty() || part == "." || part == "..") {
            return false;
        }
        std::error_code ec;
        std::filesystem::path next = path / std::string(part);
        if (!std::filesystem::exists(next, ec)) {
            bool found = false;
            for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
                const std::string entry = it->path().filename().string();
                if (entry.size() == part.size() &&
                    std::equal(entry.begin(), entry.end(), part.begin(),
                               [](char a, char b) { return to_upper(a) == to_upper(b); })) {
                    next = it->path();
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        path = std::move(next);
        start = slash + 1;
    }
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && read_file(path, out);
}

}  // namespace

std::shared_ptr<const time_zone> time_zone::from_tzif(std::string_view data) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    constexpr std::size_t header_size = 44;
    if (data.size() < header_size || data.substr(0, 4) != "TZif") {
        return nullptr;
    }
    struct counts {
        std::uint32_t isut, isstd, leap, time, type, chars;
    };
    const auto read_counts = [&](std::size_t at) {
        const unsigned char* p = bytes + at + 20;
        return counts{load_be32(p), load_be32(p + 4), load_be32(p + 8),
                      load_be32(p + 12), load_be32(p + 16), load_be32(p + 20)};
    };
    counts c = read_counts(0);
    const char version = data[4];
    std::size_t time_size = 4;
    std::size_t at = header_size;
    const auto block_size = [&](const counts& k, std::size_t tsize) -> std::uint64_t {
        return std::uint64_t{k.time} * (tsize + 1) + std::uint64_t{k.type} * 6 + k.chars +
               std::uint64_t{k.leap} * (tsize + 4) + k.isstd + k.isut;
    };
    if (version >= '2') {
        const std::uint64_t skip = block_size(c, 4);
        if (skip + 2 * header_size > data.size()) {
            return nullptr;
        }
        at = header_size + static_cast<std::size_t>(skip);
        if (data.substr(at, 4) != "TZif") {
            return nullptr;
        }
        c = read_counts(at);
        at += header_size;
        time_size = 8;
    }
    if (c.type == 0 || c.type > 256 || c.chars == 0 || block_size(c, time_size) > data.size() - at) {
        return nullptr;
    }
    if (c.leap != 0) {
        return nullptr;  // PostgreSQL does not support leap seconds
    }
    auto zone = std::make_shared<time_zone>();
    zone->transitions_.reserve(c.time);
    for (std::uint32_t i = 0; i < c.time; ++i) {
        const unsigned char* p = bytes + at + i * time_size;
        const std::int64_t t =
            time_size == 8 ? load_be64(p) : static_cast<std::int64_t>(static_cast<std::int32_t>(load_be32(p)));
        if (!zone->transitions_.empty() && t <= zone->transitions_.back()) {
            return nullptr;
        }
        zone->transitions_.push_back(t);
    }
    at += std::size_t{c.time} * time_size;
    for (std::uint32_t i = 0; i < c.time; ++i) {
        if (bytes[at + i] >= c.type) {
            return nullptr;
        }
        zone->transition_types_.push_back(bytes[at + i]);
    }
    at += c.time;
    for (std::uint32_t i = 0; i < c.type; ++i) {
        const unsigned char* p = bytes + at + i * 6;
        if (p[5] >= c.chars) {
            return nullptr;
        }
        zone->types_.push_back({static_cast<std::int32_t>(load_be32(p)), p[4] != 0, p[5]});
    }
    at += std::size_t{c.type} * 6;
    zone->abbreviations_.assign(data.substr(at, c.chars));
    if (zone->abbreviations_.back() != '\0') {
        zone->abbreviations_.push_back('\0');
    }
    at += c.chars + c.isstd + c.isut;
    if (time_size == 8 && at < data.size() && data[at] == '\n') {
        const std::size_t end = data.find('\n', at + 1);
        if (end == std::string_view::npos) {
            return nullptr;
        }
        const std::string_view footer = data.substr(at + 1, end - at - 1);
        if (!footer.empty()) {
            posix_rule rule;
            if (!parse_posix(footer, rule)) {
                return nullptr;
            }
            zone->rule_ = std::move(rule);
        }
    }
    return zone;
}

std::shared_ptr<const time_zone> time_zone::from_posix(std::string_view spec) {
    posix_rule rule;
    if (!parse_posix(spec, rule)) {
        return nullptr;
    }
    auto zone = std::make_shared<time_zone>();
    zone->rule_ = std::move(rule);
    return zone;
}

std::shared_ptr<const time_zone> time_zone::find(std::string_view name) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(), to_upper);

    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const time_zone>, std::less<>> cache;
    {
        const std::lock_guard lock(mutex);
        const auto it = cache.find(upper);
        if (it != cache.end()) {
            return it->second;
        }
    }
    std::shared_ptr<const time_zone> zone;
    std::string data;
    if (upper == "GMT") {
        zone = from_posix("GMT0");
    } else if (read_zoneinfo(name, data)) {
        zone = from_tzif(data);
    } else if (upper == "UTC" || upper == "ETC/UTC" || upper == "UCT" || upper == "ETC/UCT" || upper == "ZULU" ||
               upper == "ETC/ZULU" || upper == "UNIVERSAL" || upper == "ETC/UNIVERSAL") {
        zone = from_posix("UTC0");  // without tzdata installed, the names of UTC still work
    } else if (upper.front() != ':') {
        zone = from_posix(upper);
    }
    const std::lock_guard lock(mutex);
    if (cache.size() >= max_cached_zones) {
        cache.clear();
    }
    cache.emplace(std::move(upper), zone);
    return zone;
}

local_time_type time_zone::from_rule(std::int64_t unix_seconds) const {
    const posix_rule& r = *rule_;
    if (!r.has_dst) {
        return {r.std_offset, false, r.std_abbreviation};
    }
    const std::int64_t year = year_from_days(floor_div(unix_seconds + r.std_offset, 86400));
    const std::int64_t start = rule_local_seconds(r.start, year) - r.std_offset;
    const std::int64_t end = rule_local_seconds(r.end, year) - r.dst_offset;
    const bool dst = start < end ? (unix_seconds >= start && unix_seconds < end)
                                 : !(unix_seconds >= end && unix_seconds < start);
    return dst ? local_time_type{r.dst_offset, true, r.dst_abbreviation}
               : local_time_type{r.std_offset, false, r.std_abbreviation};
}

local_time_type time_zone::lookup(std::int64_t unix_seconds) const {
    const auto of_type = [this](std::size_t index) {
        const type_info& t = types_[index];
        return local_time_type{t.utc_offset, t.is_dst, std::string_view(abbreviations_.c_str() + t.abbreviation_index)};
    };
    if (transitions_.empty()) {
        if (rule_) {
            return from_rule(unix_seconds);
        }
        return types_.empty() ? local_time_type{0, false, "UTC"} : of_type(0);
    }
    if (unix_seconds < transitions_.front()) {
        return of_type(0);
    }
    if (unix_seconds >= transitions_.back() && rule_) {
        return from_rule(unix_seconds);
    }
    const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
    return of_type(transition_types_[static_cast<std::size_t>(std::distance(transitions_.begin(), it) - 1)]);
}

}  // namespace pgring::text
