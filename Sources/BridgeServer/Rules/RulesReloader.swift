import BridgeCore
import BridgeProviders
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the rules without a restart: on SIGHUP, and when a watch of the rules file or directory sees their contents
/// change (a ConfigMap's `..data` symlink swap included: the digest follows symlinks).
///
/// The new rules are fully validated (secrets resolved, reporters built) before they are put in force; on any error the
/// rules in force stay, and the error is logged with its file, line and column and counted.
public struct RulesReloader: Service {
    let path: String
    let live: LiveRules
    let build: @Sendable () throws(StartupError) -> RulesSnapshot
    /// How often the watch reads the rules' digest; nil watches nothing.
    let watchInterval: Duration?
    let hangups: UnixSignalsSequence?
    let metrics: BridgeMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    /// `hangups` is the SIGHUP sequence (trapped before the listener starts, so an early SIGHUP cannot end the process).
    public init(
        path: String, live: LiveRules, build: @escaping @Sendable () throws(StartupError) -> RulesSnapshot, watchInterval: Duration?,
        hangups: UnixSignalsSequence? = nil, metrics: BridgeMetrics, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.path = path
        self.live = live
        self.build = build
        self.watchInterval = watchInterval.flatMap { $0 > .zero ? $0 : nil }
        self.hangups = hangups
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        let (triggers, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            if let hangups {
                group.addTask {
                    for await _ in hangups.cancelOnGracefulShutdown() { continuation.yield("SIGHUP") }
                }
            }
            if let watchInterval {
                group.addTask { await watch(every: watchInterval, continuation: continuation) }
            }
            group.addTask {
                // One reload at a time, in the order asked.
                for await trigger in triggers.cancelOnGracefulShutdown() { reload(trigger: trigger) }
            }
            try? await gracefulShutdown()
            continuation.finish()
            group.cancelAll()
        }
    }

    /// How long the watch waits before trying again contents it could not load (a `file:` secret they name may come
    /// a moment later, as a Kubernetes Secret volume updates apart from the ConfigMap).
    static let retryRefusedAfter: Duration = .seconds(30)

    /// Polls the digest of the rules' contents; a change seen twice in a row (debounced: an editor's or `kubectl`'s
    /// write in several steps settles first) asks for a reload. Contents already in force (a SIGHUP loaded them) are
    /// left; contents that failed to load are tried again only after `retryRefusedAfter`.
    func watch(every interval: Duration, continuation: AsyncStream<String>.Continuation) async {
        var lastTried = live.current.version
        var triedAt = ContinuousClock.now
        var pending: String?
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let digest = RulesSnapshot.contentDigest(path: path)
            if digest == lastTried, digest != live.current.version, ContinuousClock.now - triedAt >= Self.retryRefusedAfter {
                lastTried = nil
            }
            guard let digest, digest != lastTried, digest != live.current.version else {
                pending = nil
                continue
            }
            if pending == digest {
                lastTried = digest
                triedAt = .now
                pending = nil
                continuation.yield("watch")
            } else {
                pending = digest
            }
        }
    }

    /// Builds the rules anew and puts them in force, or keeps those in force; returns whether it swapped.
    @discardableResult
    public func reload(trigger: String) -> Bool {
        let date = now()
        var logger = logger
        logger[metadataKey: "rules.path"] = "\(path)"
        logger[metadataKey: "trigger"] = "\(trigger)"
        do {
            let snapshot = try build()
            let previous = live.current.version
            live.replace(with: snapshot, at: date)
            metrics.rulesReloaded(succeeded: true, at: date, version: snapshot.version)
            logger.notice(
                "rules reloaded",
                metadata: [
                    "rules.version": "\(snapshot.version ?? "unknown")", "rules.previous": "\(previous ?? "unknown")",
                    "rules.count": "\(snapshot.rules.rules.count)",
                ])
            return true
        } catch {
            live.refused(at: date)
            metrics.rulesReloaded(succeeded: false, at: date, version: nil)
            logger.error(
                "rules reload refused; the rules in force stay",
                metadata: ["rules.version": "\(live.current.version ?? "unknown")", "error": "\(error)"])
            return false
        }
    }
}
