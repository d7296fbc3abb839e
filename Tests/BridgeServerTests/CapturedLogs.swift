import Logging
import Synchronization

/// Keeps every line a logger writes, with its metadata (the logger's own merged with the line's), for tests that read
/// what the bridge logged.
final class CapturedLogs: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    /// A logger writing here, at `level` and above.
    func logger(label: String = "test", level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: label) { _ in Handler(logs: self) }
        logger.logLevel = level
        return logger
    }

    var all: [Line] { lines.withLock { $0 } }

    /// The lines whose message is `message`.
    func lines(_ message: String) -> [Line] { all.filter { $0.message == message } }

    fileprivate func append(_ line: Line) {
        lines.withLock { $0.append(line) }
    }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            logs.append(Line(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
