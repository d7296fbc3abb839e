/// API Gateway's `CreateDeployment` for an `aws-apigateway` target (REST APIs, v1; providers.md §1):
/// `POST /restapis/{rest_api_id}/deployments` with a JSON body, signed for the service `apigateway`.
///
/// | key | sent as |
/// |---|---|
/// | `rest_api_id` (required) | the path |
/// | `stage` | `stageName`: the stage to create or point at the new deployment |
/// | `stage_description` | `stageDescription` |
/// | `description` | `description` of the deployment |
/// | `variables` (map of name to string) | `variables` (stage variables) |
/// | `canary: {percent_traffic, stage_variable_overrides, use_stage_cache}` | `canarySettings` (the stage must exist) |
/// | `tracing_enabled` | `tracingEnabled` |
/// | `cache_cluster_enabled`, `cache_cluster_size` (`0.5` … `237`) | `cacheClusterEnabled`, `cacheClusterSize` |
///
/// plus the keys of every AWS target (`AWSTarget`).
public struct APIGatewayDeploymentRequest: Sendable, Hashable {
    public static let provider = "aws-apigateway"
    public static let service = "apigateway"
    /// API Gateway's cache sizes, in GB.
    public static let cacheClusterSizes = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"]

    public var target: AWSTarget
    public var restAPIID: String
    /// The stage the deployment goes to; nil only creates a deployment.
    public var stage: String?
    /// The JSON body, in API Gateway's member names.
    public var body: ConfigValue

    public init(target: AWSTarget, restAPIID: String, stage: String?, body: ConfigValue) {
        self.target = target
        self.restAPIID = restAPIID
        self.stage = stage
        self.body = body
    }

    /// Builds the request from a target's rendered parameters, or throws every problem found.
    public init(parameters: ConfigValue) throws(ParameterError) {
        var reader = ParameterReader(parameters, allowsTemplates: false)
        let built = Self.read(&reader)
        guard let built, reader.problems.isEmpty else {
            throw ParameterError(provider: Self.provider, problems: reader.problems.map(\.message))
        }
        self = built
    }

    /// Every problem of a parameter set, empty when it is valid. A value holding a `${…}` template is accepted
    /// wherever it could render to a valid one, since `check` sees parameters before any event renders them.
    public static func problems(in parameters: ConfigValue) -> [ParameterProblem] {
        var reader = ParameterReader(parameters, allowsTemplates: true)
        _ = read(&reader)
        return reader.problems
    }

    /// The REST API it deploys, which steps are serialised on (`StepResource`): API Gateway refuses concurrent changes
    /// to one API with `ConflictException`, whatever the stage. `https://apigateway.eu-west-2.amazonaws.com/restapis/a1b2c3d4e5`.
    public var resource: String {
        target.endpoint.lowercased() + "/restapis/" + SigV4Signer.uriEncode(restAPIID)
    }

    /// The call: method, path, headers (`Accept: application/json`, which botocore also sends, so the answer is never
    /// HAL) and body.
    public var request: AWSRequest {
        AWSRequest(
            service: Self.service, operation: "CreateDeployment", method: "POST",
            path: "/restapis/\(SigV4Signer.uriEncode(restAPIID))/deployments",
            headers: [AWSRequest.Header("Content-Type", "application/json"), AWSRequest.Header("Accept", "application/json")],
            body: Array(body.jsonText.utf8))
    }

    private static func read(_ reader: inout ParameterReader) -> APIGatewayDeploymentRequest? {
        let target = AWSTarget.read(&reader, service: service)
        let restAPIID = reader.identifier("rest_api_id", required: true, what: "letters and digits, such as a1b2c3d4e5") {
            $0.isASCIIAlphanumeric
        }
        let stage = reader.identifier("stage", what: "letters, digits, _ and -") { $0.isASCIIAlphanumeric || $0 == "_" || $0 == "-" }
        var body: [String: ConfigValue] = [:]
        body["stageName"] = stage.map(ConfigValue.string)
        body["stageDescription"] = reader.string("stage_description", allowEmpty: true).map(ConfigValue.string)
        if reader.has("stage_description") && !reader.has("stage") {
            reader.report("stage_description needs stage: it describes the stage the deployment creates", at: "stage_description")
        }
        body["description"] = reader.string("description", allowEmpty: true).map(ConfigValue.string)
        body["variables"] = stageVariables(&reader, "variables")
        body["canarySettings"] = reader.map("canary") { canary in canarySettings(&canary) }
        if reader.has("canary") && !reader.has("stage") {
            reader.report("canary needs stage: a canary is set on an existing stage", at: "canary")
        }
        body["tracingEnabled"] = reader.bool("tracing_enabled").map(ConfigValue.bool)
        body["cacheClusterEnabled"] = reader.bool("cache_cluster_enabled").map(ConfigValue.bool)
        body["cacheClusterSize"] = reader.oneOf("cache_cluster_size", cacheClusterSizes).map(ConfigValue.string)
        _ = reader.duration(StepTimeout.key)
        reader.finish()
        guard let target, let restAPIID else { return nil }
        return APIGatewayDeploymentRequest(target: target, restAPIID: restAPIID, stage: stage, body: .object(body))
    }

    private static func canarySettings(_ reader: inout ParameterReader) -> ConfigValue {
        var settings: [String: ConfigValue] = [:]
        settings["percentTraffic"] = reader.number("percent_traffic", in: 0...100).map(Self.jsonNumber)
        settings["stageVariableOverrides"] = stageVariables(&reader, "stage_variable_overrides")
        settings["useStageCache"] = reader.bool("use_stage_cache").map(ConfigValue.bool)
        return .object(settings)
    }

    /// Stage variable names are letters, digits and `_` (API Gateway's rule); values are any string.
    private static func stageVariables(_ reader: inout ParameterReader, _ key: String) -> ConfigValue? {
        reader.stringMap(key, names: "letters, digits and _") { name in
            !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "_" }
        }.map { .object($0.mapValues(ConfigValue.string)) }
    }

    /// `10` rather than `10.0` when the number is whole (both are the same JSON number).
    static func jsonNumber(_ number: Double) -> ConfigValue {
        number.rounded() == number && abs(number) < 1e15 ? .int(Int(number)) : .double(number)
    }
}
