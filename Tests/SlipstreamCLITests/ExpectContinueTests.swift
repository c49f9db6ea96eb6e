// curl sends `Expect: 100-continue` with every body over 1 MB and, unanswered, waits before sending
// it (a second by default). `serve` answers: 100 once the request would be accepted, else the 4xx at
// once, before a byte of the body is sent. Measured with curl itself, told to wait 20 s for the 100.

import Foundation
import Testing

@Suite struct ExpectContinueTests {
    @Test func uploadsExpectingContinueAreAnsweredAtOnce() throws {
        let dir = NSTemporaryDirectory() + "slipstream-expect-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = #"""
            set -e
            created=$(slipstream developers create --name expect --database db.sqlite)
            dev=$(printf '%s' "$created" | sed -E 's/.*"dev_id":"([^"]+)".*/\1/')
            key=$(printf '%s' "$created" | sed -E 's/.*"api_key":"([^"]+)".*/\1/')
            slipstream serve --port 0 --database db.sqlite --no-deliveries --max-body-bytes 3000000 2>serve.log &
            pid=$!
            trap 'kill $pid' EXIT
            for _ in $(seq 100); do grep -q 'listening on' serve.log && break; sleep 0.1; done
            base="http://$(sed -nE 's/.*listening on ([0-9.:]+).*/\1/p' serve.log)"
            user=$(curl -sf -X POST -H "dev-id: $dev" -H "x-api-key: $key" "$base/v2/auth/authenticateUser?resource=XOSS" \
                | sed -E 's/.*"user_id":"([^"]+)".*/\1/')
            slipstream generate --seconds 3600 > ride.json
            head -c 3000001 /dev/zero > large.bin
            post() {  # name, file, key, user: status, seconds, bytes sent
                curl -s -o /dev/null --expect100-timeout 20 -H "Expect: 100-continue" -H "dev-id: $dev" -H "x-api-key: $3" \
                    --data-binary "@$2" -w "$1 %{http_code} %{time_total} %{size_upload}\n" "$base/v2/ingest?user_id=$4"
            }
            post accepted ride.json "$key" "$user"
            post wrong-key ride.json wrong "$user"
            post unknown-user ride.json "$key" nobody
            post too-large large.bin "$key" "$user"
            """#
        let result = try shell(script, in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        var lines: [String: (status: String, seconds: Double, sent: Int)] = [:]
        for line in result.stdout.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count == 4, let seconds = Double(words[2]), let sent = Int(words[3]) else { continue }
            lines[words[0]] = (words[1], seconds, sent)
        }
        let ride = try #require(FileManager.default.attributesOfItem(atPath: dir + "/ride.json")[.size] as? Int)
        #expect(ride > 1_000_000)
        #expect(lines["accepted"]?.status == "200" && lines["accepted"]?.sent == ride)
        #expect((lines["accepted"]?.seconds ?? 99) < 10, "the body waited for a 100 that never came")
        for (name, status) in [("wrong-key", "401"), ("unknown-user", "404"), ("too-large", "413")] {
            #expect(lines[name]?.status == status, "\(name): \(String(describing: lines[name]))")
            #expect(lines[name]?.sent == 0, "\(name): the body was sent before the refusal")
            #expect((lines[name]?.seconds ?? 99) < 10, "\(name)")
        }
    }
}
