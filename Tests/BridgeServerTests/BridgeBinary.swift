import BridgeTestSupport
import Foundation
import Glibc

/// The built `gitops-bridge`, run as a user runs it: a child process of its own, its output in a log file.
enum BridgeBinary {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Next to the test bundle: `swift build --build-tests` builds both into the same directory.
    /// `GITOPS_BRIDGE_TEST_BINARY` names another build (an older one, to see a test fail before a fix).
    static var path: String {
        if let other = ProcessInfo.processInfo.environment["GITOPS_BRIDGE_TEST_BINARY"], !other.isEmpty { return other }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("gitops-bridge").path
    }

    /// Starts `gitops-bridge arguments…`; with `descriptorLimit`, under that `RLIMIT_NOFILE` (soft and hard, as
    /// `ulimit -n` sets them), so the bridge cannot raise it.
    static func start(_ arguments: [String], environment: [String: String], log: String, descriptorLimit: Int? = nil) throws
        -> SpawnedProcess
    {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(description: "no built gitops-bridge at \(path): run swift build --build-tests")
        }
        var environment = environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let descriptorLimit else {
            return try SpawnedProcess.spawn(path, arguments: arguments, environment: environment, logPath: log)
        }
        let script = "ulimit -n \(descriptorLimit) && exec \"$0\" \"$@\""
        return try SpawnedProcess.spawn("/bin/sh", arguments: ["-c", script, path] + arguments, environment: environment, logPath: log)
    }

    /// Polls `GET /healthz` until the bridge on `port` answers (or `process` exits); throws after `timeout`.
    static func waitUntilServing(port: Int, process: SpawnedProcess, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw Failure(description: "gitops-bridge exited (wait status \(process.status ?? 0))") }
            if let status = try? await RawHTTP.status(port: port, request: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "gitops-bridge did not answer on port \(port)")
    }
}

/// A loopback TCP port held by a listening socket of the test's own (another program on the port).
final class OccupiedPort {
    let port: Int
    private let socket: Int32

    /// A port nothing listens on (free when this returns; another process could take it, which tests accept).
    static func free() throws -> Int {
        try OccupiedPort().port
    }

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && listen(socket, 16) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard socket >= 0, bound else {
            Glibc.close(socket)
            throw BridgeBinary.Failure(description: "cannot listen on a loopback port")
        }
        self.socket = socket
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(socket)
    }
}
