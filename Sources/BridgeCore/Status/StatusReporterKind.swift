/// One way of telling a forge about runs, as `check`, `explain`, the planner and the outbox know it: the forge, whether
/// it shows a deployment or a commit status, which run events it is told, and the calls it makes. The client that
/// sends them is registered under the same `name` in BridgeProviders (`StatusReporters`).
public struct StatusReporterKind: Sendable {
    /// The outbox row's `reporter` (`github-deployment`): stored, never rename one.
    public var name: String
    public var forge: Forge
    public var kind: ReportKind
    /// Whether the forge is told when a run is queued, and so when a queued run is canceled or superseded (GitLab's
    /// deployments begin at `running`).
    public var announcesQueue: Bool
    /// The calls an update of each status makes, for `explain` (`POST /repos/acme/shop/deployments`).
    public var calls: @Sendable (_ update: StatusUpdate, _ settings: ForgeStatusSettings) -> [String]

    public init(
        name: String, forge: Forge, kind: ReportKind, announcesQueue: Bool,
        calls: @escaping @Sendable (StatusUpdate, ForgeStatusSettings) -> [String]
    ) {
        self.name = name
        self.forge = forge
        self.kind = kind
        self.announcesQueue = announcesQueue
        self.calls = calls
    }

    /// Whether `status` may follow `reported`, the run's last status enqueued (nil: none yet), so the forge is never
    /// shown an illegal transition: a deployment starts at `queued` (or at `running`, for a forge that is not told of
    /// queues), moves to `running` once, and ends once; a retried run starts a new one. A forge never told of a run
    /// gets no ending for it.
    public func accepts(_ status: ForgeDeploymentStatus, after reported: ForgeDeploymentStatus?) -> Bool {
        switch status {
        case .queued: announcesQueue && (reported == nil || reported?.isTerminal == true)
        case .running: reported != .running
        case .superseded: announcesQueue && reported == .queued
        case .success, .failed, .canceled: reported == .running || (announcesQueue && reported == .queued)
        }
    }

    /// Whether an update of `status` starts a new deployment on the forge (for a kind showing deployments), rather
    /// than moving the run's current one: `queued`, or `running` when the forge is not told of queues.
    public func startsDeployment(_ status: ForgeDeploymentStatus) -> Bool {
        kind == .deployment && (status == .queued || (!announcesQueue && status == .running))
    }
}

extension StatusReporterKind {
    /// Every reporter kind, by name.
    public static let all: [String: StatusReporterKind] = Dictionary(
        uniqueKeysWithValues: StatusForge.all.flatMap(\.reporters).map { ($0.name, $0) })

    /// The reporters a run of `forge` uses for `mode`, given what the forge's status block allows, and whether the
    /// run's rule names an environment (deployments belong to one).
    public static func reporters(forge: Forge, mode: ReportMode, hasEnvironment: Bool) -> [StatusReporterKind] {
        guard let definition = StatusForge.all.first(where: { $0.forge == forge }) else { return [] }
        return definition.reporters.filter { mode.includes($0.kind) && ($0.kind != .deployment || hasEnvironment) }
    }
}
