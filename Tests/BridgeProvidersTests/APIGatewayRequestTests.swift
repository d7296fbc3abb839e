import BridgeCore
import BridgeTestSupport
import Testing

/// `APIGatewayDeploymentRequest`: rendered parameters to API Gateway's CreateDeployment, and every problem found.
@Suite struct APIGatewayRequestTests {
    static let base: [String: ConfigValue] = ["region": "eu-west-2", "rest_api_id": "a1b2c3d4e5"]

    static func build(_ extra: [String: ConfigValue]) throws -> APIGatewayDeploymentRequest {
        try APIGatewayDeploymentRequest(parameters: .object(base.merging(extra) { $1 }))
    }

    static func problems(_ extra: [String: ConfigValue]) -> [String] {
        APIGatewayDeploymentRequest.problems(in: .object(base.merging(extra) { $1 })).map(\.message)
    }

    @Test func everyKeyBecomesItsField() throws {
        let built = try Self.build([
            "stage": "prod", "stage_description": "production", "description": "acme/shop@3f2c1ab",
            "variables": ["build": "3f2c1ab", "lambdaAlias": "live"],
            "canary": ["percent_traffic": 12.5, "stage_variable_overrides": ["lambdaAlias": "canary"], "use_stage_cache": false],
            "tracing_enabled": true, "cache_cluster_enabled": true, "cache_cluster_size": 0.5,
        ])
        let request = built.request
        #expect(request.service == "apigateway")
        #expect(request.operation == "CreateDeployment")
        #expect(request.method == "POST")
        #expect(request.path == "/restapis/a1b2c3d4e5/deployments")
        #expect(request.headers == [.init("Content-Type", "application/json"), .init("Accept", "application/json")])
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == #"{"cacheClusterEnabled":true,"cacheClusterSize":"0.5","canarySettings":{"percentTraffic":12.5,"#
                + #""stageVariableOverrides":{"lambdaAlias":"canary"},"useStageCache":false},"description":"acme/shop@3f2c1ab","#
                + #""stageDescription":"production","stageName":"prod","tracingEnabled":true,"#
                + #""variables":{"build":"3f2c1ab","lambdaAlias":"live"}}"#)
        #expect(built.stage == "prod")
        #expect(built.restAPIID == "a1b2c3d4e5")
    }

    @Test func theLeastIsARestAPIAndARegion() throws {
        let built = try Self.build([:])
        #expect(built.request.body == Array("{}".utf8))
        #expect(built.stage == nil)
        #expect(built.target.endpoint == "https://apigateway.eu-west-2.amazonaws.com")
        #expect(built.target.host == "apigateway.eu-west-2.amazonaws.com")
        #expect(built.target.url(for: built.request) == "https://apigateway.eu-west-2.amazonaws.com/restapis/a1b2c3d4e5/deployments")
        #expect(built.target.signsContentSHA256 == false)
        #expect(built.target.credentials == AWSCredentialsSource(region: "eu-west-2"))
    }

    @Test(arguments: [
        (ConfigValue.double(0.5), "0.5"), (.double(1.6), "1.6"), (.int(118), "118"), (.double(237.0), "237"), (.string("13.5"), "13.5"),
    ])
    func cacheSizesAreTakenAsWritten(size: ConfigValue, text: String) throws {
        let built = try Self.build(["cache_cluster_size": size])
        #expect(built.body["cacheClusterSize"] == .string(text))
    }

    @Test func renderedTextIsAcceptedForBooleansAndNumbers() throws {
        let built = try Self.build([
            "rest_api_id": 123_456, "tracing_enabled": "true", "stage": "prod", "canary": ["percent_traffic": "100", "use_stage_cache": "false"],
        ])
        #expect(built.restAPIID == "123456")
        #expect(built.body["tracingEnabled"] == true)
        #expect(built.body["canarySettings"] == ["percentTraffic": 100, "useStageCache": false])
    }

    @Test func nullIsAbsent() throws {
        let built = try Self.build(["stage": .null, "canary": .null, "description": .null])
        #expect(built.body == [:])
    }

    @Test func anEndpointOverrideIsTheHostSignedAndCalled() throws {
        let built = try Self.build(["endpoint": "http://127.0.0.1:5123/", "sign_content_sha256": true])
        #expect(built.target.endpoint == "http://127.0.0.1:5123")
        #expect(built.target.host == "127.0.0.1:5123")
        #expect(built.target.signsContentSHA256)
        #expect(built.target.signer(service: "apigateway").signsContentSHA256)
    }

    @Test func chinaRegionsUseTheirOwnDomain() throws {
        let built = try Self.build(["region": "cn-north-1"])
        #expect(built.target.endpoint == "https://apigateway.cn-north-1.amazonaws.com.cn")
    }

