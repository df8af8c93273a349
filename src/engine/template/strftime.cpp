#include "engine/template/strftime.hpp"

#include <cstdio>

#include "engine/template/budget.hpp"

namespace braid::jinja {

namespace {

const char* const weekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const months[] = {"January", "February", "March",     "April",   "May",      "June",
                              "July",    "August",   "September", "October", "November", "December"};

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// ISO weeks in year @p y: 53 when it starts on a Thursday, or on a Wednesday in a leap year.
int iso_weeks_in(int y) {
    auto jan1_weekday = [](int year) {  // Monday = 1 ... Sunday = 7 (Zeller-style count from 1 Jan 1 AD)
        const int z = year - 1;
        return (1 + 5 * (z % 4) + 4 * (z % 100) + 6 * (z % 400)) % 7;  // Sunday = 0
    };
    const int w = jan1_weekday(y);
    return (w == 4 || (is_leap(y) && w == 3)) ? 53 : 52;
}

// The ISO 8601 week-based year and week number of @p tm.
void iso_week(const std::tm& tm, int& year, int& week) {
    const int weekday = tm.tm_wday == 0 ? 7 : tm.tm_wday;  // Monday = 1
    year = tm.tm_year + 1900;
    week = (tm.tm_yday + 1 - weekday + 10) / 7;
    if (week < 1) {
        --year;
        week = iso_weeks_in(year);
    } else if (week > iso_weeks_in(year)) {
        ++year;
        week = 1;
    }
}

std::string number(long value, int width, char pad) {
    char buf[32];
    if (pad == 0) {
        std::snprintf(buf, sizeof buf, "%ld", value);
    } else if (pad == ' ') {
        std::snprintf(buf, sizeof buf, "%*ld", width, value);
    } else {
        std::snprintf(buf, sizeof buf, "%0*ld", width, value);
    }
    return buf;
}

} // namespace

std::string format_time(const std::string& format, const std::tm& tm) {
    std::string out;
    charge_steps(format.size() / 16);
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 >= format.size()) {
            out.push_back(format[i]);
            continue;
        }
        const std::size_t start = i++;
        // glibc flags: '-' no padding, '_' space padding, '0' zero padding.
        char flag = '\0';
        if (format[i] == '-' || format[i] == '_' || format[i] == '0') {
            flag = format[i++];
            if (i >= format.size()) {
                out.append(format, start, std::string::npos);
                break;
            }
        }
        auto num = [&](long v, int width, char default_pad) {
            const char pad = flag == '-' ? 0 : flag == '_' ? ' ' : flag == '0' ? '0' : default_pad;
            out += number(v, width, pad);
        };
        const int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
        const int wday = ((tm.tm_wday % 7) + 7) % 7;
        const int mon = ((tm.tm_mon % 12) + 12) % 12;
        switch (format[i]) {
        case 'a': out.append(weekdays[wday], 3); break;
        case 'A': out += weekdays[wday]; break;
        case 'b':
        case 'h': out.append(months[mon], 3); break;
        case 'B': out += months[mon]; break;
        case 'c':
            out += format_time("%a %b %e %H:%M:%S %Y", tm);
            break;
        case 'C': num((tm.tm_year + 1900) / 100, 2, '0'); break;
        case 'd': num(tm.tm_mday, 2, '0'); break;
        case 'D': out += format_time("%m/%d/%y", tm); break;
        case 'e': num(tm.tm_mday, 2, ' '); break;
        case 'F': out += format_time("%Y-%m-%d", tm); break;
        case 'G':
        case 'g':
        case 'V': {
            int year = 0;
            int week = 0;
            iso_week(tm, year, week);
            if (format[i] == 'G') num(year, 1, 0);
            else if (format[i] == 'g') num(year % 100, 2, '0');
            else num(week, 2, '0');
            break;
        }
        case 'H': num(tm.tm_hour, 2, '0'); break;
        case 'I': num(hour12, 2, '0'); break;
        case 'j': num(tm.tm_yday + 1, 3, '0'); break;
        case 'k': num(tm.tm_hour, 2, ' '); break;
        case 'l': num(hour12, 2, ' '); break;
        case 'm': num(mon + 1, 2, '0'); break;
        case 'M': num(tm.tm_min, 2, '0'); break;
        case 'n': out.push_back('\n'); break;
        case 'p': out += tm.tm_hour < 12 ? "AM" : "PM"; break;
        case 'P': out += tm.tm_hour < 12 ? "am" : "pm"; break;
        case 'r': out += format_time("%I:%M:%S %p", tm); break;
        case 'R': out += format_time("%H:%M", tm); break;
        case 'S': num(tm.tm_sec, 2, '0'); break;
        case 't': out.push_back('\t'); break;
        case 'T': out += format_time("%H:%M:%S", tm); break;
        case 'u': num(wday == 0 ? 7 : wday, 1, 0); break;
        case 'U': num((tm.tm_yday + 7 - wday) / 7, 2, '0'); break;
        case 'w': num(wday, 1, 0); break;
        case 'W': num((tm.tm_yday + 7 - (wday + 6) % 7) / 7, 2, '0'); break;
        case 'x': out += format_time("%m/%d/%y", tm); break;
        case 'X': out += format_time("%H:%M:%S", tm); break;
        case 'y': num((tm.tm_year + 1900) % 100, 2, '0'); break;
        case 'Y': num(tm.tm_year + 1900, 1, 0); break;
        case 'z':
        case 'Z': break;  // datetime.now() is naive: no UTC offset, no zone name
        case 'f': num(0, 6, '0'); break;  // datetime's microseconds
        case '%': out.push_back('%'); break;
        default: out.append(format, start, i + 1 - start);  // unknown: kept as written
        }
        check_string_size(out.size());
    }
    return out;
}

} // namespace braid::jinja
