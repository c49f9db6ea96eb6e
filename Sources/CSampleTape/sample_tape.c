// The sample-list reader behind yajl's callbacks (see sample_tape.h).

#include "sample_tape.h"

#include <stdlib.h>
#include <string.h>

static void ensure(sample_tape *tape, size_t more) {
    if (tape->used + more <= tape->capacity) return;
    size_t capacity = tape->capacity ? tape->capacity : tape->flush_bytes + 4096;
    while (capacity < tape->used + more) capacity *= 2;
    uint8_t *bytes = realloc(tape->bytes, capacity);
    if (!bytes) abort();
    tape->bytes = bytes;
    tape->capacity = capacity;
}

static inline void put(sample_tape *tape, int op, const void *payload, size_t length) {
    ensure(tape, 8 + length);
    // 64 bits: a token can be longer than 16 MiB (--max-token-bytes is checked after each chunk).
    uint64_t header = ((uint64_t)length << 8) | (uint64_t)op;
    memcpy(tape->bytes + tape->used, &header, 8);
    if (length) memcpy(tape->bytes + tape->used + 8, payload, length);
    tape->used += 8 + length;
}

static inline int equal(const unsigned char *key, size_t length, const char *literal, size_t literal_length) {
    return length == literal_length && memcmp(key, literal, length) == 0;
}

/// A container opens inside the list; 0 when it is one level too many.
static inline int open_nested(sample_tape *tape) {
    tape->nesting += 1;
    if (tape->list_depth + tape->nesting > tape->max_depth) {
        tape->nesting -= 1;
        return 0;
    }
    return 1;
}

/// A scalar at the current position: an element of the list or of a coordinate pair, or a field's value.
/// Returns the field it fills (SKIP when none).
static inline int scalar(sample_tape *tape) {
    switch (tape->state) {
    case SAMPLE_TAPE_IN_LIST:
        tape->elements += 1;
        put(tape, SAMPLE_TAPE_DROPPED, NULL, 0);
        return SAMPLE_TAPE_FIELD_SKIP;
    case SAMPLE_TAPE_IN_COORDINATES:
        tape->coordinates += 1;
        return SAMPLE_TAPE_FIELD_COORDINATES;
    default:
        tape->key_pending = 0;
        return tape->field;
    }
}

// MARK: - Callbacks

#define TAPE ((sample_tape *)context)

static int on_null(void *context) {
    if (!TAPE->active) return TAPE->forward->yajl_null(TAPE->forward_context);
    TAPE->events += 1;
    if (TAPE->skip_depth == 0) scalar(TAPE);
    return 1;
}

static int on_boolean(void *context, int value) {
    if (!TAPE->active) return TAPE->forward->yajl_boolean(TAPE->forward_context, value);
    TAPE->events += 1;
    if (TAPE->skip_depth == 0) scalar(TAPE);
    return 1;
}

static int on_number(void *context, const char *text, size_t length) {
    sample_tape *tape = TAPE;
    if (!tape->active) return tape->forward->yajl_number(tape->forward_context, text, length);
    tape->events += 1;
    if (tape->skip_depth) return 1;
    int field = scalar(tape);
    int op;
    if (field == SAMPLE_TAPE_FIELD_VALUE) {
        op = SAMPLE_TAPE_VALUE;
    } else if (field == SAMPLE_TAPE_FIELD_TIMER) {
        op = SAMPLE_TAPE_TIMER;
    } else if (field == SAMPLE_TAPE_FIELD_COORDINATES && tape->state == SAMPLE_TAPE_IN_COORDINATES && tape->coordinates <= 2) {
        op = tape->coordinates == 1 ? SAMPLE_TAPE_LATITUDE : SAMPLE_TAPE_LONGITUDE;
    } else {
        return 1;
    }
    double value;
    if (tape->parses_values && sample_values_short_decimal((const unsigned char *)text, length, &value)) {
        put(tape, op | SAMPLE_TAPE_PARSED, &value, sizeof value);
    } else {
        put(tape, op, text, length);
    }
    return 1;
}

