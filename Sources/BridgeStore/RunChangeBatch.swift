import BridgeCore

/// A list of row ids bound as one parameter, `:ids`, in each store's spelling: SQLite reads a JSON array with
/// `json_each`, PostgreSQL an array literal cast to `BIGINT[]`. One statement text serves any number of ids, so it is
/// cached (SQLite) or prepared (PostgreSQL) once.
enum IDList {
    case sqlite
    case postgres

    /// The test of `column` against the list.
    func contains(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) IN (SELECT value FROM json_each(:ids))"
        case .postgres: "\(column) = ANY(CAST(CAST(:ids AS TEXT) AS BIGINT[]))"
        }
    }

    /// The value bound to `:ids`.
    func value(_ ids: [Int64]) -> SQLValue {
        let list = ids.map(String.init).joined(separator: ",")
        return switch self {
        case .sqlite: .text("[\(list)]")
        case .postgres: .text("{\(list)}")
        }
    }
}

/// Many runs' `RunChange`s (`RunLifecycle`'s decisions) persisted together: the steps becoming each status, and the
/// runs taking each kind of update, are each one statement over a list of ids (`IDList`), so superseding 200 runs takes a
/// handful of statements instead of 200 times as many. Each change persists what `apply` persists for one run: its
/// steps, then the run, then its report (the reports still one run at a time: each payload is the run's own).
struct RunChangeBatch {
    /// What a run update sets (`StoreSQL.updateRun`'s parameters besides the run).
    struct RunUpdate: Hashable {
        var status: RunStatus?
        var cancelRequested: Bool?
        var times: RunChange.Times
    }

    /// The steps becoming each status, in the order the statuses first appear.
    private(set) var steps: [(status: StepStatus, ids: [Int64])] = []
    /// The runs taking each update, in the order the updates first appear.
    private(set) var runs: [(update: RunUpdate, ids: [Int64])] = []
    /// The reports to enqueue, run by run.
    private(set) var reports: [(runID: Int64, report: RunChange.Report)] = []
    /// Changes that reset a step (a retried run's), applied one run at a time.
    private(set) var single: [(runID: Int64, change: RunChange)] = []

    init(_ changes: [(runID: Int64, change: RunChange)]) {
        var stepGroups: [StepStatus: Int] = [:]
        var runGroups: [RunUpdate: Int] = [:]
        for (runID, change) in changes {
            guard !change.steps.contains(where: \.reset) else {
                single.append((runID, change))
                continue
            }
            for step in change.steps {
                if let index = stepGroups[step.status] {
                    steps[index].ids.append(step.id)
                } else {
                    stepGroups[step.status] = steps.count
                    steps.append((step.status, [step.id]))
                }
            }
            let update = RunUpdate(status: change.status, cancelRequested: change.cancelRequested, times: change.times)
            if let index = runGroups[update] {
                runs[index].ids.append(runID)
            } else {
                runGroups[update] = runs.count
                runs.append((update, [runID]))
            }
            if let report = change.report { reports.append((runID, report)) }
        }
    }
}
