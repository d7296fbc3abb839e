import BridgeCore
import BridgeTestSupport
import Foundation
import Testing

@testable import BridgeProviders

/// How a `Stopped` CodeDeploy deployment ends the step, and when stopping one asks for a rollback.
@Suite struct CodeDeployStopTests {
    static func endsWith(_ step: CodeDeployFake.Step, _ extra: [String: ConfigValue] = [:]) async throws -> DeploymentStatus {
        try await withCodeDeployFake { fake in
            fake.script([step])
            let deployer = CodeDeployDeployerTests.deployer()
            let request = CodeDeployDeployerTests.request(fake, extra)
            let id = try #require(try await deployer.start(request).externalID)
            return try await deployer.poll(externalID: id, request: request).status
        }
    }

    @Test func stoppedByAnAlarmIsAFailure() async throws {
        let step = CodeDeployFake.Step(
            "Stopped", errorCode: "ALARM_ACTIVE", errorMessage: "One or more alarms have been activated: shop-5xx",
            rollbackMessage: "Rolled back: an alarm was activated")
        #expect(
            try await Self.endsWith(step)
                == .failed(reason: "stopped by CodeDeploy: ALARM_ACTIVE: One or more alarms have been activated: shop-5xx"))
    }

    @Test func stoppedForAnAutomaticRollbackOrNoReasonIsAFailure() async throws {
        let rollback = CodeDeployFake.Step(
            "Stopped", errorCode: "AUTO_ROLLBACK", errorMessage: "Rolled back because a newer deployment failed")
        #expect(
            try await Self.endsWith(rollback)
                == .failed(reason: "stopped by CodeDeploy: AUTO_ROLLBACK: Rolled back because a newer deployment failed"))
        #expect(try await Self.endsWith(CodeDeployFake.Step("Stopped")) == .failed(reason: "stopped by CodeDeploy, which gave no reason"))
    }

    @Test func aRequestedStopIsACancellation() async throws {
        let step = CodeDeployFake.Step("Stopped", errorCode: "MANUAL_STOP", errorMessage: "Stopped from the console")
        #expect(try await Self.endsWith(step) == .canceled(reason: "MANUAL_STOP: Stopped from the console"))
    }

    static let rollbackSettings: [(ConfigValue, Bool?)] = [
        (["enabled": true, "events": ["DEPLOYMENT_STOP_ON_REQUEST"]], true),
        (["enabled": true, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]], false),
        (["enabled": false, "events": ["DEPLOYMENT_STOP_ON_REQUEST"]], false),
        (["events": ["DEPLOYMENT_STOP_ON_REQUEST"]], false),
        (["enabled": true], false),
    ]

    @Test(arguments: rollbackSettings)
    func stopAsksForARollbackOnlyForStopOnRequest(rollback: ConfigValue, asked: Bool?) async throws {
        try await withCodeDeployFake { fake in
            fake.script([.init("InProgress")])
            let deployer = CodeDeployDeployerTests.deployer()
            let request = CodeDeployDeployerTests.request(fake, ["auto_rollback": rollback])
            let id = try #require(try await deployer.start(request).externalID)
            try await deployer.cancel(externalID: id, request: request)
            #expect(fake.deployment(id: id)?.stopRequests == [asked])
        }
    }
}
