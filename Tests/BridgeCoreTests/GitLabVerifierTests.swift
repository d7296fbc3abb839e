import BridgeCore
import Foundation
import Testing

/// GitLab: legacy `X-Gitlab-Token` and signing tokens (Standard Webhooks).
@Suite struct GitLabVerifierTests {
    // The Standard Webhooks published example.
    static let signingSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let messageID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp = 1_614_265_330
    static let body = Array(#"{"test": 2432232314}"#.utf8)
    static let signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    static let now = Date(timeIntervalSince1970: TimeInterval(timestamp + 10))
    static let otherSigningSecret = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()

    static func credentials(tokens: [String] = [], signing: [String] = [signingSecret]) throws -> SourceCredentials {
        try SourceCredentials(tokens: tokens.map { testSecret($0) }, signingSecrets: signing.map { testSecret($0, name: "WHSEC") })
    }

    static func signedHeaders(
        signature: String = signature, id: String = messageID, timestamp: String = String(timestamp)
    ) -> [(name: String, value: String)] {
        [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature), ("X-Gitlab-Event", "Push Hook")]
    }

    static func verify(
        _ headers: [(name: String, value: String)], body: [UInt8] = body, credentials: SourceCredentials, now: Date = now
    ) throws {
        try WebhookVerifier.verify(WebhookRequest(headers: headers, body: body), forge: .gitlab, credentials: credentials, now: now)
    }

    @Test func standardWebhooksPublishedVector() throws {
        try Self.verify(Self.signedHeaders(), credentials: Self.credentials())
    }

    @Test func secondEntryOfMultiSignatureHeaderMatches() throws {
        let bogus = "v1," + Data(repeating: 1, count: 32).base64EncodedString()
        try Self.verify(Self.signedHeaders(signature: bogus + " " + Self.signature), credentials: Self.credentials())
    }

