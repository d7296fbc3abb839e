import ArgumentParser
import BridgeCore
import BridgeServer
import Foundation

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which rules a payload matches, why the others don't, and what runs would be created (no database).",
        discussion: """
            Give the payload file and either the source it would be posted to (--source) or a forge (--forge: every \
            source of that forge is tried). Headers (-H 'X-GitHub-Event: push', or --headers FILE with one 'Name: value' \
            per line) are optional: without an event header the payload is taken as a push or tag push. Signatures are \
            not checked.
            """)

    @Argument(help: "The webhook payload (JSON, or form-encoded as the forge sent it).")
    var payload: String

    @Option(help: "The source it would be posted to (POST /hooks/<source>).")
    var source: String?

    @Option(help: "The forge: github, gitlab, gitea, forgejo or bitbucket (tries every source of that forge).")
    var forge: String?

    @Option(name: [.customShort("H"), .customLong("header")], help: "A request header, 'Name: value' (repeatable).")
    var headers: [String] = []

    @Option(name: .customLong("headers"), help: "A file of request headers, one 'Name: value' per line.")
    var headersFile: String?

    @Option(help: "Rules file or directory (env GITOPS_BRIDGE_RULES; default rules/example.yaml).")
    var rules: String?

    func run() throws {
        let ruleSet = try loadRules(rules)
        let candidates = try sources(in: ruleSet)
        let body: [UInt8]
        do {
            body = Array(try Data(contentsOf: URL(fileURLWithPath: payload)))
        } catch {
            throw ValidationError("cannot read payload \(payload)")
        }
        var lines = headers
        if let headersFile {
            guard let text = try? String(contentsOfFile: headersFile, encoding: .utf8) else {
                throw ValidationError("cannot read headers file \(headersFile)")
            }
            lines += text.split(whereSeparator: \.isNewline).map(String.init)
        }
        var fields = try lines.map(Self.parseHeader)
        let forge = candidates[0].forge
        if WebhookParser.eventName(WebhookRequest(headers: fields, body: body), forge: forge) == nil {
            // The forge's own event headers, unsigned: explain never checks signatures.
            let text = String(decoding: body, as: UTF8.self)
            let kind: RefKind = text.contains("refs/tags/") || text.contains("\"tag_push\"") ? .tag : .branch
            let unsigned = WebhookSigner.headers(
                forge: forge, body: body, kind: kind, credentials: try SourceCredentials(), deliveryID: "explain", now: Date())
            fields += unsigned.filter { !$0.name.lowercased().contains("delivery") && $0.name.lowercased() != "content-type" }
        }
        if !fields.contains(where: { $0.name.lowercased() == "content-type" }) {
            fields.append((name: "Content-Type", value: body.first == UInt8(ascii: "{") ? "application/json" : "application/x-www-form-urlencoded"))
        }
        print(Explainer.explain(WebhookRequest(headers: fields, body: body), sources: candidates, rules: ruleSet))
    }

    func sources(in ruleSet: RuleSet) throws -> [SourceDefinition] {
        if let source {
            guard let definition = ruleSet.sources[source] else {
                throw ValidationError("no source '\(source)' in the rules; they define: \(ruleSet.sources.keys.sorted().joined(separator: ", "))")
            }
            return [definition]
        }
        guard let forgeName = forge else { throw ValidationError("give --source NAME or --forge FORGE") }
        guard let forge = Forge(rawValue: forgeName) else {
            throw ValidationError("unknown forge '\(forgeName)'; known: \(Forge.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let matching = ruleSet.sources.values.filter { $0.forge == forge }.sorted { $0.name < $1.name }
        guard !matching.isEmpty else { throw ValidationError("the rules define no \(forgeName) source") }
        return matching
    }

    static func parseHeader(_ line: String) throws -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: ":") else { throw ValidationError("a header must be 'Name: value', got '\(line)'") }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return (name: name, value: value)
    }
}
