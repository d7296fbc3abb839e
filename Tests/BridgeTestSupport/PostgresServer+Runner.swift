import Foundation
import Glibc

extension PostgresServer {
    /// Runs PostgreSQL's programs: directly, or, when this process is root, as the `postgres` user (`initdb` and
    /// `postgres` refuse to run as root). `setpriv` changes user and then execs, so a spawned server is the child itself.
    struct Runner {
        /// The user PostgreSQL's programs run as when this process is root: Debian's package creates it.
        static let serviceUser = "postgres"
        private static let environment = ["PATH": "/usr/bin:/bin", "TZ": "UTC"]

        private let prefix: [String]
        private let owner: (uid: uid_t, gid: gid_t)?

        init() throws {
            guard geteuid() == 0 else {
                prefix = []
                owner = nil
                return
            }
            guard let entry = getpwnam(Self.serviceUser) else {
                throw StartError(
                    description: "running as root, and there is no \(Self.serviceUser) user to run PostgreSQL as "
                        + "(initdb and postgres refuse root); scripts/test installs Debian's postgresql, which creates it")
            }
            guard let setpriv = MotoServer.executable(named: "setpriv") else {
                throw StartError(description: "running as root, and setpriv (util-linux) is not on PATH to run PostgreSQL as \(Self.serviceUser)")
            }
            prefix = [setpriv, "--reuid=\(Self.serviceUser)", "--regid=\(entry.pointee.pw_gid)", "--init-groups", "--"]
            owner = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        }

        /// Runs `program` to its end.
        func run(_ program: String, _ arguments: [String], logPath: String) async throws {
            let (executable, argv) = command(program, arguments)
            try await SpawnedProcess.runToCompletion(executable, arguments: argv, environment: Self.environment, logPath: logPath)
        }

        /// Starts `program` as a child process.
        func spawn(_ program: String, _ arguments: [String], logPath: String) throws -> SpawnedProcess {
            let (executable, argv) = command(program, arguments)
            return try SpawnedProcess.spawn(executable, arguments: argv, environment: Self.environment, logPath: logPath)
        }

        /// Gives `directory` and everything in it to the user the programs run as.
        func handOver(_ directory: String) throws {
            guard let owner else { return }
            let contents = try FileManager.default.subpathsOfDirectory(atPath: directory).map { "\(directory)/\($0)" }
            for path in [directory] + contents where chown(path, owner.uid, owner.gid) != 0 {
                throw StartError(description: "cannot give \(path) to \(Self.serviceUser): \(String(cString: strerror(errno)))")
            }
        }

        private func command(_ program: String, _ arguments: [String]) -> (String, [String]) {
            guard let first = prefix.first else { return (program, arguments) }
            return (first, Array(prefix.dropFirst()) + [program] + arguments)
        }
    }
}
