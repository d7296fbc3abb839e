import BridgeCore
import BridgeTestSupport
import Foundation
import NIOHTTP1
import Testing

/// A deployment's life in the fake: statuses, logs, cancel, and faults.
extension PulumiFakeTests {
    /// The statuses `count` GETs of the deployment show.
    static func statuses(_ fake: PulumiFake, id: String, count: Int) async throws -> [String] {
        var statuses: [String] = []
        for _ in 0..<count {
            let answer = try await send(fake, .GET, "\(deploymentsPath)/\(id)")
            #expect(answer.status == 200)
            statuses.append(answer.json?["status"]?.stringValue ?? "")
        }
        return statuses
    }

    @Test func eachGetShowsTheNextStatusAndTheLastRepeats() async throws {
        try await withPulumiFake { fake in
            let id = try await Self.create(fake)
            let answer = try await Self.send(fake, .GET, "\(Self.deploymentsPath)/\(id)")
            let json = try #require(answer.json)
            #expect(json["id"]?.stringValue == id && json["version"] == .int(1) && json["pulumiOperation"] == "update")
            #expect(json["projectName"] == "shop" && json["stackName"] == "dev")
            #expect(json["created"]?.stringValue?.count == "2022-10-17 22:12:34.834".count)
            #expect(json["jobs"]?.description.contains("not-started") == true)
            let rest = try await Self.statuses(fake, id: id, count: 4)
            #expect(["not-started"] + rest == ["not-started", "accepted", "running", "succeeded", "succeeded"])
            #expect(fake.deployment(id: id)?.status == .succeeded)
        }
    }

    @Test(arguments: [PulumiFake.Status.failed, .skipped])
    func endsAsScripted(outcome: PulumiFake.Status) async throws {
        try await withPulumiFake { fake in
            fake.script(outcome: outcome)
            fake.script([.notStarted, .failed])
            let scripted = try await Self.create(fake)
            let short = try await Self.create(fake)
            let plain = try await Self.create(fake)
            #expect(
                try await Self.statuses(fake, id: scripted, count: 5) == ["not-started", "accepted", "running", outcome.rawValue, outcome.rawValue])
            #expect(try await Self.statuses(fake, id: short, count: 3) == ["not-started", "failed", "failed"])
            #expect(try await Self.statuses(fake, id: plain, count: 4).last == "succeeded")
        }
    }

    @Test func answersAnUnknownDeploymentWithNotFound() async throws {
        try await withPulumiFake { fake in
            let answer = try await Self.send(fake, .GET, "\(Self.deploymentsPath)/\(UUID().uuidString.lowercased())")
            #expect(answer.status == 404)
            #expect(answer.text == #"{"code":404,"message":"Not Found: deployment not found"}"#)
        }
    }

    // MARK: Logs

    @Test func pagesTheLogWithNextTokens() async throws {
        try await withPulumiFake { fake in
            let id = try await Self.create(fake)
            var lines: [ConfigValue] = []
            var pageSizes: [Int] = []
            var path = "\(Self.deploymentsPath)/\(id)/logs"
            while true {
                let page = try await Self.send(fake, .GET, path)
                #expect(page.status == 200)
                guard case .array(let pageLines)? = page.json?["lines"] else { break }
                lines += pageLines
                pageSizes.append(pageLines.count)
                guard let token = page.json?["nextToken"]?.stringValue else { break }
                path = "\(Self.deploymentsPath)/\(id)/logs?nextToken=\(token)"
            }
            #expect(pageSizes == [2, 2, 1])
            #expect(lines.first == .object(["header": "Get source"]))
            #expect(lines[1]["line"] == "Cloning into '/deployments/source'..." && lines[1]["timestamp"] != nil)
            #expect(lines.count == PulumiFake.defaultLog.count)
        }
    }

    @Test func refusesAnUnknownLogToken() async throws {
        try await withPulumiFake(PulumiFake(log: [.header("Only")], logPageSize: 5)) { fake in
            let id = try await Self.create(fake)
            let whole = try await Self.send(fake, .GET, "\(Self.deploymentsPath)/\(id)/logs")
            #expect(whole.text == #"{"lines":[{"header":"Only"}]}"#)
            let unknown = try await Self.send(fake, .GET, "\(Self.deploymentsPath)/\(id)/logs?nextToken=nope")
            #expect(unknown.status == 400)
            #expect(unknown.json?["code"] == .int(400))
        }
    }

    // MARK: Cancel

    @Test func cancelingARunningDeploymentFailsIt() async throws {
        try await withPulumiFake { fake in
            let id = try await Self.create(fake)
            #expect(try await Self.statuses(fake, id: id, count: 3) == ["not-started", "accepted", "running"])
            let cancel = try await Self.send(fake, .POST, "\(Self.deploymentsPath)/\(id)/cancel")
            #expect(cancel.status == 200)
            let deployment = try #require(fake.deployment(id: id))
            #expect(deployment.canceled && deployment.status == .failed)
            #expect(try await Self.statuses(fake, id: id, count: 2) == ["failed", "failed"])
            let again = try await Self.send(fake, .POST, "\(Self.deploymentsPath)/\(id)/cancel")
            #expect(again.status == 409)
            #expect(again.text == #"{"code":409,"message":"Conflict: deployment has already completed"}"#)
        }
    }

    @Test func cancelingAFinishedDeploymentIsAConflict() async throws {
        try await withPulumiFake { fake in
            let id = try await Self.create(fake)
            _ = try await Self.statuses(fake, id: id, count: 4)
            let cancel = try await Self.send(fake, .POST, "\(Self.deploymentsPath)/\(id)/cancel")
            #expect(cancel.status == 409)
            #expect(fake.deployment(id: id)?.canceled == false)
            #expect(fake.deployment(id: id)?.status == .succeeded)
        }
    }

    // MARK: Faults

    @Test func servesQueuedFaultsInOrderBeforeAnythingElse() async throws {
        try await withPulumiFake { fake in
            fake.inject(.tooManyRequests(retryAfter: "3"), times: 2)
            fake.inject(.tooManyRequests(retryAfter: nil))
            fake.inject(.serverError)
            fake.inject(.serviceUnavailable)
            var answers: [LoopbackHTTP.Answer] = []
            for _ in 0..<6 { answers.append(try await Self.send(fake, .POST, Self.deploymentsPath, json: Self.createBody(), token: "wrong")) }
            #expect(answers.map(\.status) == [429, 429, 429, 500, 503, 401])
            #expect(answers.map { $0.headers.first(name: "Retry-After") } == ["3", "3", nil, nil, nil, nil])
            #expect(answers[0].text == #"{"code":429,"message":"Too Many Requests"}"#)
            #expect(answers[4].json?["code"] == .int(503))
            #expect(fake.requests.map(\.responseStatus) == [429, 429, 429, 500, 503, 401])
            #expect(try await Self.create(fake).isEmpty == false)
        }
    }
}
