import BridgeCore
import Foundation

/// The deployments API. https://docs.github.com/en/rest/deployments/deployments
extension GitHubFake {
    /// `POST /repos/{o}/{r}/deployments`.
    func createDeployment(repository: String, body: [String: ConfigValue], state: inout GitHubFakeState) -> FakeAnswer {
        guard let ref = body["ref"]?.stringValue, !ref.isEmpty else { return Self.message(422, "Invalid request.\n\n\"ref\" wasn't supplied.") }
        if let refusal = Self.typeRefusal(body) { return refusal }
        let description = body["description"]?.stringValue
        if let description, description.count > 140 {
            return Self.validationFailed(
                resource: "Deployment", field: "description", code: "custom", message: "description is too long (maximum is 140 characters)")
        }
        guard let sha = commit(of: ref) else { return Self.message(422, "No ref found for: \(ref)") }
        if body["auto_merge"] != .bool(false) && defaultBranchAhead {
            return Self.message(202, "Auto-merged main into \(ref) on deployment.")
        }
        if let conflict = contextConflict(repository: repository, ref: ref, sha: sha, required: body["required_contexts"], state: state) {
            return conflict
        }
        let environment = body["environment"]?.stringValue ?? "production"
        let id = state.nextDeploymentID
        state.nextDeploymentID += 1
        let created = now()
        let deployment = Deployment(
            id: id, repository: repository, sha: sha, ref: ref, task: body["task"]?.stringValue ?? "deploy", environment: environment,
            originalEnvironment: environment, description: description, payload: Self.payload(body["payload"]),
            productionEnvironment: body["production_environment"].flatMap(Self.bool) ?? (environment == "production"),
            transientEnvironment: body["transient_environment"].flatMap(Self.bool) ?? false, statuses: [], createdAt: created,
            updatedAt: created)
        state.deployments[id] = deployment
        return .json(201, entity(deployment))
    }

    /// `GET /repos/{o}/{r}/deployments?sha&ref&task&environment&per_page&page`, newest first.
    func listDeployments(repository: String, query: String?, state: GitHubFakeState) -> FakeAnswer {
        let filters = IncomingRequest.form(query ?? "").compactMapValues(\.stringValue)
        let perPage = min(100, max(1, filters["per_page"].flatMap { Int($0) } ?? 30))
        let page = max(1, filters["page"].flatMap { Int($0) } ?? 1)
        let matching = state.deployments.values
            .filter { deployment in
                deployment.repository.lowercased() == repository.lowercased()
                    && [("sha", deployment.sha), ("ref", deployment.ref), ("task", deployment.task), ("environment", deployment.environment)]
                        .allSatisfy { name, value in filters[name].map { $0 == value } ?? true }
            }
            .sorted { $0.id > $1.id }
        return .json(200, .array(matching.dropFirst((page - 1) * perPage).prefix(perPage).map(entity)))
    }

    /// `GET /repos/{o}/{r}/deployments/{id}`.
    func showDeployment(repository: String, id: String, state: GitHubFakeState) -> FakeAnswer {
        guard let deployment = deployment(repository: repository, id: id, state: state) else { return Self.message(404, "Not Found") }
        return .json(200, entity(deployment))
    }

    /// `GET /repos/{o}/{r}/deployments/{id}/statuses`, newest first.
    func listDeploymentStatuses(repository: String, id: String, state: GitHubFakeState) -> FakeAnswer {
        guard let deployment = deployment(repository: repository, id: id, state: state) else { return Self.message(404, "Not Found") }
        return .json(200, .array(deployment.statuses.reversed().map { statusEntity($0, of: deployment) }))
    }

