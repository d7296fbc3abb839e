import BridgeCore
import Foundation

/// Loads payload fixtures from `Fixtures/<forge>/<name>.json`.
enum Fixture {
    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "fixture \(path) is not in the test bundle" }
    }

    static func bytes(_ forge: String, _ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/\(forge)") else {
            throw Missing(path: "\(forge)/\(name).json")
        }
        return Array(try Data(contentsOf: url))
    }
}

/// A resolved secret for tests.
func testSecret(_ text: String, name: String = "TEST_SECRET") -> Secret {
    Secret(bytes: Array(text.utf8), reference: .environment(name))
}

/// Lowercase hex HMAC of `message` under `key`.
func hmacHex(_ algorithm: Digest.Algorithm, key: String, _ message: [UInt8]) -> String {
    Hex.encode(Digest.hmac(algorithm, key: Array(key.utf8), message: message))
}

/// `body` url-encoded as a form's `payload` field, the way Go's `url.Values.Encode` does it.
func formEncodedPayload(_ body: [UInt8]) -> [UInt8] {
    let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
    var out = Array("payload=".utf8)
    for byte in body {
        if unreserved.contains(byte) {
            out.append(byte)
        } else if byte == UInt8(ascii: " ") {
            out.append(UInt8(ascii: "+"))
        } else {
            out.append(contentsOf: Array("%".utf8) + Array(Hex.encode([byte]).uppercased().utf8))
        }
    }
    return out
}

/// A copy of `bytes` with one byte changed.
func flippingOneByte(_ bytes: [UInt8], at index: Int = 0) -> [UInt8] {
    var copy = bytes
    copy[index] ^= 0x01
    return copy
}

extension ParsedWebhook.Content {
    /// The events of a `.push`, empty otherwise.
    var events: [PushEvent] {
        if case .push(let events) = self { return events }
        return []
    }
}

let zeroSHA = String(repeating: "0", count: 40)
