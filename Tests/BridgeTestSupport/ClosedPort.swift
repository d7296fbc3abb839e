import Glibc

/// A loopback TCP port that refuses every connection for as long as this value is kept: a socket bound to it that never
/// listens. Unlike a port found free and closed again, no server started by a test running in parallel can take it
/// meanwhile (and answer with something other than a refused connection).
public final class ClosedPort: Sendable {
    public let port: Int
    private let socket: Int32

    public init() throws {
        (socket, port) = try Self.bindLoopback()
    }

    /// A TCP socket bound to a free loopback port, and the port.
    static func bindLoopback() throws -> (socket: Int32, port: Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw MotoServer.StartError(description: "cannot open a socket for a closed port") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw MotoServer.StartError(description: "cannot bind a socket for a closed port")
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    deinit {
        close(socket)
    }
}
