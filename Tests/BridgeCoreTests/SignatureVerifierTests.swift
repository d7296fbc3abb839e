import BridgeCore
import Foundation
import Testing

/// HMAC verification for GitHub, Gitea, Forgejo and Bitbucket.
@Suite struct SignatureVerifierTests {
    static let now = Date(timeIntervalSince1970: 1_741_000_000)
    static let secretText = "It's a Secret to Everybody"
    static let body = Array("Hello, World!".utf8)

    static func credentials(_ secrets: [String] = [secretText], allowSHA1: Bool = false, insecure: Bool = false) throws -> SourceCredentials {
        try SourceCredentials(secrets: secrets.map { testSecret($0) }, allowSHA1: allowSHA1, insecure: insecure)
    }

    static func verify(_ forge: Forge, _ headers: [(name: String, value: String)], body: [UInt8] = body, credentials: SourceCredentials) throws {
        try WebhookVerifier.verify(WebhookRequest(headers: headers, body: body), forge: forge, credentials: credentials, now: now)
    }

    /// The signature header each HMAC forge is checked by, and a correctly signed header for `body`.
    static func signatureHeader(_ forge: Forge, key: String = secretText, body: [UInt8] = body) -> (name: String, value: String) {
        let hex = hmacHex(.sha256, key: key, body)
        switch forge {
        case .github: return ("X-Hub-Signature-256", "sha256=" + hex)
        case .bitbucket: return ("X-Hub-Signature", "sha256=" + hex)
        case .gitea: return ("X-Gitea-Signature", hex)
        case .forgejo: return ("X-Forgejo-Signature", hex)
        case .gitlab: return ("X-Gitlab-Token", key)
        }
    }

    static let hmacForges: [Forge] = [.github, .gitea, .forgejo, .bitbucket]

    @Test func githubPublishedVector() throws {
        let header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        try Self.verify(.github, [("X-Hub-Signature-256", header)], credentials: Self.credentials())
    }

    @Test func uppercaseHexIsAccepted() throws {
        let header = "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17"
        try Self.verify(.github, [("x-hub-signature-256", header)], credentials: Self.credentials())
    }

    @Test(arguments: hmacForges) func acceptsCorrectSignature(forge: Forge) throws {
        try Self.verify(forge, [Self.signatureHeader(forge)], credentials: Self.credentials())
    }

