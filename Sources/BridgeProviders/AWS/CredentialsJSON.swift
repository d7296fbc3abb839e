import BridgeCore
import Foundation

/// The credentials document the ECS/EKS container endpoint and EC2 instance metadata answer with:
/// `{"Code": "Success", "AccessKeyId": …, "SecretAccessKey": …, "Token": …, "Expiration": "2026-…Z"}`
/// (`Code` only from instance metadata).
struct CredentialsJSON: Decodable, Sendable {
    var code: String?
    var message: String?
    var accessKeyID: String?
    var secretAccessKey: String?
    var token: String?
    var expiration: String?

    enum CodingKeys: String, CodingKey {
        case code = "Code"
        case message = "Message"
        case accessKeyID = "AccessKeyId"
        case secretAccessKey = "SecretAccessKey"
        case token = "Token"
        case expiration = "Expiration"
    }

    /// The credentials in `body`, or why there are none (`what` names the endpoint). Never quotes the body.
    static func credentials(from body: [UInt8], what: String) -> Result<AWSCredentials, ProviderError> {
        guard let document = try? JSONDecoder().decode(CredentialsJSON.self, from: Data(body)) else {
            return .failure(.permanent("\(what): the answer is not a credentials document"))
        }
        if let code = document.code, code != "Success" {
            let detail = document.message.map { ": \(CredentialsHTTP.bounded($0))" } ?? ""
            return .failure(.retryable("\(what): \(CredentialsHTTP.bounded(code))\(detail)"))
        }
        guard let keyID = document.accessKeyID, !keyID.isEmpty, let secret = document.secretAccessKey, !secret.isEmpty else {
            return .failure(.permanent("\(what): the answer has no AccessKeyId or SecretAccessKey"))
        }
        guard let expirationText = document.expiration, let expiration = AWSTimestamp.parse(expirationText) else {
            return .failure(.permanent("\(what): the answer has no readable Expiration"))
        }
        let token = document.token.flatMap { $0.isEmpty ? nil : $0 }
        return .success(AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, expiration: expiration))
    }
}
