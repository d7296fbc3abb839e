import AsyncHTTPClient
import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Synchronization
import Testing

/// A clock the test moves by hand; shared by the chain and the stand-ins so issued expirations line up.
final class TestClock: Sendable {
    private let value: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_780_000_000)) {
        value = Mutex(start)
    }

    var now: Date { value.withLock { $0 } }

    /// The closure to inject.
    var closure: @Sendable () -> Date { { [self] in now } }

    func advance(by seconds: TimeInterval) {
        value.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A temporary `HOME` with optional `.aws` files, an environment that never reaches real instance metadata, and a
/// chain built from both.
struct AWSCredentialsFixture {
    static let region = "eu-west-2"
    static let baseKeyID = "AKIABASEKEY0000001"
    static let baseSecret = "base-secret/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let deployRole = "arn:aws:iam::123456789012:role/gitops-deploy"

    let directory: TemporaryDirectory
    let clock = TestClock()
    var environment: [String: String]

    init() throws {
        directory = try TemporaryDirectory()
        // Instance metadata off unless a test points the chain at a stand-in: a test machine may well be on EC2.
        environment = ["HOME": directory.path, "AWS_EC2_METADATA_DISABLED": "true"]
    }

    /// Writes `~/.aws/credentials`.
    func writeCredentials(_ text: String) throws {
        try FileManager.default.createDirectory(atPath: directory.file(".aws"), withIntermediateDirectories: true)
        try directory.write(".aws/credentials", text)
    }

    /// Writes `~/.aws/config`.
    func writeConfig(_ text: String) throws {
        try FileManager.default.createDirectory(atPath: directory.file(".aws"), withIntermediateDirectories: true)
        try directory.write(".aws/config", text)
    }

    func chain(
        imdsEndpoint: String = "http://127.0.0.1:9", containerHost: String = "http://127.0.0.1:9", refreshMargin: Duration = .seconds(300),
        timeouts: AWSCredentialsChain.Timeouts = .init(sts: .seconds(5), container: .seconds(5), instanceMetadata: .seconds(5))
    ) -> AWSCredentialsChain {
        AWSCredentialsChain(
            environment: environment, httpClient: .forTests, now: clock.closure, imdsEndpoint: imdsEndpoint, containerHost: containerHost,
            refreshMargin: refreshMargin, timeouts: timeouts)
    }

    /// A source in the fixture's region, with STS at `sts` when given.
    static func source(
        profile: String? = nil, roleARN: String? = nil, roleSessionName: String? = nil, externalID: String? = nil, sts: (any AWSStandIn)? = nil
    ) -> AWSCredentialsSource {
        AWSCredentialsSource(
            profile: profile, roleARN: roleARN, roleSessionName: roleSessionName, externalID: externalID, region: region,
            stsEndpoint: sts?.baseURL)
    }

    /// An STS stand-in in the fixture's region that knows the base key and the deploy role, on the fixture's clock.
    func sts(roles: [STSStandIn.Role] = [.init(arn: deployRole)], webIdentityTokens: Set<String> = []) -> STSStandIn {
        STSStandIn(
            region: Self.region, keys: [Self.baseKeyID: Self.baseSecret], roles: roles, webIdentityTokens: webIdentityTokens,
            now: clock.closure)
    }
}

extension AWSCredentialsChain {
    /// The error `credentials(for: source)` throws; the test fails if it gives credentials instead.
    func failure(for source: AWSCredentialsSource) async throws -> ProviderError {
        let credentials: AWSCredentials
        do {
            credentials = try await self.credentials(for: source)
        } catch {
            return error
        }
        throw TestFailure("expected an error, got \(credentials)")
    }
}

extension ProviderError {
    /// Whether the description contains any of `secrets`.
    func reveals(_ secrets: [String]) -> Bool {
        secrets.contains { !$0.isEmpty && description.contains($0) }
    }
}
