import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOCore
import NIOHTTP1

/// Sends one request to GitHub's REST API with its headers and a given credential, and reads the answer whole.
///
/// https://docs.github.com/en/rest/about-the-rest-api/api-versions — every request names the API version it was
/// written against (`X-GitHub-Api-Version: 2022-11-28`) and asks for `application/vnd.github+json`; GitHub refuses
/// requests without a `User-Agent`.
struct GitHubTransport: Sendable {
    static let apiVersion = "2022-11-28"
    /// GitHub's answers here are a few kilobytes (a page of 100 deployments is the largest).
    static let maxResponseBytes = 4 * 1024 * 1024

    /// `https://api.github.com`, or `https://ghe.example.com/api/v3` for GitHub Enterprise Server.
    let apiRoot: String
    /// `apiRoot` without any `user:password@`, for messages.
    let shownRoot: String
    let httpClient: ProviderHTTPClient
    let timeout: Duration
    let now: @Sendable () -> Date

    init(baseURL: String, httpClient: ProviderHTTPClient, timeout: Duration, now: @escaping @Sendable () -> Date) {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        apiRoot = base.isEmpty ? GitHubClient.defaultBaseURL : base
        var components = URLComponents(string: apiRoot)
        components?.user = nil
        components?.password = nil
        shownRoot = components?.string ?? apiRoot
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
    }

    /// Sends `method path` (`/repos/acme/shop/deployments`, with any query) with `Authorization: Bearer <credential>`
    /// and `body` as JSON. Transport failures become errors; any answer, whatever its status, is returned.
    func exchange(_ method: HTTPMethod, _ path: String, credential: String, body: ConfigValue? = nil) async throws(ProviderError) -> HTTPAnswer {
        // Checked here, not left to the HTTP client: its error for a bad header value quotes the value.
        guard !credential.isEmpty, credential.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .permanent("the GitHub credential is empty or has characters an HTTP header cannot carry")
        }
        var request = HTTPClientRequest(url: apiRoot + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/vnd.github+json")
        request.headers.add(name: "X-GitHub-Api-Version", value: Self.apiVersion)
        request.headers.add(name: "User-Agent", value: "gitops-bridge")
        request.headers.add(name: "Authorization", value: "Bearer \(credential)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonText))
        }
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
            return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer: bytes))
        } catch {
            throw transportFailure(error, path: path, credential: credential)
        }
    }

    /// A request that got no answer. A refused redirect is permanent and says where it pointed; the rest is classified
    /// as every provider's is (a malformed base URL permanent, network trouble retryable).
    func transportFailure(_ error: any Error, path: String, credential: String) -> ProviderError {
        let place = shownRoot + (path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path)
        if let redirect = error as? RedirectRefused {
            return .permanent(ProviderHTTP.redact("GitHub request to \(place) \(redirect)", secrets: [credential]))
        }
        return ProviderHTTP.transport(error, call: "GitHub", url: place, secrets: [credential])
    }

    /// The error for an answer that is not the one a call expects, never quoting `credential`.
    func failure(_ answer: HTTPAnswer, credential: String) -> ProviderError {
        GitHubFailure.classify(answer, now: now(), redacting: [credential])
    }

    /// `/repos/acme/shop`, each part percent-encoded; a name that is not `owner/repo` is a permanent error.
    static func repositoryPath(_ repository: String) throws(ProviderError) -> String {
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .permanent("the repository \"\(repository.prefix(200))\" is not a GitHub repository's full name (owner/repo)")
        }
        return "/repos/" + parts.map { SigV4Signer.uriEncode(String($0)) }.joined(separator: "/")
    }

    /// A percent-encoded path segment or query value.
    static func encoded(_ text: String) -> String {
        SigV4Signer.uriEncode(text)
    }

    /// An id in an answer: GitHub's are numbers; a string id is taken as it is.
    static func identifier(_ value: ConfigValue) -> String? {
        switch value {
        case .int(let id): String(id)
        case .string(let id) where !id.isEmpty: id
        default: nil
        }
    }
}
