import BridgeCore
import Foundation

extension GiteaFake {
    /// The states Gitea's `CommitStatusState` documents for the API (`modules/commitstatus`); newer releases add
    /// `skipped`, which the bridge never sends.
    public static let states: Set<String> = ["pending", "success", "error", "failure", "warning"]

    /// A commit status as the fake keeps it.
    public struct CommitStatus: Sendable, Hashable {
        public var id: Int
        /// `owner/repo` as the fake knows it.
        public var repository: String
        public var sha: String
        public var state: String
        public var context: String
        /// Empty when none was sent, as Gitea stores it.
        public var targetURL: String
        public var description: String
        public var createdAt: Date
    }

    /// A commit's combined status: the latest status of each context, and their combined state.
    public struct Combined: Sendable, Hashable {
        /// `failure` when any is `error` or `failure`; `success` when all are `success` or `warning`; else `pending`
        /// (`CommitStatusStates.Combine`). Empty when the commit has no status.
        public var state: String
        /// By context, newest first.
        public var statuses: [CommitStatus]

        /// The latest status of `context`.
        public subscript(context: String) -> CommitStatus? {
            statuses.first { $0.context == context }
        }
    }
}

/// Everything the Gitea fake remembers.
struct GiteaFakeState: Sendable {
    var statuses: [GiteaFake.CommitStatus] = []
    var nextID = 1

    mutating func add(repository: String, sha: String, state: String, context: String, targetURL: String, description: String)
        -> GiteaFake.CommitStatus
    {
        let status = GiteaFake.CommitStatus(
            id: nextID, repository: repository, sha: sha, state: state, context: context, targetURL: targetURL,
            description: description, createdAt: Date())
        nextID += 1
        statuses.append(status)
        return status
    }

    /// Every status of `sha` in `repository`, newest first.
    func statuses(repository: String, sha: String) -> [GiteaFake.CommitStatus] {
        statuses.filter { $0.repository.lowercased() == repository.lowercased() && $0.sha == sha }.reversed()
    }

    func combined(repository: String, sha: String) -> GiteaFake.Combined {
        var seen: Set<String> = []
        let latest = statuses(repository: repository, sha: sha).filter { seen.insert($0.context).inserted }
        let states = latest.map(\.state)
        let state: String
        if latest.isEmpty {
            state = ""
        } else if states.contains(where: { $0 == "error" || $0 == "failure" }) {
            state = "failure"
        } else if states.allSatisfy({ $0 == "success" || $0 == "warning" }) {
            state = "success"
        } else {
            state = "pending"
        }
        return GiteaFake.Combined(state: state, statuses: latest)
    }
}
