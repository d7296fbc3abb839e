/// How a forge shows a run: a deployment in an environment, or a status on the commit.
public enum ReportKind: String, Sendable, Hashable, Codable, CaseIterable {
    case deployment
    case commitStatus = "commit-status"
}

/// What a rule's runs tell their forge (`report:` of a rule).
public enum ReportMode: String, Sendable, Hashable, Codable, CaseIterable {
    case deployment
    case commitStatus = "commit-status"
    case both
    case none

    /// Whether runs of a rule with this mode report `kind`.
    public func includes(_ kind: ReportKind) -> Bool {
        switch self {
        case .deployment: kind == .deployment
        case .commitStatus: kind == .commitStatus
        case .both: true
        case .none: false
        }
    }
}
