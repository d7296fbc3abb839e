import ArgumentParser
import BridgeCore
import BridgeProviders
import BridgeServer
import Foundation

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a payload as the source's forge would and post it to the bridge (to set up or try a hook).",
        discussion: """
            The secret comes from the source's definition in the rules file (its env: or file: reference must be readable \
            here). Without a payload file, a realistic sample push is built from --repository, --branch or --tag, --sha \
            and --path.
            """)

    @Option(help: "The source to post to: POST <url>/hooks/<source>.")
    var source: String

    @Argument(help: "A payload file (JSON). Omit to send a sample push built from the options below.")
    var payload: String?

    @Option(help: "The bridge's base URL.")
    var url = "http://127.0.0.1:8080"

    @Option(help: "Rules file or directory (env GITOPS_BRIDGE_RULES; default rules/example.yaml).")
    var rules: String?

    @Option(help: "Sample: repository full name.") var repository = "acme/shop"
    @Option(help: "Sample: branch pushed (default main).") var branch: String?
    @Option(help: "Sample: tag pushed instead of a branch.") var tag: String?
    @Option(help: "Sample: commit sha.") var sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    @Option(help: "Sample: a changed path (repeatable).") var path: [String] = []
    @Option(help: "Sample: the forge's numeric project id (GitLab reports deployment status to this project).") var projectId = 42
    @Option(help: "Sample: the forge's base URL, for clone and web URLs.") var forgeUrl: String?
    @Option(help: "Delivery id to send (default: a new random one).") var delivery: String?

    func run() async throws {
        let ruleSet = try loadRules(rules)
        let registry: SourceRegistry
        do {
            registry = try SourceRegistry(rules: ruleSet, resolver: ProcessSecretResolver())
        } catch {
            printError("gitops-bridge: \(error)")
            throw ExitCode(1)
        }
        guard let resolved = registry[source] else {
            throw ValidationError("no source '\(source)' in the rules; they define: \(registry.names.joined(separator: ", "))")
        }
        let forge = resolved.definition.forge
        let body = try payloadBytes(forge: forge)
        let deliveryID = delivery ?? UUID().uuidString.lowercased()
        let headers = WebhookSigner.headers(
            forge: forge, body: body, kind: tag == nil ? .branch : .tag, credentials: resolved.credentials, deliveryID: deliveryID,
            now: Date())
        let target = url.hasSuffix("/") ? String(url.dropLast()) : url
        let answer: WebhookSender.Answer
        let httpClient = ProviderHTTPClient()
        do {
            answer = try await WebhookSender(httpClient: httpClient).post(url: "\(target)/hooks/\(source)", headers: headers, body: body)
            try? await httpClient.shutdown()
        } catch {
            try? await httpClient.shutdown()
            printError("gitops-bridge: cannot post to \(target): \(error)")
            throw ExitCode(1)
        }
        print("POST \(target)/hooks/\(source) (\(forge.rawValue), delivery \(deliveryID)) → \(answer.status)")
        print(answer.body)
        if !(200..<300).contains(answer.status) { throw ExitCode(1) }
    }

    func payloadBytes(forge: Forge) throws -> [UInt8] {
        if let payload {
            guard let data = FileManager.default.contents(atPath: payload) else { throw ValidationError("cannot read payload \(payload)") }
            return Array(data)
        }
        if branch != nil, tag != nil { throw ValidationError("give --branch or --tag, not both") }
        let sample = SamplePayload(
            forge: forge, repository: repository, refKind: tag == nil ? .branch : .tag, refName: tag ?? branch ?? "main", sha: sha,
            paths: path.isEmpty ? ["README.md"] : path, forgeURL: forgeUrl, projectID: projectId)
        return sample.json()
    }
}
