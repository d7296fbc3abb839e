import BridgeCore
import Foundation

/// The Deployments API's routes, in GitLab's order of checks: route, authentication, parameters (Grape validates
/// before the endpoint runs), project, then the endpoint's own checks.
/// https://docs.gitlab.com/api/deployments/ and `lib/api/deployments.rb`.
extension GitLabFake {
    enum Route {
        case list(project: String)
        case create(project: String)
        case show(project: String, deployment: String)
        case update(project: String, deployment: String)
    }

    func handle(_ request: IncomingRequest, state: inout GitLabFakeState) -> FakeAnswer {
        // GitLab's catch-all for unknown routes (an unencoded `/` in a project path lands here).
        guard let route = route(request) else { return .error(404, "404 Not Found") }
        guard isAuthenticated(request) else { return .message(401, .string("401 Unauthorized")) }
        guard let values = request.parameters() else { return .error(400, "The request body is neither a JSON object nor a form") }
        var parameters = GrapeParameters(values)
        switch route {
        case .list(let project): return list(project: project, parameters: &parameters, state: state)
        case .create(let project): return create(project: project, parameters: &parameters, state: &state)
        case .show(let project, let deployment): return show(project: project, deployment: deployment, state: state)
        case .update(let project, let deployment):
            return update(project: project, deployment: deployment, parameters: &parameters, state: &state)
        }
    }

    func route(_ request: IncomingRequest) -> Route? {
        let root = pathPrefix + "/api/v4/"
        guard request.path.hasPrefix(root) else { return nil }
        let segments = request.path.dropFirst(root.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 3, segments[0] == "projects", segments[2] == "deployments", !segments[1].isEmpty else { return nil }
        switch (request.method, segments.count) {
        case ("GET", 3): return .list(project: segments[1])
        case ("POST", 3): return .create(project: segments[1])
        case ("GET", 4): return .show(project: segments[1], deployment: segments[3])
        case ("PUT", 4): return .update(project: segments[1], deployment: segments[3])
        default: return nil
        }
    }

    /// A personal, project or group access token in `PRIVATE-TOKEN`, or the same as an OAuth-style bearer token.
    func isAuthenticated(_ request: IncomingRequest) -> Bool {
        request.headers["private-token"] == token || request.headers["authorization"] == "Bearer \(token)"
    }

    /// `:id` is a numeric id or a URL-encoded full path (`group%2Fproject`), the latter case-insensitive.
    func project(_ segment: String) -> Project? {
        guard let decoded = segment.removingPercentEncoding else { return nil }
        if let id = Int(decoded) { return projects.first { $0.id == id } }
        return projects.first { $0.path.lowercased() == decoded.lowercased() }
    }

    private func create(project segment: String, parameters: inout GrapeParameters, state: inout GitLabFakeState) -> FakeAnswer {
        let environment = parameters.string("environment")
        let sha = parameters.string("sha")
        let ref = parameters.string("ref")
        let tag = parameters.bool("tag")
        let status = parameters.status("status", allowed: [.running, .success, .failed, .canceled])
        guard let environment, let sha, let ref, let tag, let status else { return .error(400, parameters.message) }
        guard let project = project(segment) else { return .message(404, .string("404 Project Not Found")) }
        guard !ref.isEmpty, knownRefs?.contains(ref) ?? true else {
            return .message(400, .object(["ref": .array([.string("The branch or tag does not exist")])]))
        }
        guard !environment.isEmpty else { return .message(400, .object(["name": .array([.string("can't be blank")])])) }
        _ = state.environmentID(projectID: project.id, name: environment)
        // Deployments::CreateService returns the environment's last (successful) deployment when ref, tag, sha and status
        // match.
        if let last = state.lastDeployment(projectID: project.id, environment: environment),
            last.ref == ref, last.tag == tag, last.sha == sha, last.status == status
        {
            return .json(201, entity(last))
        }
        guard !sha.isEmpty, knownCommits?.contains(sha) ?? true else {
            return .message(400, .object(["sha": .array([.string("The commit does not exist")])]))
        }
        let id = state.insertDeployment(
            projectID: project.id, environment: environment, sha: sha, ref: ref, tag: tag, status: status, createdByCI: false, now: Date())
        return .json(201, state.deployments[id].map(entity) ?? .null)
    }

    private func update(
        project segment: String, deployment deploymentSegment: String, parameters: inout GrapeParameters, state: inout GitLabFakeState
    ) -> FakeAnswer {
        guard let status = parameters.status("status", allowed: [.running, .success, .failed, .canceled]) else {
            return .error(400, parameters.message)
        }
        guard let project = project(segment) else { return .message(404, .string("404 Project Not Found")) }
        guard let id = Int(deploymentSegment), var deployment = state.deployments[id], deployment.projectID == project.id else {
            return .message(404, .string("404 Not found"))
        }
        guard !deployment.createdByCI else {
            return .message(403, .string("403 Forbidden - Deployments created using GitLab CI can not be updated using the API"))
        }
        guard status.isReachable(from: deployment.status) else {
            state.illegalTransitions.append(IllegalTransition(deploymentID: id, from: deployment.status, to: status))
            switch illegalTransitionAnswer {
            case .badRequest:
                return .message(400, .string("Cannot transition status via :\(status.event) from :\(deployment.status.rawValue)"))
            case .okWithNullBody:
                return FakeAnswer(status: 200, contentType: FakeAnswer.jsonType, body: "null")
            }
        }
        deployment.statusHistory.append(status)
        deployment.updatedAt = Date()
        state.deployments[id] = deployment
        return .json(200, entity(deployment))
    }

    private func show(project segment: String, deployment deploymentSegment: String, state: GitLabFakeState) -> FakeAnswer {
        guard let id = Int(deploymentSegment) else { return .error(400, "deployment_id is invalid") }
        guard let project = project(segment) else { return .message(404, .string("404 Project Not Found")) }
        guard let deployment = state.deployments[id], deployment.projectID == project.id else {
            return .message(404, .string("404 Not found"))
        }
        return .json(200, entity(deployment))
    }

    /// `Entities::Deployment`, the fields a client can rely on.
    func entity(_ deployment: Deployment) -> ConfigValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return .object([
            "id": .int(deployment.id),
            "iid": .int(deployment.iid),
            "ref": .string(deployment.ref),
            "sha": .string(deployment.sha),
            "status": .string(deployment.status.rawValue),
            "created_at": .string(formatter.string(from: deployment.createdAt)),
            "updated_at": .string(formatter.string(from: deployment.updatedAt)),
            "user": .object([
                "id": .int(1), "username": .string("gitops-bridge"), "name": .string("gitops-bridge"), "state": .string("active"),
            ]),
            "environment": .object([
                "id": .int(deployment.environmentID), "name": .string(deployment.environment), "external_url": .null,
            ]),
            "deployable": .null,
        ])
    }
}
