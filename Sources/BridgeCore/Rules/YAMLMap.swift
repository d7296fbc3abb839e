import Yams

/// A YAML mapping with string keys, in file order, with `<<` merge keys already applied.
struct YAMLMap {
    /// One key and its value.
    struct Entry {
        var key: String
        var keyNode: Node
        var value: Node
    }

    /// The mapping node itself (its position is where its first key starts).
    var node: Node
    /// The entries in file order; keys written in the map override keys merged in with `<<`.
    var entries: [Entry]

    /// The entry for `key`, if present.
    subscript(key: String) -> Entry? {
        entries.first { $0.key == key }
    }

    /// The keys, in order.
    var keys: [String] { entries.map(\.key) }
}
