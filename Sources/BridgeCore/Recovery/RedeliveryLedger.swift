import Foundation

/// One redelivery the bridge asked a forge for, kept so a delivery is asked for at most `RecoveryPlan.maxAttempts` times
/// and so the delivery it brings is shown as recovered.
public struct RedeliveryRecord: Sendable, Hashable, Codable {
    public var source: String
    public var key: String
    /// The forge's id of the log entry that was redelivered.
    public var forgeDeliveryID: String
    public var requestedAt: Date
    /// `requested` (the forge accepted), `failed` (the forge refused; `detail` says why).
    public var outcome: String
    public var detail: String?

    public init(source: String, key: String, forgeDeliveryID: String, requestedAt: Date, outcome: String, detail: String? = nil) {
        self.source = source
        self.key = key
        self.forgeDeliveryID = forgeDeliveryID
        self.requestedAt = requestedAt
        self.outcome = outcome
        self.detail = detail
    }
}

/// What recovery reads of the store and writes to it: which delivery keys are recorded, and the durable ledger of
/// redeliveries asked for (table `redeliveries`, schema v8).
public protocol RedeliveryLedger: Sendable {
    /// The subset of `keys` recorded as deliveries of `source`.
    func recordedKeys(source: String, keys: [String]) async throws(StoreError) -> Set<String>
    /// How many redeliveries of each of `keys` of `source` were asked for (keys never asked for are absent).
    func redeliveryCounts(source: String, keys: [String]) async throws(StoreError) -> [String: Int]
    /// Adds one redelivery request to the ledger.
    func recordRedelivery(_ record: RedeliveryRecord) async throws(StoreError)
    /// When the last recovery pass of `source` finished (nil: never).
    func lastRecoveryPass(source: String) async throws(StoreError) -> Date?
    /// Notes that a recovery pass of `source` finished at `at`.
    func recordRecoveryPass(source: String, at: Date) async throws(StoreError)
}
