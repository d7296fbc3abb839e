import Foundation

/// One request header of a delivery as stored: every header that may carry a secret has its value masked.
public struct DeliveryHeader: Sendable, Hashable, Codable {
    /// What a masked header's value reads.
    public static let maskedValue = "(masked)"

    /// The header's name, lowercased.
    public var name: String
    /// Its value, or `(masked)`.
    public var value: String

    /// Creates a stored header as given (see `masked(_:)` for a request's).
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Parts of a lowercased header name that mark it as secret-bearing: signatures (`x-hub-signature-256`,
    /// `x-gitea-signature`, `webhook-signature`), tokens (`x-gitlab-token`), credentials and cookies. Masking by name,
    /// not by forge, so a header no forge sends today is masked too when its name says what it holds.
    static let secretNameParts = ["signature", "token", "secret", "authorization", "cookie", "api-key", "apikey", "password", "credential"]

    /// Whether a header of that name has its value masked.
    public static func isSecret(name: String) -> Bool {
        isSecret(lowercased: Array(name.lowercased().utf8))
    }

    /// `secretNameParts` as bytes: header names are ASCII, and a byte search spares Foundation's string search, which
    /// ran for every header of every delivery (issue 14, perf).
    private static let secretNamePartBytes = secretNameParts.map { Array($0.utf8) }

    private static func isSecret(lowercased name: [UInt8]) -> Bool {
        secretNamePartBytes.contains { part in
            guard name.count >= part.count else { return false }
            return (0...(name.count - part.count)).contains { start in name[start..<(start + part.count)].elementsEqual(part) }
        }
    }

    /// A request's headers as stored, in arrival order, with every secret-bearing value masked.
    public static func masked(_ headers: [(name: String, value: String)]) -> [DeliveryHeader] {
        headers.map { header in
            let name = header.name.lowercased()
            return DeliveryHeader(name: name, value: isSecret(lowercased: Array(name.utf8)) ? maskedValue : header.value)
        }
    }
}

/// Why a rule did or did not match a stored delivery's event: the planner's `RuleVerdict`, as recorded.
public typealias RuleVerdictRecord = RuleVerdict

/// One event of a delivery as recorded: the push, every rule's verdict on it, and why it planned no run.
public struct DeliveryEventRecord: Sendable, Hashable, Codable {
    /// The ref update.
    public var event: PushEvent
    /// Every rule of the source, matched or not, with why.
    public var verdicts: [RuleVerdictRecord]
    /// Why the event yields no run (nil when it planned runs).
    public var ignoredReason: String?

    /// Creates an event record.
    public init(event: PushEvent, verdicts: [RuleVerdictRecord], ignoredReason: String?) {
        self.event = event
        self.verdicts = verdicts
        self.ignoredReason = ignoredReason
    }

    /// The record of a planned event.
    public init(_ plan: EventPlan) {
        self.init(event: plan.event, verdicts: plan.verdicts, ignoredReason: plan.ignoredReason)
    }
}
