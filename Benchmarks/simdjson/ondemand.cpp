// simdjson On-Demand over Terra Activity payloads, one core: the comparison point for `batch`.
// For each file: every activity's samples in the channels Slipstream reads, the timestamp string
// taken (not parsed to a time) and the value read as a number, summed so nothing is optimised away.
// Usage: ondemand FILE... ; prints bytes, samples, seconds and MB/s of the whole run (files loaded
// into memory first, as On-Demand needs them; loading is not timed).
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)
#define STRINGIFY_VERSION STRINGIFY(SIMDJSON_VERSION)

using namespace simdjson;

struct List { const char *container[2]; const char *key; const char *value; };
static const List lists[] = {
    {{"heart_rate_data", "detailed"}, "hr_samples", "bpm"},
    {{"power_data", nullptr}, "power_samples", "watts"},
    {{"movement_data", nullptr}, "cadence_samples", "cadence_rpm"},
    {{"movement_data", nullptr}, "speed_samples", "speed_meters_per_second"},
    {{"distance_data", "detailed"}, "distance_samples", "distance_meters"},
    {{"distance_data", "detailed"}, "elevation_samples", "elev_meters"},
    {{"position_data", nullptr}, "position_samples", "coords_lat_lng_deg"},
    {{"temperature_data", nullptr}, "ambient_temperature_samples", "temperature_celsius"},
};

int main(int argc, char **argv) {
    std::vector<padded_string> files;
    size_t bytes = 0;
    for (int i = 1; i < argc; i++) {
        auto loaded = padded_string::load(argv[i]);
        if (loaded.error()) { std::fprintf(stderr, "%s: %s\n", argv[i], error_message(loaded.error())); return 1; }
        bytes += loaded.value().size();
        files.push_back(std::move(loaded.value()));
    }
    ondemand::parser parser;
    size_t samples = 0, timestampBytes = 0;
    double sum = 0;
    auto start = std::chrono::steady_clock::now();
    for (auto &file : files) {
        ondemand::document doc = parser.iterate(file);
        for (ondemand::object activity : doc["data"]) {
            for (auto field : activity) {
                std::string_view name = field.unescaped_key();
                const List *first = nullptr;
                for (const List &list : lists) if (name == list.container[0]) { first = &list; break; }
                if (!first) continue;
                ondemand::object container = field.value().get_object();
                if (first->container[1]) container = container[first->container[1]].get_object();
                for (auto entry : container) {
                    std::string_view key = entry.unescaped_key();
                    const List *list = nullptr;
                    for (const List &candidate : lists) if (name == candidate.container[0] && key == candidate.key) list = &candidate;
                    if (!list) continue;
                    for (ondemand::object sample : entry.value().get_array()) {
                        for (auto member : sample) {
                            std::string_view memberKey = member.unescaped_key();
                            if (memberKey == "timestamp") {
                                std::string_view text = member.value().get_string();
                                timestampBytes += text.size();
                            } else if (memberKey == list->value) {
                                ondemand::value value = member.value();
                                if (value.type() == ondemand::json_type::array) {
                                    for (double coordinate : value.get_array()) sum += coordinate;
                                } else {
                                    sum += double(value);
                                }
                            }
                        }
                        samples++;
                    }
                }
            }
        }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("simdjson %s on-demand: %zu bytes, %zu samples, %.3f s, %.1f MB/s (checksum %.1f, %zu timestamp bytes)\n",
                STRINGIFY_VERSION, bytes, samples, seconds, bytes / 1e6 / seconds, sum, timestampBytes);
    return 0;
}
