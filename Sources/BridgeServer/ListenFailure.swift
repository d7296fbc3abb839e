import Foundation
import NIOCore

/// Why `serve` could not listen, in one line a user can act on.
public enum ListenFailure {
    /// `cannot listen on 127.0.0.1:8080: address already in use` for a failed bind; nil for any other error.
    public static func describe(_ error: any Error, host: String, port: Int, flag: String = "--listen") -> String? {
        guard let error = error as? IOError, error.description.hasPrefix("bind") else { return nil }
        let reason: String
        switch error.errnoCode {
        case EADDRINUSE: reason = "address already in use (another process listens there; pick another \(flag))"
        case EACCES: reason = "permission denied (ports below 1024 need privileges)"
        case EADDRNOTAVAIL: reason = "no such address on this host"
        default: reason = String(cString: strerror(error.errnoCode))
        }
        return "cannot listen on \(host):\(port): \(reason)"
    }
}
