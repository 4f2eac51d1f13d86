// text_settings::apply: the session settings that change text output, as the server reports
// them (ParameterStatus) or SHOW prints them.

#include <pgring/text.hpp>

#include "text/datetime_text.hpp"
#include "text/time_zone.hpp"

#include <charconv>
#include <string>
#include <string_view>
#include <system_error>

namespace pgring {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool text_settings::apply(std::string_view name, std::string_view value) {
    if (iequals(name, "DateStyle")) {
        text::date_style_setting parsed;
        if (!text::parse_date_style(value, parsed)) {
            return false;
        }
        date_style.assign(value);
        return true;
    }
    if (iequals(name, "IntervalStyle")) {
        text::interval_style parsed{};
        if (!text::parse_interval_style(value, parsed)) {
            return false;
        }
        interval_style.assign(value);
        return true;
    }
    if (iequals(name, "TimeZone")) {
        if (value.empty() || !text::time_zone::find(value)) {
            return false;
        }
        time_zone.assign(value);
        return true;
    }
    if (iequals(name, "extra_float_digits")) {
        int digits = 0;
        const char* end = value.data() + value.size();
        const std::from_chars_result r = std::from_chars(value.data(), end, digits);
        if (r.ec != std::errc{} || r.ptr != end || digits < -15 || digits > 3) {
            return false;
        }
        extra_float_digits = digits;
        return true;
    }
    if (iequals(name, "bytea_output")) {
        if (iequals(value, "hex")) {
            bytea_output = "hex";
        } else if (iequals(value, "escape")) {
            bytea_output = "escape";
        } else {
            return false;
        }
        return true;
    }
    return false;
}

}  // namespace pgring
