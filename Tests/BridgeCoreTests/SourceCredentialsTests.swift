import BridgeCore
import Foundation
import Testing

@Suite struct SourceCredentialsTests {
    static let reference = SecretReference.file("/run/secrets/whsec")

    static func signing(_ text: String) -> Secret {
        Secret(bytes: Array(text.utf8), reference: reference)
    }

    @Test func acceptsWellFormedSigningSecrets() throws {
        _ = try SourceCredentials(signingSecrets: [Self.signing("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])
        // GitLab's 32-byte keys are 44 base64 characters with padding; a file's trailing newline is ignored.
        let gitlabStyle = "whsec_" + Data(repeating: 0xA5, count: 32).base64EncodedString() + "\n"
        _ = try SourceCredentials(signingSecrets: [Self.signing(gitlabStyle)])
        let unpadded = "whsec_" + Data(repeating: 0xA5, count: 32).base64EncodedString().replacingOccurrences(of: "=", with: "")
        _ = try SourceCredentials(signingSecrets: [Self.signing(unpadded)])
    }

    @Test(arguments: [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "it does not start with whsec_"),
        ("whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "it does not start with whsec_"),
        ("whsec_not base64 at all!", "the part after whsec_ is not base64"),
        ("whsec_", "the key is 0 bytes, fewer than 24"),
        ("whsec_c2hvcnQta2V5", "the key is 9 bytes, fewer than 24"),
    ])
    func rejectsMalformedSigningSecret(text: String, reason: String) throws {
        #expect(throws: CredentialsError.malformedSigningSecret(Self.reference, reason: reason)) {
            try SourceCredentials(signingSecrets: [Self.signing(text)])
        }
    }

    @Test func errorNamesTheReferenceNotTheValue() throws {
        let secret = Self.signing("whsec_c2hvcnQta2V5")
        do {
            _ = try SourceCredentials(signingSecrets: [secret])
            Issue.record("a 9-byte key was accepted")
        } catch {
            #expect(String(describing: error).contains("file:/run/secrets/whsec"))
            #expect(!String(describing: error).contains("c2hvcnQta2V5"))
        }
    }

    struct FakeResolver: SecretResolver {
        var values: [String: String]

        func resolve(_ reference: SecretReference) throws(SecretError) -> Secret {
            guard case .environment(let name) = reference, let value = values[name] else {
                throw .missingEnvironment(reference.description)
            }
            return Secret(bytes: Array(value.utf8), reference: reference)
        }
    }

    @Test func resolvesEverySecretOfASource() throws {
        let source = SourceDefinition(
            name: "shop-gitlab", forge: .gitlab, tokens: [.environment("TOKEN")], signingSecrets: [.environment("WHSEC")],
            allowSHA1: false, insecure: false, position: SourcePosition(file: "rules.yaml", line: 3, column: 3))
        let resolver = FakeResolver(values: ["TOKEN": "gl-token", "WHSEC": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        let credentials = try SourceCredentials(resolving: source, with: resolver)
        #expect(credentials.tokens.map(\.text) == ["gl-token"])
        #expect(credentials.signingSecrets.map(\.reference) == [.environment("WHSEC")])
        #expect(credentials.secrets.isEmpty)

        #expect(throws: CredentialsError.unresolvable(.missingEnvironment("env:TOKEN"))) {
            try SourceCredentials(resolving: source, with: FakeResolver(values: [:]))
        }
    }
}
