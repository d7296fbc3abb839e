import AsyncHTTPClient
import BridgeCore
import Foundation
import NIOHTTP1

/// The `pulumi` provider: runs a Pulumi Deployments job (`PulumiDeploymentRequest` says which keys become which
/// fields), polls it until it ends and copies its logs into the step's log.
///
/// Statuses: `not-started`, `accepted` and `running` are in progress; `succeeded` succeeds; `failed` fails; `skipped`
/// (Pulumi skipped it for a newer queued deployment) is canceled. When it ends, `GET …/{id}/logs` is followed page by
/// page through `nextToken`. Cancel calls `POST …/{id}/cancel`; a deployment that has already ended is not an error.
/// 429, 5xx and network trouble are retryable (after `Retry-After` when sent); any other answer is permanent with
/// Pulumi's own `message`. The token and every secret are resolved when a call is made and never logged.
public struct PulumiDeployer: Deployer {
    /// Pages of logs read at most, so a log that never ends cannot hold the step.
    static let maximumLogPages = 200

    private let resolver: any SecretResolver
    private let httpClient: ProviderHTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date

    public init(
        resolver: any SecretResolver, httpClient: ProviderHTTPClient, timeout: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.resolver = resolver
        self.httpClient = httpClient
        self.timeout = timeout
        self.now = now
    }

    /// Creates the deployment; its id is the external id.
    public func start(_ call: PulumiDeploymentRequest, step: DeploymentRequest, journal: any StepJournal) async throws(ProviderError)
        -> DeploymentStart
    {
        let token = try secret(call.token)
        var secrets = [token]
        let body: ConfigValue
        do {
            body = try call.body { reference throws(SecretError) in
                let value = try resolver.resolve(reference).text
                secrets.append(value)
                return value
            }
        } catch {
            throw .permanent("cannot read a secret of the pulumi target: \(error)")
        }
        let create = SignedHTTPRequest(
            method: "POST", url: call.deploymentsURL, headers: PulumiDeploymentRequest.headers(token: token, json: true),
            body: Array(body.jsonText.utf8))
        let answer = try await send(create, call: "pulumi create deployment", secrets: secrets)
        guard let id = answer.json?["id"]?.stringValue, !id.isEmpty else {
            throw .permanent("pulumi create deployment answered \(answer.status) without an id; is \(call.apiURL) the Pulumi Cloud API?")
        }
        let version = answer.json?["version"].map { " (version \($0))" } ?? ""
        let console = answer.json?["consoleUrl"]?.stringValue.map { ": \($0)" } ?? ""
        return DeploymentStart(externalID: id, status: .inProgress, log: "deployment \(id)\(version) created\(console)\n")
    }

    /// Reads the deployment; once it has ended, its whole log.
    public func poll(_ call: PulumiDeploymentRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) -> DeploymentProgress {
        let token = try secret(call.token)
        let url = "\(call.deploymentsURL)/\(SigV4Signer.uriEncode(externalID))"
        let get = SignedHTTPRequest(method: "GET", url: url, headers: PulumiDeploymentRequest.headers(token: token, json: false), body: [])
        let answer = try await send(get, call: "pulumi get deployment", secrets: [token])
        guard let status = answer.json?["status"]?.stringValue else {
            throw .permanent("pulumi get deployment answered \(answer.status) without a status for \(externalID)")
        }
        let outcome: DeploymentStatus
        switch status {
        case "succeeded": outcome = .succeeded
        case "failed": outcome = .failed(reason: "Pulumi deployment \(externalID) failed")
        case "skipped": outcome = .canceled(reason: "Pulumi skipped deployment \(externalID) (a newer one was queued)")
        default: return DeploymentProgress(status: .inProgress)
        }
        let log = try await logs(url: url, token: token)
        return DeploymentProgress(status: outcome, log: log + "deployment \(externalID) \(status)\n")
    }

    /// Asks Pulumi to cancel the deployment.
    public func cancel(_ call: PulumiDeploymentRequest, externalID: String, step: DeploymentRequest) async throws(ProviderError) {
        let token = try secret(call.token)
        let url = "\(call.deploymentsURL)/\(SigV4Signer.uriEncode(externalID))/cancel"
        let cancel = SignedHTTPRequest(method: "POST", url: url, headers: PulumiDeploymentRequest.headers(token: token, json: false), body: [])
        let answer = try await ProviderHTTP.send(cancel, httpClient: httpClient, timeout: timeout, call: "pulumi cancel deployment", secrets: [token])
        if answer.isSuccess || answer.status == 409 { return }  // 409: it has already ended
        throw Self.classify(answer, call: "pulumi cancel deployment", now: now(), secrets: [token])
    }

    /// Every page of the log, `header` lines set apart.
    private func logs(url: String, token: String) async throws(ProviderError) -> String {
        var text = ""
        var nextToken: String?
        for _ in 0..<Self.maximumLogPages {
            let query = nextToken.map { "?nextToken=\(SigV4Signer.uriEncode($0))" } ?? ""
            let get = SignedHTTPRequest(
                method: "GET", url: url + "/logs" + query, headers: PulumiDeploymentRequest.headers(token: token, json: false), body: [])
            let answer = try await send(get, call: "pulumi get deployment logs", secrets: [token])
            if case .array(let lines)? = answer.json?["lines"] {
                for line in lines {
                    if let header = line["header"]?.stringValue, !header.isEmpty {
                        text += "== \(header) ==\n"
                    } else if let content = line["line"]?.stringValue {
                        text += content.hasSuffix("\n") ? content : content + "\n"
                    }
                }
            }
            guard let next = answer.json?["nextToken"]?.stringValue, !next.isEmpty, next != nextToken else { return text }
            nextToken = next
        }
        return text + "(log cut after \(Self.maximumLogPages) pages)\n"
    }

    private func send(_ request: SignedHTTPRequest, call: String, secrets: [String]) async throws(ProviderError) -> HTTPAnswer {
        let answer = try await ProviderHTTP.send(request, httpClient: httpClient, timeout: timeout, call: call, secrets: secrets)
        guard answer.isSuccess else { throw Self.classify(answer, call: call, now: now(), secrets: secrets) }
        return answer
    }

    private func secret(_ reference: SecretReference) throws(ProviderError) -> String {
        do {
            return try resolver.resolve(reference).text
        } catch {
            throw .permanent("cannot read the pulumi token: \(error)")
        }
    }

    /// Pulumi's error answer (`{"code": 404, "message": "Not Found: stack not found"}`) as a `ProviderError`.
    static func classify(_ answer: HTTPAnswer, call: String, now: Date, secrets: [String]) -> ProviderError {
        let message = answer.json?["message"]?.stringValue ?? String(decoding: answer.body.prefix(300), as: UTF8.self)
        let text = ProviderHTTP.redact("\(call) answered \(answer.status): \(message)", secrets: secrets)
        if answer.status == 429 || answer.status >= 500 {
            return .retryable(text, retryAfter: RetryAfter.parse(answer.headers.first(name: "Retry-After"), now: now))
        }
        return .permanent(text)
    }
}
