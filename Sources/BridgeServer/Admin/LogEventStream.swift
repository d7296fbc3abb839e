import BridgeCore
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// A step's log as Server-Sent Events: event `log` with the log so far, then one `log` event per part appended (the
/// store is read every `interval`), then event `end` (its data the step's final status) once the step has finished.
/// The stream stops when the client goes away (a write fails) or the bridge shuts down.
struct LogEventStream: Sendable {
    static let interval = Duration.milliseconds(300)
    /// Reads without news between two keep-alive comments: a write is how a client that went away is noticed.
    static let keepAliveEvery = 40

    let data: AdminData
    let runID: Int64
    let position: Int
    var interval = Self.interval

    /// Whether a step in this status may still add to its log.
    static func isLive(_ status: String) -> Bool {
        StepStatus(rawValue: status)?.isFinished == false
    }

    func run(_ writer: inout any ResponseBodyWriter, first: StepLogView) async throws {
        var sent = first.log
        var status = first.status
        try await writer.write(ByteBuffer(string: Self.event("log", sent)))
        var quiet = 0
        while Self.isLive(status) {
            try await Task.sleep(for: interval)
            // On SIGTERM the listener waits for its open requests: a stream ends without `end`, and the browser's
            // EventSource is closed by app.js (the page then shows the log as of its render).
            if Task.isShuttingDownGracefully {
                try await writer.finish(nil)
                return
            }
            // A read that fails (the database busy a moment) is tried again at the next tick.
            let step: StepLogView
            do {
                step = try await data.stepLog(run: runID, position: position)
            } catch {
                if case .notFound = error { break }
                continue
            }
            let log = step.log
            let added = Self.appended(old: sent, new: log)
            if !added.isEmpty {
                try await writer.write(ByteBuffer(string: Self.event("log", added)))
                quiet = 0
            } else {
                quiet += 1
                if quiet % Self.keepAliveEvery == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
            }
            sent = log
            status = step.status
        }
        try await writer.write(ByteBuffer(string: Self.event("end", status)))
        try await writer.finish(nil)
    }

    /// One event: each line of `data` a `data:` line, so the client's `event.data` is `data` again.
    static func event(_ name: String, _ data: String) -> String {
        let lines = data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        return "event: \(name)\n" + lines.map { "data: \($0)\n" }.joined() + "\n"
    }

    /// What `new` adds to `old`. The store keeps only a log's last 64 KiB, so once that fills, the front of `old` is gone
    /// from `new`: then what follows `old`'s last kilobyte in `new` is the new part.
    static func appended(old: String, new: String) -> String {
        if new.hasPrefix(old) { return String(new.dropFirst(old.count)) }
        let anchor = String(old.suffix(1024))
        guard !anchor.isEmpty, let range = new.range(of: anchor, options: .backwards) else { return new }
        return String(new[range.upperBound...])
    }
}

/// How many log streams are open, bounded: each holds a connection and reads the store a few times a second.
final class LogStreams: Sendable {
    static let defaultLimit = 32

    let limit: Int
    private let open = Mutex(0)

    init(limit: Int = LogStreams.defaultLimit) {
        self.limit = limit
    }

    /// A slot, released when the last reference to it goes (the stream ended, or its response was never written); nil
    /// when every slot is taken.
    func acquire() -> Slot? {
        let granted = open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        return granted ? Slot(streams: self) : nil
    }

    var count: Int { open.withLock { $0 } }

    fileprivate func release() {
        open.withLock { $0 -= 1 }
    }

    final class Slot: Sendable {
        let streams: LogStreams

        fileprivate init(streams: LogStreams) {
            self.streams = streams
        }

        deinit {
            streams.release()
        }
    }
}
