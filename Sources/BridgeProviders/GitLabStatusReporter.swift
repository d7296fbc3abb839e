import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// Reports run status to GitLab's Deployments API: creates the deployment, then moves it through its states.
///
/// https://docs.gitlab.com/api/deployments/ — `POST /projects/:id/deployments` creates (201),
/// `PUT /projects/:id/deployments/:deployment_id` updates (200). Before creating a `running` deployment it looks for
/// one an earlier attempt created whose answer was lost (`GET /projects/:id/deployments`, see `existingDeployment`),
/// so a timeout or a crash never leaves a second deployment `running` forever. Errors keep GitLab's own message and
/// are classified for the worker: 429, 5xx and network trouble are retryable, other answers permanent.
public struct GitLabStatusReporter: StatusReporter {
    /// Answers larger than this are not GitLab's (a deployment is a few hundred bytes).
    static let maxResponseBytes = 1024 * 1024

    /// `https://gitlab.example.com/api/v4`, or `https://example.com/gitlab/api/v4` for an install under a path.
    let apiRoot: String
    /// `apiRoot` without any `user:password@`, for messages.
    let shownRoot: String
    private let token: Secret
    private let httpClient: ProviderHTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date

    /// A reporter for the GitLab at `baseURL` (`https://gitlab.example.com`, or `https://example.com/gitlab` for a
    /// self-managed install under a path prefix; a trailing slash is tolerated), authenticating with `token`
    /// (a personal, project or group access token with the `api` scope). `now` dates an HTTP-date `Retry-After`
    /// when the answer carries no `Date` header.
    public init(
        baseURL: String, token: Secret, httpClient: ProviderHTTPClient, timeout: Duration = .seconds(15),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        self.apiRoot = base + "/api/v4"
        var components = URLComponents(string: apiRoot)
        components?.user = nil
        components?.password = nil
        self.shownRoot = components?.string ?? apiRoot
        self.token = token
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
    }

    /// Creates the deployment for `running` (unless an earlier attempt did) or when `update.deploymentID` is nil, else
    /// sets its status; returns GitLab's deployment id. GitLab is never told of a queue (`StatusReporterKind`).
    public func report(_ update: StatusUpdate) async throws(ProviderError) -> String? {
        guard update.status != .queued, update.status != .superseded else {
            throw .permanent("GitLab deployments are not told of queued or superseded runs (status \(update.status.rawValue))")
        }
        let project = Self.pathSegment(update.project)
        if update.status != .running, let deploymentID = update.deploymentID {
            let url = "\(apiRoot)/projects/\(project)/deployments/\(Self.pathSegment(deploymentID))"
            let answer = try await send(.PUT, url: url, body: try Self.json(UpdateBody(status: update.status.rawValue)))
            guard (200..<300).contains(answer.status) else { throw failure(answer) }
            return deploymentID
        }
        if let existing = try await existingDeployment(of: update) { return existing }
        let body = CreateBody(
            environment: update.environment, sha: update.sha, ref: update.ref, tag: update.tag, status: update.status.rawValue)
        let answer = try await send(.POST, url: "\(apiRoot)/projects/\(project)/deployments", body: try Self.json(body))
        guard answer.status == 200 || answer.status == 201 else { throw failure(answer) }
        guard let created = try? JSONDecoder().decode(CreatedDeployment.self, from: Data(answer.body)) else {
            throw .permanent(redacted("GitLab \(answer.status): the answer has no deployment id; is \(shownRoot) a GitLab API?"))
        }
        return String(created.id)
    }

    static func json(_ body: some Encodable) throws(ProviderError) -> [UInt8] {
        guard let json = try? JSONEncoder().encode(body) else { throw .permanent("cannot encode the GitLab request body") }
        return Array(json)
    }

    /// One request with the token and JSON headers (and `body`, when given); transport failures become retryable errors.
    func send(_ method: HTTPMethod, url: String, body: [UInt8]? = nil) async throws(ProviderError) -> GitLabAnswer {
        // Checked here, not left to the HTTP client: its error for a bad header value quotes the value.
        guard !token.bytes.isEmpty, token.bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .permanent("the GitLab token \(token.reference) is empty or has characters an HTTP header cannot carry")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "PRIVATE-TOKEN", value: token.text)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "gitops-bridge")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
            return GitLabAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer: bytes))
        } catch {
            let shownURL = shownRoot + url.dropFirst(apiRoot.count)
            throw GitLabFailure.transportFailure(error, url: shownURL, redacting: token.text)
        }
    }

    func failure(_ answer: GitLabAnswer) -> ProviderError {
        GitLabFailure.classify(answer, now: now(), redacting: token.text)
    }

    func redacted(_ message: String) -> String {
        GitLabFailure.redact(message, secret: token.text)
    }

    /// Percent-encodes a path segment: every byte outside RFC 3986's unreserved set, so `group/sub/project` becomes
    /// `group%2Fsub%2Fproject` (GitLab's documented form of a project path) and a numeric id stays as it is.
    static func pathSegment(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }
}

/// One answer from GitLab, read whole.
struct GitLabAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
}

/// `POST /projects/:id/deployments`: every field is required by GitLab.
private struct CreateBody: Encodable {
    var environment: String
    var sha: String
    var ref: String
    var tag: Bool
    var status: String
}

/// `PUT /projects/:id/deployments/:deployment_id`.
private struct UpdateBody: Encodable {
    var status: String
}

/// The part of GitLab's Deployment entity the bridge keeps.
private struct CreatedDeployment: Decodable {
    var id: Int64
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
