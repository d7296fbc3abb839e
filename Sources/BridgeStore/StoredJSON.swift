import BridgeCore
import Foundation

/// JSON documents as stored in TEXT columns (`runs.event`, `runs.notes`, `steps.parameters`).
///
/// Written with `ConfigValue.jsonText` (keys sorted, so equal values are stored as equal text); read back here.
enum StoredJSON {
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

    /// An outbox row's payload: the update's JSON, keys sorted, without a deployment id (added when the row is read).
    static func statusPayload(_ update: StatusUpdate) throws -> String {
        var update = update
        update.deploymentID = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(update), as: UTF8.self)
    }
}
