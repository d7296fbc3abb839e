import Foundation
import Glibc

/// A plain blocking TCP connection to the loopback, for clients that HTTP libraries will not imitate: one that
/// writes a whole body before reading, one that sends a byte at a time, one that sends headers without end.
///
/// Blocking calls run on a thread of their own (`RawConnection.run`), never on the cooperative pool.
final class RawConnection: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let socket: Int32

    /// Connects to `127.0.0.1:port`; every read and write gives up after `timeout`.
    init(port: Int, timeout: Duration = .seconds(10)) throws {
        // The descriptor is stored only once connected: a class whose init throws after its properties are set still
        // runs its deinit, which would close the descriptor a second time (by then perhaps another test's file).
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(socket)
            throw Failure(description: "connect: \(reason)")
        }
        self.socket = socket
    }

    deinit {
        Glibc.close(socket)
    }

    /// Writes all of `bytes`; throws when the peer closed or reset the connection (never raises SIGPIPE).
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// What has arrived so far without waiting, and whether the peer has closed the connection.
    func receiveAvailable() -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                received += buffer[0..<count]
            } else {
                return (received, count == 0 || errno == ECONNRESET)
            }
        }
    }

    /// Reads one response (head and `Content-Length` body) and returns its status code and body.
    func receiveResponse() throws -> (status: Int, body: String) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let response = Self.parse(received) { return response }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else {
                let reason = count == 0 ? "closed" : String(cString: strerror(errno))
                throw Failure(description: "no complete response (\(reason)) after \(received.count) bytes")
            }
            received += buffer[0..<count]
        }
    }

    private static func parse(_ bytes: [UInt8]) -> (status: Int, body: String)? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<end.lowerBound]
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        let lengthLine = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
        let length = lengthLine.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let body = text[end.upperBound...]
        guard body.utf8.count >= length else { return nil }
        return (status, String(body))
    }

    /// Runs blocking socket work on a thread of its own and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

/// One-shot requests over a raw connection.
enum RawHTTP {
    /// Sends `request` as is and returns the response's status code.
    static func status(port: Int, request: String) async throws -> Int {
        try await RawConnection.run {
            let connection = try RawConnection(port: port, timeout: .seconds(5))
            try connection.send(request)
            return try connection.receiveResponse().status
        }
    }
}
