import BridgeCore
import Foundation

/// The routes, in GitHub's order of checks: route, authentication, repository, body, then the endpoint's own checks.
extension GitHubFake {
    enum Route {
        case installation(repository: String)
        case accessTokens(installation: String)
        case listDeployments(repository: String)
        case createDeployment(repository: String)
        case showDeployment(repository: String, deployment: String)
        case listDeploymentStatuses(repository: String, deployment: String)
        case createDeploymentStatus(repository: String, deployment: String)
        case createCommitStatus(repository: String, sha: String)
        case listCommitStatuses(repository: String, ref: String)

        /// The repository a repository route is about (`owner/repo` as requested); nil for the app's own routes.
        var repository: String? {
            switch self {
            case .listDeployments(let name), .createDeployment(let name), .showDeployment(let name, _), .listDeploymentStatuses(let name, _),
                .createDeploymentStatus(let name, _), .createCommitStatus(let name, _), .listCommitStatuses(let name, _):
                name
            case .installation, .accessTokens:
                nil
            }
        }

        /// The call a fault or a lost answer is aimed at; nil for reads that are not one.
        var call: Call? {
            switch self {
            case .installation: .lookUpInstallation
            case .accessTokens: .createAccessToken
            case .listDeployments: .listDeployments
            case .createDeployment: .createDeployment
            case .createDeploymentStatus: .createDeploymentStatus
            case .createCommitStatus: .createCommitStatus
            case .showDeployment, .listDeploymentStatuses, .listCommitStatuses: nil
            }
        }
    }

