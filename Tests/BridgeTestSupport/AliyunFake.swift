import BridgeCore
import Foundation
import Synchronization

/// Stands in for Alibaba Cloud API Gateway's `DeployApi` (CloudAPI 2016-07-14, providers.md §5) on `127.0.0.1` and a
/// free port: the documented RPC-style contract, `POST /` with every parameter in the query (RFC 3986 escapes, `%20`
/// or `+` for a space) and an empty body.
///
/// The fake verifies signatures itself (`AlibabaRequestVerifier`, written from Alibaba's documentation and checked
/// against requests made by Alibaba's SDKs): `ACS3-HMAC-SHA256` in an `Authorization` header (`host`, `x-acs-action`,
/// `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`, `x-acs-content-sha256` and, with STS,
/// `x-acs-security-token` sent and signed) or RPC signature v1 (a `Signature` parameter, HMAC-SHA1). Checks, in order,
/// each answered with Alibaba's JSON error `{"RequestId","HostId","Code","Message","Recommend"}`:
///
/// | refusal | status, `Code` |
/// |---|---|
/// | not `POST /` | 404 `InvalidAction.NotFound` |
/// | neither an `Authorization` header nor a `Signature` | 400 `MissingSignature` |
/// | a malformed `Authorization`, a required header missing or unsigned | 400 `IncompleteSignature` |
/// | an RPC common parameter missing | 400 `MissingParameter` |
/// | `Action` not `DeployApi`; `Version` not `2016-07-14` | 404 `InvalidAction.NotFound`; 400 `InvalidVersion` |
/// | `Format` not `JSON`, `SignatureMethod` not `HMAC-SHA1`, `SignatureVersion` not `1.0` (XML is the fake's strictness) | 400 `InvalidParameter` |
/// | a timestamp not `yyyy-MM-ddTHH:mm:ssZ`; more than 15 minutes from the fake's `now` | 400 `InvalidTimeStamp.Format`; `.Expired` |
/// | an unknown AccessKeyId | 404 `InvalidAccessKeyId.NotFound` |
/// | no token for an STS key [unverified code]; a token that is not the key's | 400 `InvalidSecurityToken.Missing`; `.MismatchWithAccessKey` |
/// | a wrong signature, or `x-acs-content-sha256` not the body's | 400 `SignatureDoesNotMatch` |
/// | a nonce seen before (checked once the signature is right, so forged requests burn none) | 400 `SignatureNonceUsed` |
/// | an injected fault | its own |
/// | a body (the fake's strictness: every parameter goes in the query) | 400 `InvalidParameter` |
/// | `ApiId`, `StageName` or `Description` missing or empty | 400 `MissingParameter` |
/// | `StageName` not `RELEASE`, `PRE` or `TEST` | 400 `InvalidParameter` |
/// | with `apis` configured: an unknown `GroupId`; an unknown `ApiId` in it [unverified codes] | 400 `NotFoundApiGroup`; `NotFoundApi` |
///
/// `GroupId` is optional, as documented. Success is 200 `{"RequestId":"<UUID>"}` and a recorded `Deployment`. Every
/// request is recorded with its signature and security token redacted. A fault answers a request whose signature is
/// right, so its nonce is spent: a client that retries with the same nonce is caught.
public final class AliyunFake: Sendable {
    /// Obviously fake credentials, accepted unless told otherwise.
    public static let defaultCredentials = AlibabaCredentials(
        accessKeyID: "LTAIFAKEALIYUNFAKE01", accessKeySecret: "fakeAliyunSecretForTheLoopbackFake00")

    /// The one key the fake knows; with a `securityToken`, requests must carry that token (an STS key).
    public let credentials: AlibabaCredentials
    /// The APIs that exist; nil accepts any `GroupId` and `ApiId`.
    public let apis: Set<API>?
    let now: @Sendable () -> Date
    let server = StandInServer(name: "aliyun-fake")
    let state = Mutex(AliyunFakeState())

    /// A fake accepting requests signed with `credentials` whose time is near `now()`; call `start()` (or use
    /// `withAliyunFake`).
    public init(
        credentials: AlibabaCredentials = AliyunFake.defaultCredentials, apis: Set<API>? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.credentials = credentials
        self.apis = apis
        self.now = now
    }

    /// Binds `127.0.0.1` on a free port and serves until `stop()`.
    public func start() async throws {
        try await server.start { [self] request in respond(to: request) }
    }

    /// Stops serving and waits until the port is closed. Safe to call twice.
    public func stop() async {
        await server.stop()
    }

    public var port: Int? { server.port }

    /// The `endpoint` to give a target: `http://127.0.0.1:<port>`.
    public var endpoint: String { "http://127.0.0.1:\(port ?? 0)" }

    /// Answers the next `times` correctly signed requests with `fault` (after any faults queued before).
    public func inject(_ fault: Fault, times: Int = 1) {
        state.withLock { $0.faults += Array(repeating: fault, count: max(0, times)) }
    }

    /// Every request received, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }
    /// Every API deployed, oldest first.
    public var deployments: [Deployment] { state.withLock { $0.deployments } }

    /// Answers under the lock, so the recorded order is the order served.
    private func respond(to request: StandInRequest) -> FakeAnswer {
        let requestID = UUID().uuidString.uppercased()
        return state.withLock { state in
            let outcome = handle(request, requestID: requestID, state: &state)
            state.requests.append(Self.record(request, requestID: requestID, outcome: outcome))
            return outcome.answer
        }
    }
}

/// Runs `body` with `fake` serving, and stops it afterwards whatever happens.
public func withAliyunFake<T>(
    _ fake: AliyunFake = AliyunFake(), isolation: isolated (any Actor)? = #isolation, _ body: (AliyunFake) async throws -> T
) async throws -> T {
    try await FakeLifecycle.serving(start: fake.start, stop: fake.stop, isolation: isolation) { try await body(fake) }
}
