// The keys of Terra's Activity object that the router understands, as a tree built once from the
// schema table (where each channel's samples stand) and from ``SummaryField`` paths (where each
// summary value a provider may send stands). Nothing here names a Terra key by hand.
//
//     node 0 (the activity)  "power_data" -> node 1, "distance_data" -> node 2, ...
//     node 1                 "power_samples" -> samples of .power, "avg_watts" -> provider value .avgWatts
//     node 2                 "detailed" -> node 3, "summary" -> node 4
//     node 3                 "distance_samples" -> samples of .distance, ...

import SlipstreamCore

struct TerraKeyTree: Sendable {
    enum Target: Sendable {
        case container(UInt8)
        case samples(Channel)
        case provider(SummaryField)
    }

    struct Node: Sendable {
        /// The key that leads here from the parent ("" for the activity itself).
        var name: StaticString
        var children: [(key: StaticString, target: Target)] = []
    }

    private(set) var nodes: [Node] = [Node(name: "")]

    static let terra = TerraKeyTree()

    private init() {
        for schema in Schema.channels {
            let parent = container(schema.container)
            nodes[parent].children.append((schema.listKey, .samples(schema.channel)))
        }
        for field in SummaryField.allCases {
            let parent = container(field.path.dropLast())
            nodes[parent].children.append((field.path[field.path.count - 1], .provider(field)))
        }
        precondition(nodes.count <= Int(UInt8.max), "the key tree's nodes are numbered in a byte")
    }

    /// The node at `path` from the activity, created on the way.
    private mutating func container(_ path: some Collection<StaticString>) -> Int {
        var node = 0
        for key in path {
            if let existing = nodes[node].children.first(where: { $0.key == key }),
                case .container(let next) = existing.target
            {
                node = Int(next)
            } else {
                nodes.append(Node(name: key))
                nodes[node].children.append((key, .container(UInt8(nodes.count - 1))))
                node = nodes.count - 1
            }
        }
        return node
    }

    /// What `key` leads to inside `node`; nil for a key the router passes over.
    @inline(__always)
    func child(of node: Int, key: UnsafeRawBufferPointer) -> Target? {
        for child in nodes[node].children where key == child.key { return child.target }
        return nil
    }
}
