import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

extension BridgeServerApp {
    /// The HTTP/1 server with the bridge's connection guard: bound, body timeout, 431, lingering close.
    public static func server(limits: HTTPLimits, metrics: BridgeMetrics) -> HTTPServerBuilder {
        let policy = ConnectionPolicy(limits: limits, metrics: metrics)
        // An autoclosure: each connection gets a guard of its own.
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: limits.maxHeaderSize, maxHeaderListSize: limits.maxHeaderSize)
        return .http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuard(policy: policy)], idleTimeout: TimeAmount(limits.headerTimeout),
                httpDecoderConfiguration: decoder))
    }

    /// The listener's limits: the connection bound keeps descriptors in reserve under the open-file limit in force.
    static func limits(_ configuration: ServeConfiguration, logger: Logger) -> HTTPLimits {
        let descriptors = DescriptorLimit.current()
        let (bound, lowered) = DescriptorLimit.connectionBound(requested: configuration.maxConnections, limit: descriptors)
        if lowered {
            logger.warning(
                "--max-connections lowered to keep descriptors for the database and the worker",
                metadata: [
                    "connections.requested": "\(configuration.maxConnections ?? 0)", "connections.max": "\(bound)",
                    "descriptors.limit": "\(descriptors)", "descriptors.reserved": "\(DescriptorLimit.reserve(forLimit: descriptors))",
                ])
        }
        let drainLimit = configuration.drainLimit ?? HTTPLimits.drainLimit(maxBodySize: configuration.maxBodySize)
        logger.info(
            "connection limits",
            metadata: [
                "connections.max": "\(bound)", "descriptors.limit": "\(descriptors)",
                "timeout.header": "\(configuration.headerTimeout)", "timeout.body": "\(configuration.bodyTimeout)",
                "header.max": "\(configuration.maxHeaderSize)", "drain.limit": "\(drainLimit)",
            ])
        let intake = configuration.intake
        let rate = { (rate: TokenBuckets.Rate?) in rate.map { "\($0.perSecond)/s, burst \($0.burst)" } ?? "off" }
        logger.info(
            "intake limits",
            metadata: [
                "source.rate": "\(rate(intake.sourceRate))", "client.rate": "\(rate(intake.clientRate))",
                "in_flight.max": "\(intake.maxInFlight.map(String.init) ?? "off")",
                "trusted_proxies": "\(intake.trustedProxies.map(\.description).joined(separator: ","))",
            ])
        return HTTPLimits(
            maxConnections: bound, headerTimeout: configuration.headerTimeout, bodyTimeout: configuration.bodyTimeout,
            drainLimit: drainLimit, maxHeaderSize: configuration.maxHeaderSize)
    }
}
