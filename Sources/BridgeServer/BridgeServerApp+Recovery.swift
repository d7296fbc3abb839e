import BridgeCore
import BridgeStore
import Logging

extension BridgeServerApp {
    /// The recovery service, started once the listener serves (a redelivery must find it up); nil with
    /// `--recover-interval off`. Each pass reads the rules in force, so a reload that adds or changes a `recover:` block
    /// takes effect at the next pass.
    static func recoveryService(
        _ configuration: ServeConfiguration, live: LiveRules, store: any BridgeDatabase, metrics: BridgeMetrics, logger: Logger
    ) -> StartWhenServing? {
        guard configuration.recovery.interval != nil else { return nil }
        let publicURL = configuration.publicURL
        if publicURL == nil, live.current.rules.sources.values.contains(where: { $0.recover != nil && $0.recover?.hook == nil }) {
            logger.warning("recovery: without --public-url a source's hook is found only when recover.hook names it")
        }
        let recovery: @Sendable () -> DeliveryRecovery = {
            let snapshot = live.current
            return DeliveryRecovery(
                rules: snapshot.rules, logs: snapshot.hookLogs, ledger: store, publicURL: publicURL, metrics: metrics, logger: logger)
        }
        return StartWhenServing(RecoveryService(recovery: recovery, configuration: configuration.recovery, logger: logger))
    }
}
