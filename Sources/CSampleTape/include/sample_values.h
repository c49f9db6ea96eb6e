// Sample values read in C, exactly as SlipstreamCore's Swift parsers read them (the tests and the
// fuzzer compare the two): short decimal numbers (NumberParser's fast path) and ISO 8601
// timestamps (Timestamp.parse, with TimestampParser's memory of the last minute).

#ifndef SAMPLE_VALUES_H
#define SAMPLE_VALUES_H

#include <stddef.h>
#include <stdint.h>

/// `142`, `-3.25`, `45.070279`: at most 17 bytes, no exponent, a significand within 2^53.
/// Returns 0 when the text is not that case (the Swift parser decides).
int sample_values_short_decimal(const unsigned char *text, size_t length, double *value);

/// The last minute parsed (`YYYY-MM-DDTHH:MM`) and its epoch seconds.
typedef struct sample_values_minute {
    uint64_t head[2];
    int64_t seconds;
    int known;
} sample_values_minute;

/// Parses a timestamp to UTC epoch microseconds; `has_offset` says whether it carried one.
/// Returns 0 when the text is not a timestamp (Timestamp.parse's nil).
int sample_values_timestamp(sample_values_minute *minute, const unsigned char *text, size_t length, int64_t *microseconds,
                            int *has_offset);

#endif
