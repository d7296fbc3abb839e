import BridgeCore
import Testing

@Suite struct DigestTests {
    @Test func githubDocumentedVector() {
        let mac = Digest.hmac(.sha256, key: Array("It's a Secret to Everybody".utf8), message: Array("Hello, World!".utf8))
        #expect(Hex.encode(mac) == "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
    }

    @Test func emptyInputs() {
        #expect(Digest.sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.hmac(.sha1, key: [UInt8](), message: [UInt8]()).count == 20)
    }

    @Test func constantTimeEqual() {
        #expect(Digest.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Digest.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Digest.constantTimeEqual([1, 2], [1, 2, 3]))
    }

    @Test func hexRoundTrip() {
        #expect(Hex.decode("00ffA0") == [0, 255, 160])
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.decode("abc") == nil)
    }
}
