// Ports of NumberParser's fast path and Timestamp.parse (SlipstreamCore): same arithmetic, same
// answers; see sample_values.h.

#include "sample_values.h"

#include <string.h>

static const double exact_powers_of_ten[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
};

int sample_values_short_decimal(const unsigned char *text, size_t length, double *value) {
    if (length == 0 || length > 17) return 0;
    int negative = text[0] == '-';
    size_t first = negative ? 1 : 0;
    uint64_t significand = 0;
    long dot = -1;
    for (size_t index = first; index < length; index++) {
        unsigned char digit = (unsigned char)(text[index] - '0');
        if (digit < 10) {
            significand = significand * 10 + digit;
        } else if (text[index] == '.' && dot < 0) {
            dot = (long)index;
        } else {
            return 0;
        }
    }
    if (length <= first || dot == (long)first || dot == (long)length - 1 || significand > (1ULL << 53)) return 0;
    double result = (double)significand;
    if (dot > 0) result /= exact_powers_of_ten[length - 1 - (size_t)dot];
    *value = negative ? -result : result;
    return 1;
}

// MARK: - Timestamps

static inline int64_t digit(const unsigned char *text, size_t i) {
    int64_t d = (int64_t)text[i] - 48;
    return (d >= 0 && d <= 9) ? d : -1000000;
}

static inline int64_t two(const unsigned char *text, size_t i) { return digit(text, i) * 10 + digit(text, i + 1); }

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int64_t days_in_month(int64_t y, int64_t m) {
    if (m == 2) return is_leap(y) ? 29 : 28;
    if (m == 4 || m == 6 || m == 9 || m == 11) return 30;
    return 31;
}

static int64_t days_from_civil(int64_t year, int64_t month, int64_t day) {
    int64_t y = month <= 2 ? year - 1 : year;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int minute_seconds(const unsigned char *text, int64_t *seconds) {
    int64_t year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
    int64_t month = two(text, 5), day = two(text, 8), hour = two(text, 11), minute = two(text, 14);
    if (!(text[4] == '-' && text[7] == '-' && (text[10] == 'T' || text[10] == ' ' || text[10] == 't') && text[13] == ':' &&
          year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month) && hour >= 0 && hour <= 23 &&
          minute >= 0 && minute <= 59))
        return 0;
    *seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60;
    return 1;
}

int sample_values_timestamp(sample_values_minute *cache, const unsigned char *text, size_t n, int64_t *microseconds,
                            int *has_offset) {
    if (n < 19) return 0;
    uint64_t head[2];
    memcpy(head, text, 16);
    if (!cache->known || head[0] != cache->head[0] || head[1] != cache->head[1]) {
        int64_t seconds;
        if (!minute_seconds(text, &seconds)) return 0;
        cache->head[0] = head[0];
        cache->head[1] = head[1];
        cache->seconds = seconds;
        cache->known = 1;
    }
    int64_t second = two(text, 17);
    if (!(text[16] == ':' && second >= 0 && second <= 60)) return 0;

    size_t index = 19;
    int64_t fraction = 0;
    if (index < n && (text[index] == '.' || text[index] == ',')) {
        index += 1;
        int64_t fraction_digits = 0;
        while (index < n && digit(text, index) >= 0) {
            if (fraction_digits < 6) fraction = fraction * 10 + digit(text, index);
            fraction_digits += 1;
            index += 1;
        }
        if (fraction_digits < 1 || fraction_digits > 9) return 0;
        for (int64_t i = fraction_digits < 6 ? fraction_digits : 6; i < 6; i++) fraction *= 10;
    }

    int64_t offset_seconds = 0;
    int offset = 0;
    if (index < n) {
        unsigned char sign = text[index];
        if (sign == 'Z' || sign == 'z') {
            if (index + 1 != n) return 0;
            offset = 1;
        } else if (sign == '+' || sign == '-') {
            size_t rest = n - index - 1;
            int64_t hours, minutes;
            if (rest == 5 && text[index + 3] == ':') {
                hours = two(text, index + 1);
                minutes = two(text, index + 4);
            } else if (rest == 4) {
                hours = two(text, index + 1);
                minutes = two(text, index + 3);
            } else if (rest == 2) {
                hours = two(text, index + 1);
                minutes = 0;
            } else {
                return 0;
            }
            if (!(hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59)) return 0;
            offset_seconds = (hours * 3600 + minutes * 60) * (sign == '-' ? -1 : 1);
            offset = 1;
        } else {
            return 0;
        }
    }
    *microseconds = (cache->seconds + (second - offset_seconds)) * 1000000 + fraction;
    *has_offset = offset;
    return 1;
}
