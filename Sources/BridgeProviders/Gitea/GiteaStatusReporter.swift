import BridgeCore
import Foundation
import NIOHTTP1

/// Reports run status to Gitea or Forgejo as commit statuses: one type for both, since Forgejo keeps Gitea's API.
///
/// `POST /api/v1/repos/{owner}/{repo}/statuses/{sha}` (201; Gitea's `routers/api/v1/repo/status.go`) with `state`
/// (`GiteaStates.commit`), `context` (`gitops-bridge/<rule>`, so a newer run's status takes the older one's place in
/// the commit's combined status), `target_url` (the run's page, else the environment's address, else none) and
/// `description` (`StatusUpdate.summary`). A status is a new record on every post: there is nothing to look up when an
/// answer was lost, and posting again only repeats the same state. Errors keep the forge's own `message` and are
/// classified for the worker: 429, 5xx and network trouble are retryable (after `Retry-After`), other answers permanent.
public struct GiteaStatusReporter: StatusReporter {
    /// `gitea` or `forgejo`: which forge it names in messages.
    public let forge: Forge
    /// `https://gitea.example.com/api/v1`, or `https://example.com/git/api/v1` for an install under a path.
    let apiRoot: String
    private let token: Secret
    private let httpClient: ProviderHTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date

    /// A reporter for the Gitea (or, with `forge: .forgejo`, the Forgejo) at `baseURL` (`https://gitea.example.com`, or
    /// `https://example.com/git` for an install under a path prefix; trailing slashes are tolerated), authenticating
    /// with `token` (an access token with the `write:repository` scope) as `Authorization: token <token>`. `now` dates
    /// an HTTP-date `Retry-After` when the answer carries no `Date` header.
    public init(
        forge: Forge = .gitea, baseURL: String, token: Secret, httpClient: ProviderHTTPClient, timeout: Duration = .seconds(15),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        self.forge = forge
        self.apiRoot = base + "/api/v1"
        self.token = token
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
    }

    /// The forge's name as its users write it.
    var forgeName: String { forge == .forgejo ? "Forgejo" : "Gitea" }

    /// Posts the commit status for `update`; returns nil (a commit status has no id the bridge keeps).
    public func report(_ update: StatusUpdate) async throws(ProviderError) -> String? {
        let answer = try await send(try request(for: update))
        guard answer.isSuccess else {
            throw ForgeFailure.classify(answer, forge: forgeName, message: Self.message(answer), now: now(), secrets: secrets)
        }
        guard case .object = answer.json else {
            let root = ForgeFailure.withoutUserInfo(apiRoot)
            throw .permanent("\(forgeName) \(answer.status): the answer is not a commit status; is \(root) \(forgeName)'s API?")
        }
        return nil
    }

    /// The request that posts `update`'s status.
    func request(for update: StatusUpdate) throws(ProviderError) -> SignedHTTPRequest {
        guard ForgeFailure.isHeaderSafe(token.bytes) else {
            throw .permanent("the \(forgeName) token \(token.reference) is empty or has characters an HTTP header cannot carry")
        }
        let parts = update.repository.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .permanent("\(forgeName) repository \"\(update.repository)\" is not owner/repo")
        }
        guard !update.sha.isEmpty else { throw .permanent("\(forgeName) commit status for \(update.repository): the run has no commit") }
        let path = [String(parts[0]), String(parts[1]), "statuses", update.sha].map(SigV4Signer.uriEncode)
        let body = StatusBody(
            state: GiteaStates.commit(update.status), context: StatusContext.name(rule: update.rule),
            targetURL: [update.logURL, update.environmentURL].compactMap { $0 }.first { !$0.isEmpty },
            description: update.summary)
        guard let json = try? JSONEncoder().encode(body) else { throw .permanent("cannot encode the \(forgeName) commit status") }
        let headers = [
            HeaderField("Authorization", "token \(token.text)"), HeaderField("Accept", "application/json"),
            HeaderField("Content-Type", "application/json"),
        ]
        return SignedHTTPRequest(
            method: "POST", url: "\(apiRoot)/repos/\(path[0])/\(path[1])/\(path[2])/\(path[3])", headers: headers, body: Array(json))
    }

    private func send(_ request: SignedHTTPRequest) async throws(ProviderError) -> HTTPAnswer {
        try await ProviderHTTP.send(request, httpClient: httpClient, timeout: timeout, call: "\(forgeName) POST", secrets: secrets)
    }

    /// What never appears in a message: the token, and any password in the base URL.
    private var secrets: [String] { [token.text] + ForgeFailure.urlPasswords(apiRoot) }

    /// Gitea's `APIError` (`{"message": "…", "url": "…/api/swagger"}`), whose message is empty for a 500 in production
    /// (then the status's reason phrase); nil for any other body.
    static func message(_ answer: HTTPAnswer) -> String? {
        guard let message = answer.json?["message"]?.stringValue else { return nil }
        return message.isEmpty ? HTTPResponseStatus(statusCode: answer.status).reasonPhrase : message
    }
}

/// `CreateStatusOption` (`modules/structs/status.go`); `target_url` is left out when there is none.
private struct StatusBody: Encodable {
    var state: String
    var context: String
    var targetURL: String?
    var description: String

    enum CodingKeys: String, CodingKey {
        case state, context, description
        case targetURL = "target_url"
    }
}
