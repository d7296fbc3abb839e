/// v9: pending steps in the order the worker claims them (issue 14).
extension Migrations {
    /// Lets a claim walk the pending steps oldest run first and stop at the first it may take. Without it, every claim
    /// read and sorted every pending step, so a backlog of thousands of runs made each claim (and the intake commits
    /// that share its transaction) slower the longer the backlog (`SQLiteDeliveryStore.pendingCandidate`).
    static let v9PendingSteps = """
        CREATE INDEX steps_pending_by_run ON steps (run_id, position) WHERE status = 'pending'
        """
}
