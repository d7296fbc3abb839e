/// Which run status changes each forge is told about, so it is never shown an illegal transition
/// (`StatusReporterKind.accepts`).
public enum StatusOutboxPolicy {
    /// The reporters among `reporters` (names of `StatusReporterKind`s) that are told `status` when the run's last
    /// status enqueued is `reported`.
    public static func reporters(_ status: ForgeDeploymentStatus, of reporters: [String], after reported: ForgeDeploymentStatus?) -> [String] {
        reporters.filter { StatusReporterKind.all[$0]?.accepts(status, after: reported) == true }
    }

    /// The outbox rows a move of `run` to `status` adds: `status`, for the run's reporters that accept it.
    public static func report(_ status: ForgeDeploymentStatus, for run: RunState) -> RunChange.Report? {
        let told = reporters(status, of: run.reporters, after: run.reported)
        return told.isEmpty ? nil : RunChange.Report(status: status, reporters: told)
    }

    /// The outbox rows of a run just recorded with these reporters: `queued`, for those told of queues.
    public static func recorded(reporters: [String]) -> RunChange.Report? {
        let told = self.reporters(.queued, of: reporters, after: nil)
        return told.isEmpty ? nil : RunChange.Report(status: .queued, reporters: told)
    }

    /// Whether giving up an update of `status` to `reporter` leaves the run without a deployment on the forge: the
    /// update would have created it, so the run's later updates must create their own.
    public static func givingUpForgetsDeployment(_ status: ForgeDeploymentStatus, reporter: String) -> Bool {
        StatusReporterKind.all[reporter]?.startsDeployment(status) == true
    }

    /// The reporters of a run recorded before runs carried their own (schema v5 and earlier): GitLab's deployments,
    /// for a run of a GitLab source whose rule names an environment.
    public static func legacyReporters(forge: Forge, environment: String?) -> [String] {
        forge == .gitlab && environment != nil ? ["gitlab"] : []
    }
}
