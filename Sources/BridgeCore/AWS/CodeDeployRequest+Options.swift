extension CodeDeployRequest {
    /// `revision`: exactly one of `s3`, `github`, `string`, `appspec`.
    static func revision(_ reader: inout ParameterReader, pushedSHA: String?) -> ConfigValue? {
        let kinds = ["s3", "github", "string", "appspec"]
        let present = kinds.filter { reader.has($0) }
        guard present.count == 1, let kind = present.first else {
            let found = present.isEmpty ? "none" : present.joined(separator: " and ")
            reader.report("revision must have exactly one of s3, github, string or appspec, found \(found)", at: reader.owner)
            return nil
        }
        let location: (type: String, member: String, value: ConfigValue?)
        switch kind {
        case "s3": location = ("S3", "s3Location", reader.map("s3") { s3Location(&$0) })
        case "github": location = ("GitHub", "gitHubLocation", reader.map("github") { gitHubLocation(&$0, pushedSHA: pushedSHA) })
        case "string": location = ("String", "string", reader.map("string") { rawString(&$0) })
        default: location = ("AppSpecContent", "appSpecContent", reader.map("appspec") { rawString(&$0) })
        }
        guard let value = location.value else { return nil }
        return .object(["revisionType": .string(location.type), location.member: value])
    }

    private static func s3Location(_ reader: inout ParameterReader) -> ConfigValue {
        var location: [String: ConfigValue] = [:]
        location["bucket"] = reader.requiredString("bucket").map(ConfigValue.string)
        location["key"] = reader.requiredString("key").map(ConfigValue.string)
        location["bundleType"] = reader.oneOf("bundle_type", bundleTypes).map(ConfigValue.string)
        location["version"] = reader.string("version").map(ConfigValue.string)
        location["eTag"] = reader.string("etag").map(ConfigValue.string)
        return .object(location)
    }

    private static func gitHubLocation(_ reader: inout ParameterReader, pushedSHA: String?) -> ConfigValue {
        var location: [String: ConfigValue] = [:]
        if let repository = reader.requiredString("repository") {
            let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count != 2 || parts.contains(where: \.isEmpty), !(reader.allowsTemplates && ParameterReader.isTemplate(repository)) {
                reader.report(
                    "\(reader.name("repository")) must be owner/name, found \(ParameterReader.shown(.string(repository)))",
                    at: reader.name("repository"))
            }
            location["repository"] = .string(repository)
        }
        if let commit = reader.string("commit") ?? pushedSHA {
            location["commitId"] = .string(commit)
        } else if !reader.has("commit") {
            reader.report("\(reader.name("commit")) is required: the event has no pushed commit to default to", at: reader.owner)
        }
        return .object(location)
    }

    /// `string` and `appspec`: the revision's text, with its SHA-256 when given.
    private static func rawString(_ reader: inout ParameterReader) -> ConfigValue {
        var raw: [String: ConfigValue] = [:]
        raw["content"] = reader.requiredString("content").map(ConfigValue.string)
        raw["sha256"] = reader.identifier("sha256", what: "64 hexadecimal digits") { $0.properties.isASCIIHexDigit }.map { hash in
            if hash.count != 64 && !(reader.allowsTemplates && ParameterReader.isTemplate(hash)) {
                reader.report("\(reader.name("sha256")) must be 64 hexadecimal digits, found \(hash.count) digits", at: reader.name("sha256"))
            }
            return ConfigValue.string(hash)
        }
        return .object(raw)
    }

    /// `target_instances`: tag filters or a tag set (not both, as CodeDeploy requires), and Auto Scaling groups.
    static func targetInstances(_ reader: inout ParameterReader) -> ConfigValue {
        var targets: [String: ConfigValue] = [:]
        if let filters = reader.elements("tag_filters") {
            targets["tagFilters"] = .array(filters.compactMap { reader.read($0.value, path: $0.name) { tagFilter(&$0) } })
        }
        targets["autoScalingGroups"] = reader.stringList("auto_scaling_groups").map { .array($0.map(ConfigValue.string)) }
        if let groups = reader.elements("ec2_tag_set") {
            let list: [ConfigValue] = groups.compactMap { group in
                reader.elements(of: group.value, name: group.name).map { filters in
                    .array(filters.compactMap { reader.read($0.value, path: $0.name) { tagFilter(&$0) } })
                }
            }
            targets["ec2TagSet"] = .object(["ec2TagSetList": .array(list)])
        }
        if reader.has("tag_filters") && reader.has("ec2_tag_set") {
            reader.report("\(reader.name("tag_filters")) and \(reader.name("ec2_tag_set")) cannot both be set", at: reader.name("ec2_tag_set"))
        }
        return .object(targets)
    }

    /// `{key, value, type}` → `{Key, Value, Type}` (CodeDeploy capitalises these). Without `type`, it follows from
    /// which of `key` and `value` are given.
    private static func tagFilter(_ reader: inout ParameterReader) -> ConfigValue {
        var filter: [String: ConfigValue] = [:]
        let key = reader.string("key")
        let value = reader.string("value", allowEmpty: true)
        filter["Key"] = key.map(ConfigValue.string)
        filter["Value"] = value.map(ConfigValue.string)
        let inferred = key == nil ? (value == nil ? nil : "VALUE_ONLY") : (value == nil ? "KEY_ONLY" : "KEY_AND_VALUE")
        let type = reader.oneOf("type", tagFilterTypes) ?? (reader.has("type") ? nil : inferred)
        if key == nil && value == nil && !reader.has("key") && !reader.has("value") {
            reader.report("\(reader.path.dropLast()) needs a key, a value or both", at: reader.owner)
        }
        filter["Type"] = type.map(ConfigValue.string)
        return .object(filter)
    }

    /// `auto_rollback`, and whether stopping the deployment should roll it back: only when the configuration is enabled
    /// and names `DEPLOYMENT_STOP_ON_REQUEST`, as CodeDeploy itself would for a stop requested in its console.
    static func autoRollback(_ reader: inout ParameterReader) -> (value: ConfigValue, rollsBackOnStop: Bool) {
        var configuration: [String: ConfigValue] = [:]
        let enabled = reader.bool("enabled")
        configuration["enabled"] = enabled.map(ConfigValue.bool)
        var names: [String] = []
        if let events = reader.elements("events") {
            names = events.compactMap { reader.oneOf($0.value, name: $0.name, rollbackEvents) }
            configuration["events"] = .array(names.map(ConfigValue.string))
        }
        return (.object(configuration), enabled == true && names.contains("DEPLOYMENT_STOP_ON_REQUEST"))
    }

    static func alarmOverride(_ reader: inout ParameterReader) -> ConfigValue {
        var configuration: [String: ConfigValue] = [:]
        configuration["enabled"] = reader.bool("enabled").map(ConfigValue.bool)
        configuration["ignorePollAlarmFailure"] = reader.bool("ignore_poll_alarm_failure").map(ConfigValue.bool)
        configuration["alarms"] = reader.stringList("alarms").map { .array($0.map { .object(["name": .string($0)]) }) }
        return .object(configuration)
    }
}
