import ArgumentParser
import BridgeServer
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the bridge: receive webhooks, verify, route and record them.")

    @Option(help: "Rules file or directory (env GITOPS_BRIDGE_RULES; default rules/example.yaml).")
    var rules: String?

    @Option(help: "SQLite database file (env GITOPS_BRIDGE_DATABASE; default ./gitops-bridge.sqlite).")
    var database: String?

    @Option(help: "Address to listen on, host:port (env GITOPS_BRIDGE_LISTEN; default 127.0.0.1:8080).")
    var listen: String?

    @Option(help: "Largest webhook body in bytes (env GITOPS_BRIDGE_MAX_BODY_SIZE; default 26214400 = 25 MiB).")
    var maxBodySize: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env GITOPS_BRIDGE_LOG_LEVEL; default info).")
    var logLevel: String?

    func run() async throws {
        let listenText = Setting.value(listen, env: Setting.listenVariable, default: Setting.defaultListen)
        guard let address = ServeConfiguration.parseListen(listenText) else {
            throw ValidationError("--listen must be host:port, got '\(listenText)'")
        }
        let maxBody =
            try maxBodySize ?? Setting.environment["GITOPS_BRIDGE_MAX_BODY_SIZE"].map { text in
                guard let value = Int(text), value > 0 else { throw ValidationError("GITOPS_BRIDGE_MAX_BODY_SIZE must be a positive integer") }
                return value
            } ?? BridgeRouter.defaultMaxBodySize
        let levelText = Setting.value(logLevel, env: "GITOPS_BRIDGE_LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: levelText) else { throw ValidationError("unknown log level '\(levelText)'") }
        let configuration = ServeConfiguration(
            rulesPath: Setting.rules(rules), databasePath: Setting.database(database), host: address.host, port: address.port,
            maxBodySize: maxBody, logLevel: level)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let app: any ApplicationProtocol
        do {
            app = try BridgeServerApp.make(configuration: configuration) { port in
                printError("gitops-bridge listening on http://\(configuration.host):\(port) (rules \(configuration.rulesPath))")
            }
        } catch {
            printError("gitops-bridge: \(error)")
            throw ExitCode(2)
        }
        try await app.runService()
    }
}
