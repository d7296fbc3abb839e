import BridgeCore
import Foundation

/// `gitops-bridge doctor`: reads each recovered source's hook on its forge and compares it with the rules: the URL, the
/// content type, the events, the secret, SSL verification, whether the hook is active, and its recent failures. Each
/// finding says how to fix it.
public struct HookDoctor: Sendable {
    /// How far back recent failures are looked for.
    public static let failureWindow: TimeInterval = 24 * 3600

    /// One thing found.
    public struct Finding: Sendable, Hashable, Codable, CustomStringConvertible {
        public enum Severity: String, Sendable, Hashable, Codable {
            case ok, note, warning, error
        }

        public var severity: Severity
        public var source: String
        public var message: String
        /// What to do about it; nil for `ok`.
        public var fix: String?

        public var description: String {
            "\(severity.rawValue): \(source): \(message)" + (fix.map { "\n  fix: \($0)" } ?? "")
        }
    }

    let rules: RuleSet
    let logs: [Forge: any HookLog]
    let unreadable: [Forge: String]
    let publicURL: String?
    let now: @Sendable () -> Date

    /// `publicURL` is the bridge's (`--public-url`): a source's hook should call `<url>/hooks/<source>`. `unreadable` says
    /// why a forge's `status` block gave no client (a secret that cannot be read).
    public init(
        rules: RuleSet, logs: [Forge: any HookLog], unreadable: [Forge: String] = [:], publicURL: String?,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.rules = rules
        self.logs = logs
        self.unreadable = unreadable
        self.publicURL = publicURL
        self.now = now
    }

    /// The findings for `source` (nil: every source), in source order.
    public func examine(source: String? = nil) async -> [Finding] {
        var findings: [Finding] = []
        for definition in rules.sources.values.sorted(by: { $0.name < $1.name }) where source == nil || definition.name == source {
            findings += await examine(definition)
        }
        return findings
    }

    private func examine(_ source: SourceDefinition) async -> [Finding] {
        func note(_ message: String, _ fix: String) -> [Finding] { [Finding(severity: .note, source: source.name, message: message, fix: fix)] }
        guard RecoverSettings.forges.contains(source.forge) else {
            return note("cannot check: \(source.forge.rawValue) hooks are not read by this version", "check the hook on the forge by hand")
        }
        guard let recover = source.recover else {
            return note("cannot check: the rules do not say whose hook calls this source", "add recover: {repositories: [owner/name]}")
        }
        if logs[source.forge] == nil, let problem = unreadable[source.forge] {
            return note(
                "cannot check: the credentials for \(source.forge.rawValue) cannot be read: \(problem)", "make the status block's secret readable")
        }
        guard let log = logs[source.forge] else {
            return note(
                "cannot check: no API credentials for \(source.forge.rawValue)",
                "add a status.\(source.forge.rawValue) block with a token\(source.forge == .github ? " or GitHub App" : "")")
        }
        var findings: [Finding] = []
        for owner in recover.owners {
            do {
                findings += try await examine(source, owner: owner, hookID: recover.hook, log: log)
            } catch {
                findings.append(Finding(severity: .error, source: source.name, message: "\(owner): \(error)", fix: Self.permissionFix(source.forge)))
            }
        }
        return findings
    }

    static func permissionFix(_ forge: Forge) -> String {
        forge == .github
            ? "give the token or GitHub App read and write access to repository hooks (organization hooks for organizations)"
            : "use a token with the api scope of a Maintainer of the project"
    }

    private func examine(_ source: SourceDefinition, owner: HookOwner, hookID: String?, log: any HookLog) async throws -> [Finding] {
        let expected = DeliveryRecovery.hookURL(publicURL: publicURL, source: source.name)
        guard let hook = try await log.hook(of: owner, url: expected, id: hookID) else {
            let message = hookID.map { "\(owner) has no hook \($0)" } ?? expected.map { "\(owner) has no hook calling \($0)" }
            return [
                Finding(
                    severity: .error, source: source.name,
                    message: message ?? "\(owner): the hook cannot be found without --public-url or recover.hook",
                    fix: expected.map { "add a webhook with URL \($0), or name an existing one with recover.hook" }
                        ?? "give --public-url, or name the hook with recover.hook")
            ]
        }
        var findings = settingsFindings(source, hook: hook, expected: expected, where: "\(owner) hook \(hook.id)")
        findings += try await failureFindings(source, owner: owner, hook: hook, log: log)
        if !findings.contains(where: { $0.severity == .error || $0.severity == .warning }) {
            findings.append(Finding(severity: .ok, source: source.name, message: "\(owner) hook \(hook.id) is set up as the rules expect"))
        }
        return findings
    }

    private func settingsFindings(_ source: SourceDefinition, hook: HookSettings, expected: String?, where place: String) -> [Finding] {
        var findings: [Finding] = []
        func error(_ message: String, _ fix: String) {
            findings.append(Finding(severity: .error, source: source.name, message: "\(place): \(message)", fix: fix))
        }
        if let expected, !HookURL.same(hook.url, expected) {
            error("calls \(hook.url), not this source's \(expected)", "set the hook's URL to \(expected)")
        }
        if let type = hook.contentType, type != "json" {
            error("content type is \(type)", "set the hook's content type to application/json")
        }
        let kinds = Set(rules.rules.filter { $0.source == source.name }.map(\.on))
        if kinds.contains(.branch) && !hook.pushEvents { error("push events are off", "enable push events on the hook") }
        if kinds.contains(.tag) && !hook.tagPushEvents { error("tag push events are off", "enable tag push events on the hook") }
        if hook.secretSet == false {
            error("has no secret: the bridge refuses its deliveries", "set the hook's secret to the value of sources.\(source.name).secret")
        }
        if !hook.sslVerification { error("SSL verification is off", "turn SSL verification on (and give the bridge a valid certificate)") }
        if !hook.active {
            let reason = hook.disabledReason.map { " (\($0))" } ?? ""
            error(
                "is not active\(reason): the forge sends nothing", "activate the hook (GitLab: fix the failures, then test the hook to re-enable it)")
        }
        return findings
    }

    private func failureFindings(_ source: SourceDefinition, owner: HookOwner, hook: HookSettings, log: any HookLog) async throws -> [Finding] {
        let since = now().addingTimeInterval(-Self.failureWindow)
        let recent = try await log.deliveries(of: owner, hook: hook.id, since: since).filter { $0.deliveredAt >= since }
        let failed = recent.filter { $0.statusCode.map { !(200..<300).contains($0) } ?? true }
        guard let last = failed.first else { return [] }
        let answer = last.statusCode.map { "answered \($0)" } ?? "no answer"
        return [
            Finding(
                severity: .warning, source: source.name,
                message: "\(owner) hook \(hook.id): \(failed.count) of \(recent.count) deliveries in the last 24h failed (newest: \(answer))",
                fix: "make sure the forge reaches the bridge, then run gitops-bridge reconcile to recover them")
        ]
    }
}
