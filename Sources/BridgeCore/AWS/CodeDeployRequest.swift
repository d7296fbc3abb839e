/// CodeDeploy's JSON 1.1 calls for an `aws-codedeploy` target (providers.md §2): `POST /` with
/// `X-Amz-Target: CodeDeploy_20141006.<Operation>`, signed for the service `codedeploy`.
///
/// `CreateDeployment` is built from the target's keys:
///
/// | key | sent as |
/// |---|---|
/// | `application` (required), `deployment_group` (required) | `applicationName`, `deploymentGroupName` |
/// | `deployment_config`, `description` | `deploymentConfigName`, `description` |
/// | `revision`: exactly one of `s3: {bucket, key, bundle_type, version, etag}`, `github: {repository, commit}` (commit defaults to the pushed one), `string: {content, sha256}`, `appspec: {content, sha256}` | `revision` (`S3`, `GitHub`, `String`, `AppSpecContent`) |
/// | `ignore_application_stop_failures`, `update_outdated_instances_only` | the same in camel case |
/// | `target_instances: {tag_filters: [{key, value, type}], auto_scaling_groups: [...], ec2_tag_set: [[{key, value, type}]]}` | `targetInstances` |
/// | `auto_rollback: {enabled, events: [...]}` | `autoRollbackConfiguration`; `StopDeployment` asks for a rollback (`autoRollbackEnabled: true`) only when `enabled` is true and `events` include `DEPLOYMENT_STOP_ON_REQUEST` |
/// | `file_exists_behavior` (`DISALLOW`, `OVERWRITE`, `RETAIN`) | `fileExistsBehavior` |
/// | `override_alarm_configuration: {enabled, ignore_poll_alarm_failure, alarms: [names]}` | `overrideAlarmConfiguration` |
///
/// plus the keys of every AWS target (`AWSTarget`). Without `revision` CodeDeploy deploys the group's target revision.
public struct CodeDeployRequest: Sendable, Hashable {
    public static let provider = "aws-codedeploy"
    public static let service = "codedeploy"
    /// The API version's prefix of every `X-Amz-Target`.
    public static let targetPrefix = "CodeDeploy_20141006."
    public static let bundleTypes = ["tar", "tgz", "zip", "YAML", "JSON"]
    public static let fileExistsBehaviors = ["DISALLOW", "OVERWRITE", "RETAIN"]
    public static let rollbackEvents = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"]
    public static let tagFilterTypes = ["KEY_ONLY", "VALUE_ONLY", "KEY_AND_VALUE"]

    public var target: AWSTarget
    /// `CreateDeployment`'s body, in CodeDeploy's member names.
    public var createBody: ConfigValue
    /// `autoRollbackEnabled` of `StopDeployment`: true when the target's `auto_rollback` is enabled with the event
    /// `DEPLOYMENT_STOP_ON_REQUEST`, false when its `auto_rollback` says otherwise, nil (not sent: the deployment
    /// group's own configuration decides) without `auto_rollback`.
    public var autoRollbackEnabled: Bool?

    public init(target: AWSTarget, createBody: ConfigValue, autoRollbackEnabled: Bool?) {
        self.target = target
        self.createBody = createBody
        self.autoRollbackEnabled = autoRollbackEnabled
    }

    /// Builds the calls from a target's rendered parameters, or throws every problem found. `pushedSHA` is the
    /// commit a `github` revision deploys when it names none.
    public init(parameters: ConfigValue, pushedSHA: String?) throws(ParameterError) {
        var reader = ParameterReader(parameters, allowsTemplates: false)
        let built = Self.read(&reader, pushedSHA: pushedSHA.flatMap { $0.isEmpty ? nil : $0 })
        guard let built, reader.problems.isEmpty else {
            throw ParameterError(provider: Self.provider, problems: reader.problems.map(\.message))
        }
        self = built
    }