    @Test(arguments: hmacForges) func rejectsFlippedBodyByte(forge: Forge) throws {
        let header = Self.signatureHeader(forge)
        #expect(throws: SignatureError.mismatch(header: header.name)) {
            try Self.verify(forge, [header], body: flippingOneByte(Self.body, at: 5), credentials: Self.credentials())
        }
    }

    @Test(arguments: hmacForges) func rejectsWrongSecret(forge: Forge) throws {
        let header = Self.signatureHeader(forge, key: "not the secret")
        #expect(throws: SignatureError.mismatch(header: header.name)) {
            try Self.verify(forge, [header], credentials: Self.credentials())
        }
    }

    @Test(arguments: hmacForges) func rejectsMissingHeader(forge: Forge) throws {
        #expect(throws: SignatureError.missingSignature(header: Self.signatureHeader(forge).name)) {
            try Self.verify(forge, [("Content-Type", "application/json")], credentials: Self.credentials())
        }
    }

    @Test(arguments: hmacForges) func rejectsMalformedHex(forge: Forge) throws {
        let header = Self.signatureHeader(forge)
        let broken = String(header.value.dropLast(2)) + "zz"
        #expect(throws: SignatureError.malformedSignature(header: header.name)) {
            try Self.verify(forge, [(header.name, broken)], credentials: Self.credentials())
        }
    }

    @Test(arguments: hmacForges) func rejectsTruncatedSignature(forge: Forge) throws {
        let header = Self.signatureHeader(forge)
        #expect(throws: SignatureError.malformedSignature(header: header.name)) {
            try Self.verify(forge, [(header.name, String(header.value.dropLast(2)))], credentials: Self.credentials())
        }
    }

    @Test(arguments: hmacForges) func secondSecretMatchesDuringRotation(forge: Forge) throws {
        let header = Self.signatureHeader(forge, key: "new secret")
        try Self.verify(forge, [header], credentials: Self.credentials(["old secret", "new secret"]))
    }

    @Test(arguments: [Forge.gitea, .forgejo]) func emptyHeaderCountsAsMissing(forge: Forge) throws {
        // What Gitea sends for a hook without a secret.
        let headers = [(name: Self.signatureHeader(forge).name, value: ""), (name: "X-Hub-Signature-256", value: "sha256=")]
        #expect(throws: SignatureError.missingSignature(header: Self.signatureHeader(forge).name)) {
            try Self.verify(forge, headers, credentials: Self.credentials())
        }
    }

    @Test func githubSHA1OnlyIsRefusedUnlessAllowed() throws {
        let header = (name: "X-Hub-Signature", value: "sha1=" + hmacHex(.sha1, key: Self.secretText, Self.body))
        #expect(throws: SignatureError.sha1NotAllowed) {
            try Self.verify(.github, [header], credentials: Self.credentials())
        }
        try Self.verify(.github, [header], credentials: Self.credentials(allowSHA1: true))
    }

    @Test func githubSHA1IsNotAFallbackWhenSHA256IsPresent() throws {
        let sha1 = (name: "X-Hub-Signature", value: "sha1=" + hmacHex(.sha1, key: Self.secretText, Self.body))
        let badSHA256 = (name: "X-Hub-Signature-256", value: "sha256=" + hmacHex(.sha256, key: "wrong", Self.body))
        #expect(throws: SignatureError.mismatch(header: "X-Hub-Signature-256")) {
            try Self.verify(.github, [sha1, badSHA256], credentials: Self.credentials(allowSHA1: true))
        }
    }

    @Test func githubSHA1WithAllowSHA1StillChecksTheMAC() throws {
        let header = (name: "X-Hub-Signature", value: "sha1=" + hmacHex(.sha1, key: "wrong", Self.body))
        #expect(throws: SignatureError.mismatch(header: "X-Hub-Signature")) {
            try Self.verify(.github, [header], credentials: Self.credentials(allowSHA1: true))
        }
    }

    @Test func unknownPrefixIsUnsupported() throws {
        #expect(throws: SignatureError.unsupportedAlgorithm(header: "X-Hub-Signature")) {
            try Self.verify(.bitbucket, [("X-Hub-Signature", "sha512=" + String(repeating: "ab", count: 64))], credentials: Self.credentials())
        }
        #expect(throws: SignatureError.unsupportedAlgorithm(header: "X-Hub-Signature-256")) {
            let sha1 = "sha1=" + hmacHex(.sha1, key: Self.secretText, Self.body)
            try Self.verify(.github, [("X-Hub-Signature-256", sha1)], credentials: Self.credentials(allowSHA1: true))
        }
        #expect(throws: SignatureError.malformedSignature(header: "X-Hub-Signature-256")) {
            try Self.verify(.github, [("X-Hub-Signature-256", hmacHex(.sha256, key: Self.secretText, Self.body))], credentials: Self.credentials())
        }
    }

    @Test func bitbucketSHA1PrefixFollowsAllowSHA1() throws {
        // Bitbucket's X-Hub-Signature is SHA-256; the prefix, not the header name, picks the algorithm.
        let header = (name: "X-Hub-Signature", value: "sha1=" + hmacHex(.sha1, key: Self.secretText, Self.body))
        #expect(throws: SignatureError.sha1NotAllowed) {
            try Self.verify(.bitbucket, [header], credentials: Self.credentials())
        }
    }

    @Test func giteaDoesNotAcceptGitHubStyleHeaderAlone() throws {
        let header = (name: "X-Hub-Signature-256", value: "sha256=" + hmacHex(.sha256, key: Self.secretText, Self.body))
        #expect(throws: SignatureError.missingSignature(header: "X-Gitea-Signature")) {
            try Self.verify(.gitea, [header], credentials: Self.credentials())
        }
    }

    @Test func forgejoFallsBackToGiteaHeader() throws {
        let hex = hmacHex(.sha256, key: Self.secretText, Self.body)
        try Self.verify(.forgejo, [("X-Gitea-Signature", hex)], credentials: Self.credentials())
        try Self.verify(.forgejo, [("X-Forgejo-Signature", ""), ("X-Gitea-Signature", hex)], credentials: Self.credentials())
        #expect(throws: SignatureError.mismatch(header: "X-Forgejo-Signature")) {
            try Self.verify(
                .forgejo, [("X-Forgejo-Signature", hmacHex(.sha256, key: "x", Self.body)), ("X-Gitea-Signature", hex)],
                credentials: Self.credentials())
        }
    }

    @Test(arguments: [Forge.gitea, .forgejo]) func formHookIsVerifiedOverDecodedPayload(forge: Forge) throws {
        let json = Array(#"{"ref": "refs/heads/main", "note": "a+b & c=d"}"#.utf8)
        let form = formEncodedPayload(json)
        let contentType = (name: "Content-Type", value: "application/x-www-form-urlencoded")
        let overJSON = Self.signatureHeader(forge, body: json)
        try Self.verify(forge, [contentType, overJSON], body: form, credentials: Self.credentials())
        let overForm = Self.signatureHeader(forge, body: form)
        #expect(throws: SignatureError.mismatch(header: overForm.name)) {
            try Self.verify(forge, [contentType, overForm], body: form, credentials: Self.credentials())
        }
        #expect(throws: SignatureError.missingFormPayload) {
            try Self.verify(forge, [contentType, overJSON], body: Array("other=1".utf8), credentials: Self.credentials())
        }
    }

    @Test func githubFormHookIsVerifiedOverRawBody() throws {
        let json = Array(#"{"ref": "refs/heads/main"}"#.utf8)
        let form = formEncodedPayload(json)
        let contentType = (name: "Content-Type", value: "application/x-www-form-urlencoded")
        let overForm = (name: "X-Hub-Signature-256", value: "sha256=" + hmacHex(.sha256, key: Self.secretText, form))
        try Self.verify(.github, [contentType, overForm], body: form, credentials: Self.credentials())
        let overJSON = (name: "X-Hub-Signature-256", value: "sha256=" + hmacHex(.sha256, key: Self.secretText, json))
        #expect(throws: SignatureError.mismatch(header: "X-Hub-Signature-256")) {
            try Self.verify(.github, [contentType, overJSON], body: form, credentials: Self.credentials())
        }
    }

    @Test(arguments: Forge.allCases) func noSecretIsRefusedUnlessInsecure(forge: Forge) throws {
        #expect(throws: SignatureError.noSecretConfigured) {
            try Self.verify(forge, [], credentials: SourceCredentials())
        }
        try Self.verify(forge, [], credentials: SourceCredentials(insecure: true))
    }

    @Test func insecureSourceWithSecretStillVerifies() throws {
        #expect(throws: SignatureError.missingSignature(header: "X-Hub-Signature-256")) {
            try Self.verify(.github, [], credentials: Self.credentials(insecure: true))
        }
    }

    @Test func gitlabIgnoresHMACSecrets() throws {
        // GitLab deliveries are verified with tokens or signing secrets; plain HMAC secrets verify nothing there.
        #expect(throws: SignatureError.noSecretConfigured) {
            try Self.verify(.gitlab, [("X-Gitlab-Token", Self.secretText)], credentials: Self.credentials())
        }
        // Marking such a source insecure does not make it accept unverified deliveries.
        #expect(throws: SignatureError.noSecretConfigured) {
            try Self.verify(.gitlab, [], credentials: Self.credentials(insecure: true))
        }
        #expect(throws: SignatureError.noSecretConfigured) {
            try Self.verify(.github, [], credentials: SourceCredentials(tokens: [testSecret("t")], insecure: true))
        }
    }

    @Test func descriptionsNeverContainSecretsSignaturesOrBody() throws {
        let secret = "sup3r-s3cret-value"
        let body = Array(#"{"marker": "BODY-MARKER-123"}"#.utf8)
        let signature = hmacHex(.sha256, key: "other", body)
        let credentials = try Self.credentials([secret])
        var failures: [SignatureError] = []
        let attempts: [(Forge, [(name: String, value: String)])] = [
            (.github, [("X-Hub-Signature-256", "sha256=" + signature)]),
            (.github, [("X-Hub-Signature-256", "sha256=" + signature + "zz")]),
            (.gitea, [("X-Gitea-Signature", signature)]),
            (.bitbucket, [("X-Hub-Signature", "md5=" + signature)]),
            (.github, [("X-Hub-Signature", "sha1=" + signature.prefix(40))]),
        ]
        for (forge, headers) in attempts {
            do {
                try Self.verify(forge, headers, body: body, credentials: credentials)
            } catch let error as SignatureError {
                failures.append(error)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(failures.count == attempts.count)
        for failure in failures {
            #expect(!failure.description.contains(secret))
            #expect(!failure.description.contains(String(signature.prefix(16))))
            #expect(!failure.description.contains("BODY-MARKER"))
            #expect(!failure.description.isEmpty)
        }
    }
}
