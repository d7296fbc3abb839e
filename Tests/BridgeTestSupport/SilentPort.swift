import Glibc

/// A loopback TCP port that accepts connections and never answers, for as long as this value is kept: the kernel
/// completes each handshake into the listen backlog, and nothing reads. A server that hangs, for connect timeouts.
public final class SilentPort: Sendable {
    public let port: Int
    private let socket: Int32

    public init() throws {
        // The descriptor is stored only once it listens: a class whose init throws after its properties are set still
        // runs its deinit, which would close the descriptor a second time (by then perhaps another test's file).
        let (socket, port) = try ClosedPort.bindLoopback()
        guard listen(socket, 16) == 0 else {
            close(socket)
            throw MotoServer.StartError(description: "cannot listen on a socket for a silent port")
        }
        (self.socket, self.port) = (socket, port)
    }

    deinit {
        close(socket)
    }
}
