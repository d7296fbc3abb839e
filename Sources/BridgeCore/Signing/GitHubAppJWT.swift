import Foundation

/// The JSON Web Token a GitHub App authenticates as itself with: RS256, signed by the host's OpenSSL.
///
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
/// — header `{"alg":"RS256","typ":"JWT"}`, claims `iat` (60 seconds in the past, for clock drift), `exp` (at most ten
/// minutes after `iat`: here nine minutes from now) and `iss` (the app id or client id, as a string). With it the
/// bridge finds an installation and asks for its token; the JWT itself never reaches a repository API.
public struct GitHubAppJWT: Sendable {
    /// How far back `iat` is set.
    public static let issuedBefore: Int64 = 60
    /// How far ahead of now `exp` is set: `exp - iat` is 600 s, GitHub's maximum.
    public static let expiresAfter: Int64 = 540

    /// The app id (`123456`) or client id (`Iv23liABC…`).
    public let appID: String
    private let privateKey: Secret

    /// A signer for app `appID` with its private key (PEM, PKCS#1 or PKCS#8, unencrypted). Throws when the id is not
    /// one, or the key is not a readable RSA private key; the error names the key's reference, never its bytes.
    public init(appID: String, privateKey: Secret) throws(GitHubAppKeyError) {
        guard !appID.isEmpty, appID.utf8.count <= 100, appID.allSatisfy(Self.isIDCharacter) else { throw .invalidAppID(appID) }
        switch RSASignature.problem(privateKeyPEM: privateKey.bytes) {
        case .unreadable: throw .unreadableKey(privateKey.reference)
        case .notRSA(let type): throw .notRSA(privateKey.reference, type: type)
        case nil: break
        }
        self.appID = appID
        self.privateKey = privateKey
    }

    /// A token valid from a minute before `now` until nine minutes after it.
    public func token(now: Date) throws(GitHubAppKeyError) -> String {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims = ConfigValue.object([
            "iat": .int(Int(seconds - Self.issuedBefore)), "exp": .int(Int(seconds + Self.expiresAfter)), "iss": .string(appID),
        ])
        let signingInput = Self.header + "." + Self.base64URL(Array(claims.jsonText.utf8))
        guard let signature = RSASignature.sign(Array(signingInput.utf8), privateKeyPEM: privateKey.bytes) else {
            throw .signingFailed(privateKey.reference)
        }
        return signingInput + "." + Self.base64URL(signature)
    }

    /// `{"alg":"RS256","typ":"JWT"}`, encoded.
    static let header = base64URL(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8))

    /// Base64url without padding (RFC 7515 §2).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    private static func isIDCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "_" || character == "-")
    }
}

/// Why a GitHub App's credentials cannot sign. Names the key's reference, never its bytes.
public enum GitHubAppKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The app id has characters no GitHub App id or client id has.
    case invalidAppID(String)
    /// Not a PEM private key, or one encrypted with a passphrase.
    case unreadableKey(SecretReference)
    /// A private key, but not RSA (GitHub App keys are RSA), with OpenSSL's name for its type.
    case notRSA(SecretReference, type: String)
    /// OpenSSL could not sign (out of memory).
    case signingFailed(SecretReference)

    public var description: String {
        switch self {
        case .invalidAppID(let id):
            "the GitHub App id \"\(id.prefix(40))\" is not an app id or client id (letters, digits, '.', '_', '-')"
        case .unreadableKey(let reference):
            "the GitHub App private key \(reference) is not an unencrypted PEM private key (the .pem file GitHub generated: "
                + "BEGIN RSA PRIVATE KEY, or BEGIN PRIVATE KEY)"
        case .notRSA(let reference, let type):
            "the GitHub App private key \(reference) is a \(type) key; GitHub App keys are RSA"
        case .signingFailed(let reference):
            "OpenSSL could not sign a GitHub App token with the key \(reference)"
        }
    }
}
