import AsyncHTTPClient
import BridgeCore
import BridgeTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// The fake follows GitLab's documented Deployments API, checked with plain HTTP.
@Suite struct GitLabFakeTests {
    static let deploymentsPath = "/api/v4/projects/42/deployments"

    @Test func servesOnLoopbackUntilStopped() async throws {
        let fake = GitLabFake()
        try await fake.start()
        let port = try #require(fake.port)
        #expect(port > 0)
        #expect(fake.baseURL == "http://127.0.0.1:\(port)")
        let answer = try await GitLabRawClient(fake).send(.GET, Self.deploymentsPath)
        #expect(answer.status == 200)
        #expect(answer.text == "[]")
        await fake.stop()
        await fake.stop()
        #expect(fake.port == nil)
        await #expect(throws: (any Error).self) {
            var client = GitLabRawClient(fake)
            client.baseURL = "http://127.0.0.1:\(port)"
            // The client retries a refused connection until its deadline.
            _ = try await client.send(.GET, Self.deploymentsPath, timeout: .milliseconds(300))
        }
    }

    @Test func restartsKeepingItsDeployments() async throws {
        let fake = GitLabFake()
        try await withGitLabFake(fake) { fake in
            _ = try await GitLabRawClient(fake).send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            await #expect(throws: GitLabFake.StartError.self) { try await fake.start() }
        }
        try await withGitLabFake(fake) { fake in
            let answer = try await GitLabRawClient(fake).send(.GET, Self.deploymentsPath)
            #expect(answer.json.map { if case .array(let items) = $0 { items.count } else { 0 } } == 1)
        }
    }

    // MARK: Authentication

    @Test(arguments: [nil, "wrong-token", ""])
    func refusesAMissingOrWrongToken(token: String?) async throws {
        try await withGitLabFake { fake in
            let answer = try await GitLabRawClient(fake, token: token).send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            #expect(answer.status == 401)
            #expect(answer.text == #"{"message":"401 Unauthorized"}"#)
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func acceptsTheTokenAsABearerToken() async throws {
        try await withGitLabFake { fake in
            let client = GitLabRawClient(fake, token: nil)
            let bearer = try await client.send(.GET, Self.deploymentsPath, headers: [("Authorization", "Bearer \(GitLabFake.defaultToken)")])
            #expect(bearer.status == 200)
            let wrong = try await client.send(.GET, Self.deploymentsPath, headers: [("Authorization", "Bearer nope")])
            #expect(wrong.status == 401)
        }
    }

    @Test func recordsRequestsWithoutTheToken() async throws {
        try await withGitLabFake { fake in
            _ = try await GitLabRawClient(fake).send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == Self.deploymentsPath)
            #expect(request.headers["private-token"] == "[REDACTED]")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.body?["environment"] == .string("staging"))
            #expect(request.body?["tag"] == .bool(false))
            #expect(request.responseStatus == 201)
            #expect(!"\(fake.requests)".contains(GitLabFake.defaultToken))
        }
    }

    // MARK: Projects and routes

    @Test(arguments: ["42", "acme%2Fshop", "ACME%2FShop"])
    func findsAProjectByIdOrEncodedPath(project: String) async throws {
        try await withGitLabFake { fake in
            let answer = try await GitLabRawClient(fake).send(
                .POST, "/api/v4/projects/\(project)/deployments", json: GitLabRawClient.createBody())
            #expect(answer.status == 201)
            #expect(fake.deployments.first?.projectID == 42)
        }
    }

    @Test func answersUnknownProjectsAndRoutesWithGitLabsNotFound() async throws {
        try await withGitLabFake { fake in
            let client = GitLabRawClient(fake)
            let unknown = try await client.send(.POST, "/api/v4/projects/7/deployments", json: GitLabRawClient.createBody())
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"message":"404 Project Not Found"}"#)
            // An unencoded slash splits the path: GitLab has no such route.
            let unencoded = try await client.send(.POST, "/api/v4/projects/acme/shop/deployments", json: GitLabRawClient.createBody())
            #expect(unencoded.status == 404)
            #expect(unencoded.text == #"{"error":"404 Not Found"}"#)
            let wrongMethod = try await client.send(.DELETE, Self.deploymentsPath)
            #expect(wrongMethod.status == 404)
        }
    }

    @Test func servesASelfManagedInstallUnderItsPathPrefix() async throws {
        try await withGitLabFake(GitLabFake(pathPrefix: "/gitlab/")) { fake in
            #expect(fake.baseURL.hasSuffix("/gitlab"))
            let client = GitLabRawClient(fake)
            let answer = try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            #expect(answer.status == 201)
            var atRoot = client
            atRoot.baseURL = "http://127.0.0.1:\(try #require(fake.port))"
            let outside = try await atRoot.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            #expect(outside.status == 404)
        }
    }

    // MARK: Create

    @Test(arguments: ["environment", "sha", "ref", "tag", "status"])
    func requiresEveryCreateField(field: String) async throws {
        try await withGitLabFake { fake in
            let answer = try await GitLabRawClient(fake).send(
                .POST, Self.deploymentsPath, json: GitLabRawClient.createBody(omitting: [field]))
            #expect(answer.status == 400)
            #expect(answer.text == #"{"error":"\#(field) is missing"}"#)
            #expect(fake.deployments.isEmpty)
        }
    }

    @Test func listsEveryParameterErrorInGrapesOrder() async throws {
        try await withGitLabFake { fake in
            let client = GitLabRawClient(fake)
            let empty = try await client.send(.POST, Self.deploymentsPath, json: .object([:]))
            #expect(empty.errorText == "environment is missing, sha is missing, ref is missing, tag is missing, status is missing")
            let invalid = try await client.send(
                .POST, Self.deploymentsPath, json: GitLabRawClient.createBody(["tag": .string("maybe"), "status": .string("created")]))
            #expect(invalid.status == 400)
            #expect(invalid.errorText == "tag is invalid, status does not have a valid value")
        }
    }

    @Test(arguments: ["running", "success", "failed", "canceled"])
    func createsADeploymentInAnyAPIStatus(status: String) async throws {
        try await withGitLabFake { fake in
            let answer = try await GitLabRawClient(fake).send(
                .POST, Self.deploymentsPath, json: GitLabRawClient.createBody(["status": .string(status)]))
            #expect(answer.status == 201)
            let deployment = try #require(fake.deployments.first)
            #expect(answer.json?["id"] == .int(deployment.id))
            #expect(answer.json?["status"] == .string(status))
            #expect(deployment.statusHistory.map(\.rawValue) == [status])
        }
    }

    @Test func answersWithTheDeploymentEntityAndCreatesTheEnvironmentOnce() async throws {
        try await withGitLabFake { fake in
            let client = GitLabRawClient(fake)
            let first = try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            let second = try await client.send(
                .POST, Self.deploymentsPath, json: GitLabRawClient.createBody(["sha": .string("b2c3"), "ref": .string("v1.2.0"), "tag": .bool(true)]))
            let json = try #require(first.json)
            #expect(json["ref"] == .string("main"))
            #expect(json["sha"] == .string("3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"))
            #expect(json["iid"] == .int(1))
            #expect(json["environment"]?["name"] == .string("staging"))
            #expect(json["deployable"] == .null)
            #expect(second.json?["iid"] == .int(2))
            #expect(second.json?["environment"]?["id"] == json["environment"]?["id"])
            #expect(second.json?["id"] != json["id"])
            #expect(fake.deployments.last?.tag == true)
        }
    }

    @Test func returnsTheLastSuccessfulDeploymentForARepeatedCreateOnly() async throws {
        try await withGitLabFake { fake in
            let client = GitLabRawClient(fake)
            let success = GitLabRawClient.createBody(["status": "success"])
            let first = try await client.send(.POST, Self.deploymentsPath, json: success)
            let again = try await client.send(.POST, Self.deploymentsPath, json: success)
            #expect(again.status == 201)
            #expect(again.json?["id"] == first.json?["id"])
            // `last_deployment` is the last successful one: a repeated `running` create makes another deployment.
            let running = try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            let runningAgain = try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            #expect(runningAgain.json?["id"] != running.json?["id"])
            #expect(fake.deployments.count == 3)
        }
    }

    @Test func checksRefsAndCommitsWhenToldWhichExist() async throws {
        let fake = GitLabFake(knownRefs: ["main"], knownCommits: ["3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"])
        try await withGitLabFake(fake) { fake in
            let client = GitLabRawClient(fake)
            let ref = try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody(["ref": .string("nope")]))
            #expect(ref.status == 400)
            #expect(ref.text == #"{"message":{"ref":["The branch or tag does not exist"]}}"#)
            let sha = try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody(["sha": .string("0000")]))
            #expect(sha.status == 400)
            #expect(sha.text == #"{"message":{"sha":["The commit does not exist"]}}"#)
            let good = try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            #expect(good.status == 201)
        }
    }

    @Test func acceptsAFormEncodedBody() async throws {
        try await withGitLabFake { fake in
            let answer = try await GitLabRawClient(fake).send(
                .POST, Self.deploymentsPath, body: "environment=review%2Fx&sha=abc&ref=main&tag=false&status=running",
                contentType: "application/x-www-form-urlencoded")
            #expect(answer.status == 201)
            #expect(fake.deployments.first?.environment == "review/x")
        }
    }

    // MARK: Update and the state machine

    /// `app/models/deployment.rb`: `run` only from created|blocked; `succeed`, `drop`, `cancel` from anything but their target.
    static let illegal: Set<String> = [
        "running→running", "success→running", "failed→running", "canceled→running", "skipped→running",
        "success→success", "failed→failed", "canceled→canceled",
    ]

    @Test(arguments: GitLabFake.Status.allCases, [GitLabFake.Status.running, .success, .failed, .canceled])
    func followsTheDeploymentStateMachine(from: GitLabFake.Status, to: GitLabFake.Status) async throws {
        try await withGitLabFake { fake in
            let id = fake.addDeployment(projectID: 42, environment: "staging", sha: "abc", ref: "main", status: from)
            let answer = try await GitLabRawClient(fake).send(
                .PUT, "\(Self.deploymentsPath)/\(id)", json: .object(["status": .string(to.rawValue)]))
            let deployment = try #require(fake.deployment(id: id))
            if Self.illegal.contains("\(from.rawValue)→\(to.rawValue)") {
                #expect(answer.status == 400)
                #expect(deployment.statusHistory == [from])
                #expect(fake.illegalTransitions == [GitLabFake.IllegalTransition(deploymentID: id, from: from, to: to)])
            } else {
                #expect(answer.status == 200)
                #expect(answer.json?["status"] == .string(to.rawValue))
                #expect(deployment.statusHistory == [from, to])
                #expect(fake.illegalTransitions.isEmpty)
            }
        }
    }

    @Test func rejectsAndRecordsRunningAfterRunningOrSuccess() async throws {
        try await withGitLabFake { fake in
            let client = GitLabRawClient(fake)
            let created = try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            let id = try #require(created.json?["id"]?.description)
            let again = try await client.send(.PUT, "\(Self.deploymentsPath)/\(id)", json: .object(["status": .string("running")]))
            #expect(again.status == 400)
            #expect(again.text == #"{"message":"Cannot transition status via :run from :running"}"#)
            let success = try await client.send(.PUT, "\(Self.deploymentsPath)/\(id)", json: .object(["status": .string("success")]))
            #expect(success.status == 200)
            let rerun = try await client.send(.PUT, "\(Self.deploymentsPath)/\(id)", json: .object(["status": .string("running")]))
            #expect(rerun.status == 400)
            let deploymentID = try #require(Int(id))
            #expect(fake.deployment(id: deploymentID)?.statusHistory == [.running, .success])
            #expect(
                fake.illegalTransitions == [
                    .init(deploymentID: deploymentID, from: .running, to: .running),
                    .init(deploymentID: deploymentID, from: .success, to: .running),
                ])
        }
    }

    @Test func canAnswerIllegalTransitionsWithNullAsGitLabsSourceSuggests() async throws {
        try await withGitLabFake(GitLabFake(illegalTransitionAnswer: .okWithNullBody)) { fake in
            let id = fake.addDeployment(projectID: 42, environment: "staging", sha: "abc", ref: "main", status: .success)
            let answer = try await GitLabRawClient(fake).send(.PUT, "\(Self.deploymentsPath)/\(id)", json: .object(["status": .string("success")]))
            #expect(answer.status == 200)
            #expect(answer.text == "null")
            #expect(fake.illegalTransitions.count == 1)
        }
    }

    @Test func validatesTheUpdateAndFindsTheDeploymentInItsProject() async throws {
        let fake = GitLabFake(projects: [.init(id: 42, path: "acme/shop"), .init(id: 43, path: "acme/other")])
        try await withGitLabFake(fake) { fake in
            let client = GitLabRawClient(fake)
            let id = fake.addDeployment(projectID: 42, environment: "staging", sha: "abc", ref: "main", status: .running)
            let missing = try await client.send(.PUT, "\(Self.deploymentsPath)/\(id)", json: .object([:]))
            #expect(missing.text == #"{"error":"status is missing"}"#)
            let invalid = try await client.send(.PUT, "\(Self.deploymentsPath)/\(id)", json: .object(["status": .string("blocked")]))
            #expect(invalid.text == #"{"error":"status does not have a valid value"}"#)
            let unknown = try await client.send(.PUT, "\(Self.deploymentsPath)/999999", json: .object(["status": .string("success")]))
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"message":"404 Not found"}"#)
            let otherProject = try await client.send(
                .PUT, "/api/v4/projects/43/deployments/\(id)", json: .object(["status": .string("success")]))
            #expect(otherProject.status == 404)
            #expect(fake.deployment(id: id)?.statusHistory == [.running])
        }
    }

    @Test func refusesToUpdateADeploymentMadeByCI() async throws {
        try await withGitLabFake { fake in
            let id = fake.addDeployment(projectID: 42, environment: "staging", sha: "abc", ref: "main", status: .running, createdByCI: true)
            let answer = try await GitLabRawClient(fake).send(.PUT, "\(Self.deploymentsPath)/\(id)", json: .object(["status": .string("success")]))
            #expect(answer.status == 403)
            #expect(answer.errorText == "403 Forbidden - Deployments created using GitLab CI can not be updated using the API")
        }
    }

    @Test func listsAndShowsDeployments() async throws {
        try await withGitLabFake { fake in
            let client = GitLabRawClient(fake)
            let staging = fake.addDeployment(projectID: 42, environment: "staging", sha: "abc", ref: "main", status: .running)
            fake.addDeployment(projectID: 42, environment: "production", sha: "abc", ref: "main", status: .success)
            let all = try await client.send(.GET, Self.deploymentsPath)
            #expect(all.json.map { if case .array(let items) = $0 { items.count } else { 0 } } == 2)
            let filtered = try await client.send(.GET, "\(Self.deploymentsPath)?environment=staging&status=running")
            let shown = try await client.send(.GET, "\(Self.deploymentsPath)/\(staging)")
            #expect(shown.status == 200)
            #expect(filtered.json == .array([try #require(shown.json)]))
            let badFilter = try await client.send(.GET, "\(Self.deploymentsPath)?status=nope")
            #expect(badFilter.status == 400)
        }
    }

    // MARK: Faults

    @Test func servesQueuedFaultsInOrderThenAnswersNormally() async throws {
        try await withGitLabFake { fake in
            let client = GitLabRawClient(fake)
            fake.inject(.tooManyRequests(retryAfter: "1"), times: 2)
            fake.inject(.tooManyRequests(retryAfter: nil))
            fake.inject(.throttled(retryAfter: "60"))
            fake.inject(.serverError)
            var answers: [GitLabRawClient.Answer] = []
            for _ in 0..<6 { answers.append(try await client.send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())) }
            #expect(answers.map(\.status) == [429, 429, 429, 429, 500, 201])
            #expect(answers[0].headers.first(name: "Retry-After") == "1")
            #expect(answers[0].text == #"{"message":{"error":"This endpoint has been requested too many times. Try again later."}}"#)
            #expect(answers[2].headers.first(name: "Retry-After") == nil)
            #expect(answers[3].headers.first(name: "Content-Type") == "text/plain")
            #expect(answers[3].text == "Retry later\n")
            #expect(answers[3].headers.first(name: "Retry-After") == "60")
            #expect(answers[3].headers.first(name: "RateLimit-Remaining") == "0")
            #expect(answers[4].text == #"{"message":"500 Internal Server Error"}"#)
            #expect(fake.requests.map(\.responseStatus) == [429, 429, 429, 429, 500, 201])
            #expect(fake.deployments.count == 1)
        }
    }

    @Test func answersFaultsBeforeCheckingTheToken() async throws {
        try await withGitLabFake { fake in
            fake.inject(.response(status: 502, contentType: "text/html", body: "<html>Bad Gateway</html>"))
            let answer = try await GitLabRawClient(fake, token: "wrong").send(.GET, Self.deploymentsPath)
            #expect(answer.status == 502)
            #expect(answer.text == "<html>Bad Gateway</html>")
        }
    }

    @Test func delaysThenAnswersNormally() async throws {
        try await withGitLabFake { fake in
            fake.inject(.delay(.milliseconds(200)))
            let start = ContinuousClock.now
            let answer = try await GitLabRawClient(fake).send(.POST, Self.deploymentsPath, json: GitLabRawClient.createBody())
            #expect(answer.status == 201)
            #expect(ContinuousClock.now - start >= .milliseconds(200))
        }
    }
}
