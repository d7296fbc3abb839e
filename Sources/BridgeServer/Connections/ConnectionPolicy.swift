import NIOCore

/// What every connection of one listener shares: its limits, the connection bound, and where to count.
struct ConnectionPolicy: Sendable {
    var bodyTimeout: TimeAmount
    var drainLimit: Int
    var limiter: ConnectionLimiter
    var metrics: BridgeMetrics

    init(limits: HTTPLimits, metrics: BridgeMetrics) {
        bodyTimeout = TimeAmount(limits.bodyTimeout)
        drainLimit = limits.drainLimit
        limiter = ConnectionLimiter(maximum: limits.maxConnections)
        self.metrics = metrics
    }
}
