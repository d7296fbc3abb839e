import BridgeCore
import Foundation

/// The commit status routes, in order of checks: route, credentials, repository, then the body.
extension BitbucketFake {
    enum Route {
        case post(sha: String)
        case show(sha: String, key: String)
        case list(sha: String)
    }

    func handle(_ request: StandInRequest, state: inout BitbucketFakeState) -> FakeAnswer {
        guard let (workspace, slug, route) = route(request) else { return Self.error(404, "Resource not found") }
        guard isAuthenticated(request) else { return Self.error(401, "Unauthorized") }
        guard let repository = repositories.first(where: { $0.lowercased() == "\(workspace)/\(slug)".lowercased() }) else {
            return Self.error(404, "Repository \(workspace)/\(slug) not found")
        }
        switch route {
        case .post(let sha): return post(request, repository: repository, sha: sha, state: &state)
        case .show(let sha, let key):
            guard let status = state.statuses(repository: repository, sha: sha).first(where: { $0.key == key }) else {
                return Self.error(404, "No build status for key \(key)")
            }
            return .json(200, entity(status))
        case .list(let sha): return list(request, statuses: state.statuses(repository: repository, sha: sha))
        }
    }

    func route(_ request: StandInRequest) -> (workspace: String, slug: String, route: Route)? {
        guard let segments = request.segments(under: "/2.0/repositories/"), segments.count >= 5,
            segments.allSatisfy({ !$0.isEmpty }), segments[2] == "commit", segments[4] == "statuses"
        else { return nil }
        let (workspace, slug, sha) = (segments[0], segments[1], segments[3])
        switch (request.method, segments.count) {
        case ("GET", 5): return (workspace, slug, .list(sha: sha))
        case ("POST", 6) where segments[5] == "build": return (workspace, slug, .post(sha: sha))
        case ("GET", 7) where segments[5] == "build": return (workspace, slug, .show(sha: sha, key: segments[6]))
        default: return nil
        }
    }

    /// An access token as `Bearer`, or the user and app password as basic auth.
    func isAuthenticated(_ request: StandInRequest) -> Bool {
        if let basic = request.basicCredentials { return basic.user == username && basic.password == appPassword }
        return request.header("authorization") == "Bearer \(token)"
    }

    private func post(_ request: StandInRequest, repository: String, sha: String, state: inout BitbucketFakeState) -> FakeAnswer {
        guard let json = try? JSONDecoder().decode(ConfigValue.self, from: Data(request.body)), case .object(let body) = json else {
            return Self.error(400, "Bad request")
        }
        let errors = Self.fieldErrors(body)
        guard errors.isEmpty else {
            let message = errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: " ")
            return Self.error(400, message, fields: errors)
        }
        let text = { (key: String) in body[key]?.stringValue }
        let now = Date()
        let status = state.post(
            BuildStatus(
                uuid: "", repository: repository, sha: sha, key: text("key") ?? "", state: text("state") ?? "", url: text("url") ?? "",
                name: text("name"), description: text("description"), refname: text("refname"), createdOn: now, updatedOn: now))
        return .json(201, entity(status))
    }

    private func list(_ request: StandInRequest, statuses: [BuildStatus]) -> FakeAnswer {
        let query = request.queryItems
        let pagelen = min(max(Int(query["pagelen"] ?? "") ?? 10, 1), 100)
        let page = max(Int(query["page"] ?? "") ?? 1, 1)
        var members: [String: ConfigValue] = [
            "pagelen": .int(pagelen), "page": .int(page), "size": .int(statuses.count),
            "values": .array(statuses.dropFirst((page - 1) * pagelen).prefix(pagelen).map(entity)),
        ]
        if page * pagelen < statuses.count {
            members["next"] = .string("\(baseURL)\(request.path)?page=\(page + 1)&pagelen=\(pagelen)")
        }
        return .json(200, .object(members))
    }

    /// A `commitstatus` object.
    func entity(_ status: BuildStatus) -> ConfigValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let commit = "\(baseURL)/2.0/repositories/\(status.repository)/commit/\(status.sha)"
        return .object([
            "type": "build", "uuid": .string(status.uuid), "key": .string(status.key), "state": .string(status.state),
            "url": .string(status.url), "name": status.name.map(ConfigValue.string) ?? .null,
            "description": status.description.map(ConfigValue.string) ?? .null, "refname": status.refname.map(ConfigValue.string) ?? .null,
            "created_on": .string(formatter.string(from: status.createdOn)), "updated_on": .string(formatter.string(from: status.updatedOn)),
            "links": .object([
                "self": .object(["href": .string("\(commit)/statuses/build/\(status.key)")]), "commit": .object(["href": .string(commit)]),
            ]),
        ])
    }

    /// Bitbucket's error: `{"type": "error", "error": {"message": "…", "fields": {…}}}`.
    static func error(_ status: Int, _ message: String, fields: [String: String] = [:]) -> FakeAnswer {
        var error: [String: ConfigValue] = ["message": .string(message)]
        if !fields.isEmpty { error["fields"] = .object(fields.mapValues { .array([.string($0)]) }) }
        return .json(status, .object(["type": "error", "error": .object(error)]))
    }

    static func tooManyRequests(retryAfter: String?) -> FakeAnswer {
        var answer = error(429, "Rate limit for this resource has been exceeded")
        if let retryAfter { answer.headers["Retry-After"] = retryAfter }
        return answer
    }

    static let serverError = error(500, "Something went wrong")
}
