import Testing

@testable import BridgeCore

@Suite struct FormURLEncodedTests {
    static func value(_ body: String, _ name: String = "payload") -> FormURLEncoded.Lookup {
        FormURLEncoded.value(of: name, in: Array(body.utf8))
    }

    @Test func decodesPlusAndPercentEscapes() {
        #expect(Self.value("payload=%7B%22a%22%3A+%22b%2Bc%22%7D") == .found(Array(#"{"a": "b+c"}"#.utf8)))
        #expect(Self.value("payload=%e2%9c%93") == .found([0xE2, 0x9C, 0x93]))
    }

    @Test func findsTheNamedFieldAmongOthers() {
        #expect(Self.value("a=1&payload=x&payload=y") == .found(Array("x".utf8)))
        #expect(Self.value("pay%6Coad=z") == .found(Array("z".utf8)))
        #expect(Self.value("payload") == .found([]))
        #expect(Self.value("&&payload=&") == .found([]))
    }

    @Test(arguments: ["payload=%G1", "payload=%4", "payload=abc%", "payload=%%41"])
    func rejectsBadEscapes(body: String) {
        #expect(Self.value(body) == .malformed)
    }

    @Test func missingField() {
        #expect(Self.value("payloads=1&xpayload=2") == .missing)
        #expect(Self.value("") == .missing)
    }
}
