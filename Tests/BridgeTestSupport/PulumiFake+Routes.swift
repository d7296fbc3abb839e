import BridgeCore
import Foundation

/// The Deployments API's routes, in the fake's order of checks: route, token, `Accept`, stack, then the route's own.
extension PulumiFake {
    enum Route {
        case create
        case show(id: String)
        case logs(id: String)
        case cancel(id: String)
    }

    static let operations: Set<String> = ["update", "preview", "destroy", "refresh", "detect-drift", "remediate-drift"]

    func handle(_ request: StandInRequest, state: inout PulumiFakeState) -> FakeAnswer {
        guard let (stack, route) = Self.route(request) else { return Self.error(404, "Not Found") }
        guard request.header("Authorization") == "token \(token)" else {
            return Self.error(401, "Unauthorized: No credentials provided or are invalid.")
        }
        let accepted = (request.header("Accept") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard accepted.contains(Self.acceptType) else {
            return Self.error(400, "Bad Request: the Accept header must be \(Self.acceptType) (Pulumi documents it as required)")
        }
        guard stacks.contains(stack) else { return Self.error(404, "Not Found: stack not found") }
        switch route {
        case .create: return create(request, stack: stack, state: &state)
        case .show(let id), .logs(let id), .cancel(let id):
            guard var deployment = state.deployments[id], deployment.stack == stack else {
                return Self.error(404, "Not Found: deployment not found")
            }
            defer { state.deployments[id] = deployment }
            switch route {
            case .logs: return logs(of: &deployment, query: request.query)
            case .cancel: return cancel(&deployment)
            default: return show(&deployment)
            }
        }
    }

    /// `/api/stacks/{org}/{project}/{stack}/deployments[/{id}[/logs|/cancel]]` and its stack, `org/project/stack`.
    static func route(_ request: StandInRequest) -> (String, Route)? {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard segments.count >= 6, segments[0] == "api", segments[1] == "stacks", segments[5] == "deployments",
            !segments[2...4].contains(where: \.isEmpty)
        else { return nil }
        let stack = segments[2...4].joined(separator: "/")
        switch (request.method, Array(segments.dropFirst(6))) {
        case ("POST", []): return (stack, .create)
        case ("GET", let rest) where rest.count == 1 && !rest[0].isEmpty: return (stack, .show(id: rest[0]))
        case ("GET", let rest) where rest.count == 2 && rest[1] == "logs": return (stack, .logs(id: rest[0]))
        case ("POST", let rest) where rest.count == 2 && rest[1] == "cancel": return (stack, .cancel(id: rest[0]))
        default: return nil
        }
    }

    private func create(_ request: StandInRequest, stack: String, state: inout PulumiFakeState) -> FakeAnswer {
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true,
            let body = try? JSONDecoder().decode(ConfigValue.self, from: Data(request.body))
        else { return Self.error(400, "Bad Request: the body must be JSON, sent as Content-Type: application/json") }
        var check = PulumiDeploymentShape.Check()
        let redacted = check.redacting(body, as: .createDeployment)
        if !check.unknownFields.isEmpty {
            return Self.error(400, "Bad Request: unknown fields: \(check.unknownFields.joined(separator: ", "))")
        }
        if !check.typeErrors.isEmpty { return Self.error(400, "Bad Request: \(check.typeErrors.joined(separator: "; "))") }
        let operation = body["operation"]?.stringValue
        let inheritSettings = body["inheritSettings"] != .bool(false)
        if let operation, !Self.operations.contains(operation) {
            return Self.error(400, "Bad Request: operation must be one of \(Self.operations.sorted().joined(separator: ", "))")
        }
        if operation == nil, !inheritSettings { return Self.error(400, "Bad Request: operation is required when inheritSettings is false") }
        let git = body["sourceContext"]?["git"]
        if git?["branch"]?.stringValue != nil, git?["commit"]?.stringValue != nil {
            return Self.error(400, "Bad Request: sourceContext.git.branch and sourceContext.git.commit are mutually exclusive")
        }
        let version = (state.versions[stack] ?? 0) + 1
        state.versions[stack] = version
        let deployment = Deployment(
            id: UUID().uuidString.lowercased(), stack: stack, version: version, request: redacted, operation: operation,
            inheritSettings: inheritSettings, statuses: state.scripts.isEmpty ? Self.defaultStatuses : state.scripts.removeFirst(), shown: 0,
            canceled: false, created: now())
        state.deployments[deployment.id] = deployment
        state.order.append(deployment.id)
        state.secrets[deployment.id] = check.secrets
        return .json(
            202,
            .object([
                "id": .string(deployment.id), "version": .int(version),
                "consoleUrl": .string("https://app.pulumi.com/\(stack)/deployments/\(version)"),
            ]))
    }

    private func show(_ deployment: inout Deployment) -> FakeAnswer {
        let status = deployment.next
        deployment.shown += 1
        return .json(200, object(deployment, status: status))
    }

    private func logs(of deployment: inout Deployment, query: String?) -> FakeAnswer {
        var start = 0
        if let token = IncomingRequest.form(query ?? "")["nextToken"]?.stringValue {
            guard let offset = deployment.logTokens[token] else { return Self.error(400, "Bad Request: invalid nextToken") }
            start = offset
        }
        let end = min(start + logPageSize, log.count)
        var page: [String: ConfigValue] = ["lines": .array(log[min(start, end)..<end].map(\.json))]
        if end < log.count {
            let token = "\(deployment.id.prefix(8))-\(end)"
            deployment.logTokens[token] = end
            page["nextToken"] = .string(token)
        }
        return .json(200, .object(page))
    }

    private func cancel(_ deployment: inout Deployment) -> FakeAnswer {
        guard !deployment.status.isTerminal else { return Self.error(409, "Conflict: deployment has already completed") }
        // The status last shown becomes `failed`, and so does every later GET.
        deployment.statuses = Array(deployment.statuses.prefix(max(deployment.shown - 1, 0))) + [.failed]
        deployment.canceled = true
        return .json(200, .object([:]))
    }

    /// The deployment as Pulumi's `GET` writes it, the fields a client can rely on.
    private func object(_ deployment: Deployment, status: Status) -> ConfigValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime, .withFractionalSeconds]
        let created = ConfigValue.string(formatter.string(from: deployment.created))
        let modified = ConfigValue.string(formatter.string(from: now()))
        let operation = ConfigValue.string(deployment.operation ?? "update")
        let steps: [ConfigValue] =
            status == .notStarted || status == .accepted
            ? [] : [.object(["name": .string("Pulumi operation"), "status": .string(status.rawValue), "started": created, "lastUpdated": modified])]
        let names = deployment.names
        return .object([
            "id": .string(deployment.id), "created": created, "modified": modified, "status": .string(status.rawValue),
            "version": .int(deployment.version), "pulumiOperation": operation, "projectName": .string(names.project),
            "stackName": .string(names.stack),
            "requestedBy": .object(["name": .string("gitops-bridge"), "githubLogin": .string("gitops-bridge")]),
            "jobs": .array([.object(["status": .string(status.rawValue), "started": created, "lastUpdated": modified, "steps": .array(steps)])]),
        ])
    }

    /// Pulumi's error body, `{"code": <status>, "message": "…"}`.
    static func error(_ status: Int, _ message: String) -> FakeAnswer {
        .json(status, .object(["code": .int(status), "message": .string(message)]))
    }

    static func answer(_ fault: Fault) -> FakeAnswer {
        switch fault {
        case .tooManyRequests(let retryAfter):
            var answer = error(429, "Too Many Requests")
            if let retryAfter { answer.headers["Retry-After"] = retryAfter }
            return answer
        case .serverError: return error(500, "Internal Server Error")
        case .serviceUnavailable: return error(503, "Service Unavailable")
        }
    }

    /// What the fake keeps of a request: never the token, nor a secret of the body.
    static func record(_ request: StandInRequest, status: Int) -> RecordedRequest {
        var headers = request.headers
        if headers["authorization"] != nil { headers["authorization"] = PulumiDeploymentShape.Check.redacted }
        var check = PulumiDeploymentShape.Check()
        let body = (try? JSONDecoder().decode(ConfigValue.self, from: Data(request.body))).map {
            check.redacting($0, as: .createDeployment)
        }
        return RecordedRequest(method: request.method, path: request.path, query: request.query, headers: headers, body: body, responseStatus: status)
    }
}
