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

    /// The value stored as `text`, read without `JSONDecoder` (`StoredDocument`). The error names the record, as
    /// `decode`'s does.
    static func read<Value: StoredDocument>(_ type: Value.Type, from text: String, _ what: String) throws(StoreError) -> Value {
        do {
            return try Value(storedJSON: text)
        } catch {
            throw .unavailable("\(what) is unreadable")
        }
    }

    /// An outbox row's payload: the update's JSON, keys sorted, without what is added when the row is read (its run id,
    /// deployment id, request id and time).
    static func statusPayload(_ update: StatusUpdate) -> String {
        var update = update
        update.runID = 0
        update.deploymentID = nil
        update.requestID = nil
        update.requestedAt = nil
        return encode(update)
    }

    /// `value` as JSON, keys sorted. Encoding these plain structs (strings, numbers, booleans) cannot fail.
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Safety: the encoded types hold only strings, integers, booleans and arrays of them, which JSONEncoder accepts.
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// A document the store writes as `ConfigValue.jsonText` and reads back with `ConfigValue`'s own reader
/// (`ConfigValue+JSONRead`), which accepts and refuses what `JSONDecoder` does: the ones read for every claim and run
/// change.
protocol StoredDocument {
    init(storedJSON text: String) throws(PayloadError)
}

extension ConfigValue: StoredDocument {
    init(storedJSON text: String) throws(PayloadError) { try self.init(jsonText: text) }
}

extension PushEvent: StoredDocument {}
extension RunReport: StoredDocument {}
