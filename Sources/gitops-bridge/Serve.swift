import ArgumentParser
import BridgeCore
import BridgeServer
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the bridge: receive webhooks, verify, route and record them.")

    @Option(help: "Rules file or directory (env GITOPS_BRIDGE_RULES; default rules/example.yaml).")
    var rules: String?

    @Option(
        help:
            "Seconds between checks of the rules' contents; a change reloads them, as SIGHUP does. 0 turns the watch off (env GITOPS_BRIDGE_RULES_WATCH_INTERVAL; default 2)."
    )
    var rulesWatchInterval: Int?

    @OptionGroup var database: DatabaseFlags

    @Option(help: "Address to listen on, host:port (env GITOPS_BRIDGE_LISTEN; default 127.0.0.1:8080).")
    var listen: String?

    @Option(help: "Largest webhook body in bytes (env GITOPS_BRIDGE_MAX_BODY_SIZE; default 26214400 = 25 MiB).")
    var maxBodySize: Int?

    @Option(
        help:
            "Most connections open at once; beyond it the one waiting longest for its client is closed (env GITOPS_BRIDGE_MAX_CONNECTIONS; default: the open-file limit, raised to its hard limit at start, less 256 kept for the database and the worker; at most 4096)."
    )
    var maxConnections: Int?

    @Option(
        help:
            "Seconds a connection may take to send a request's headers, or stay idle between requests (env GITOPS_BRIDGE_HEADER_TIMEOUT; default 30)."
    )
    var headerTimeout: Int?

    @Option(
        help: "Seconds from a request's headers to the end of its body; a slower body is answered 408 (env GITOPS_BRIDGE_BODY_TIMEOUT; default 30)."
    )
    var bodyTimeout: Int?

    @OptionGroup var overload: OverloadFlags

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env GITOPS_BRIDGE_LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(help: "Steps that may run at once, each on another target (env GITOPS_BRIDGE_WORKERS; default 4).")
    var workers: Int?

    @Option(help: "Attempts per step for retryable provider errors (env GITOPS_BRIDGE_MAX_ATTEMPTS; default 5).")
    var maxAttempts: Int?

    @Option(
        help: "Seconds a running step's lease lasts; after a crash its step resumes once it expires (env GITOPS_BRIDGE_LEASE_SECONDS; default 60).")
    var leaseSeconds: Int?

    @Option(help: "On SIGTERM, seconds running steps may take to finish before they are released (env GITOPS_BRIDGE_SHUTDOWN_GRACE; default 60).")
    var shutdownGrace: Int?

    @Option(
        help:
            "Where people reach the bridge's pages, e.g. https://bridge.example.com: forge statuses link to <url>/runs/<id> (env GITOPS_BRIDGE_DASHBOARD_URL; default none)."
    )
    var dashboardURL: String?

    @Option(
        help:
            "The webhook listener's public address, e.g. https://hooks.example.com: the admin API shows each source's webhook URL as <url>/hooks/<source> (env GITOPS_BRIDGE_PUBLIC_URL; default none)."
    )
    var publicURL: String?

    @Option(
        help:
            "How often missed deliveries are recovered from the forges' delivery logs, e.g. 90s, 5m, 1h, or 'off'; also once at start-up (env GITOPS_BRIDGE_RECOVER_INTERVAL; default 5m, ±20% jitter)."
    )
    var recoverInterval: String?

    @Option(
        help:
            "Address of the admin JSON API and dashboard, host:port, or 'off' (env GITOPS_BRIDGE_ADMIN_LISTEN; default 127.0.0.1:8081). Never the webhook listener."
    )
    var adminListen: String?

    @Option(
        help: ArgumentHelp(
            "An admin API token, NAME=ROLE:REF: ROLE viewer or operator, REF env:VAR or file:/path; repeatable (env GITOPS_BRIDGE_ADMIN_TOKENS, comma-separated). With none, the admin API answers 401.",
            valueName: "name=role:ref"))
    var adminToken: [String] = []

    @Option(
        help:
            "A header a forward-auth proxy (oauth2-proxy) sets to the signed-in user, e.g. X-Forwarded-User; believed only from --admin-trusted-proxy addresses (env GITOPS_BRIDGE_ADMIN_TRUSTED_HEADER; default none)."
    )
    var adminTrustedHeader: String?

    @Option(
        help: ArgumentHelp(
            "An address or CIDR network whose connections may sign users in with --admin-trusted-header; repeatable (env GITOPS_BRIDGE_ADMIN_TRUSTED_PROXIES, comma-separated).",
            valueName: "cidr"))
    var adminTrustedProxy: [String] = []

    @Option(
        help:
            "The role of a user the trusted header names: viewer or operator (env GITOPS_BRIDGE_ADMIN_TRUSTED_ROLE; default viewer)."
    )
    var adminTrustedRole: String?

    func run() async throws {
        // A SIGHUP (`systemctl reload`) before the reloader traps it must not end the process: systemd would take that
        // for a clean exit and not restart it. The reloader reads the rules after this anyway.
        signal(SIGHUP, SIG_IGN)
        let listenText = Setting.value(listen, env: Setting.listenVariable, default: Setting.defaultListen)
        guard let address = ServeConfiguration.parseListen(listenText) else {
            throw ValidationError("--listen must be host:port, got '\(listenText)'")
        }
        let maxBody = try Setting.positiveInteger(maxBodySize, env: "GITOPS_BRIDGE_MAX_BODY_SIZE") ?? BridgeRouter.defaultMaxBodySize
        let levelText = Setting.value(logLevel, env: "GITOPS_BRIDGE_LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: levelText) else { throw ValidationError("unknown log level '\(levelText)'") }
        var worker = WorkerConfiguration()
        worker.slots = try Setting.positiveInteger(workers, env: "GITOPS_BRIDGE_WORKERS") ?? worker.slots
        worker.retry.maximumAttempts =
            try Setting.positiveInteger(maxAttempts, env: "GITOPS_BRIDGE_MAX_ATTEMPTS") ?? worker.retry.maximumAttempts
        if let lease = try Setting.positiveInteger(leaseSeconds, env: "GITOPS_BRIDGE_LEASE_SECONDS") {
            worker.lease = .seconds(lease)
        }
        if let grace = try Setting.positiveInteger(shutdownGrace, env: "GITOPS_BRIDGE_SHUTDOWN_GRACE") {
            worker.shutdownGrace = .seconds(grace)
        }
        worker.dashboardURL = try Setting.baseURL(dashboardURL, env: "GITOPS_BRIDGE_DASHBOARD_URL", flag: "--dashboard-url")
        let listener = try listenerLimits()
        var settings = ServeConfiguration(
            rulesPath: Setting.rules(rules), database: try database.location(), host: address.host, port: address.port,
            maxBodySize: maxBody, maxConnections: listener.maxConnections, headerTimeout: listener.headerTimeout,
            bodyTimeout: listener.bodyTimeout, logLevel: level, worker: worker, admin: try adminConfiguration(),
            publicURL: try Setting.baseURL(publicURL, env: "GITOPS_BRIDGE_PUBLIC_URL", flag: "--public-url"), recovery: try recoveryConfiguration())
        let watch = try Setting.positiveInteger(rulesWatchInterval, env: "GITOPS_BRIDGE_RULES_WATCH_INTERVAL", allowZero: true) ?? 2
        settings.rulesWatchInterval = watch == 0 ? nil : .seconds(watch)
        settings.reloadOnHangup = true
        settings.bootstrapsMetrics = true
        try overload.apply(to: &settings)
        let configuration = settings
        // Before anything opens a file: the connection bound is derived from the limit in force.
        DescriptorLimit.raiseSoftLimit()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let app: any ApplicationProtocol
        do {
            app = try await BridgeServerApp.make(
                configuration: configuration,
                onServerRunning: { port in
                    printError("gitops-bridge listening on http://\(configuration.host):\(port) (rules \(configuration.rulesPath))")
                },
                onAdminRunning: { port in
                    printError(
                        "gitops-bridge admin API on http://\(configuration.admin?.host ?? ""):\(port)/api/v1, dashboard on http://\(configuration.admin?.host ?? ""):\(port)/"
                    )
                })
        } catch {
            printError("gitops-bridge: \(error)")
            throw ExitCode(2)
        }
        do {
            try await app.runService()
        } catch let error as AdminListenError {
            let admin = configuration.admin ?? AdminConfiguration()
            let line = ListenFailure.describe(error.underlying, host: admin.host, port: admin.port, flag: "--admin-listen")
            printError("gitops-bridge: \(line ?? "\(error.underlying)")")
            throw ExitCode(2)
        } catch {
            guard let line = ListenFailure.describe(error, host: configuration.host, port: configuration.port) else { throw error }
            printError("gitops-bridge: \(line)")
            throw ExitCode(2)
        }
    }

    /// `--max-connections` (nil: derived from the open-file limit), `--header-timeout` and `--body-timeout`.
    private func listenerLimits() throws -> (maxConnections: Int?, headerTimeout: Duration, bodyTimeout: Duration) {
        let header = try Setting.positiveInteger(headerTimeout, env: "GITOPS_BRIDGE_HEADER_TIMEOUT").map { Duration.seconds($0) }
        let body = try Setting.positiveInteger(bodyTimeout, env: "GITOPS_BRIDGE_BODY_TIMEOUT").map { Duration.seconds($0) }
        return (
            try Setting.positiveInteger(maxConnections, env: "GITOPS_BRIDGE_MAX_CONNECTIONS"),
            header ?? HTTPLimits.defaultHeaderTimeout, body ?? HTTPLimits.defaultBodyTimeout
        )
    }
}