    @Test func credentialKeysBecomeTheCredentialsSource() throws {
        let built = try Self.build([
            "profile": "deploy", "role_arn": "arn:aws:iam::123456789012:role/deployer", "role_session_name": "gitops-bridge",
            "external_id": "shop-42", "sts_endpoint": "https://sts.eu-west-2.amazonaws.com",
        ])
        #expect(
            built.target.credentials
                == AWSCredentialsSource(
                    profile: "deploy", roleARN: "arn:aws:iam::123456789012:role/deployer", roleSessionName: "gitops-bridge",
                    externalID: "shop-42", region: "eu-west-2", stsEndpoint: "https://sts.eu-west-2.amazonaws.com"))
    }

    static let problemCases: [([String: ConfigValue], [String])] = [
        (["region": .null], ["missing required key region"]),
        (["rest_api_id": .null], ["missing required key rest_api_id"]),
        (["region": "EU West 2"], [#"region must be an AWS region such as eu-west-2, found "EU West 2""#]),
        (["rest_api_id": "a1/b2"], [#"rest_api_id must be letters and digits, such as a1b2c3d4e5, found "a1/b2""#]),
        (["rest_api_id": ""], ["rest_api_id must not be empty"]),
        (["stage": "prod stage"], [#"stage must be letters, digits, _ and -, found "prod stage""#]),
        (["stage": true], ["stage must be a string, found true"]),
        (["stage_description": "x"], ["stage_description needs stage: it describes the stage the deployment creates"]),
        (["canary": ["percent_traffic": 10]], ["canary needs stage: a canary is set on an existing stage"]),
        (["stage": "prod", "canary": "10%"], [#"canary must be a map, found "10%""#]),
        (["stage": "prod", "canary": ["percent_traffic": 150]], ["canary.percent_traffic must be a number from 0 to 100, found 150"]),
        (["stage": "prod", "canary": ["percent_traffic": "lots"]], [#"canary.percent_traffic must be a number from 0 to 100, found "lots""#]),
        (["stage": "prod", "canary": ["percent": 10]], ["unknown key canary.percent (did you mean percent_traffic?)"]),
        (["stage": "prod", "canary": ["use_stage_cache": "yes"]], [#"canary.use_stage_cache must be true or false, found "yes""#]),
        (
            ["stage": "prod", "canary": ["stage_variable_overrides": ["a-b": "1"]]],
            ["canary.stage_variable_overrides: 'a-b' is not a valid name (letters, digits and _)"]
        ),
        (["variables": ["build-id": "1"]], ["variables: 'build-id' is not a valid name (letters, digits and _)"]),
        (["variables": ["build": ["1"]]], ["variables.build must be a string, found a list"]),
        (["variables": ["build", "1"]], ["variables must be a map of name to string, found a list"]),
        (["tracing_enabled": "maybe"], [#"tracing_enabled must be true or false, found "maybe""#]),
        (["cache_cluster_enabled": 1], ["cache_cluster_enabled must be true or false, found 1"]),
        (["cache_cluster_size": 2], [#"cache_cluster_size must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237, found "2""#]),
        (["description": ["text": "x"]], ["description must be a string, found a map"]),
        (["stage_name": "prod"], ["unknown key stage_name (did you mean stage?)"]),
        (["stageName": "prod"], ["unknown key stageName (did you mean stage?)"]),
        (["cacheClusterSize": "0.5"], ["unknown key cacheClusterSize (did you mean cache_cluster_size?)"]),
        (["tracing_enabeld": true], ["unknown key tracing_enabeld (did you mean tracing_enabled?)"]),
        (["endpoint": "ftp://127.0.0.1"], [#"endpoint must start with https:// or http://, found "ftp://127.0.0.1""#]),
        (
            ["endpoint": "http://127.0.0.1:5123/api"],
            [
                #"endpoint must be a scheme and a host with an optional port and no path, such as http://127.0.0.1:5000, found "http://127.0.0.1:5123/api""#
            ]
        ),
        (["sign_content_sha256": "yes"], [#"sign_content_sha256 must be true or false, found "yes""#]),
        (["role_arn": "deployer"], [#"role_arn must be an IAM role ARN such as arn:aws:iam::123456789012:role/deployer, found "deployer""#]),
        (["role_session_name": "my session"], [#"role_session_name must be letters, digits and any of _+=,.@-, found "my session""#]),
        (["sts_endpoint": "sts.amazonaws.com"], [#"sts_endpoint must start with https:// or http://, found "sts.amazonaws.com""#]),
    ]

    @Test(arguments: problemCases)
    func eachProblemIsNamed(parameters: [String: ConfigValue], expected: [String]) {
        #expect(Self.problems(parameters) == expected)
        #expect(throws: ParameterError(provider: "aws-apigateway", problems: expected)) { try Self.build(parameters) }
    }

    @Test func everyProblemIsListedAtOnce() {
        let error = #expect(throws: ParameterError.self) {
            try APIGatewayDeploymentRequest(parameters: ["rest_api_id": "a/b", "cache_cluster_size": "3", "stages": "prod"])
        }
        #expect(
            error?.description
                == "invalid aws-apigateway parameters: missing required key region; rest_api_id must be letters and digits, such as "
                + #"a1b2c3d4e5, found "a/b"; cache_cluster_size must be one of 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237, found "3"; "#
                + "unknown key stages (did you mean stage?)")
    }

    @Test func parametersMustBeAMap() {
        #expect(
            APIGatewayDeploymentRequest.problems(in: ["a1b2c3d4e5"]) == [
                ParameterProblem(key: nil, "the parameters must be a map, found a list"),
                ParameterProblem(key: nil, "missing required key region"),
                ParameterProblem(key: nil, "missing required key rest_api_id"),
            ])
    }

    @Test func templatesPassTheCheckButNotTheBuild() throws {
        let templated: [String: ConfigValue] = [
            "stage": "${branch}", "cache_cluster_size": "${size}", "tracing_enabled": "${tracing}", "region": "${region}",
            "endpoint": "${endpoint}", "canary": ["percent_traffic": "${percent}"],
        ]
        #expect(Self.problems(templated) == [])
        #expect(throws: ParameterError.self) { try Self.build(templated) }
    }
}
