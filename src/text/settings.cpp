// text_settings::apply: the session settings that change text output, as the server reports
// them (ParameterStatus) or SHOW prints them.

#include <pgring/text.hpp>

#include <pgring/detail/codec_support.hpp>

#include "text/datetime_text.hpp"
#include "text/time_zone.hpp"

#include <charconv>
#include <string>
#include <string_view>
#include <system_error>

namespace pgring {

bool text_settings::apply(std::string_view name, std::string_view value) {
    if (pgring::detail::ascii_iequals(name, "DateStyle")) {
        text::date_style_setting parsed;
        if (!text::parse_date_style(value, parsed)) {
            return false;
        }
        date_style.assign(value);
        return true;
    }
    if (pgring::detail::ascii_iequals(name, "IntervalStyle")) {
        text::interval_style parsed{};
        if (!text::parse_interval_style(value, parsed)) {
            return false;
        }
        interval_style.assign(value);
        return true;
    }
    if (pgring::detail::ascii_iequals(name, "TimeZone")) {
        if (value.empty() || !text::time_zone::find(value)) {
            return false;
        }
        time_zone.assign(value);
        return true;
    }
    if (pgring::detail::ascii_iequals(name, "extra_float_digits")) {
        int digits = 0;
        const char* end = value.data() + value.size();
        const std::from_chars_result r = std::from_chars(value.data(), end, digits);
        if (r.ec != std::errc{} || r.ptr != end || digits < -15 || digits > 3) {
            return false;
        }
        extra_float_digits = digits;
        return true;
    }
    if (pgring::detail::ascii_iequals(name, "bytea_output")) {
        if (pgring::detail::ascii_iequals(value, "hex")) {
            bytea_output = "hex";
        } else if (pgring::detail::ascii_iequals(value, "escape")) {
            bytea_output = "escape";
        } else {
            return false;
        }
        return true;
    }
    return false;
}

}  // namespace pgring
