import BridgeCore
import GRDB

extension StoreError {
    /// Translates any failure while `operation` ran into `.unavailable`, keeping `StoreError`s as they are.
    ///
    /// The description holds the SQLite result code and message only: never the SQL arguments, so no
    /// delivery data or payload reaches a log or an HTTP answer.
    init(_ error: any Error, during operation: String) {
        switch error {
        case let error as StoreError:
            self = error
        case let error as DatabaseError:
            let message = error.message ?? "no message"
            self = .unavailable("\(operation): SQLite error \(error.extendedResultCode.rawValue): \(message)")
        default:
            self = .unavailable("\(operation): \(type(of: error))")
        }
    }
}