    @Test func v1aEntriesAreSkipped() throws {
        // An ed25519 entry, even one whose bytes equal the HMAC, is not an HMAC signature.
        let asymmetric = "v1a," + Self.signature.dropFirst(3)
        try Self.verify(Self.signedHeaders(signature: asymmetric + " " + Self.signature), credentials: Self.credentials())
        #expect(throws: SignatureError.unsupportedAlgorithm(header: "webhook-signature")) {
            try Self.verify(Self.signedHeaders(signature: asymmetric), credentials: Self.credentials())
        }
    }

    @Test func secondSigningSecretMatchesDuringRotation() throws {
        try Self.verify(Self.signedHeaders(), credentials: Self.credentials(signing: [Self.otherSigningSecret, Self.signingSecret]))
        #expect(throws: SignatureError.mismatch(header: "webhook-signature")) {
            try Self.verify(Self.signedHeaders(), credentials: Self.credentials(signing: [Self.otherSigningSecret]))
        }
    }

    @Test func rejectsFlippedBodyByte() throws {
        #expect(throws: SignatureError.mismatch(header: "webhook-signature")) {
            try Self.verify(Self.signedHeaders(), body: flippingOneByte(Self.body, at: 3), credentials: Self.credentials())
        }
    }

    @Test func idAndTimestampAreSigned() throws {
        #expect(throws: SignatureError.mismatch(header: "webhook-signature")) {
            try Self.verify(Self.signedHeaders(id: "msg_other"), credentials: Self.credentials())
        }
        #expect(throws: SignatureError.mismatch(header: "webhook-signature")) {
            try Self.verify(Self.signedHeaders(timestamp: String(Self.timestamp + 1)), credentials: Self.credentials())
        }
    }

    @Test(arguments: [(-301, true), (301, true), (-300, false), (300, false), (0, false)])
    func timestampTolerance(offset: Int, refused: Bool) throws {
        // `now` is offset from the signed timestamp: a negative offset puts the timestamp in the future.
        let now = Date(timeIntervalSince1970: TimeInterval(Self.timestamp + offset))
        if refused {
            #expect(throws: SignatureError.timestampOutsideTolerance(skewSeconds: Int64(-offset))) {
                try Self.verify(Self.signedHeaders(), credentials: Self.credentials(), now: now)
            }
        } else {
            try Self.verify(Self.signedHeaders(), credentials: Self.credentials(), now: now)
        }
    }

    @Test func timestamp301SecondsOldIsRefusedEvenWhenCorrectlySigned() throws {
        // A sender whose clock is 301 s behind: the signature is valid for that timestamp, the age is not.
        let key = try #require(Data(base64Encoded: String(Self.signingSecret.dropFirst(6))))
        let old = String(Self.timestamp - 301)
        let mac = Digest.hmac(.sha256, key: Array(key), message: Array("\(Self.messageID).\(old).".utf8) + Self.body)
        let headers = Self.signedHeaders(signature: "v1," + Data(mac).base64EncodedString(), timestamp: old)
        #expect(throws: SignatureError.timestampOutsideTolerance(skewSeconds: -311)) {
            try Self.verify(headers, credentials: Self.credentials())
        }
    }

    @Test(arguments: ["", "1614265330.5", "-1614265330", "1e9", "16142653300000000000000"])
    func malformedOrMissingTimestamp(value: String) throws {
        let expected: SignatureError = value.isEmpty ? .missingTimestamp : .malformedTimestamp
        #expect(throws: expected) {
            try Self.verify(Self.signedHeaders(timestamp: value), credentials: Self.credentials())
        }
    }

    @Test func missingWebhookIDIsRefused() throws {
        #expect(throws: SignatureError.missingWebhookID) {
            try Self.verify(Self.signedHeaders(id: ""), credentials: Self.credentials())
        }
    }

    @Test(arguments: ["v1,!!!not-base64!!!", "v1", "garbage"])
    func malformedSignatureEntry(value: String) throws {
        #expect(throws: SignatureError.malformedSignature(header: "webhook-signature")) {
            try Self.verify(Self.signedHeaders(signature: value), credentials: Self.credentials())
        }
    }

    @Test func signingSecretRefusesUnsignedDelivery() throws {
        // GitLab sends webhook-id and webhook-timestamp on unsigned deliveries too; they do not make it signed.
        let unsigned: [(name: String, value: String)] = [
            ("webhook-id", Self.messageID), ("webhook-timestamp", String(Self.timestamp)), ("X-Gitlab-Token", "tok"),
        ]
        #expect(throws: SignatureError.missingSignature(header: "webhook-signature")) {
            try Self.verify(unsigned, credentials: Self.credentials())
        }
        #expect(throws: SignatureError.missingSignature(header: "webhook-signature")) {
            try Self.verify(Self.signedHeaders(signature: " "), credentials: Self.credentials())
        }
    }

    @Test func tokenMustMatch() throws {
        let credentials = try Self.credentials(tokens: ["old-token", "gl-token"], signing: [])
        try Self.verify([("X-Gitlab-Token", "gl-token")], credentials: credentials)
        try Self.verify([("X-Gitlab-Token", "old-token")], credentials: credentials)
        #expect(throws: SignatureError.tokenMismatch) {
            try Self.verify([("X-Gitlab-Token", "gl-token2")], credentials: credentials)
        }
        #expect(throws: SignatureError.tokenMismatch) {
            try Self.verify([("X-Gitlab-Token", "gl-toke")], credentials: credentials)
        }
        #expect(throws: SignatureError.missingToken) {
            try Self.verify([("X-Gitlab-Token", "")], credentials: credentials)
        }
        #expect(throws: SignatureError.missingToken) {
            try Self.verify([], credentials: credentials)
        }
    }

    @Test func tokenSourceIgnoresUnverifiableSignatureHeaders() throws {
        // The path is picked by configuration: a token-only source checks the token, whatever else is sent.
        let credentials = try Self.credentials(tokens: ["gl-token"], signing: [])
        try Self.verify(Self.signedHeaders(signature: "v1,AAAA") + [("X-Gitlab-Token", "gl-token")], credentials: credentials)
    }

    @Test func bothConfiguredRequiresBoth() throws {
        let credentials = try Self.credentials(tokens: ["gl-token"])
        try Self.verify(Self.signedHeaders() + [("X-Gitlab-Token", "gl-token")], credentials: credentials)
        #expect(throws: SignatureError.missingToken) {
            try Self.verify(Self.signedHeaders(), credentials: credentials)
        }
        #expect(throws: SignatureError.missingSignature(header: "webhook-signature")) {
            try Self.verify([("X-Gitlab-Token", "gl-token"), ("webhook-id", Self.messageID)], credentials: credentials)
        }
        #expect(throws: SignatureError.tokenMismatch) {
            try Self.verify(Self.signedHeaders() + [("X-Gitlab-Token", "wrong")], credentials: credentials)
        }
    }

    @Test func failuresNeverDescribeTheTokenOrSignature() throws {
        let credentials = try Self.credentials(tokens: ["tok-SECRET-42"])
        let sent = "v1," + Data(repeating: 9, count: 32).base64EncodedString()
        var descriptions: [String] = []
        for headers in [Self.signedHeaders(signature: sent) + [("X-Gitlab-Token", "tok-SECRET-42")], [("X-Gitlab-Token", "tok-SECRET-4")]] {
            do {
                try Self.verify(headers, credentials: credentials)
            } catch {
                descriptions.append(String(describing: error))
            }
        }
        #expect(descriptions.count == 2)
        for description in descriptions {
            #expect(!description.contains("SECRET"))
            #expect(!description.contains(String(sent.dropFirst(3).prefix(12))))
            #expect(!description.contains("2432232314"))
        }
    }
}