static int on_string(void *context, const unsigned char *text, size_t length) {
    sample_tape *tape = TAPE;
    if (!tape->active) return tape->forward->yajl_string(tape->forward_context, text, length);
    tape->events += 1;
    if (tape->skip_depth) return 1;
    if (scalar(tape) == SAMPLE_TAPE_FIELD_TIME && tape->state == SAMPLE_TAPE_IN_SAMPLE) {
        if (!tape->parses_values) {
            put(tape, SAMPLE_TAPE_TIME, text, length);
            return 1;
        }
        int64_t microseconds;
        int has_offset;
        // Not a timestamp: no entry, as the Swift parser's nil leaves the sample without a time.
        if (sample_values_timestamp(&tape->minute, text, length, &microseconds, &has_offset)) {
            uint8_t entry[9];
            memcpy(entry, &microseconds, 8);
            entry[8] = (uint8_t)has_offset;
            put(tape, SAMPLE_TAPE_TIME | SAMPLE_TAPE_PARSED, entry, sizeof entry);
        }
    }
    return 1;
}

static int on_map_key(void *context, const unsigned char *key, size_t length) {
    sample_tape *tape = TAPE;
    if (!tape->active) return tape->forward->yajl_map_key(tape->forward_context, key, length);
    tape->events += 1;
    if (tape->skip_depth) return 1;
    tape->key_pending = 1;
    if (equal(key, length, "timestamp", 9)) {
        tape->field = SAMPLE_TAPE_FIELD_TIME;
    } else if (equal(key, length, tape->value_key, tape->value_key_length)) {
        tape->field = tape->is_coordinate ? SAMPLE_TAPE_FIELD_COORDINATES : SAMPLE_TAPE_FIELD_VALUE;
    } else if (equal(key, length, "timer_duration_seconds", 22)) {
        tape->field = SAMPLE_TAPE_FIELD_TIMER;
    } else {
        tape->field = SAMPLE_TAPE_FIELD_SKIP;
        if (tape->skipped_key_capacity < length) {
            size_t capacity = length < 64 ? 64 : length;
            uint8_t *bytes = realloc(tape->skipped_key, capacity);
            if (!bytes) abort();
            tape->skipped_key = bytes;
            tape->skipped_key_capacity = capacity;
        }
        if (length) memcpy(tape->skipped_key, key, length);
        tape->skipped_key_length = length;
        tape->has_skipped_key = 1;
    }
    return 1;
}

static int on_start_map(void *context) {
    sample_tape *tape = TAPE;
    if (!tape->active) return tape->forward->yajl_start_map(tape->forward_context);
    tape->events += 1;
    if (!open_nested(tape)) return tape->depth_exceeded(tape);
    if (tape->skip_depth) {
        tape->skip_depth += 1;
    } else if (tape->state == SAMPLE_TAPE_IN_LIST) {
        tape->elements += 1;
        tape->state = SAMPLE_TAPE_IN_SAMPLE;
        tape->key_pending = 0;
        tape->field = SAMPLE_TAPE_FIELD_SKIP;
        put(tape, SAMPLE_TAPE_BEGIN, NULL, 0);
    } else {
        scalar(tape);  // a field's value or a coordinate that is an object: passed over
        tape->skip_depth = 1;
    }
    return 1;
}

static int on_end_map(void *context) {
    sample_tape *tape = TAPE;
    if (!tape->active) return tape->forward->yajl_end_map(tape->forward_context);
    tape->events += 1;
    tape->nesting -= 1;
    if (tape->skip_depth) {
        tape->skip_depth -= 1;
        return 1;
    }
    // The sample object closes.
    tape->state = SAMPLE_TAPE_IN_LIST;
    struct { int64_t offset; int32_t element; } __attribute__((packed)) end = {
        tape->bytes_before_chunk + (int64_t)yajl_get_bytes_consumed(tape->handle), tape->elements,
    };
    put(tape, SAMPLE_TAPE_END, &end, sizeof end);
    if (tape->used >= tape->flush_bytes) return tape->flush(tape);
    return 1;
}

