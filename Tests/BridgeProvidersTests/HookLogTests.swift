import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// The hook-log clients against `GitHubFake` and `GitLabFake` (their hooks and delivery logs, as documented in
/// shared/reference/forge-apis.md), over loopback: hooks found by URL or id, the log read across pages, redelivery.
@Suite struct HookLogTests {
    static let body = Array(#"{"ref":"refs/heads/main"}"#.utf8)

    @Test func githubFindsTheHookCallingTheSourceAndReadsItsSettings() async throws {
        try await withGitHubFake(GitHubFixture.fake()) { fake in
            fake.addHook(GitHubFake.Hook(url: "https://ci.example.com/other", secret: nil))
            let id = fake.addHook(GitHubFake.Hook(url: "https://hooks.example.com/hooks/shop", secret: "s", contentType: "form", insecureSSL: true))
            let log = GitHubHookLog(client: try GitHubFixture.tokenClient(fake))
            let hook = try #require(try await log.hook(of: .repository("acme/shop"), url: "https://hooks.example.com/hooks/shop/", id: nil))
            #expect(hook.id == String(id) && hook.secretSet == true && hook.contentType == "form" && !hook.sslVerification && hook.pushEvents)
            #expect(try await log.hook(of: .repository("acme/shop"), url: nil, id: String(id))?.url == "https://hooks.example.com/hooks/shop")
            #expect(try await log.hook(of: .repository("acme/shop"), url: "https://nowhere.example.com/hooks/shop", id: nil) == nil)
        }
    }

    @Test func githubReadsEveryPageOfTheLogNewestFirstAndRedelivers() async throws {
        try await withGitHubFake(GitHubFixture.fake()) { fake in
            let receiver = try await AnsweringServer.start(status: 202)
            let closed = try ClosedPort()
            let hook = fake.addHook(GitHubFake.Hook(url: "\(closed.url)/hooks/shop", secret: "s"))
            var guids: [String] = []
            for _ in 0..<205 {
                guids.append(try #require(await fake.deliver(hook: hook, body: Self.body)).guid)
            }
            let log = GitHubHookLog(client: try GitHubFixture.tokenClient(fake))
            let entries = try await log.deliveries(of: .repository("acme/shop"), hook: String(hook), since: .distantPast)
            #expect(entries.map(\.key) == guids.reversed())
            #expect(entries.allSatisfy { $0.statusCode == nil && $0.failed && !$0.redelivery })
            // Three pages of at most 100, each asked with the cursor GitHub's Link header gave.
            let pages = fake.requests.filter { $0.path.hasSuffix("/deliveries") }
            #expect(pages.count == 3 && pages.dropFirst().allSatisfy { $0.query?.contains("cursor=") == true })

            fake.setHookURL(hook, url: "http://127.0.0.1:\(receiver.port)/hooks/shop")
            try await log.redeliver(entries[0], of: .repository("acme/shop"), hook: String(hook))
            await receiver.stop()
            let again = try #require(fake.hookDeliveries.last)
            #expect(again.redelivery && again.guid == guids.last && again.statusCode == 202)
        }
    }

    @Test func githubStopsPagingOnceThePageReachesSince() async throws {
        try await withGitHubFake(GitHubFixture.fake()) { fake in
            let closed = try ClosedPort()
            let hook = fake.addHook(GitHubFake.Hook(url: closed.url, secret: "s"))
            for _ in 0..<150 { await fake.deliver(hook: hook, body: Self.body) }
            let log = GitHubHookLog(client: try GitHubFixture.tokenClient(fake))
            let entries = try await log.deliveries(of: .repository("acme/shop"), hook: String(hook), since: .distantFuture)
            #expect(entries.count == 100)
        }
    }

    @Test func githubRefusalsAreErrorsThatNameNoCredential() async throws {
        try await withGitHubFake(GitHubFixture.fake()) { fake in
            let log = GitHubHookLog(client: try GitHubFixture.tokenClient(fake, token: "ghp_wrong"))
            await #expect(throws: ProviderError.self) { try await log.hooks(of: .repository("acme/shop")) }
            do {
                _ = try await log.hooks(of: .repository("acme/shop"))
            } catch {
                #expect(!"\(error)".contains("ghp_wrong"))
            }
        }
    }

    @Test func gitlabReadsHooksEventsAcrossPagesAndResends() async throws {
        try await withGitLabFake(GitLabFake()) { fake in
            let receiver = try await AnsweringServer.start(status: 200)
            defer { Task { await receiver.stop() } }
            let closed = try ClosedPort()
            let hook = fake.addHook(
                GitLabFake.Hook(url: "\(closed.url)/hooks/lab", token: "t", tagPushEvents: false, alertStatus: "temporarily_disabled"))
            var keys: [String] = []
            for _ in 0..<130 { keys.append(try #require(await fake.deliver(hook: hook, body: Self.body)).idempotencyKey) }
            let log = GitLabHookLog(
                baseURL: fake.baseURL, token: Secret(bytes: Array(GitLabFake.defaultToken.utf8), reference: .environment("T")),
                httpClient: .forTests)
            let found = try #require(try await log.hook(of: .repository("acme/shop"), url: "\(closed.url)/hooks/lab", id: nil))
            #expect(found.pushEvents && !found.tagPushEvents && found.sslVerification && !found.active)
            #expect(found.disabledReason?.contains("temporarily_disabled") == true)
            let entries = try await log.deliveries(of: .repository("acme/shop"), hook: found.id, since: .distantPast)
            #expect(entries.map(\.key) == keys.reversed())
            #expect(entries.allSatisfy { $0.statusCode == nil })
            #expect(fake.requests.filter { $0.path.hasSuffix("/events") }.count == 2)

            fake.addHook(GitLabFake.Hook(url: "unused", token: nil))
            try await log.redeliver(entries[1], of: .repository("acme/shop"), hook: found.id)
            let resent = try #require(fake.hookEvents.last)
            #expect(resent.resent && resent.idempotencyKey == keys[128])
        }
    }

    @Test func gitlabKeysComeFromTheIdempotencyKeyHeaderInEitherShape() {
        #expect(GitLabHookLog.idempotencyKey(.object(["idempotency-key": "a", "X-Gitlab-Event-UUID": "b"])) == "a")
        #expect(GitLabHookLog.idempotencyKey(.array([.array(["X-Gitlab-Event-UUID", "b"])])) == "b")
        #expect(GitLabHookLog.idempotencyKey(.string("x")) == nil)
    }
}
