import ArgumentParser
import BridgeServer

/// `serve`'s overload protection: rate limits and the in-flight bound of webhook intake, header size and drain limit.
struct OverloadFlags: ParsableArguments {
    @Option(
        help:
            "Webhook requests a second each source accepts, refilling a bucket of --source-burst; beyond it 429 with Retry-After, before the body is read. 0 or off: no limit (env GITOPS_BRIDGE_SOURCE_RATE; default 50)."
    )
    var sourceRate: String?

    @Option(help: "Requests each source accepts at once after a quiet time (env GITOPS_BRIDGE_SOURCE_BURST; default 200).")
    var sourceBurst: Int?

    @Option(
        help:
            "Webhook requests a second each client address is accepted, refilling a bucket of --client-burst; beyond it 429 with Retry-After. 0 or off: no limit (env GITOPS_BRIDGE_CLIENT_RATE; default 20)."
    )
    var clientRate: String?

    @Option(help: "Requests each client address is accepted at once after a quiet time (env GITOPS_BRIDGE_CLIENT_BURST; default 100).")
    var clientBurst: Int?

    @Option(
        help:
            "Webhook requests read, verified and recorded at once; beyond it 503 with Retry-After. 0 or off: no limit (env GITOPS_BRIDGE_MAX_IN_FLIGHT; default 256)."
    )
    var maxInFlight: String?

    @Option(
        help: ArgumentHelp(
            "A proxy's address or CIDR network whose X-Forwarded-For names the client for --client-rate; repeatable (env GITOPS_BRIDGE_TRUSTED_PROXIES, comma-separated; default none: the connection's peer is the client).",
            valueName: "cidr"))
    var trustedProxy: [String] = []

    @Option(
        help: "Most bytes of request header names and values; beyond it 431 (env GITOPS_BRIDGE_MAX_HEADER_SIZE; default 81920 = 80 KiB).")
    var maxHeaderSize: Int?

    @Option(
        help:
            "Most bytes of a refused request's body read and discarded before the connection closes, so the client reads the answer (env GITOPS_BRIDGE_DRAIN_LIMIT; default twice --max-body-size, at least 67108864 = 64 MiB)."
    )
    var drainLimit: Int?

    /// The intake limits the flags and the environment give.
    func intakeLimits() throws -> IntakeLimits {
        do {
            let sourceBurst = try Setting.positiveInteger(sourceBurst, env: "GITOPS_BRIDGE_SOURCE_BURST") ?? IntakeLimits.defaultSourceRate.burst
            let clientBurst = try Setting.positiveInteger(clientBurst, env: "GITOPS_BRIDGE_CLIENT_BURST") ?? IntakeLimits.defaultClientRate.burst
            return IntakeLimits(
                sourceRate: try IntakeLimits.rate(
                    Setting.value(sourceRate, env: "GITOPS_BRIDGE_SOURCE_RATE", default: Self.text(IntakeLimits.defaultSourceRate.perSecond)),
                    flag: "--source-rate", burst: sourceBurst),
                clientRate: try IntakeLimits.rate(
                    Setting.value(clientRate, env: "GITOPS_BRIDGE_CLIENT_RATE", default: Self.text(IntakeLimits.defaultClientRate.perSecond)),
                    flag: "--client-rate", burst: clientBurst),
                maxInFlight: try IntakeLimits.count(
                    Setting.value(maxInFlight, env: "GITOPS_BRIDGE_MAX_IN_FLIGHT", default: String(IntakeLimits.defaultMaxInFlight)),
                    flag: "--max-in-flight"),
                trustedProxies: try IntakeLimits.networks(
                    Serve.list(trustedProxy, env: "GITOPS_BRIDGE_TRUSTED_PROXIES"), flag: "--trusted-proxy"))
        } catch let error as IntakeLimits.ParseError {
            throw ValidationError(error.description)
        }
    }

    /// Sets the header size and drain limit on `configuration`.
    func apply(to configuration: inout ServeConfiguration) throws {
        configuration.maxHeaderSize =
            try Setting.positiveInteger(maxHeaderSize, env: "GITOPS_BRIDGE_MAX_HEADER_SIZE") ?? HTTPLimits.defaultMaxHeaderSize
        configuration.drainLimit = try Setting.positiveInteger(drainLimit, env: "GITOPS_BRIDGE_DRAIN_LIMIT")
        configuration.intake = try intakeLimits()
    }

    private static func text(_ rate: Double) -> String {
        rate == rate.rounded() ? String(Int(rate)) : String(rate)
    }
}
