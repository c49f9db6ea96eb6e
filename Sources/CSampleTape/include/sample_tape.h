// yajl's callbacks in C. Outside sample lists every event goes on to the callbacks the Swift router
// registered (`forward`); inside a sample list that the router handed over (`sample_tape_begin_list`)
// the events are read here, and each sample becomes one record on a tape of bytes that the router
// stores in a loop (`flush`), so no event of a sample crosses into Swift.
//
// Tape entries: a 64-bit header (length << 8 | op), then `length` bytes (unaligned): values parsed
// here, or text copied (yajl's pointers are valid only during a callback).

#ifndef SAMPLE_TAPE_H
#define SAMPLE_TAPE_H

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_parse.h>

#include "sample_values.h"

enum sample_tape_op {
    SAMPLE_TAPE_BEGIN = 1,    // a sample object begins
    SAMPLE_TAPE_TIME = 2,     // its "timestamp" string
    SAMPLE_TAPE_VALUE = 3,    // its value key's number
    SAMPLE_TAPE_TIMER = 4,    // its "timer_duration_seconds" number
    SAMPLE_TAPE_LATITUDE = 5, // a coordinate pair's first number
    SAMPLE_TAPE_LONGITUDE = 6,// and its second
    SAMPLE_TAPE_END = 7,      // the object closed; 12 bytes: the input offset (int64), its place in the list (int32, from 1)
    SAMPLE_TAPE_DROPPED = 8,  // an element of the list that is not an object
};

/// Added to TIME, VALUE, TIMER, LATITUDE and LONGITUDE when C parsed the text: the entry holds a
/// double (8 bytes), or for TIME the microseconds (int64) and whether there was an offset (1 byte).
/// Without it the entry holds the text, for the Swift parser (numbers C does not take on).
#define SAMPLE_TAPE_PARSED 0x80

/// What the key being read inside a sample is (the slot its value fills).
enum sample_tape_field {
    SAMPLE_TAPE_FIELD_SKIP = 0,
    SAMPLE_TAPE_FIELD_TIME,
    SAMPLE_TAPE_FIELD_VALUE,
    SAMPLE_TAPE_FIELD_TIMER,
    SAMPLE_TAPE_FIELD_COORDINATES,
};

/// Where the reader is inside a handed-over list.
enum sample_tape_state {
    SAMPLE_TAPE_IN_LIST = 0,
    SAMPLE_TAPE_IN_SAMPLE,
    SAMPLE_TAPE_IN_COORDINATES,
};

typedef struct sample_tape {
    // Set once by the owner.
    const yajl_callbacks *forward;
    void *forward_context;
    /// The Swift object that stores the records.
    void *owner;
    yajl_handle handle;
    /// Called when the tape holds `flush_bytes` after a sample, and when a list ends (`active` is
    /// then 0): stores the records or hands them on; returns 0 to stop the parse (the router keeps
    /// the error).
    int (*flush)(struct sample_tape *tape);
    size_t flush_bytes;
    /// Numbers and timestamps are parsed here; 0 leaves every value as text (for a storing thread).
    int parses_values;
    /// A container inside the list went deeper than `max_depth`; returns 0.
    int (*depth_exceeded)(struct sample_tape *tape);
    int max_depth;

    /// Input bytes before the chunk being parsed (for the offsets of END records).
    int64_t bytes_before_chunk;
    /// Events read here (the router counts the rest).
    uint64_t events;

    // The list being read (set by sample_tape_begin_list).
    int active;
    int channel;
    int is_coordinate;
    int list_depth;
    const char *value_key;
    size_t value_key_length;

    // The position inside it.
    int32_t elements;
    int state;
    int field;
    int key_pending;
    int skip_depth;
    int nesting;
    int32_t coordinates;
    uint8_t *skipped_key;
    size_t skipped_key_length, skipped_key_capacity;
    int has_skipped_key;

    /// The minute of the last timestamp.
    sample_values_minute minute;

    // The records.
    uint8_t *bytes;
    size_t used, capacity;
} sample_tape;

/// Callbacks for yajl_alloc, with the tape as the context.
const yajl_callbacks *sample_tape_callbacks(void);
/// Callbacks that accept every event and do nothing: the ceiling of any yajl consumer.
const yajl_callbacks *sample_tape_no_op_callbacks(void);

void sample_tape_init(sample_tape *tape);
/// Memory for records (`free`d by sample_tape_destroy when it is the tape's, else by sample_tape_release).
uint8_t *sample_tape_buffer(size_t capacity);
void sample_tape_release(uint8_t *buffer);
void sample_tape_destroy(sample_tape *tape);
/// The router met a sample list of `channel` at nesting `depth`: the following events are read here
/// until the list closes.
void sample_tape_begin_list(sample_tape *tape, int channel, const char *value_key, size_t value_key_length,
                            int is_coordinate, int depth);

#endif
