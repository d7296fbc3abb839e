import Foundation
import NIOSSL

extension PostgresFailure {
    /// BoringSSL's reason, as libpq words it (`certificate verify failed`), and what to check for a certificate.
    func reason(_ error: NIOSSLError) -> String {
        guard case .handshakeFailed(.sslError(let stack)) = error else { return "TLS: \(error)" }
        let reasons = stack.map { Self.reasonName(String(describing: $0)) }
        let text = reasons.isEmpty ? "TLS handshake failed" : reasons.joined(separator: "; ")
        guard reasons.contains("certificate verify failed") else { return text }
        let roots =
            settings.rootCertificatePath.map { "the CA certificates in sslrootcert \($0)" }
            ?? "the system's trusted roots (name the server's CA with sslrootcert=/path/ca.pem)"
        return "\(text): the server's certificate is not signed by \(roots), or is not valid now"
    }

    /// `CERTIFICATE_VERIFY_FAILED` out of `Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED
    /// at /…/handshake.cc:320`, lowercased with spaces; the whole text when it has not that shape.
    static func reasonName(_ text: String) -> String {
        guard let start = text.range(of: "error:") else { return text }
        let fields = text[start.upperBound...].split(separator: ":", maxSplits: 4)
        guard fields.count >= 4 else { return text }
        let name = fields[3].split(separator: " ").first ?? fields[3]
        return name.lowercased().replacingOccurrences(of: "_", with: " ")
    }
}
