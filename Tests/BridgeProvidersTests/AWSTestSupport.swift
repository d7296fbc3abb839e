import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// Requests and helpers shared by the AWS provider tests.
enum AWSTests {
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"

    /// A step of `provider` with `parameters`, for a push of `sha` to main.
    static func request(_ provider: String, _ parameters: [String: ConfigValue], sha: String = sha) -> DeploymentRequest {
        DeploymentRequest(
            runID: 7, stepID: 11, target: "backend", provider: provider, parameters: .object(parameters), environment: "staging",
            event: PushEvent(forge: .github, repository: "acme/shop", refKind: .branch, refName: "main", sha: sha), attempt: 1)
    }

    /// The error `body` throws; nil when it succeeds. Also checks the message carries none of `secrets`.
    static func failure<T>(
        secrets: [String] = [], sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
    ) async -> ProviderError? {
        do {
            _ = try await body()
            return nil
        } catch let error as ProviderError {
            for secret in secrets where !secret.isEmpty {
                #expect(!error.description.contains(secret), sourceLocation: sourceLocation)
                #expect(!"\(error)".contains(secret), sourceLocation: sourceLocation)
            }
            return error
        } catch {
            Issue.record("expected a ProviderError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Credentials that are not the fake's or moto's.
    static func wrongSecret(_ credentials: AWSCredentials) -> AWSCredentials {
        AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: "wrong/Secret/Key/0000000000000000000000")
    }

}
