import ArgumentParser
import BridgeServer
import Foundation

extension Serve {
    /// `--admin-listen`, `--admin-token` and the `--admin-trusted-…` flags (flags over environment); nil for `off`.
    func adminConfiguration() throws -> AdminConfiguration? {
        let listenText = Setting.value(adminListen, env: "GITOPS_BRIDGE_ADMIN_LISTEN", default: AdminConfiguration.defaultListen)
        if listenText == "off" { return nil }
        guard let address = ServeConfiguration.parseListen(listenText) else {
            throw ValidationError("--admin-listen must be host:port or off, got '\(listenText)'")
        }
        var tokens: [AdminTokenSetting] = []
        for text in Self.list(adminToken, env: "GITOPS_BRIDGE_ADMIN_TOKENS") {
            do {
                tokens.append(try AdminTokenSetting(parsing: text))
            } catch {
                throw ValidationError(error.description)
            }
        }
        let names = tokens.map(\.name)
        guard Set(names).count == names.count else { throw ValidationError("--admin-token names must differ") }
        let publicURL = try Setting.baseURL(publicURL, env: "GITOPS_BRIDGE_PUBLIC_URL", flag: "--public-url")
        var configuration = AdminConfiguration(host: address.host, port: address.port, tokens: tokens, publicURL: publicURL)
        try trustedHeaderSettings(&configuration)
        return configuration
    }

    /// `--recover-interval` (flag over environment).
    func recoveryConfiguration() throws -> RecoveryConfiguration {
        let text = Setting.value(recoverInterval, env: "GITOPS_BRIDGE_RECOVER_INTERVAL", default: "5m")
        guard let configuration = RecoveryConfiguration.parse(text) else {
            throw ValidationError("--recover-interval must be a duration such as 90s, 5m or 1h, or off; got '\(text)'")
        }
        return configuration
    }

    /// `--admin-trusted-header`, `--admin-trusted-proxy` and `--admin-trusted-role`.
    private func trustedHeaderSettings(_ configuration: inout AdminConfiguration) throws {
        let header = Setting.value(adminTrustedHeader, env: "GITOPS_BRIDGE_ADMIN_TRUSTED_HEADER", default: "")
        if !header.isEmpty {
            let token = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-.^_`|~"))
            guard header.unicodeScalars.allSatisfy({ $0.isASCII && token.contains($0) }) else {
                throw ValidationError("--admin-trusted-header must be a header name such as X-Forwarded-User, got '\(header)'")
            }
            guard !["authorization", "cookie", "host"].contains(header.lowercased()) else {
                throw ValidationError("--admin-trusted-header cannot be \(header)")
            }
            configuration.trustedHeader = header
        }
        for text in Self.list(adminTrustedProxy, env: "GITOPS_BRIDGE_ADMIN_TRUSTED_PROXIES") {
            guard let network = AdminNetwork(text) else {
                throw ValidationError("--admin-trusted-proxy must be an IP address or CIDR network (10.0.0.0/8, ::1/128), got '\(text)'")
            }
            configuration.trustedProxies.append(network)
        }
        let roleText = Setting.value(adminTrustedRole, env: "GITOPS_BRIDGE_ADMIN_TRUSTED_ROLE", default: AdminRole.viewer.rawValue)
        guard let role = AdminRole(rawValue: roleText) else {
            throw ValidationError("--admin-trusted-role must be viewer or operator, got '\(roleText)'")
        }
        configuration.trustedRole = role
    }

    /// A repeatable flag's values, or else the environment variable's comma-separated ones.
    static func list(_ flags: [String], env name: String) -> [String] {
        guard flags.isEmpty else { return flags }
        return (Setting.environment[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
