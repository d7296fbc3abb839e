import BridgeCore
import BridgeTestSupport
import Testing

/// `CodeDeployRequest`: rendered parameters to CodeDeploy's JSON 1.1 calls, and every problem found.
@Suite struct CodeDeployRequestTests {
    static let sha = "3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3"
    static let base: [String: ConfigValue] = ["region": "eu-west-2", "application": "shop", "deployment_group": "staging"]

    static func build(_ extra: [String: ConfigValue], sha: String? = sha) throws -> CodeDeployRequest {
        try CodeDeployRequest(parameters: .object(base.merging(extra) { $1 }), pushedSHA: sha)
    }

    static func body(_ extra: [String: ConfigValue]) throws -> String {
        String(decoding: try build(extra).createDeployment.body, as: UTF8.self)
    }

    static func problems(_ extra: [String: ConfigValue]) -> [String] {
        CodeDeployRequest.problems(in: .object(base.merging(extra) { $1 })).map(\.message)
    }

    @Test func everyKeyBecomesItsField() throws {
        let body = try Self.body([
            "deployment_config": "CodeDeployDefault.OneAtATime", "description": "acme/shop@3f2c1ab",
            "revision": ["s3": ["bucket": "shop-builds", "key": "shop/3f2c1ab.zip", "bundle_type": "zip", "version": "v7", "etag": "e1"]],
            "ignore_application_stop_failures": true, "update_outdated_instances_only": false, "file_exists_behavior": "OVERWRITE",
            "target_instances": [
                "tag_filters": [["key": "app", "value": "shop", "type": "KEY_AND_VALUE"]], "auto_scaling_groups": ["shop-asg"],
            ],
            "auto_rollback": ["enabled": true, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]],
            "override_alarm_configuration": ["enabled": true, "ignore_poll_alarm_failure": false, "alarms": ["shop-5xx", "shop-latency"]],
        ])
        #expect(
            body
                == #"{"applicationName":"shop","autoRollbackConfiguration":{"enabled":true,"events":["DEPLOYMENT_FAILURE","DEPLOYMENT_STOP_ON_ALARM"]},"#
                + #""deploymentConfigName":"CodeDeployDefault.OneAtATime","deploymentGroupName":"staging","description":"acme/shop@3f2c1ab","#
                + #""fileExistsBehavior":"OVERWRITE","ignoreApplicationStopFailures":true,"overrideAlarmConfiguration":{"alarms":"#
                + #"[{"name":"shop-5xx"},{"name":"shop-latency"}],"enabled":true,"ignorePollAlarmFailure":false},"revision":{"revisionType":"S3","#
                + #""s3Location":{"bucket":"shop-builds","bundleType":"zip","eTag":"e1","key":"shop/3f2c1ab.zip","version":"v7"}},"#
                + #""targetInstances":{"autoScalingGroups":["shop-asg"],"tagFilters":[{"Key":"app","Type":"KEY_AND_VALUE","Value":"shop"}]},"#
                + #""updateOutdatedInstancesOnly":false}"#)
    }

    @Test func theCallsAreJSON11() throws {
        let built = try Self.build(["auto_rollback": ["enabled": false]])
        let create = built.createDeployment
        #expect(create.service == "codedeploy")
        #expect(create.method == "POST")
        #expect(create.path == "/")
        #expect(
            create.headers == [.init("Content-Type", "application/x-amz-json-1.1"), .init("X-Amz-Target", "CodeDeploy_20141006.CreateDeployment")])
        let get = built.getDeployment(id: "d-ABCDEF123")
        #expect(get.headers.last == .init("X-Amz-Target", "CodeDeploy_20141006.GetDeployment"))
        #expect(get.body == Array(#"{"deploymentId":"d-ABCDEF123"}"#.utf8))
        let stop = built.stopDeployment(id: "d-ABCDEF123")
        #expect(stop.headers.last == .init("X-Amz-Target", "CodeDeploy_20141006.StopDeployment"))
        #expect(stop.body == Array(#"{"autoRollbackEnabled":false,"deploymentId":"d-ABCDEF123"}"#.utf8))
        #expect(built.target.endpoint == "https://codedeploy.eu-west-2.amazonaws.com")
        #expect(try Self.build([:]).stopDeployment(id: "d-1").body == Array(#"{"deploymentId":"d-1"}"#.utf8))
    }

    @Test func withoutRevisionTheGroupsTargetRevisionIsDeployed() throws {
        #expect(try Self.body([:]) == #"{"applicationName":"shop","deploymentGroupName":"staging"}"#)
    }

    @Test func aGitHubRevisionDeploysThePushedCommitUnlessItNamesOne() throws {
        #expect(
            try Self.build(["revision": ["github": ["repository": "acme/shop"]]]).createBody["revision"]
                == ["revisionType": "GitHub", "gitHubLocation": ["repository": "acme/shop", "commitId": .string(Self.sha)]])
        #expect(
            try Self.build(["revision": ["github": ["repository": "acme/shop", "commit": "0123abc"]]]).createBody["revision"]
                == ["revisionType": "GitHub", "gitHubLocation": ["repository": "acme/shop", "commitId": "0123abc"]])
    }

    @Test func aGitHubRevisionWithoutAnyCommitIsAProblem() {
        #expect(
            throws: ParameterError(
                provider: "aws-codedeploy", problems: ["revision.github.commit is required: the event has no pushed commit to default to"])
        ) {
            try Self.build(["revision": ["github": ["repository": "acme/shop"]]], sha: "")
        }
        #expect(Self.problems(["revision": ["github": ["repository": "acme/shop"]]]) == [])
    }

    @Test func stringAndAppSpecRevisionsCarryTheirContent() throws {
        let hash = String(repeating: "ab", count: 32)
        #expect(
            try Self.build(["revision": ["string": ["content": "version: 0.0", "sha256": .string(hash)]]]).createBody["revision"]
                == ["revisionType": "String", "string": ["content": "version: 0.0", "sha256": .string(hash)]])
        #expect(
            try Self.build(["revision": ["appspec": ["content": "{\"version\": 0.0}"]]]).createBody["revision"]
                == ["revisionType": "AppSpecContent", "appSpecContent": ["content": "{\"version\": 0.0}"]])
    }

    @Test func tagFilterTypesFollowFromWhatIsGiven() throws {
        let targets = try Self.build([
            "target_instances": ["tag_filters": [["key": "app", "value": "shop"], ["key": "canary"], ["value": "blue"]]]
        ]).createBody["targetInstances"]
        #expect(
            targets == [
                "tagFilters": [
                    ["Key": "app", "Value": "shop", "Type": "KEY_AND_VALUE"], ["Key": "canary", "Type": "KEY_ONLY"],
                    ["Value": "blue", "Type": "VALUE_ONLY"],
                ]
            ])
    }

    @Test func anEC2TagSetIsAListOfFilterLists() throws {
        let targets = try Self.build([
            "target_instances": ["ec2_tag_set": [[["key": "app", "value": "shop"]], [["key": "env", "value": "staging", "type": "KEY_AND_VALUE"]]]]
        ]).createBody["targetInstances"]
        #expect(
            targets == [
                "ec2TagSet": [
                    "ec2TagSetList": [
                        [["Key": "app", "Value": "shop", "Type": "KEY_AND_VALUE"]], [["Key": "env", "Value": "staging", "Type": "KEY_AND_VALUE"]],
                    ]
                ]
            ])
    }

    static let problemCases: [([String: ConfigValue], [String])] = [
        (["application": .null], ["missing required key application"]),
        (["deployment_group": .null], ["missing required key deployment_group"]),
        (["region": .null], ["missing required key region"]),
        (["applicationName": "shop"], ["unknown key applicationName (did you mean application?)"]),
        (["deployment_config": ["name": "x"]], ["deployment_config must be a string, found a map"]),
        (["revision": [:]], ["revision must have exactly one of s3, github, string or appspec, found none"]),
        (
            ["revision": ["s3": ["bucket": "b", "key": "k"], "github": ["repository": "a/b"]]],
            ["revision must have exactly one of s3, github, string or appspec, found s3 and github"]
        ),
        (["revision": "s3://b/k.zip"], [#"revision must be a map, found "s3://b/k.zip""#]),
        (["revision": ["s3": [:]]], ["missing required key revision.s3.bucket", "missing required key revision.s3.key"]),
        (
            ["revision": ["s3": ["bucket": "b", "key": "k", "bundle_type": "rar"]]],
            [#"revision.s3.bundle_type must be one of tar, tgz, zip, YAML, JSON, found "rar""#]
        ),
        (
            ["revision": ["s3": ["buket": "b", "key": "k"]]],
            ["missing required key revision.s3.bucket", "unknown key revision.s3.buket (did you mean bucket?)"]
        ),
        (
            ["revision": ["s3Location": ["bucket": "b"]]],
            ["revision must have exactly one of s3, github, string or appspec, found none", "unknown key revision.s3Location (did you mean s3?)"]
        ),
        (["revision": ["github": ["repository": "shop"]]], [#"revision.github.repository must be owner/name, found "shop""#]),
        (["revision": ["github": ["commit": "abc"]]], ["missing required key revision.github.repository"]),
        (
            ["revision": ["string": ["sha256": "abc"]]],
            ["missing required key revision.string.content", "revision.string.sha256 must be 64 hexadecimal digits, found 3 digits"]
        ),
        (["revision": ["appspec": ["content": "x", "sha256": "xyz"]]], [#"revision.appspec.sha256 must be 64 hexadecimal digits, found "xyz""#]),
        (["ignore_application_stop_failures": "no"], [#"ignore_application_stop_failures must be true or false, found "no""#]),
        (["update_outdated_instances_only": 0], ["update_outdated_instances_only must be true or false, found 0"]),
        (["file_exists_behavior": "overwrite"], [#"file_exists_behavior must be one of DISALLOW, OVERWRITE, RETAIN, found "overwrite""#]),
        (
            ["target_instances": ["tag_filters": [["key": "app", "type": "KEY"]]]],
            [#"target_instances.tag_filters[0].type must be one of KEY_ONLY, VALUE_ONLY, KEY_AND_VALUE, found "KEY""#]
        ),
        (["target_instances": ["tag_filters": [[:]]]], ["target_instances.tag_filters[0] needs a key, a value or both"]),
        (["target_instances": ["tag_filters": ["app=shop"]]], [#"target_instances.tag_filters[0] must be a map, found "app=shop""#]),
        (["target_instances": ["tag_filters": ["key": "app"]]], ["target_instances.tag_filters must be a list, found a map"]),
        (["target_instances": ["auto_scaling_groups": []]], ["target_instances.auto_scaling_groups must not be an empty list"]),
        (["target_instances": ["ec2_tag_set": [["key": "app"]]]], ["target_instances.ec2_tag_set[0] must be a list, found a map"]),
        (
            ["target_instances": ["tag_filters": [["key": "a"]], "ec2_tag_set": [[["key": "b"]]]]],
            ["target_instances.tag_filters and target_instances.ec2_tag_set cannot both be set"]
        ),
        (["auto_rollback": ["enabled": "yes"]], [#"auto_rollback.enabled must be true or false, found "yes""#]),
        (
            ["auto_rollback": ["events": ["DEPLOYMENT_FAILED"]]],
            [
                #"auto_rollback.events[0] must be one of DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST, found "DEPLOYMENT_FAILED""#
            ]
        ),
        (["override_alarm_configuration": ["alarms": "shop-5xx"]], [#"override_alarm_configuration.alarms must be a list, found "shop-5xx""#]),
        (["override_alarm_configuration": ["alarms": ["shop-5xx", ""]]], ["override_alarm_configuration.alarms[1] must not be empty"]),
        (
            ["override_alarm_configuration": ["ignore_alarm_failure": true]],
            ["unknown key override_alarm_configuration.ignore_alarm_failure (did you mean ignore_poll_alarm_failure?)"]
        ),
        (["endpoint": "localhost:4566"], [#"endpoint must start with https:// or http://, found "localhost:4566""#]),
    ]

    @Test(arguments: problemCases)
    func eachProblemIsNamed(parameters: [String: ConfigValue], expected: [String]) {
        #expect(Self.problems(parameters) == expected)
        #expect(throws: ParameterError(provider: "aws-codedeploy", problems: expected)) { try Self.build(parameters) }
    }

    @Test func templatesPassTheCheckButNotTheBuild() throws {
        let templated: [String: ConfigValue] = [
            "file_exists_behavior": "${behavior}", "auto_rollback": ["enabled": "${rollback}"],
            "revision": ["github": ["repository": "${repository}"], "string": .null],
        ]
        #expect(Self.problems(templated) == [])
        #expect(throws: ParameterError.self) { try Self.build(templated) }
    }
}
