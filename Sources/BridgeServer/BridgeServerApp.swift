import BridgeCore
import BridgeProviders
import BridgeStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// Why the server could not start. One clear line (or one per problem), never a secret.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Assembles the running bridge: rules, sources, store, intake, routes.
public enum BridgeServerApp {
    /// Loads and checks everything, then returns the application to run. Throws before binding if anything is wrong.
    public static func make(
        configuration: ServeConfiguration, resolver: any SecretResolver = ProcessSecretResolver(),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in },
        onAdminRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws(StartupError) -> some ApplicationProtocol {
        var logger = Logger(label: "gitops-bridge")
        logger.logLevel = configuration.logLevel
        let http = HTTPClientService()
        let buildRules: @Sendable () throws(StartupError) -> RulesSnapshot = { () throws(StartupError) in
            try RulesSnapshot.build(path: configuration.rulesPath, resolver: resolver, httpClient: http.client)
        }
        let live: LiveRules
        let access: AdminAccess?
        let store: any BridgeDatabase
        do throws(StartupError) {
            live = LiveRules(try buildRules())
            access = try configuration.admin.map { admin throws(StartupError) in try AdminAccess(admin.tokens, resolver: resolver) }
            store = try await openStore(configuration, logger: logger)
        } catch {
            // AsyncHTTPClient traps (in debug builds) on a client dropped without a shutdown.
            try? await http.client.shutdown()
            throw error
        }
        let rules = live.current.rules
        let sources = live.current.sources
        let metrics = BridgeMetrics()
        if configuration.bootstrapsMetrics { metrics.bootstrapProcessWide() }
        metrics.rulesLoaded(version: live.current.version)
        let worker = DeploymentWorker(
            queue: store, deployers: deployers(resolver: resolver, environment: configuration.environment, httpClient: http.client),
            statusReporters: { live.current.statusReporters },
            configuration: configuration.worker, metrics: metrics, logger: logger)
        let recovery = recoveryService(configuration, live: live, store: store, metrics: metrics, logger: logger)
        let refusals = SourceRefusals()
        let intake = WebhookIntake(
            rules: live, store: store, now: { Date() }, logger: logger, workQueued: { worker.workArrived() },
            refusals: refusals)
        let router = BridgeRouter(
            intake: intake, store: store, metrics: metrics, maxBodySize: configuration.maxBodySize,
            gate: IntakeGate(limits: configuration.intake)
        ).build()
        logger.info(
            "rules loaded",
            metadata: [
                "rules.path": "\(configuration.rulesPath)", "sources": "\(sources.names.joined(separator: ","))",
                "rules.count": "\(rules.rules.count)", "rules.version": "\(live.current.version ?? "unknown")",
                "database": "\(configuration.databasePath)",
            ])
        for note in StatusNotes.notes(for: rules) {
            logger.notice("\(note)")
        }
        // The worker starts only once the listener is bound: a second bridge on a busy port touches no step. With an admin
        // listener, once both are: a busy admin port stops the start just as early.
        let workerAfterAdmin = configuration.admin == nil ? nil : StartWhenServing(worker)
        let workerWhenServing = StartWhenServing(workerAfterAdmin ?? worker)
        // One set of limits (logged once); each listener's connection guard keeps its own count.
        let listenerLimits = limits(configuration, logger: logger)
        var admin: [any Service] = []
        if let settings = configuration.admin, let access {
            admin.append(
                adminApplication(
                    settings, access: access, store: store,
                    data: AdminData(store: store, live: live, publicURL: settings.publicURL),
                    refusals: refusals,
                    metrics: metrics, limits: listenerLimits, logger: logger,
                    onServerRunning: { port in
                        workerAfterAdmin?.serverIsRunning()
                        await onAdminRunning(port)
                    }))
        }
        let reloader = RulesReloader(
            path: configuration.rulesPath, live: live, build: buildRules, watchInterval: configuration.rulesWatchInterval,
            hangups: configuration.reloadOnHangup ? await UnixSignalsSequence(trapping: .sighup) : nil, metrics: metrics, logger: logger)
        return Application(
            router: router,
            server: server(limits: listenerLimits, metrics: metrics),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gitops-bridge"),
            // Shut down in reverse: the HTTP server first (intake stops), then the worker, then the outbound client, the
            // database last. The admin listener is a service of its own, stopped right after the webhook listener.
            services: [DatabaseCloser(database: store), http, workerWhenServing] + (recovery.map { [$0] } ?? [])
                + (store.announcesWork ? [WorkNotifications(database: store, worker: worker)] : []) + admin + [reloader],
            onServerRunning: { channel in
                workerWhenServing.serverIsRunning()
                recovery?.serverIsRunning()
                await onServerRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
    }

    static func openStore(_ configuration: ServeConfiguration, logger: Logger) async throws(StartupError) -> any BridgeDatabase {
        do {
            return try await BridgeDatabases.open(configuration.database, logger: logger)
        } catch {
            throw StartupError("cannot open database \(configuration.databasePath): \(error)")
        }
    }

    /// The admin listener: a second Hummingbird application, on its own address, with its own routes only.
    static func adminApplication(
        _ admin: AdminConfiguration, access: AdminAccess, store: any BridgeDatabase, data: AdminData, refusals: SourceRefusals,
        metrics: BridgeMetrics,
        limits: HTTPLimits,
        logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void
    ) -> any Service {
        if admin.tokens.isEmpty {
            logger.warning("admin API: no --admin-token given; every /api/v1 request is answered 401")
        }
        if let header = admin.trustedHeader, admin.trustedProxies.isEmpty {
            logger.warning("dashboard: --admin-trusted-header \(header) is ignored: no --admin-trusted-proxy is given")
        }
        let application = Application(
            router: AdminRouter(store: store, access: access, data: data, configuration: admin, refusals: refusals).build(),
            server: server(limits: limits, metrics: metrics),
            configuration: .init(address: .hostname(admin.host, port: admin.port), serverName: "gitops-bridge-admin"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? admin.port
                logger.info("admin API listening", metadata: ["admin.address": "\(admin.host):\(port)"])
                await onServerRunning(port)
            },
            logger: logger
        )
        return AdminListener(application: application)
    }

    /// The reporters the rules' `status` blocks configure, by kind name (their secrets resolved now).
    static func statusReporters(rules: RuleSet, resolver: any SecretResolver, httpClient: HTTPClientService) throws(StartupError)
        -> [String: any StatusReporter]
    {
        do {
            return try StatusReporters.make(rules.status, resolver: resolver, httpClient: httpClient.client)
        } catch {
            throw StartupError(error.description)
        }
    }

    /// Every provider this version runs (`DeployerFactory.all`). AWS credentials come from the standard chain, read from
    /// `environment`.
    static func deployers(resolver: any SecretResolver, environment: [String: String], httpClient: ProviderHTTPClient) -> [any Deployer] {
        DeployerFactory.deployers(DeployerDependencies(resolver: resolver, environment: environment, httpClient: httpClient))
    }
}