static int on_start_array(void *context) {
    sample_tape *tape = TAPE;
    if (!tape->active) return tape->forward->yajl_start_array(tape->forward_context);
    tape->events += 1;
    if (!open_nested(tape)) return tape->depth_exceeded(tape);
    if (tape->skip_depth) {
        tape->skip_depth += 1;
    } else if (tape->state == SAMPLE_TAPE_IN_SAMPLE && tape->field == SAMPLE_TAPE_FIELD_COORDINATES) {
        tape->key_pending = 0;
        tape->state = SAMPLE_TAPE_IN_COORDINATES;
        tape->coordinates = 0;
    } else {
        scalar(tape);  // an array element of the list is dropped; elsewhere passed over
        tape->skip_depth = 1;
    }
    return 1;
}

static int on_end_array(void *context) {
    sample_tape *tape = TAPE;
    if (!tape->active) return tape->forward->yajl_end_array(tape->forward_context);
    if (tape->skip_depth) {
        tape->events += 1;
        tape->nesting -= 1;
        tape->skip_depth -= 1;
        return 1;
    }
    if (tape->state == SAMPLE_TAPE_IN_COORDINATES) {
        tape->events += 1;
        tape->nesting -= 1;
        tape->state = SAMPLE_TAPE_IN_SAMPLE;
        return 1;
    }
    // The list closes: its samples are stored before the router hears of it.
    tape->active = 0;
    if (!tape->flush(tape)) return 0;
    return tape->forward->yajl_end_array(tape->forward_context);
}

#undef TAPE

static const yajl_callbacks routing = {
    on_null, on_boolean, NULL, NULL, on_number, on_string, on_start_map, on_map_key, on_end_map, on_start_array, on_end_array,
};

const yajl_callbacks *sample_tape_callbacks(void) { return &routing; }

// MARK: - No-op callbacks

static int accept_null(void *context) { (void)context; return 1; }
static int accept_boolean(void *context, int value) { (void)context; (void)value; return 1; }
static int accept_number(void *context, const char *text, size_t length) { (void)context; (void)text; (void)length; return 1; }
static int accept_string(void *context, const unsigned char *text, size_t length) { (void)context; (void)text; (void)length; return 1; }
static int accept_key(void *context, const unsigned char *key, size_t length) { (void)context; (void)key; (void)length; return 1; }

static const yajl_callbacks no_op = {
    accept_null, accept_boolean, NULL, NULL, accept_number, accept_string, accept_null, accept_key, accept_null, accept_null,
    accept_null,
};

const yajl_callbacks *sample_tape_no_op_callbacks(void) { return &no_op; }

// MARK: - Life cycle

void sample_tape_init(sample_tape *tape) {
    memset(tape, 0, sizeof *tape);
    tape->flush_bytes = 64 * 1024;
    tape->parses_values = 1;
}

uint8_t *sample_tape_buffer(size_t capacity) {
    uint8_t *buffer = malloc(capacity);
    if (!buffer) abort();
    return buffer;
}

void sample_tape_release(uint8_t *buffer) { free(buffer); }

void sample_tape_destroy(sample_tape *tape) {
    free(tape->bytes);
    free(tape->skipped_key);
    memset(tape, 0, sizeof *tape);
}

void sample_tape_begin_list(sample_tape *tape, int channel, const char *value_key, size_t value_key_length,
                            int is_coordinate, int depth) {
    tape->active = 1;
    tape->channel = channel;
    tape->value_key = value_key;
    tape->value_key_length = value_key_length;
    tape->is_coordinate = is_coordinate;
    tape->list_depth = depth;
    tape->elements = 0;
    tape->state = SAMPLE_TAPE_IN_LIST;
    tape->field = SAMPLE_TAPE_FIELD_SKIP;
    tape->key_pending = 0;
    tape->skip_depth = 0;
    tape->nesting = 0;
    tape->coordinates = 0;
    tape->has_skipped_key = 0;
}
