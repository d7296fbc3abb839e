import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// A create whose answer was lost, GitHub Enterprise's address, and redirects.
extension GitHubDeploymentReporterTests {
    @Test func aLostCreateAnswerIsFoundAgainNotMadeTwice() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            // Long enough for any loopback answer on a lightly loaded machine; the lost one comes two seconds later still.
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake, timeout: .milliseconds(1500)))
            fake.loseAnswer(toNext: .createDeployment, stall: .milliseconds(3500))
            let update = Fixture.update(requestID: 31)
            // The outbox sends the same update again until it goes through; on a loaded machine an attempt before the
            // create may time out too, so the attempts are counted, not placed.
            var failures: [ProviderError] = []
            var id: String?
            for _ in 0..<6 where id == nil {
                do throws(ProviderError) {
                    id = try await reporter.report(update)
                } catch {
                    Fixture.expectNoCredential(in: "\(error)", fake: fake)
                    failures.append(error)
                }
            }
            #expect(!failures.isEmpty && failures.allSatisfy(\.isRetryable))
            let deployment = try #require(fake.deployments.first)
            #expect(fake.deployments.count == 1)
            #expect(id == String(deployment.id))
            #expect(deployment.states == ["queued"])
            let creates = fake.requests.filter { $0.method == "POST" && $0.path == "/repos/acme/shop/deployments" }
            #expect(creates.map(\.responseStatus) == [201])
        }
    }

    @Test func aDeploymentOfAnotherRequestOrCommitIsNotTakenForThisOne() async throws {
        try await withGitHubFake(Fixture.fake()) { fake in
            let reporter = GitHubDeploymentReporter(client: try Fixture.tokenClient(fake))
            _ = try await reporter.report(Fixture.update(requestID: 1))
            var otherCommit = Fixture.update(requestID: 2)
            otherCommit.sha = String(repeating: "b", count: 40)
            _ = try await reporter.report(otherCommit)
            let mine = try await reporter.report(Fixture.update(requestID: 2))
            #expect(fake.deployments.count == 3)
            #expect(mine == fake.deployments.last.map { String($0.id) })
        }
    }

    @Test func aPayloadGivenAsTextIsRecognisedToo() {
        let listed: ConfigValue = ["id": 5, "payload": #"{"gitops_bridge":{"run":7,"rule":"r","request":3}}"#]
        #expect(GitHubDeploymentReporter.marker(of: listed)?["request"] == 3)
        #expect(GitHubDeploymentReporter.marker(of: ["id": 5, "payload": "not json"]) == nil)
        #expect(GitHubDeploymentReporter.marker(of: ["id": 5]) == nil)
    }

    @Test(arguments: ["", "/", "//"])
    func reachesGitHubEnterpriseUnderAPIv3(trailing: String) async throws {
        try await withGitHubFake(Fixture.fake(pathPrefix: "/api/v3")) { fake in
            #expect(fake.baseURL.hasSuffix("/api/v3"))
            let client = try Fixture.appClient(fake, baseURL: fake.baseURL + trailing)
            #expect(client.apiRoot == fake.baseURL)
            try await Fixture.reportInOrder(GitHubDeploymentReporter(client: client), [.queued, .running, .success])
            #expect(fake.deployments.map(\.states) == [["queued", "in_progress", "success"]])
            #expect(fake.requests.allSatisfy { $0.path.hasPrefix("/api/v3/") })
            #expect(fake.requests.first?.path == "/api/v3/repos/acme/shop/installation")
            #expect(fake.requests.dropFirst().first?.path == "/api/v3/app/installations/7001/access_tokens")
        }
    }

    @Test(arguments: [false, true])
    func aRedirectIsRefusedAndTheCredentialStaysHome(asApp: Bool) async throws {
        try await withStandIn(RedirectingStandIn()) { moved in
            let fake = Fixture.fake()
            let client = try asApp ? Fixture.appClient(fake, baseURL: moved.baseURL) : Fixture.tokenClient(fake, baseURL: moved.baseURL)
            let error = await Fixture.failure(GitHubDeploymentReporter(client: client), Fixture.update())
            #expect(moved.redirected == 1)
            #expect(moved.received.isEmpty)
            #expect(error?.isRetryable == false)
            let path = asApp ? "/repos/acme/shop/installation" : "/repos/acme/shop/deployments"
            #expect(
                error?.description.hasPrefix("GitHub request to \(moved.baseURL)\(path) answered 302 Found, a redirect to \(moved.destinationURL)")
                    == true)
            #expect(error?.description.contains("which gitops-bridge never follows") == true)
        }
    }

    @Test func anIllegalBaseURLIsPermanent() async throws {
        let client = try Fixture.tokenClient(Fixture.fake(), baseURL: "ftp://github.example.com")
        let error = await Fixture.failure(GitHubDeploymentReporter(client: client), Fixture.update())
        #expect(error?.isRetryable == false)
    }

    @Test(arguments: ["https://api.github.com", "https://api.github.com/", "", "https://ghe.example.com/api/v3//"])
    func buildsTheAPIRoot(baseURL: String) throws {
        let client = try GitHubClient(
            baseURL: baseURL, credentials: .token(Secret(bytes: [0x61], reference: .environment("T"))), httpClient: .forTests)
        #expect(client.apiRoot == (baseURL.contains("ghe") ? "https://ghe.example.com/api/v3" : "https://api.github.com"))
    }

    @Test func keepsBaseURLCredentialsOutOfMessages() async throws {
        let fake = Fixture.fake()
        try await fake.start()
        let port = try #require(fake.port)
        await fake.stop()
        let client = try Fixture.tokenClient(fake, baseURL: "http://ops:hunter2@127.0.0.1:\(port)", timeout: .milliseconds(300))
        let error = await Fixture.failure(GitHubDeploymentReporter(client: client), Fixture.update())
        #expect(error?.isRetryable == true)
        #expect(error?.description.hasPrefix("GitHub request to http://127.0.0.1:\(port)/repos/acme/shop/deployments failed:") == true)
        #expect(error?.description.contains("hunter2") == false)
    }
}
