// `developers show` and `developers set-scopes`: what a developer receives (docs/SERVICE.md, "Data
// scopes"). Omitted options keep their value; a new developer has everything.

import ArgumentParser
import Foundation
import Slipstream
import SlipstreamStorage

extension Developers {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a developer: webhook URL and signing secret, whether deliveries are stopped, data scopes.")
        @Argument(help: "The developer's id.") var devID: String
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            guard let d = try await database.open().developer(id: devID) else {
                throw ValidationError("no developer \(devID)")
            }
            print(
                jsonObject([
                    ("dev_id", d.id), ("name", d.name), ("webhook_url", d.webhookURL),
                    ("webhook_signing_secret", d.webhookSigningSecret),
                    ("webhook_disabled", d.webhookDisabledAt != nil),
                    ("created_at", ISO8601DateFormatter().string(from: d.createdAt)),
                    ("scopes", Self.scopes(d.scopes)),
                ]))
        }

        static func scopes(_ s: DataScopes) -> JSONMembers {
            JSONMembers([
                ("events", DataScopes.eventKinds.filter(s.events.contains)),
                ("data", DataScopes.dataGroups.filter(s.data.contains)),
                ("samples", Channel.allCases.filter(s.samples.contains).map(\.name)), ("slipstream", s.slipstream),
            ])
        }
    }

    struct SetScopes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-scopes",
            abstract: "Choose which events and which parts of an Activity a developer receives; prints the result.",
            discussion: """
                Events: \(DataScopes.eventKinds.joined(separator: ", ")) (historical answers always go out). \
                Data: \(DataScopes.dataGroups.joined(separator: ", ")) (metadata always goes). Samples: \
                \(Channel.allCases.map(\.name).joined(separator: ", ")). Each list also takes all or none. \
                Scopes cut what is sent (webhooks and GET /v2/activity), never what is stored.
                """)
        @Argument(help: "The developer's id.") var devID: String
        @Option(help: "Events sent to the webhook: a comma-separated list, all or none.") var events: String?
        @Option(help: "Activity groups sent: a comma-separated list, all or none.") var data: String?
        @Option(help: "Channels whose samples are sent: a comma-separated list, all or none.") var samples: String?
        @Flag(inversion: .prefixedNo, help: "Send our `slipstream` object.") var slipstream: Bool?
        @OptionGroup var database: DatabaseOption

        func validate() throws {
            _ = try Self.list(events, "--events", DataScopes.eventKinds)
            _ = try Self.list(data, "--data", DataScopes.dataGroups)
            _ = try Self.list(samples, "--samples", Channel.allCases.map(\.name))
        }

        /// The names `text` lists, each checked against `known`; nil when the option is absent.
        static func list(_ text: String?, _ flag: String, _ known: [String]) throws -> Set<String>? {
            guard let text else { return nil }
            switch text {
            case "all": return Set(known)
            case "none", "": return []
            default:
                let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if let unknown = names.first(where: { !known.contains($0) }) {
                    throw ValidationError(
                        "\(flag): '\(unknown)' is not one of \(known.joined(separator: ", ")), all, none")
                }
                return Set(names)
            }
        }

        func run() async throws {
            let storage = try await database.open()
            guard let developer = try await storage.developer(id: devID) else {
                throw ValidationError("no developer \(devID)")
            }
            var scopes = developer.scopes
            if let events = try Self.list(events, "--events", DataScopes.eventKinds) { scopes.events = events }
            if let data = try Self.list(data, "--data", DataScopes.dataGroups) { scopes.data = data }
            if let names = try Self.list(samples, "--samples", Channel.allCases.map(\.name)) {
                scopes.samples = Set(Channel.allCases.filter { names.contains($0.name) })
            }
            if let slipstream { scopes.slipstream = slipstream }
            guard try await storage.replaceScopes(developerID: devID, scopes: scopes) else {
                throw ValidationError("no developer \(devID)")
            }
            print(jsonObject([("dev_id", devID), ("scopes", Show.scopes(scopes))]))
        }
    }
}
