import BridgeCore
import Foundation

/// The hook-log clients of the forges recovery and `doctor` read (GitHub, GitLab), built from the rules' `status`
/// blocks, whose credentials they share with the status reporters.
public enum HookLogs {
    /// A client per forge that has a `status` block and a delivery log, its secrets resolved now; throws the first
    /// block that cannot be built.
    public static func make(
        _ status: StatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient
    ) throws(StatusReportersError) -> [Forge: any HookLog] {
        let built = makeEach(status, resolver: resolver, httpClient: httpClient)
        if let problem = built.problems.sorted(by: { $0.key.rawValue < $1.key.rawValue }).first { throw problem.value }
        return built.logs
    }

    /// Each forge's client on its own: those that could be built, and why each other one could not (`doctor` says
    /// what it cannot check instead of stopping).
    public static func makeEach(
        _ status: StatusSettings, resolver: any SecretResolver, httpClient: ProviderHTTPClient
    ) -> (logs: [Forge: any HookLog], problems: [Forge: StatusReportersError]) {
        var logs: [Forge: any HookLog] = [:]
        var problems: [Forge: StatusReportersError] = [:]
        if let settings = status[.github] {
            do {
                logs[.github] = GitHubHookLog(client: try GitHubReporters.client(settings: settings, resolver: resolver, httpClient: httpClient))
            } catch {
                problems[.github] = StatusReportersError("\(settings.position): status.github: \(error)")
            }
        }
        if let settings = status[.gitlab] {
            do {
                let token = try resolver.resolve(try StatusReporters.required(settings.token, "token", of: settings))
                logs[.gitlab] = GitLabHookLog(api: GitLabStatusReporter(baseURL: settings.url, token: token, httpClient: httpClient))
            } catch {
                problems[.gitlab] = StatusReportersError("\(settings.position): status.gitlab: \(error)")
            }
        }
        return (logs, problems)
    }

    /// An ISO 8601 time as the forges write it, with or without fractional seconds or a zone offset.
    static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
