import Foundation
import Hummingbird
import NIOCore

/// One admin API answer: a status and a JSON body. Thrown for the error answers, so a handler reads top to bottom.
struct AdminAnswer: Error, Sendable {
    let status: Int
    let body: String
    /// What went to the log instead of the body, if anything.
    var message: String? = nil
    var contentType = "application/json"

    static func error(_ status: Int, _ text: String) -> AdminAnswer {
        AdminAnswer(status: status, body: errorBody(text))
    }

    static func record(_ value: some Encodable) -> AdminAnswer {
        AdminAnswer(status: 200, body: RecordFormatter.json(value) + "\n")
    }

    /// `{"error":"…"}`, compact.
    static func errorBody(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Safety: a dictionary of strings always encodes.
        return (try? encoder.encode(["error": text])).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    }

    var response: Response {
        BridgeRouter.text(status, body, contentType: contentType)
    }
}
