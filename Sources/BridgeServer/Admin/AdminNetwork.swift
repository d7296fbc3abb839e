import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One `--admin-trusted-proxy` network, `10.0.0.0/8`, `::1/128` or a single address: the peers whose trusted header
/// the dashboard believes.
public struct AdminNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's address bytes (4 for IPv4, 16 for IPv6).
    let bytes: [UInt8]
    /// How many leading bits must match.
    let prefix: Int

    /// Parses `ADDRESS[/PREFIX]`; nil when it is not an IPv4 or IPv6 network.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let bytes = Self.bytes(String(parts[0])) else { return nil }
        let width = bytes.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...width).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            self.prefix = width
        }
        self.bytes = bytes
    }

    /// Whether `address` (a connection's peer) is inside this network. An IPv4 peer seen as `::ffff:a.b.c.d` counts as
    /// `a.b.c.d`.
    public func contains(_ address: SocketAddress?) -> Bool {
        guard let text = address?.ipAddress, var peer = Self.bytes(text) else { return false }
        if peer.count == 16, bytes.count == 4, peer.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
            peer = Array(peer.suffix(4))
        }
        guard peer.count == bytes.count else { return false }
        var remaining = prefix
        for index in bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if peer[index] & mask != bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String {
        let address = bytes.count == 4 ? bytes.map(String.init).joined(separator: ".") : Self.ipv6Text(bytes)
        return "\(address)/\(prefix)"
    }

    /// The bytes of a textual IPv4 or IPv6 address, as `inet_pton` reads them.
    private static func bytes(_ text: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        if text.contains(":") {
            return inet_pton(AF_INET6, text, &buffer) == 1 ? buffer : nil
        }
        return inet_pton(AF_INET, text, &buffer) == 1 ? Array(buffer.prefix(4)) : nil
    }

    private static func ipv6Text(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}
