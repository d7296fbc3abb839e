import AsyncHTTPClient
import BridgeCore
import Foundation
import Glibc
import NIOCore
import NIOHTTP1

/// moto's server (`moto_server`, moto 5) on `127.0.0.1` and a free port with SigV4 enforcement on: the recipe of
/// providers.md §4. It starts with `INITIAL_NO_AUTH_ACTION_COUNT=3`, spends those three unauthenticated calls on IAM
/// (create a user, give it an access key, allow it `apigateway:*`, `codedeploy:*`, `sts:*`), and from then on moto
/// refuses any request not signed with that key (403, IAM-style XML).
///
/// ```swift
/// try await withMotoServer { moto in
///     let credentials = moto.credentials   // the generated key pair
///     … endpoint: moto.endpoint …
/// }
/// ```
public final class MotoServer: Sendable {
    /// The IAM user the recipe creates.
    public static let userName = "gitops-bridge"

    public let port: Int
    /// The generated access key: what moto accepts from now on.
    public let credentials: AWSCredentials
    private let process: SpawnedProcess
    private let logPath: String

    /// The `endpoint` to give a target: `http://127.0.0.1:<port>`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Why moto could not be started or set up.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    private init(port: Int, credentials: AWSCredentials, process: SpawnedProcess, logPath: String) {
        self.port = port
        self.credentials = credentials
        self.process = process
        self.logPath = logPath
    }

    /// Starts moto and runs the IAM setup. Fails, saying how to install it, when `moto_server` is not on `PATH`.
    public static func start(httpClient: HTTPClient = .shared) async throws -> MotoServer {
        guard let program = executable(named: "moto_server") else {
            throw StartError(
                description: "moto_server is not on PATH: the AWS provider tests need moto's server with SigV4 checking; "
                    + "install it with `python3 -m pip install 'moto[server]'` (scripts/test does)")
        }
        var lastError: (any Error)?
        // A port found free may be taken before moto binds it: then try another.
        for _ in 0..<3 {
            let port = try freePort()
            let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(port)-\(UUID().uuidString).log").path
            let process = try launch(program, port: port, logPath: logPath)
            do {
                try await waitUntilAnswering(port: port, process: process, httpClient: httpClient)
                let credentials = try await MotoIAMSetup(port: port, httpClient: httpClient).run(userName: userName)
                return MotoServer(port: port, credentials: credentials, process: process, logPath: logPath)
            } catch {
                lastError = error
                await terminate(process)
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                try? FileManager.default.removeItem(atPath: logPath)
                if !log.contains("Address already in use") { break }
            }
        }
        throw lastError ?? StartError(description: "moto_server did not start")
    }

    /// Stops moto (SIGTERM, then SIGKILL after 5 s) and removes its log.
    public func stop() async {
        await Self.terminate(process)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    private static func launch(_ program: String, port: Int, logPath: String) throws -> SpawnedProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
        return try SpawnedProcess.spawn(program, arguments: ["-H", "127.0.0.1", "-p", String(port)], environment: environment, logPath: logPath)
    }

    /// Polls `GET /moto-api/` (which does not use up an unauthenticated call) for up to 30 s.
    private static func waitUntilAnswering(port: Int, process: SpawnedProcess, httpClient: HTTPClient) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw StartError(description: "moto_server exited (wait status \(process.status ?? 0)) before answering")
            }
            // HTTPClient keeps retrying a refused connection until its deadline: ask the kernel first.
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/moto-api/")
            if isListening(port: port), let response = try? await httpClient.execute(request, timeout: .seconds(2)) {
                _ = try? await response.body.collect(upTo: 1024 * 1024)
                if response.status == .ok { return }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw StartError(description: "moto_server did not answer on port \(port) within 30 s")
    }

    private static func terminate(_ process: SpawnedProcess) async {
        await process.terminate()
    }

    /// Whether something accepts TCP connections on the loopback port (a refused connect answers at once).
    static func isListening(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    /// The first executable `name` in `PATH`.
    public static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A TCP port nobody listens on at the moment: bind port 0 on loopback, read it, close.
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw StartError(description: "cannot open a socket to find a free port") }
        defer { close(socket) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        guard bound else { throw StartError(description: "cannot bind a socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Runs `body` with moto serving (and set up), and stops it afterwards whatever happens.
public func withMotoServer<T>(
    isolation: isolated (any Actor)? = #isolation, _ body: (MotoServer) async throws -> T
) async throws -> T {
    let moto = try await MotoServer.start()
    do {
        let result = try await body(moto)
        await moto.stop()
        return result
    } catch {
        await moto.stop()
        throw error
    }
}
