import BridgeCore
import Foundation

/// A request as the CodeDeploy fake's handlers see it.
struct Incoming: Sendable {
    var method: String
    var path: String
    var query: String?
    /// The `Host` header (HTTP/1's `Host` arrives as the request's authority).
    var host: String?
    /// Lowercased names; repeated fields joined with `,`.
    var headers: [String: String]
    var body: [UInt8]

    var operation: String {
        let target = headers["x-amz-target"] ?? ""
        return target.hasPrefix(CodeDeployFake.targetPrefix) ? String(target.dropFirst(CodeDeployFake.targetPrefix.count)) : target
    }

    func record(_ answer: FakeAnswer) -> CodeDeployFake.RecordedRequest {
        var shown = headers
        for name in ["authorization", "x-amz-security-token"] where shown[name] != nil { shown[name] = "[REDACTED]" }
        let json = try? JSONDecoder().decode(ConfigValue.self, from: Data(answer.body.utf8))
        let code = answer.status >= 400 ? json?["__type"]?.stringValue.map { String($0.split(separator: "#").last ?? "") } : nil
        return CodeDeployFake.RecordedRequest(
            operation: operation, headers: shown, body: try? JSONDecoder().decode(ConfigValue.self, from: Data(body)),
            responseStatus: answer.status, errorCode: code ?? answer.headers["x-amzn-ErrorType"].map { String($0.prefix { $0 != ":" }) })
    }
}

extension CodeDeployFake {
    static let targetPrefix = "CodeDeploy_20141006."
    static let jsonType = "application/x-amz-json-1.1"

    /// Checks the signature, then any fault, then serves the operation.
    func handle(_ request: Incoming, state: inout CodeDeployFakeState) -> FakeAnswer {
        let verifier = SigV4RequestVerifier(credentials: credentials, region: region, service: "codedeploy")
        do {
            try verifier.verify(
                method: request.method, path: request.path, query: request.query, host: request.host, headers: request.headers,
                body: request.body)
        } catch {
            // Authentication errors come from the AWS front end: the code in `x-amzn-ErrorType`, the body only a message.
            var answer = FakeAnswer.json(error.status, .object(["message": .string(error.message)]))
            answer.contentType = Self.jsonType
            answer.headers["x-amzn-ErrorType"] = "\(error.code):http://internal.amazon.com/coral/com.amazon.coral.service/"
            return answer
        }
        if !state.faults.isEmpty, case .error(let status, let code, let message, let retryAfter) = state.faults.removeFirst() {
            var answer = Self.error(status, code, message)
            if let retryAfter { answer.headers["Retry-After"] = retryAfter }
            return answer
        }
        guard request.method == "POST", request.path == "/" else {
            return Self.error(404, "UnknownOperationException", "CodeDeploy is served at POST /")
        }
        guard request.headers["content-type"] == Self.jsonType else {
            return Self.error(400, "SerializationException", "Content-Type must be \(Self.jsonType)")
        }
        guard let json = try? JSONDecoder().decode(ConfigValue.self, from: Data(request.body)), case .object = json else {
            return Self.error(400, "SerializationException", "The body is not a JSON object")
        }
        switch request.operation {
        case "CreateDeployment": return createDeployment(json, state: &state)
        case "GetDeployment": return getDeployment(json, state: &state)
        case "StopDeployment": return stopDeployment(json, state: &state)
        default: return Self.error(400, "UnknownOperationException", "Unknown operation \(request.operation)")
        }
    }

