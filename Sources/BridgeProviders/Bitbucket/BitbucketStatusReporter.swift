import BridgeCore
import Foundation

/// Reports run status to Bitbucket Cloud as commit build statuses.
///
/// `POST /2.0/repositories/{workspace}/{repo_slug}/commit/{sha}/statuses/build` (Bitbucket Cloud REST, "Commit
/// statuses") with `key` (`StatusContext.key`: stable per rule and environment, at most 40 characters, so a second post
/// updates the status rather than adding one), `state` (`BitbucketStates.build`), `name`, `url` (required by Bitbucket:
/// the run's page, else the environment's address, else the commit's page), `description` (`StatusUpdate.summary`)
/// and `refname`. Posting again with the same key only sets the same state, so a lost answer needs no look-up. Errors
/// keep Bitbucket's own message (`{"type": "error", "error": {"message": …}}`) and are classified for the worker: 429,
/// 5xx and network trouble are retryable (after `Retry-After`), other answers permanent.
public struct BitbucketStatusReporter: StatusReporter {
    /// Bitbucket Cloud's API.
    public static let defaultBaseURL = "https://api.bitbucket.org"
    /// Where a commit's page is when the run has no page of its own to link.
    static let siteURL = "https://bitbucket.org"

    /// How the reporter signs in.
    public enum Credentials: Sendable {
        /// A repository, project or workspace access token (`Authorization: Bearer`), with the `repository:write` scope.
        case accessToken(Secret)
        /// A user and an app password (`Authorization: Basic`), with the `repository:write` permission.
        case appPassword(username: String, password: Secret)
    }

    /// `https://api.bitbucket.org/2.0`, or a proxy's `…/2.0`.
    let apiRoot: String
    private let credentials: Credentials
    private let httpClient: ProviderHTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date

    /// A reporter for the Bitbucket Cloud API at `baseURL` (trailing slashes are tolerated), signing in with
    /// `credentials`. `now` dates an HTTP-date `Retry-After` when the answer carries no `Date` header.
    public init(
        baseURL: String = BitbucketStatusReporter.defaultBaseURL, credentials: Credentials, httpClient: ProviderHTTPClient,
        timeout: Duration = .seconds(15), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        self.apiRoot = base + "/2.0"
        self.credentials = credentials
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
    }

    /// Posts the build status for `update`; returns nil (the key, not an id, names it).
    public func report(_ update: StatusUpdate) async throws(ProviderError) -> String? {
        let request = try request(for: update)
        let answer = try await ProviderHTTP.send(request, httpClient: httpClient, timeout: timeout, call: "Bitbucket POST", secrets: secrets)
        guard answer.isSuccess else {
            throw ForgeFailure.classify(answer, forge: "Bitbucket", message: Self.message(answer), now: now(), secrets: secrets)
        }
        guard case .object = answer.json else {
            let root = ForgeFailure.withoutUserInfo(apiRoot)
            throw .permanent("Bitbucket \(answer.status): the answer is not a build status; is \(root) Bitbucket's API?")
        }
        return nil
    }

    /// The request that posts `update`'s build status.
    func request(for update: StatusUpdate) throws(ProviderError) -> SignedHTTPRequest {
        let parts = update.repository.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .permanent("Bitbucket repository \"\(update.repository)\" is not workspace/repo_slug")
        }
        guard !update.sha.isEmpty else { throw .permanent("Bitbucket build status for \(update.repository): the run has no commit") }
        let (workspace, slug, sha) = (SigV4Signer.uriEncode(parts[0]), SigV4Signer.uriEncode(parts[1]), SigV4Signer.uriEncode(update.sha))
        let link = [update.logURL, update.environmentURL].compactMap { $0 }.first { !$0.isEmpty }
        let body = BuildStatusBody(
            key: StatusContext.key(rule: update.rule, environment: update.environment), state: BitbucketStates.build(update.status),
            name: Self.name(rule: update.rule, environment: update.environment),
            url: link ?? "\(Self.siteURL)/\(workspace)/\(slug)/commits/\(sha)", description: update.summary,
            refname: update.ref.isEmpty ? nil : update.ref)
        guard let json = try? JSONEncoder().encode(body) else { throw .permanent("cannot encode the Bitbucket build status") }
        let headers = [
            HeaderField("Authorization", try authorization()), HeaderField("Accept", "application/json"),
            HeaderField("Content-Type", "application/json"),
        ]
        return SignedHTTPRequest(
            method: "POST", url: "\(apiRoot)/repositories/\(workspace)/\(slug)/commit/\(sha)/statuses/build", headers: headers,
            body: Array(json))
    }

    /// What the commit's list of builds shows: `gitops-bridge: deploy-api → staging`.
    static func name(rule: String, environment: String) -> String {
        "gitops-bridge: \(rule)" + (environment.isEmpty ? "" : " → \(environment)")
    }

    /// `Bearer <token>` or `Basic base64(username:password)` (RFC 7617: UTF-8, and no `:` in the user).
    func authorization() throws(ProviderError) -> String {
        switch credentials {
        case .accessToken(let token):
            guard ForgeFailure.isHeaderSafe(token.bytes) else {
                throw .permanent("the Bitbucket access token \(token.reference) is empty or has characters an HTTP header cannot carry")
            }
            return "Bearer \(token.text)"
        case .appPassword(let username, let password):
            guard !username.isEmpty, !username.contains(":"), !password.bytes.isEmpty else {
                throw .permanent("the Bitbucket username is empty or has a colon, or the app password \(password.reference) is empty")
            }
            return "Basic \(basic(username: username, password: password))"
        }
    }

    private func basic(username: String, password: Secret) -> String {
        Data(Array(username.utf8) + [UInt8(ascii: ":")] + password.bytes).base64EncodedString()
    }

    /// What never appears in a message: the token or app password (also as sent, in base64), and any password in the
    /// base URL.
    private var secrets: [String] {
        let credentialSecrets: [String] =
            switch credentials {
            case .accessToken(let token): [token.text]
            case .appPassword(let username, let password): [password.text, basic(username: username, password: password)]
            }
        return credentialSecrets + ForgeFailure.urlPasswords(apiRoot)
    }

    /// Bitbucket's error (`{"type": "error", "error": {"message": "url: Enter a valid URL.", "detail": …}}`); nil for any
    /// other body.
    static func message(_ answer: HTTPAnswer) -> String? {
        guard let error = answer.json?["error"], let message = error["message"]?.stringValue, !message.isEmpty else { return nil }
        guard let detail = error["detail"]?.stringValue, !detail.isEmpty, detail != message else { return message }
        return "\(message): \(detail)"
    }
}

/// A build status as Bitbucket takes it; `refname` is left out when the run has no ref.
private struct BuildStatusBody: Encodable {
    var key: String
    var state: String
    var name: String
    var url: String
    var description: String
    var refname: String?
}
