import BridgeCore

/// The worker's queue (`WorkQueue`), implemented across `+Claims` (claims, supersede), `+Leases` (renewals,
/// external ids, logs, shutdown, depth), `+StepOutcomes` (finishing and giving back steps), `+RunControl`
/// (cancel and retry), `+RunState` (run endings) and `+Outbox` (the status outbox).
extension SQLiteDeliveryStore: WorkQueue {}
