#pragma once

// Time zones for the text output of timestamptz: the zoneinfo database (TZif files under
// /usr/share/zoneinfo, as PostgreSQL built with system tzdata reads them) and POSIX TZ strings
// ("EST5EDT", "UTC+3", "<+05:30>-05:30"), looked up the way PostgreSQL's pg_tzset does: the
// name is first tried as a zoneinfo file (case-insensitively), then parsed as a POSIX string;
// "GMT" is always the POSIX zone GMT, and the names of UTC ("UTC", "Etc/UTC", "Zulu", ...) work
// without tzdata installed.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgring::text {

/// The local time type in effect at one instant.
struct local_time_type {
    std::int32_t utc_offset = 0;     ///< seconds east of UTC
    bool is_dst = false;             ///< daylight-saving time
    std::string_view abbreviation;   ///< "PST", "LMT", "+0530"-like numeric names; owned by the zone
};

/// One parsed time zone: its transitions and the POSIX rule that follows them.
///
/// Thread: immutable after construction, shareable between threads.
class time_zone {
public:
    /// The zone called `name` (a zoneinfo name or a POSIX TZ string), from a process-wide
    /// cache; null for a name that is neither (or a zoneinfo file with leap seconds, which
    /// PostgreSQL rejects too). Thread-safe.
    static std::shared_ptr<const time_zone> find(std::string_view name);

    /// Parses the contents of a TZif file (version 1 to 4); null when malformed or when it has
    /// leap seconds.
    static std::shared_ptr<const time_zone> from_tzif(std::string_view data);

    /// Parses a POSIX TZ string (`std offset [dst [offset] [,rule,rule]]`, names alphabetic or
    /// in angle brackets, offsets positive west); a zone with a daylight name and no rule uses
    /// the US rule `M3.2.0,M11.1.0` as PostgreSQL does. Null when malformed.
    static std::shared_ptr<const time_zone> from_posix(std::string_view spec);

    /// The local time type at `unix_seconds` (seconds since 1970-01-01 00:00:00 UTC).
    local_time_type lookup(std::int64_t unix_seconds) const;

    /// A transition date rule of a POSIX TZ string.
    struct posix_date {
        enum class kind : std::uint8_t { julian_no_leap, zero_based, month_week_day };
        kind form = kind::month_week_day;  ///< Jn, n or Mm.w.d
        int day = 0;                       ///< n, or d (0 = Sunday) of Mm.w.d
        int week = 0;                      ///< w of Mm.w.d (5 = last)
        int month = 0;                     ///< m of Mm.w.d
        std::int32_t time = 7200;          ///< local seconds after midnight (may be negative or > 24h)
    };

    /// A POSIX TZ rule; offsets in seconds east.
    struct posix_rule {
        std::int32_t std_offset = 0;       ///< standard time offset
        std::string std_abbreviation;      ///< standard time name
        bool has_dst = false;              ///< whether there is daylight time at all
        std::int32_t dst_offset = 0;       ///< daylight time offset
        std::string dst_abbreviation;      ///< daylight time name
        posix_date start;                  ///< when daylight time starts (local standard time)
        posix_date end;                    ///< when it ends (local daylight time)
    };

private:
    struct type_info {
        std::int32_t utc_offset;
        bool is_dst;
        std::uint32_t abbreviation_index;
    };

    local_time_type from_rule(std::int64_t unix_seconds) const;

    std::vector<std::int64_t> transitions_;   // ascending UTC instants
    std::vector<std::uint8_t> transition_types_;
    std::vector<type_info> types_;
    std::string abbreviations_;               // NUL-separated, as in the TZif file
    std::optional<posix_rule> rule_;          // for instants after the last transition
};

}  // namespace pgring::text
