import Foundation

/// A forge's API for its hooks and their delivery logs (GitHub hook deliveries, GitLab hook events).
public protocol HookLog: Sendable {
    /// The hooks of `owner`.
    func hooks(of owner: HookOwner) async throws(ProviderError) -> [HookSettings]
    /// The log of `hook`'s deliveries, newest first, back to `since` at least (a page may reach further).
    func deliveries(of owner: HookOwner, hook: String, since: Date) async throws(ProviderError) -> [HookDelivery]
    /// Asks the forge to send `delivery` again; it arrives signed, through the normal intake path.
    func redeliver(_ delivery: HookDelivery, of owner: HookOwner, hook: String) async throws(ProviderError)
}

extension HookLog {
    /// The hook of `owner` that calls `url` (trailing slashes ignored), or the one named `id`.
    public func hook(of owner: HookOwner, url: String?, id: String?) async throws(ProviderError) -> HookSettings? {
        let hooks = try await hooks(of: owner)
        if let id { return hooks.first { $0.id == id } }
        guard let url else { return nil }
        return hooks.first { HookURL.same($0.url, url) }
    }
}

/// Comparing hook URLs.
public enum HookURL {
    /// The same URL, but for case and trailing slashes.
    public static func same(_ left: String, _ right: String) -> Bool {
        func trimmed(_ text: String) -> Substring {
            var text = Substring(text)
            while text.hasSuffix("/") { text = text.dropLast() }
            return text
        }
        return trimmed(left).lowercased() == trimmed(right).lowercased()
    }
}