    func route(_ request: IncomingRequest) -> Route? {
        guard request.path.hasPrefix(pathPrefix + "/") else { return nil }
        let segments = request.path.dropFirst(pathPrefix.count + 1).split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).removingPercentEncoding ?? String($0) }
        if segments.count == 4, segments[0] == "app", segments[1] == "installations", segments[3] == "access_tokens" {
            return request.method == "POST" ? .accessTokens(installation: segments[2]) : nil
        }
        guard segments.count >= 4, segments[0] == "repos", !segments[1].isEmpty, !segments[2].isEmpty else { return nil }
        let repository = "\(segments[1])/\(segments[2])"
        switch (request.method, Array(segments.dropFirst(3))) {
        case ("GET", ["installation"]): return .installation(repository: repository)
        case ("GET", ["deployments"]): return .listDeployments(repository: repository)
        case ("POST", ["deployments"]): return .createDeployment(repository: repository)
        case ("GET", let rest) where rest.count == 2 && rest[0] == "deployments":
            return .showDeployment(repository: repository, deployment: rest[1])
        case ("GET", let rest) where rest.count == 3 && rest[0] == "deployments" && rest[2] == "statuses":
            return .listDeploymentStatuses(repository: repository, deployment: rest[1])
        case ("POST", let rest) where rest.count == 3 && rest[0] == "deployments" && rest[2] == "statuses":
            return .createDeploymentStatus(repository: repository, deployment: rest[1])
        case ("POST", let rest) where rest.count == 2 && rest[0] == "statuses":
            return .createCommitStatus(repository: repository, sha: rest[1])
        case ("GET", let rest) where rest.count == 3 && rest[0] == "commits" && rest[2] == "statuses":
            return .listCommitStatuses(repository: repository, ref: rest[1])
        default: return nil
        }
    }

    func handle(_ request: IncomingRequest, route: Route?, caller: inout Caller?, state: inout GitHubFakeState) -> FakeAnswer {
        guard let route else { return Self.message(404, "Not Found") }
        switch route {
        case .installation(let repository):
            return appCall(request, caller: &caller) { installation(of: repository) }
        case .accessTokens(let installation):
            return appCall(request, caller: &caller) { issueToken(installation: installation, state: &state) }
        default:
            break
        }
        guard let repositoryName = route.repository else { return Self.message(404, "Not Found") }
        let authorized: (repository: Repository, caller: Caller)
        switch authorize(request, repository: repositoryName, state: state) {
        case .success(let value): authorized = value
        case .failure(let refusal): return refusal.answer
        }
        caller = authorized.caller
        guard let body = Self.jsonBody(request) else { return Self.message(400, "Problems parsing JSON") }
        let repository = authorized.repository.fullName
        switch route {
        case .listDeployments: return listDeployments(repository: repository, query: request.query, state: state)
        case .createDeployment: return createDeployment(repository: repository, body: body, state: &state)
        case .showDeployment(_, let id): return showDeployment(repository: repository, id: id, state: state)
        case .listDeploymentStatuses(_, let id): return listDeploymentStatuses(repository: repository, id: id, state: state)
        case .createDeploymentStatus(_, let id): return createDeploymentStatus(repository: repository, id: id, body: body, state: &state)
        case .createCommitStatus(_, let sha): return createCommitStatus(repository: repository, sha: sha, body: body, state: &state)
        case .listCommitStatuses(_, let ref): return listCommitStatuses(repository: repository, ref: ref, state: state)
        case .installation, .accessTokens: return Self.message(404, "Not Found")
        }
    }

    /// The body as a JSON object; an empty body is an empty object. Nil when it is not JSON.
    static func jsonBody(_ request: IncomingRequest) -> [String: ConfigValue]? {
        if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        guard case .object(let members)? = try? JSONDecoder().decode(ConfigValue.self, from: Data(request.body)) else { return nil }
        return members
    }

    /// GitHub's error body: `{"message": …, "documentation_url": …}`.
    static func message(_ status: Int, _ text: String) -> FakeAnswer {
        .json(status, .object(["message": .string(text), "documentation_url": .string(documentation)]))
    }

    /// 422 `Validation Failed` with one `errors` item.
    static func validationFailed(resource: String, field: String, code: String, message: String? = nil) -> FakeAnswer {
        var item: [String: ConfigValue] = ["resource": .string(resource), "field": .string(field), "code": .string(code)]
        if let message { item["message"] = .string(message) }
        return .json(
            422, .object(["message": "Validation Failed", "errors": .array([.object(item)]), "documentation_url": .string(documentation)]))
    }

    /// The canned answer of a fault; nil for a delay, which answers normally.
    func faultAnswer(_ fault: Fault) -> FakeAnswer? {
        let reset = Int(now().timeIntervalSince1970.rounded(.down))
        switch fault {
        case .serverError:
            return Self.message(500, "Server Error")
        case .badGateway:
            return FakeAnswer(status: 502, contentType: "text/html", body: "<html>\n<body>\n<h1>Unicorn! · GitHub</h1>\n</body>\n</html>\n")
        case .primaryRateLimit(let resetAfter, let status):
            var answer = Self.message(status, "API rate limit exceeded for installation ID 7001.")
            answer.headers = [
                "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000",
                "x-ratelimit-reset": String(reset + resetAfter), "x-ratelimit-resource": "core",
            ]
            return answer
        case .secondaryRateLimit(let retryAfter, let status):
            var answer = Self.message(
                status,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to "
                    + "GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.")
            if let retryAfter { answer.headers["retry-after"] = String(retryAfter) }
            return answer
        case .response(let status, let contentType, let body, let headers):
            return FakeAnswer(status: status, contentType: contentType, body: body, headers: headers)
        case .delay:
            return nil
        }
    }

    /// What every GitHub answer carries.
    func rateLimitHeaders(used: Int) -> [String: String] {
        let reset = Int(now().timeIntervalSince1970.rounded(.down)) + 3600
        return [
            "x-ratelimit-limit": "5000", "x-ratelimit-remaining": String(max(0, 5000 - used)), "x-ratelimit-used": String(used),
            "x-ratelimit-reset": String(reset), "x-ratelimit-resource": "core", "x-github-api-version-selected": "2022-11-28",
        ]
    }

    /// ISO 8601 to the second, as GitHub writes times.
    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