    /// Every problem of a parameter set, empty when it is valid. A value holding a `${…}` template is accepted
    /// wherever it could render to a valid one, and a `github` revision may leave out its commit (the pushed one).
    public static func problems(in parameters: ConfigValue) -> [ParameterProblem] {
        var reader = ParameterReader(parameters, allowsTemplates: true)
        _ = read(&reader, pushedSHA: "${sha}")
        return reader.problems
    }

    /// The deployment group it deploys to, which steps are serialised on (`StepResource`): a group runs one deployment
    /// at a time. `https://codedeploy.eu-west-2.amazonaws.com/applications/shop/deployment-groups/staging`.
    public var resource: String {
        let application = createBody["applicationName"]?.stringValue ?? ""
        let group = createBody["deploymentGroupName"]?.stringValue ?? ""
        return target.endpoint.lowercased() + "/applications/\(SigV4Signer.uriEncode(application))/deployment-groups/"
            + SigV4Signer.uriEncode(group)
    }

    /// `CreateDeployment`: answers `{"deploymentId": "d-…"}`.
    public var createDeployment: AWSRequest {
        Self.call("CreateDeployment", body: createBody)
    }

    /// `GetDeployment`: answers `{"deploymentInfo": {…}}`.
    public func getDeployment(id: String) -> AWSRequest {
        Self.call("GetDeployment", body: .object(["deploymentId": .string(id)]))
    }

    /// `StopDeployment`, with `autoRollbackEnabled` when the target has an `auto_rollback`.
    public func stopDeployment(id: String) -> AWSRequest {
        var body: [String: ConfigValue] = ["deploymentId": .string(id)]
        body["autoRollbackEnabled"] = autoRollbackEnabled.map(ConfigValue.bool)
        return Self.call("StopDeployment", body: .object(body))
    }

    /// A JSON 1.1 call of `operation`.
    public static func call(_ operation: String, body: ConfigValue) -> AWSRequest {
        AWSRequest(
            service: service, operation: operation, method: "POST", path: "/",
            headers: [
                AWSRequest.Header("Content-Type", "application/x-amz-json-1.1"),
                AWSRequest.Header("X-Amz-Target", targetPrefix + operation),
            ],
            body: Array(body.jsonText.utf8))
    }

    private static func read(_ reader: inout ParameterReader, pushedSHA: String?) -> CodeDeployRequest? {
        let target = AWSTarget.read(&reader, service: service)
        var body: [String: ConfigValue] = [:]
        let application = reader.requiredString("application")
        body["applicationName"] = application.map(ConfigValue.string)
        body["deploymentGroupName"] = reader.requiredString("deployment_group").map(ConfigValue.string)
        body["deploymentConfigName"] = reader.string("deployment_config").map(ConfigValue.string)
        body["description"] = reader.string("description", allowEmpty: true).map(ConfigValue.string)
        body["revision"] = reader.map("revision") { revision in Self.revision(&revision, pushedSHA: pushedSHA) } ?? nil
        body["ignoreApplicationStopFailures"] = reader.bool("ignore_application_stop_failures").map(ConfigValue.bool)
        body["updateOutdatedInstancesOnly"] = reader.bool("update_outdated_instances_only").map(ConfigValue.bool)
        body["fileExistsBehavior"] = reader.oneOf("file_exists_behavior", fileExistsBehaviors).map(ConfigValue.string)
        body["targetInstances"] = reader.map("target_instances") { targets in Self.targetInstances(&targets) }
        var autoRollbackEnabled: Bool?
        body["autoRollbackConfiguration"] = reader.map("auto_rollback") { rollback in
            let configuration = Self.autoRollback(&rollback)
            autoRollbackEnabled = configuration.rollsBackOnStop
            return configuration.value
        }
        body["overrideAlarmConfiguration"] = reader.map("override_alarm_configuration") { alarms in Self.alarmOverride(&alarms) }
        _ = reader.duration(StepTimeout.key)
        reader.finish()
        guard let target, application != nil else { return nil }
        return CodeDeployRequest(target: target, createBody: .object(body), autoRollbackEnabled: autoRollbackEnabled)
    }
}
