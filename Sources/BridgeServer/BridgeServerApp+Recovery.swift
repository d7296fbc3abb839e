import BridgeCore
import BridgeProviders
import BridgeStore
import Logging

extension BridgeServerApp {
    /// The recovery service for the rules' `recover:` sources, started once the listener serves (a redelivery must find
    /// it up); nil when no source is recovered or `--recover-interval off`.
    static func recoveryService(
        _ configuration: ServeConfiguration, rules: RuleSet, resolver: any SecretResolver, store: any BridgeDatabase, http: HTTPClientService,
        metrics: BridgeMetrics, logger: Logger
    ) throws(StartupError) -> StartWhenServing? {
        guard configuration.recovery.interval != nil, rules.sources.values.contains(where: { $0.recover != nil }) else { return nil }
        let logs: [Forge: any HookLog]
        do {
            logs = try HookLogs.make(rules.status, resolver: resolver, httpClient: http.client)
        } catch {
            throw StartupError(error.description)
        }
        let recovery = DeliveryRecovery(rules: rules, logs: logs, ledger: store, publicURL: configuration.publicURL, metrics: metrics, logger: logger)
        if configuration.publicURL == nil, rules.sources.values.contains(where: { $0.recover != nil && $0.recover?.hook == nil }) {
            logger.warning("recovery: without --public-url a source's hook is found only when recover.hook names it")
        }
        return StartWhenServing(RecoveryService(recovery: recovery, configuration: configuration.recovery, logger: logger))
    }
}
