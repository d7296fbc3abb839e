import BridgeStore
import Foundation
import Logging

/// Everything `gitops-bridge serve` needs, built once at start-up (flags over environment over defaults).
public struct ServeConfiguration: Sendable {
    /// Rules file or directory.
    public var rulesPath: String
    /// The store: a SQLite file, or a PostgreSQL database several replicas share.
    public var database: DatabaseLocation
    /// The SQLite file's path, or the PostgreSQL database's URL without a password (for logs).
    public var databasePath: String {
        switch database {
        case .sqlite(let path): path
        case .postgres(let settings): settings.redacted
        }
    }
    /// Address to listen on.
    public var host: String
    /// Port to listen on (0 picks a free one).
    public var port: Int
    /// Largest webhook body accepted, in bytes.
    public var maxBodySize: Int
    /// The most connections open at once; nil derives it from the open-file limit (`DescriptorLimit`).
    public var maxConnections: Int?
    /// How long a connection may go without a complete request head (and stay idle between requests).
    public var headerTimeout: Duration
    /// From a request's head to the end of its body.
    public var bodyTimeout: Duration
    /// The most bytes of request headers (431 beyond).
    public var maxHeaderSize: Int = HTTPLimits.defaultMaxHeaderSize
    /// The most bytes of a refused body drained before the connection closes; nil derives it from `maxBodySize`.
    public var drainLimit: Int?
    /// Rate limits and the in-flight bound of webhook intake.
    public var intake = IntakeLimits()
    public var logLevel: Logger.Level
    /// The deployment worker's settings.
    public var worker: WorkerConfiguration
    /// Where providers read their ambient settings: the AWS credential chain (`AWS_ACCESS_KEY_ID`, `AWS_PROFILE`,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE`…). The process environment unless a test gives its own.
    public var environment: [String: String]
    /// The admin listener (JSON API); nil runs none. `serve` gives one on 127.0.0.1:8081 unless told `off`.
    public var admin: AdminConfiguration?
    /// How often the rules' contents are checked for a change to reload; nil watches nothing.
    public var rulesWatchInterval: Duration? = nil
    /// Whether SIGHUP reloads the rules (`serve`; tests in one process leave the signal alone).
    public var reloadOnHangup = false
    /// The webhook listener's public address (`--public-url`): recovery finds each source's hook by its URL.
    public var publicURL: String?
    /// How often missed deliveries are recovered (`--recover-interval`).
    public var recovery: RecoveryConfiguration
    /// Whether this bridge's metrics become the process-wide swift-metrics backend (`serve`; once per process, so tests
    /// in one process leave it alone), which Hummingbird's request metrics report through.
    public var bootstrapsMetrics = false

    public init(
        rulesPath: String = "rules/example.yaml", databasePath: String = "gitops-bridge.sqlite", database: DatabaseLocation? = nil,
        host: String = "127.0.0.1",
        port: Int = 8080, maxBodySize: Int = BridgeRouter.defaultMaxBodySize, maxConnections: Int? = nil,
        headerTimeout: Duration = HTTPLimits.defaultHeaderTimeout, bodyTimeout: Duration = HTTPLimits.defaultBodyTimeout,
        logLevel: Logger.Level = .info, worker: WorkerConfiguration = WorkerConfiguration(),
        environment: [String: String] = ProcessInfo.processInfo.environment, admin: AdminConfiguration? = nil,
        publicURL: String? = nil, recovery: RecoveryConfiguration = RecoveryConfiguration()
    ) {
        self.publicURL = publicURL ?? admin?.publicURL
        self.recovery = recovery
        self.rulesPath = rulesPath
        self.database = database ?? .sqlite(path: databasePath)
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.logLevel = logLevel
        self.worker = worker
        self.environment = environment
        self.admin = admin
    }

    /// Parses `host:port`, `:port` or `[v6]:port`.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
