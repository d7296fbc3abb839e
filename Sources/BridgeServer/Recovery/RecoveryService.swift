import BridgeCore
import Foundation
import Logging
import ServiceLifecycle

/// How often `serve` recovers missed deliveries (`--recover-interval`).
public struct RecoveryConfiguration: Sendable, Hashable {
    /// The default interval between passes.
    public static let defaultInterval: Duration = .seconds(300)

    /// Between passes, before jitter; nil: recovery is off.
    public var interval: Duration?
    /// Each wait is the interval times a random factor in 1 ± jitter, so replicas spread their passes.
    public var jitter: Double

    public init(interval: Duration? = RecoveryConfiguration.defaultInterval, jitter: Double = 0.2) {
        self.interval = interval
        self.jitter = jitter
    }

    /// `5m`, `90s`, `1h30m` (`Duration(configText:)`) or `off`; nil when it is none of them.
    public static func parse(_ text: String) -> RecoveryConfiguration? {
        if text == "off" { return RecoveryConfiguration(interval: nil) }
        return Duration(configText: text).map { RecoveryConfiguration(interval: $0) }
    }

    /// One wait: the interval with jitter.
    func wait() -> Duration? {
        interval.map { $0 * Double.random(in: (1 - jitter)...(1 + jitter)) }
    }
}

/// Recovers missed deliveries at start-up (covering the downtime) and then every interval, until shutdown; each pass
/// under the rules in force then (`recovery` makes it), so a pass with no `recover:` source does nothing.
struct RecoveryService: Service {
    let recovery: @Sendable () -> DeliveryRecovery
    let configuration: RecoveryConfiguration
    let logger: Logger

    func run() async throws {
        guard configuration.interval != nil else { return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let recovery = recovery()
                if !recovery.isEmpty {
                    let report = await recovery.pass()
                    for problem in report.problems { logger.warning("recovery: \(problem)") }
                    logger.debug("recovery pass done", metadata: ["recovered": "\(report.redelivered)", "seen": "\(report.lines.count)"])
                }
                guard let wait = configuration.wait() else { return }
                try? await Task.sleep(for: wait)
            }
        }
    }
}
