import BridgeCore
import Foundation

/// The commit status routes, in Gitea's order of checks: route, token, repository, then the body.
extension GiteaFake {
    enum Route {
        case create(sha: String)
        case list(ref: String)
        case combined(ref: String)
    }

    func handle(_ request: StandInRequest, state: inout GiteaFakeState) -> FakeAnswer {
        guard let (owner, name, route) = route(request) else { return Self.notFound }
        guard isAuthenticated(request) else { return Self.error(401, "token is required") }
        guard let repository = repositories.first(where: { $0.lowercased() == "\(owner)/\(name)".lowercased() }) else {
            return Self.notFound
        }
        switch route {
        case .create(let sha): return create(request, repository: repository, sha: sha, state: &state)
        case .list(let ref): return list(request, statuses: state.statuses(repository: repository, sha: ref))
        case .combined(let ref): return combined(state.combined(repository: repository, sha: ref), repository: repository, sha: ref)
        }
    }

    func route(_ request: StandInRequest) -> (owner: String, repo: String, route: Route)? {
        guard let segments = request.segments(under: pathPrefix + "/api/v1/repos/"), segments.count >= 4,
            segments.allSatisfy({ !$0.isEmpty })
        else { return nil }
        let (owner, repo) = (segments[0], segments[1])
        switch (request.method, Array(segments.dropFirst(2))) {
        case ("POST", let rest) where rest.count == 2 && rest[0] == "statuses": return (owner, repo, .create(sha: rest[1]))
        case ("GET", let rest) where rest.count == 2 && rest[0] == "statuses": return (owner, repo, .list(ref: rest[1]))
        case ("GET", let rest) where rest.count == 3 && rest[0] == "commits" && rest[2] == "statuses":
            return (owner, repo, .list(ref: rest[1]))
        case ("GET", let rest) where rest.count == 3 && rest[0] == "commits" && rest[2] == "status":
            return (owner, repo, .combined(ref: rest[1]))
        default: return nil
        }
    }

    /// `Authorization: token <t>` or `Bearer <t>`, or basic auth with the token as the password (any user name).
    func isAuthenticated(_ request: StandInRequest) -> Bool {
        if let basic = request.basicCredentials { return basic.password == token }
        guard let value = request.header("authorization") else { return false }
        return value == "token \(token)" || value == "Bearer \(token)"
    }

    private func create(_ request: StandInRequest, repository: String, sha: String, state: inout GiteaFakeState) -> FakeAnswer {
        guard let json = try? JSONDecoder().decode(ConfigValue.self, from: Data(request.body)), case .object(let body) = json else {
            return Self.error(422, "the body is not a CreateStatusOption JSON object")
        }
        let text = { (key: String) in body[key]?.stringValue ?? "" }
        guard Self.states.contains(text("state")) else {
            return Self.error(422, "invalid state \"\(text("state"))\": must be one of \(Self.states.sorted().joined(separator: ", "))")
        }
        let status = state.add(
            repository: repository, sha: sha, state: text("state"), context: text("context"), targetURL: text("target_url"),
            description: text("description"))
        return .json(201, entity(status))
    }

    private func list(_ request: StandInRequest, statuses: [CommitStatus]) -> FakeAnswer {
        let query = request.queryItems
        let ordered = query["sort"] == "oldest" ? statuses.reversed() : statuses
        let limit = min(max(Int(query["limit"] ?? "") ?? 30, 1), 50)
        let page = max(Int(query["page"] ?? "") ?? 1, 1)
        let shown = ordered.dropFirst((page - 1) * limit).prefix(limit)
        var answer = FakeAnswer.json(200, .array(shown.map(entity)))
        answer.headers["X-Total-Count"] = String(statuses.count)
        return answer
    }

    private func combined(_ combined: Combined, repository: String, sha: String) -> FakeAnswer {
        guard !combined.statuses.isEmpty else {
            // Gitea answers an empty `CombinedStatus` for a commit without statuses.
            return .json(
                200,
                .object([
                    "state": "", "sha": "", "total_count": 0, "statuses": .null, "repository": .null, "commit_url": "", "url": "",
                ]))
        }
        return .json(
            200,
            .object([
                "state": .string(combined.state), "sha": .string(sha), "total_count": .int(combined.statuses.count),
                "statuses": .array(combined.statuses.map(entity)), "repository": .object(["full_name": .string(repository)]),
                "commit_url": .string("\(baseURL)/api/v1/repos/\(repository)/git/commits/\(sha)"),
                "url": .string("\(baseURL)/api/v1/repos/\(repository)/commits/\(sha)/status"),
            ]))
    }

    /// `convert.ToCommitStatus`: note the state is `status` in answers, `state` in requests.
    func entity(_ status: CommitStatus) -> ConfigValue {
        let date = ISO8601DateFormatter().string(from: status.createdAt)
        return .object([
            "id": .int(status.id), "status": .string(status.state), "context": .string(status.context),
            "target_url": .string(status.targetURL), "description": .string(status.description),
            "url": .string("\(baseURL)/api/v1/repos/\(status.repository)/statuses/\(status.sha)"),
            "creator": .object(["id": 1, "login": "gitops-bridge"]), "created_at": .string(date), "updated_at": .string(date),
        ])
    }

    /// Gitea's `APIError`: `{"message": "…", "url": "<swagger>"}`.
    static func error(_ status: Int, _ message: String) -> FakeAnswer {
        .json(status, .object(["message": .string(message), "url": "https://gitea.example.com/api/swagger"]))
    }

    /// `APIContext.NotFound`.
    static let notFound = FakeAnswer.json(
        404, .object(["errors": .null, "message": "The target couldn't be found.", "url": "https://gitea.example.com/api/swagger"]))

    /// Gitea has no rate limiter of its own: a proxy in front of it answers 429.
    static func tooManyRequests(retryAfter: String?) -> FakeAnswer {
        var answer = FakeAnswer(status: 429, contentType: "text/plain", body: "Too Many Requests\n")
        if let retryAfter { answer.headers["Retry-After"] = retryAfter }
        return answer
    }

    /// In production Gitea leaves a 500's message empty (`APIContext.Error`).
    static let serverError = error(500, "")
}