    /// `POST /repos/{o}/{r}/deployments/{id}/statuses`.
    func createDeploymentStatus(repository: String, id: String, body: [String: ConfigValue], state: inout GitHubFakeState) -> FakeAnswer {
        guard var deployment = deployment(repository: repository, id: id, state: state) else { return Self.message(404, "Not Found") }
        guard let stateName = body["state"]?.stringValue else { return Self.message(422, "Invalid request.\n\n\"state\" wasn't supplied.") }
        guard Self.deploymentStates.contains(stateName) else {
            return Self.validationFailed(resource: "DeploymentStatus", field: "state", code: "invalid")
        }
        let description = body["description"]?.stringValue ?? ""
        guard description.count <= 140 else {
            return Self.validationFailed(
                resource: "DeploymentStatus", field: "description", code: "custom", message: "description is too long (maximum is 140 characters)")
        }
        if let environment = body["environment"]?.stringValue { deployment.environment = environment }
        let logURL = body["log_url"]?.stringValue ?? body["target_url"]?.stringValue ?? ""
        let created = now()
        let status = DeploymentStatus(
            id: state.takeStatusID(), state: stateName, description: description, environment: deployment.environment,
            environmentURL: body["environment_url"]?.stringValue ?? "", logURL: logURL, targetURL: logURL, automatic: false, createdAt: created)
        deployment.statuses.append(status)
        deployment.updatedAt = created
        state.deployments[deployment.id] = deployment
        if stateName == "success" && body["auto_inactive"] != .bool(false) {
            state.markEarlierInactive(than: deployment, now: created)
        }
        return .json(201, statusEntity(status, of: deployment))
    }

    /// The seven states a deployment status may have.
    static let deploymentStates: Set<String> = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"]

    /// 409 when `required_contexts` (all contexts when absent) are not all `success` on the commit.
    private func contextConflict(
        repository: String, ref: String, sha: String, required: ConfigValue?, state: GitHubFakeState
    ) -> FakeAnswer? {
        let latest = state.latestCommitStatuses(repository: repository, sha: sha)
        let failing: [CommitStatus]
        switch required {
        case .array(let names)?:
            let wanted = names.compactMap(\.stringValue)
            failing = wanted.compactMap { latest[$0] ?? CommitStatus(id: 0, state: "missing", context: $0, createdAt: now()) }
                .filter { $0.state != "success" }
        default:
            failing = latest.values.filter { $0.state != "success" }.sorted { $0.context < $1.context }
        }
        guard !failing.isEmpty else { return nil }
        let contexts = failing.map { ConfigValue.object(["context": .string($0.context), "state": .string($0.state)]) }
        return .json(
            409,
            .object([
                "message": .string("Conflict: Commit status checks failed for \(ref)."),
                "errors": .array([
                    .object(["contexts": .array(contexts), "resource": "Deployment", "field": "required_contexts", "code": "invalid"])
                ]),
                "documentation_url": .string(Self.documentation),
            ]))
    }

    /// The commit a ref names: a known branch or tag, else a 40-hex sha (when refs are not listed, any ref).
    private func commit(of ref: String) -> String? {
        if let refs { return refs[ref] ?? (Set(refs.values).contains(ref) ? ref : nil) }
        let isSHA = ref.count == 40 && ref.allSatisfy(\.isHexDigit)
        return isSHA ? ref : Digest.sha256Hex(Array(ref.utf8)).prefix(40).lowercased()
    }

    /// 422 for a field of the wrong JSON type, as GitHub's schema validation answers.
    private static func typeRefusal(_ body: [String: ConfigValue]) -> FakeAnswer? {
        let checks: [(String, String, (ConfigValue) -> Bool)] = [
            ("auto_merge", "boolean", { bool($0) != nil }), ("production_environment", "boolean", { bool($0) != nil }),
            ("transient_environment", "boolean", { bool($0) != nil }), ("environment", "string", { $0.stringValue != nil }),
            ("task", "string", { $0.stringValue != nil }), ("description", "string", { $0.stringValue != nil || $0 == .null }),
            ("required_contexts", "array", { if case .array = $0 { true } else { false } }),
            ("payload", "object", { if case .object = $0 { true } else { $0.stringValue != nil } }),
        ]
        for (name, type, isValid) in checks {
            if let value = body[name], !isValid(value) {
                return message(422, "Invalid request.\n\nFor 'properties/\(name)', \(value.jsonText) is not a \(type).")
            }
        }
        return nil
    }

    private static func bool(_ value: ConfigValue) -> Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    /// A payload sent as a JSON string is kept as the object it holds, as GitHub does; none is `{}`.
    private static func payload(_ value: ConfigValue?) -> ConfigValue {
        guard let value else { return .object([:]) }
        if let text = value.stringValue, let parsed = try? JSONDecoder().decode(ConfigValue.self, from: Data(text.utf8)) { return parsed }
        return value
    }

    private func deployment(repository: String, id: String, state: GitHubFakeState) -> Deployment? {
        guard let number = Int(id), let deployment = state.deployments[number],
            deployment.repository.lowercased() == repository.lowercased()
        else { return nil }
        return deployment
    }
}
