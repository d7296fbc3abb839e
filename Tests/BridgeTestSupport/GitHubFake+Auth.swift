import BridgeCore
import Foundation

/// Authentication: the app's JWT for the app's own endpoints, a personal or installation token for repositories.
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation
extension GitHubFake {
    /// An answer that ends the request before the endpoint runs.
    struct Refusal: Error {
        var answer: FakeAnswer
    }

    /// The credential of `Authorization: Bearer <credential>` (or the older `token <credential>`).
    static func credential(_ request: IncomingRequest) -> String? {
        guard let header = request.headers["authorization"] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, ["bearer", "token"].contains(parts[0].lowercased()) else { return nil }
        return String(parts[1])
    }

    /// Runs an app endpoint once the request's JWT verifies; else 401 with GitHub's message.
    func appCall(_ request: IncomingRequest, caller: inout Caller?, _ endpoint: () -> FakeAnswer) -> FakeAnswer {
        guard let jwt = Self.credential(request) else {
            return Self.message(401, "A JSON web token could not be decoded")
        }
        if let refusal = verifyAppJWT(jwt) { return Self.message(401, refusal) }
        caller = .app
        return endpoint()
    }

    /// `GET /repos/{owner}/{repo}/installation`: 404 when the app is not installed there.
    func installation(of name: String) -> FakeAnswer {
        guard let repository = repository(named: name), let id = repository.installationID else { return Self.message(404, "Not Found") }
        let owner = repository.fullName.split(separator: "/").first.map(String.init) ?? ""
        return .json(
            200,
            .object([
                "id": .int(id), "app_id": .string(appID), "account": .object(["login": .string(owner)]),
                "repository_selection": "selected", "target_type": "Organization",
                "access_tokens_url": .string("\(baseURL)/app/installations/\(id)/access_tokens"),
                "permissions": .object(["deployments": "write", "statuses": "write", "metadata": "read"]),
            ]))
    }

    /// `POST /app/installations/{id}/access_tokens`: a token lasting `tokenLifetime`.
    func issueToken(installation: String, state: inout GitHubFakeState) -> FakeAnswer {
        guard let id = Int(installation), repositories.contains(where: { $0.installationID == id }) else {
            return Self.message(404, "Not Found")
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let token = "ghs_" + String((0..<36).map { _ in alphabet.randomElement() ?? "A" })
        // GitHub writes `expires_at` to the second; the token lapses at that second.
        let expiresAt = Date(timeIntervalSince1970: (now().timeIntervalSince1970 + tokenLifetime).rounded(.down))
        state.tokens[token] = IssuedToken(token: token, installationID: id, expiresAt: expiresAt)
        state.tokenOrder.append(token)
        return .json(
            201,
            .object([
                "token": .string(token), "expires_at": .string(Self.timestamp(expiresAt)), "repository_selection": "selected",
                "permissions": .object(["deployments": "write", "statuses": "write", "metadata": "read"]),
            ]))
    }

    /// Who may call on `name`: a personal token anywhere, an installation token on its installation's repositories
    /// until it expires. 401 without a credential or with one GitHub does not know (or no longer accepts); 404 for a
    /// repository the caller cannot see.
    func authorize(_ request: IncomingRequest, repository name: String, state: GitHubFakeState)
        -> Result<(repository: Repository, caller: Caller), Refusal>
    {
        guard let credential = Self.credential(request) else { return .failure(Refusal(answer: Self.message(401, "Requires authentication"))) }
        let caller: Caller
        if personalTokens.contains(credential) {
            caller = .personalToken
        } else if let issued = state.tokens[credential], now() < issued.expiresAt {
            caller = .installation(issued.installationID)
        } else {
            return .failure(Refusal(answer: Self.message(401, "Bad credentials")))
        }
        guard let repository = repository(named: name) else { return .failure(Refusal(answer: Self.message(404, "Not Found"))) }
        if case .installation(let id) = caller, repository.installationID != id {
            return .failure(Refusal(answer: Self.message(404, "Not Found")))
        }
        return .success((repository, caller))
    }

    func repository(named name: String) -> Repository? {
        repositories.first { $0.fullName.lowercased() == name.lowercased() }
    }
}
