import Logging

/// Everything `gitops-bridge serve` needs, built once at start-up (flags over environment over defaults).
public struct ServeConfiguration: Sendable {
    /// Rules file or directory.
    public var rulesPath: String
    /// SQLite database file.
    public var databasePath: String
    /// Address to listen on.
    public var host: String
    /// Port to listen on (0 picks a free one).
    public var port: Int
    /// Largest webhook body accepted, in bytes.
    public var maxBodySize: Int
    /// Seconds a connection may stay idle (no bytes read or written) before it is closed.
    public var idleTimeoutSeconds: Int64
    public var logLevel: Logger.Level
    /// The deployment worker's settings.
    public var worker: WorkerConfiguration

    public init(
        rulesPath: String = "rules/example.yaml", databasePath: String = "gitops-bridge.sqlite", host: String = "127.0.0.1",
        port: Int = 8080, maxBodySize: Int = BridgeRouter.defaultMaxBodySize, idleTimeoutSeconds: Int64 = 30,
        logLevel: Logger.Level = .info, worker: WorkerConfiguration = WorkerConfiguration()
    ) {
        self.rulesPath = rulesPath
        self.databasePath = databasePath
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.logLevel = logLevel
        self.worker = worker
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
