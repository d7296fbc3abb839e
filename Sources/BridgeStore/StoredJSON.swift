import BridgeCore
import Foundation

/// JSON documents as stored in TEXT columns (`runs.event`, `runs.notes`, `steps.parameters`).
///
/// Keys are sorted so equal values are stored as equal text.
enum StoredJSON {
    /// The JSON text of `value`.
    static func encode(_ value: some Encodable, _ what: String) throws(StoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .unavailable("cannot encode \(what)")
        }
    }

    /// The value stored as `text`.
    ///
    /// The error names the record, never the text: a corrupt document must not leak into a log.
    static func decode<Value: Decodable>(_ type: Value.Type, from text: String, _ what: String) throws(StoreError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw .unavailable("\(what) is unreadable")
        }
    }
}
