import BridgeCore
import BridgeServer
import BridgeStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A store with recorded runs (one failed with an error and a log, one queued), and the admin application on it, for
/// the dashboard's tests.
struct DashboardSite {
    static let viewerToken = "viewer-page-token-41ad"
    static let operatorToken = "operator-page-token-93fe"
    /// A literal secret in a step's parameters: the pages must never show it.
    static let literalSecret = "hunter2-literal-7d1e0c"
    static let environment = ["VIEW_TOKEN": viewerToken, "OPERATE_TOKEN": operatorToken]
    static let tokens = [
        AdminTokenSetting(name: "dash", role: .viewer, reference: .environment("VIEW_TOKEN")),
        AdminTokenSetting(name: "oncall", role: .operator, reference: .environment("OPERATE_TOKEN")),
    ]

    let harness: WorkerHarness
    let failedRun: Int64
    let queuedRun: Int64

    /// Records two runs; the first one's first step fails with an error and a log.
    static func make() async throws -> DashboardSite {
        let harness = try WorkerHarness()
        let steps = [
            PlannedStep(
                target: "deploy-group", provider: "aws-codedeploy",
                parameters: .object([
                    "region": .string("eu-west-2"), "application": .string("shop"), "deployment_group": .string("staging"),
                    "password": .string(literalSecret), "token": .string("env:DEPLOY_TOKEN"),
                ])),
            PlannedStep(target: "smoke", provider: "command", parameters: .object(["run": .array([.string("true")])])),
        ]
        let failed = try await harness.queueRun(rule: "main-to-staging", steps: steps, sha: String(repeating: "b", count: 40))
        let owner = "page-test"
        guard let claim = try await harness.store.claimNextStep(owner: owner, now: Date(), lease: .seconds(60)) else {
            throw HarnessError("no step to claim")
        }
        try await harness.store.recordExternalID(stepID: claim.stepID, owner: owner, externalID: "d-ABC123XYZ")
        try await harness.store.appendLog(stepID: claim.stepID, text: "creating deployment\n")
        try await harness.store.finishStep(
            stepID: claim.stepID, owner: owner, result: .failed(reason: "deployment d-ABC123XYZ failed: <health check>"),
            log: "deployment failed\n", now: Date())
        let queued = try await harness.queueRun(rule: "gitlab-main", targets: ["smoke"], sha: String(repeating: "c", count: 40))
        return DashboardSite(harness: harness, failedRun: failed, queuedRun: queued)
    }

    func application(
        configuration: AdminConfiguration = AdminConfiguration(host: "127.0.0.1", port: 0), environment: [String: String] = Self.environment
    ) throws -> some ApplicationProtocol {
        let access = try AdminAccess(Self.tokens, resolver: ProcessSecretResolver(environment: environment))
        let rulesPath = harness.directory.appendingPathComponent("rules.yaml").path
        try TestBridge.rulesYAML.write(toFile: rulesPath, atomically: true, encoding: .utf8)
        let data = AdminData(store: harness.store, rules: try RulesLoader.load(path: rulesPath))
        let router = AdminRouter(store: harness.store, access: access, data: data, configuration: configuration)
        return Application(router: router.build(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func removeFiles() {
        harness.removeFiles()
    }
}

/// A browser's side of the dashboard, over HummingbirdTesting: it keeps the session cookie and reads CSRF tokens off
/// the pages.
struct PageBrowser {
    struct Page {
        let status: Int
        let headers: HTTPFields
        let html: String
        var location: String? { headers[.location] }
        var cookies: [String] { headers[values: .setCookie] }

        /// The value of the first `name="_csrf"` field.
        var csrf: String? {
            guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    let client: any TestClientProtocol
    /// The cookies the site set, by name.
    var jar: [String: String] = [:]
    var signedIn: Bool { jar["gitops_bridge_session"] != nil }

    mutating func get(_ uri: String, headers extra: HTTPFields = [:]) async throws -> Page {
        try await send(uri, method: .get, body: nil, headers: extra)
    }

    mutating func post(_ uri: String, form: [String: String], headers extra: HTTPFields = [:]) async throws -> Page {
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, body: body, headers: headers)
    }

    /// Signs in with `token`; the session cookie is kept for the next requests.
    mutating func signIn(_ token: String) async throws -> Page {
        try await post("/login", form: ["token": token, "next": "/"])
    }

    private mutating func send(_ uri: String, method: HTTPRequest.Method, body: String?, headers extra: HTTPFields) async throws -> Page {
        var headers = extra
        if !jar.isEmpty, headers[.cookie] == nil { headers[.cookie] = jar.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let page = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            Page(status: Int($0.status.code), headers: $0.headers, html: String(buffer: $0.body))
        }
        for set in page.cookies {
            let pair = set.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let value = String(pair[pair.index(after: equals)...])
            jar[String(pair[..<equals])] = value.isEmpty ? nil : value
        }
        return page
    }
}
