import Foundation

/// Decodes payloads into small private `Decodable` structs, mapping failures to short, body-free `PayloadError`s.
enum JSONPayload {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(PayloadError) -> T {
        do {
            // Explicit snake_case CodingKeys, not `.convertFromSnakeCase`: that strategy rewrites every key of
            // every object in the payload, read or not, and cost a sixth of the decoding time.
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw payloadError(error)
        } catch {
            throw .malformedJSON
        }
    }

    /// A `PayloadError` naming the field by its dotted path (never its value).
    static func payloadError(_ error: DecodingError) -> PayloadError {
        switch error {
        case .keyNotFound(let key, let context): .missingField(path(context.codingPath + [key]))
        case .valueNotFound(_, let context): .missingField(path(context.codingPath))
        case .typeMismatch(_, let context): .invalidField(path(context.codingPath))
        case .dataCorrupted(let context): context.codingPath.isEmpty ? .malformedJSON : .invalidField(path(context.codingPath))
        @unknown default: .malformedJSON
        }
    }

    /// `commits[2].added`, `repository.full_name` (spelled as on the wire); `payload` for the top level.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "payload" : text
    }
}

/// A JSON string or integer read as a string: ids are numbers on some forges and strings on others.
struct LenientString: Decodable, Hashable {
    let value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Int64.self) {
            value = String(number)
        } else {
            throw DecodingError.typeMismatch(
                String.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a string or an integer"))
        }
    }
}
