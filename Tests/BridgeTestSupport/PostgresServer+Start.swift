import Foundation
import Glibc

extension PostgresServer {
    /// Makes the certificates, runs `initdb` and starts `postgres`; fails saying how to install PostgreSQL when its
    /// binaries are not found. The server's certificate is for `certificateNames` (OpenSSL's subjectAltName syntax).
    public static func start(certificateNames: String = TestCertificateAuthority.loopbackNames) async throws -> PostgresServer {
        let binaries = try binDirectory()
        let runner = try Runner()
        let directory = try makeDirectory()
        do {
            let authority = try await TestCertificateAuthority.create(in: directory)
            let certificate = try await authority.issueServerCertificate(in: directory, subjectAlternativeNames: certificateNames)
            let password = UUID().uuidString
            try await initdb(binaries: binaries, directory: directory, password: password, runner: runner)
            let (process, port) = try await launch(binaries: binaries, directory: directory, certificate: certificate, runner: runner)
            let watchdog = try startWatchdog(server: process, directory: directory)
            return PostgresServer(
                password: password, port: port, caPath: authority.certificatePath, directory: directory, process: process,
                watchdog: watchdog)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// `pg_config --bindir` when it has `initdb` (libpq-dev's `pg_config` may come without a server), else the newest
    /// `/usr/lib/postgresql/*/bin`.
    static func binDirectory() throws -> String {
        let installed = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates =
            [pgConfigBinDirectory()].compactMap { $0 }
            + installed.compactMap { Int($0) }.sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }) else {
            throw StartError(
                description: "PostgreSQL's initdb is not found (pg_config --bindir, /usr/lib/postgresql/*/bin): the PostgreSQL "
                    + "tests start a cluster of their own; scripts/test installs Debian's postgresql")
        }
        return found
    }

    private static func pgConfigBinDirectory() -> String? {
        guard let pgConfig = MotoServer.executable(named: "pg_config") else { return nil }
        let pipe = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: pgConfig)
        process.arguments = ["--bindir"]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !path.isEmpty ? path : nil
    }

    /// A short path (a Unix socket's path must stay under 108 bytes) in the temporary directory.
    private static func makeDirectory() throws -> String {
        let base = FileManager.default.temporaryDirectory.path
        let directory = "\(base)/pg-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return directory
    }

    private static func initdb(binaries: String, directory: String, password: String, runner: Runner) async throws {
        let passwordFile = "\(directory)/initdb-password"
        try Data(password.utf8).write(to: URL(fileURLWithPath: passwordFile))
        try runner.handOver(directory)
        defer { try? FileManager.default.removeItem(atPath: passwordFile) }
        // --no-sync skips flushing the new files once at the end of initdb: the server itself runs with fsync on.
        try await runner.run(
            "\(binaries)/initdb",
            [
                "-D", "\(directory)/data", "-U", superuser, "--pwfile=\(passwordFile)", "--auth-host=scram-sha-256",
                "--auth-local=trust", "--encoding=UTF8", "--locale=C", "--no-sync",
            ], logPath: "\(directory)/initdb.log")
    }

    /// Starts `postgres` on a free port; a port found free may be taken before the server binds it: then another.
    private static func launch(
        binaries: String, directory: String, certificate: TestCertificateAuthority.ServerCertificate, runner: Runner
    ) async throws -> (SpawnedProcess, Int) {
        var lastError: any Error = StartError(description: "postgres did not start")
        for _ in 0..<3 {
            let port = try MotoServer.freePort()
            let logPath = "\(directory)/postgres-\(port).log"
            let settings = [
                "listen_addresses=127.0.0.1", "port=\(port)", "unix_socket_directories=\(directory)", "ssl=on",
                "ssl_cert_file=\(certificate.certificatePath)", "ssl_key_file=\(certificate.keyPath)", "max_connections=200",
                "fsync=on", "synchronous_commit=on",
            ]
            let process = try runner.spawn("\(binaries)/postgres", ["-D", "\(directory)/data"] + settings.flatMap { ["-c", $0] }, logPath: logPath)
            do {
                try await waitUntilReady(process, logPath: logPath)
                return (process, port)
            } catch {
                lastError = error
                await shutDown(process)
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                if !log.contains("could not bind") { break }
            }
        }
        throw lastError
    }

    /// Waits (up to 30 s) for the log line that says connections are accepted: the socket listens before recovery is
    /// over, and connections made then fail with "the database system is starting up".
    private static func waitUntilReady(_ process: SpawnedProcess, logPath: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if log.contains("database system is ready to accept connections") { return }
            guard process.isRunning else {
                throw StartError(description: "postgres exited (wait status \(process.status ?? 0)) before it was ready: \(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw StartError(description: "postgres was not ready within 30 s")
    }

    /// Stops the server and removes the directory once this process is gone (a crashed or killed test run); `stop()`
    /// ends the watchdog first in the normal case.
    private static func startWatchdog(server: SpawnedProcess, directory: String) throws -> SpawnedProcess {
        let script = """
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            kill -INT "$2" 2>/dev/null
            i=0; while kill -0 "$2" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
            kill -KILL "$2" 2>/dev/null
            rm -rf "$3"
            """
        return try SpawnedProcess.spawn(
            "/bin/sh", arguments: ["-c", script, "postgres-watchdog", String(getpid()), String(server.pid), directory],
            environment: ["PATH": "/usr/bin:/bin"], logPath: "/dev/null")
    }
}