    private func createDeployment(_ body: ConfigValue, state: inout CodeDeployFakeState) -> FakeAnswer {
        guard let application = body["applicationName"]?.stringValue, !application.isEmpty else {
            return Self.error(400, "ApplicationNameRequiredException", "The application name must be specified.")
        }
        if let applications {
            guard let groups = applications[application] else {
                return Self.error(
                    400, "ApplicationDoesNotExistException", "The application \(application) does not exist with the user or AWS account.")
            }
            let group = body["deploymentGroupName"]?.stringValue ?? ""
            guard groups.contains(group) else {
                return Self.error(400, "DeploymentGroupDoesNotExistException", "The deployment group \(group) does not exist.")
            }
        }
        let id = "d-" + String(format: "FAKE%05d", state.nextNumber)
        state.nextNumber += 1
        let steps = state.scripts.isEmpty ? Step.inProgressThenSucceeded : state.scripts.removeFirst()
        state.deployments[id] = Deployment(id: id, request: body, steps: steps, shown: 0, stopRequests: [])
        state.order.append(id)
        return Self.answer(.object(["deploymentId": .string(id)]))
    }

    private func getDeployment(_ body: ConfigValue, state: inout CodeDeployFakeState) -> FakeAnswer {
        guard let id = body["deploymentId"]?.stringValue, !id.isEmpty else {
            return Self.error(400, "DeploymentIdRequiredException", "At least one deployment ID must be specified.")
        }
        guard var deployment = state.deployments[id] else {
            return Self.error(400, "DeploymentDoesNotExistException", "The deployment \(id) could not be found.")
        }
        let step = deployment.current
        deployment.shown += 1
        state.deployments[id] = deployment
        return Self.answer(.object(["deploymentInfo": Self.info(deployment, step: step)]))
    }

    private func stopDeployment(_ body: ConfigValue, state: inout CodeDeployFakeState) -> FakeAnswer {
        guard let id = body["deploymentId"]?.stringValue, !id.isEmpty else {
            return Self.error(400, "DeploymentIdRequiredException", "At least one deployment ID must be specified.")
        }
        guard var deployment = state.deployments[id] else {
            return Self.error(400, "DeploymentDoesNotExistException", "The deployment \(id) could not be found.")
        }
        if case .bool(let flag) = body["autoRollbackEnabled"] {
            deployment.stopRequests.append(flag)
        } else {
            deployment.stopRequests.append(nil)
        }
        defer { state.deployments[id] = deployment }
        guard !deployment.current.isTerminal else {
            return Self.error(400, "DeploymentAlreadyCompletedException", "The deployment \(id) has already completed.")
        }
        let stopped = Step("Stopped", errorCode: "MANUAL_STOP", errorMessage: "The deployment was stopped by a user.")
        deployment.steps = Array(deployment.steps.prefix(deployment.shown)) + [stopped]
        return Self.answer(
            .object([
                "status": .string("Pending"), "statusMessage": .string("Stopping Pending. Stopping to schedule commands in the deployment instances"),
            ]))
    }

    /// `deploymentInfo` as CodeDeploy writes it (times as epoch seconds).
    private static func info(_ deployment: Deployment, step: Step) -> ConfigValue {
        var info: [String: ConfigValue] = [
            "deploymentId": .string(deployment.id), "status": .string(step.status), "createTime": .double(1_763_807_269.62),
            "creator": .string("user"),
        ]
        for key in ["applicationName", "deploymentGroupName", "deploymentConfigName", "description", "revision"] {
            info[key] = deployment.request[key]
        }
        if let overview = step.overview { info["deploymentOverview"] = .object(overview.mapValues(ConfigValue.int)) }
        if step.errorCode != nil || step.errorMessage != nil {
            var error: [String: ConfigValue] = [:]
            error["code"] = step.errorCode.map(ConfigValue.string)
            error["message"] = step.errorMessage.map(ConfigValue.string)
            info["errorInformation"] = .object(error)
        }
        if let message = step.rollbackMessage {
            info["rollbackInfo"] = .object(["rollbackDeploymentId": .string("d-ROLLBACK1"), "rollbackMessage": .string(message)])
        }
        return .object(info)
    }

    static func answer(_ value: ConfigValue) -> FakeAnswer {
        FakeAnswer(status: 200, contentType: jsonType, body: value.jsonText)
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> FakeAnswer {
        let body: ConfigValue = .object(["__type": .string("com.amazonaws.codedeploy.v20141006#\(code)"), "message": .string(message)])
        return FakeAnswer(status: status, contentType: jsonType, body: body.jsonText)
    }
}
