extension PulumiDeploymentRequest {
    /// Reads the parameters rendered for `event`, or unrendered (`check`) when it is nil.
    static func read(_ reader: inout ParameterReader, event: PushEvent?) -> PulumiDeploymentRequest? {
        let problemsBefore = reader.problems.count
        let name: (Unicode.Scalar) -> Bool = { $0.isASCIIAlphanumeric || "-_.".unicodeScalars.contains($0) }
        let organization = reader.identifier("organization", required: true, what: "letters, digits, -, _ and .", allowed: name)
        let project = reader.identifier("project", required: true, what: "letters, digits, -, _ and .", allowed: name)
        let stack = reader.identifier("stack", required: true, what: "letters, digits, -, _ and .", allowed: name)
        let token = reader.has("token") ? reader.secretReference("token") : reader.requiredString("token").flatMap(SecretReference.init)
        let apiURL = reader.string("api_url").flatMap { reader.baseURL($0, key: "api_url") } ?? defaultAPIURL
        var body: [String: ConfigValue] = [:]
        body["operation"] = .string(reader.oneOf("operation", operations) ?? "update")
        body["inheritSettings"] = reader.bool("inherit_settings").map(ConfigValue.bool)
        body["sourceContext"] = sourceContext(&reader, event: event)
        body["operationContext"] = reader.map("operation_context") { ConfigValue.object(Self.operationContext(&$0)) }
        body["executorContext"] = reader.map("executor_context") { Self.executorContext(&$0) } ?? nil
        _ = reader.duration(StepTimeout.key)
        reader.finish()
        guard let organization, let project, let stack, let token, reader.problems.count == problemsBefore else { return nil }
        return PulumiDeploymentRequest(
            apiURL: apiURL, organization: organization, project: project, stack: stack, token: token, bodyTemplate: .object(body))
    }

    /// `{"secret": "<reference>"}`, resolved when the request is sent and sent as a Pulumi secret.
    static func secret(_ reader: inout ParameterReader, _ key: String) -> ConfigValue? {
        reader.secretReference(key).map { .object([secretMarker: .string($0.description)]) }
    }

    /// `{"$plain": "<reference>"}`, resolved when the request is sent and sent as a plain string: for a value Pulumi
    /// takes as a string that the rules file still holds by reference (under a secret-named key).
    static func plain(_ reader: inout ParameterReader, _ key: String) -> ConfigValue? {
        reader.secretReference(key).map { .object([plainMarker: .string($0.description)]) }
    }

    /// `source` → `sourceContext.git`. Without `branch` or `commit`, the pushed commit, but only when `repo_url` is
    /// left out (the stack's settings name the repository) or names the pushed repository (`RepositoryURL.isPushed`):
    /// another repository does not have the pushed commit, so it needs its own `branch` or `commit`.
    private static func sourceContext(_ reader: inout ParameterReader, event: PushEvent?) -> ConfigValue {
        var git: [String: ConfigValue] = [:]
        var repoURL: String?
        if reader.has("source") {
            _ = reader.map("source") { source in
                repoURL = source.string("repo_url")
                git["repoURL"] = repoURL.map(ConfigValue.string)
                git["branch"] = source.string("branch").map(ConfigValue.string)
                git["commit"] = source.string("commit").map(ConfigValue.string)
                git["repoDir"] = source.string("repo_dir", allowEmpty: true).map(ConfigValue.string)
                git["gitAuth"] = source.map("git_auth") { Self.gitAuth(&$0) }
                if source.has("branch") && source.has("commit") {
                    source.report("source.branch and source.commit are mutually exclusive: give one", at: source.name("commit"))
                }
                if let repoURL, !source.has("branch"), !source.has("commit"), !isPushedRepository(repoURL, event: event) {
                    source.report(otherRepositoryMessage(repoURL, event: event), at: source.name("repo_url"))
                }
            }
        }
        let pushedSHA = event?.sha ?? "${sha}"
        if git["branch"] == nil && git["commit"] == nil && !pushedSHA.isEmpty { git["commit"] = .string(pushedSHA) }
        return .object(["git": .object(git)])
    }

    /// Rendered: whether `repoURL` is the event's repository. Unrendered (`check`): whether it is whatever is pushed.
    private static func isPushedRepository(_ repoURL: String, event: PushEvent?) -> Bool {
        guard let event else { return RepositoryURL.isPushedTemplate(repoURL) }
        return RepositoryURL.isPushed(repoURL, event: event)
    }

    private static func otherRepositoryMessage(_ repoURL: String, event: PushEvent?) -> String {
        let fix = "give source.branch or source.commit (commit: \"${sha}\" if it is the repository pushed), or write repo_url: \"${clone_url}\""
        guard let event else {
            return "source.repo_url names a fixed repository, which may not be the one pushed (it would not have the pushed "
                + "commit): \(fix)"
        }
        return "source.repo_url \(ParameterReader.shown(.string(repoURL))) is not the pushed repository \(event.repository), so it does not "
            + "have the pushed commit: give source.branch or source.commit"
    }

    private static func gitAuth(_ reader: inout ParameterReader) -> ConfigValue {
        var auth: [String: ConfigValue] = [:]
        auth["accessToken"] = secret(&reader, "access_token")
        auth["sshAuth"] = reader.map("ssh_auth") { ssh in
            var value: [String: ConfigValue] = [:]
            if !ssh.has("ssh_private_key") { ssh.report("missing required key \(ssh.name("ssh_private_key"))", at: ssh.owner) }
            value["sshPrivateKey"] = secret(&ssh, "ssh_private_key")
            value["password"] = secret(&ssh, "password")
            return ConfigValue.object(value)
        }
        auth["basicAuth"] = reader.map("basic_auth") { basic in
            var value: [String: ConfigValue] = [:]
            value["userName"] = basic.requiredString("user_name").map(ConfigValue.string)
            if !basic.has("password") { basic.report("missing required key \(basic.name("password"))", at: basic.owner) }
            value["password"] = secret(&basic, "password")
            return ConfigValue.object(value)
        }
        if !["access_token", "ssh_auth", "basic_auth"].contains(where: { reader.has($0) }) {
            reader.report("\(reader.owner ?? "git_auth") needs access_token, ssh_auth or basic_auth", at: reader.owner)
        }
        return .object(auth)
    }

    private static func operationContext(_ reader: inout ParameterReader) -> [String: ConfigValue] {
        var context: [String: ConfigValue] = [:]
        context["preRunCommands"] = reader.stringList("pre_run_commands").map { .array($0.map(ConfigValue.string)) }
        var variables: [String: ConfigValue] = [:]
        let variableName: (String) -> Bool = { name in
            guard let first = name.unicodeScalars.first, first == "_" || first.isASCIIAlphabetic else { return false }
            return name.unicodeScalars.allSatisfy { $0 == "_" || $0.isASCIIAlphanumeric }
        }
        let plain = reader.stringMap("environment_variables", names: "letters, digits and _, not starting with a digit", validName: variableName)
        for (name, value) in plain ?? [:] { variables[name] = .string(value) }
        _ = reader.map("secret_environment_variables") { secrets in
            for key in secrets.keys {
                if !variableName(key) {
                    secrets.report("\(secrets.name(key)): '\(key)' is not a valid name (letters, digits and _)", at: secrets.name(key))
                }
                if variables[key] != nil {
                    secrets.report("\(key) is in both environment_variables and secret_environment_variables", at: secrets.name(key))
                }
                variables[key] = secret(&secrets, key)
            }
        }
        if !variables.isEmpty { context["environmentVariables"] = .object(variables) }
        context["options"] = reader.map("options") { options in
            var value: [String: ConfigValue] = [:]
            value["skipInstallDependencies"] = options.bool("skip_install_dependencies").map(ConfigValue.bool)
            value["skipIntermediateDeployments"] = options.bool("skip_intermediate_deployments").map(ConfigValue.bool)
            value["shell"] = options.string("shell").map(ConfigValue.string)
            value["deleteAfterDestroy"] = options.bool("delete_after_destroy").map(ConfigValue.bool)
            value["remediateIfDriftDetected"] = options.bool("remediate_if_drift_detected").map(ConfigValue.bool)
            return ConfigValue.object(value)
        }
        context["oidc"] = reader.map("oidc") { Self.oidc(&$0) }
        return context
    }

    private static func oidc(_ reader: inout ParameterReader) -> ConfigValue {
        var oidc: [String: ConfigValue] = [:]
        oidc["aws"] = reader.map("aws") { aws in
            var value: [String: ConfigValue] = [:]
            value["roleArn"] = aws.requiredString("role_arn").map(ConfigValue.string)
            value["sessionName"] = aws.requiredString("session_name").map(ConfigValue.string)
            value["duration"] = aws.string("duration").map(ConfigValue.string)
            value["policyArns"] = aws.stringList("policy_arns").map { .array($0.map(ConfigValue.string)) }
            return ConfigValue.object(value)
        }
        oidc["azure"] = reader.map("azure") { azure in
            var value: [String: ConfigValue] = [:]
            value["clientId"] = azure.requiredString("client_id").map(ConfigValue.string)
            value["tenantId"] = azure.requiredString("tenant_id").map(ConfigValue.string)
            value["subscriptionId"] = azure.requiredString("subscription_id").map(ConfigValue.string)
            return ConfigValue.object(value)
        }
        oidc["gcp"] = reader.map("gcp") { gcp in
            var value: [String: ConfigValue] = [:]
            value["projectId"] = gcp.requiredString("project_id").map(ConfigValue.string)
            value["region"] = gcp.string("region").map(ConfigValue.string)
            value["workloadPoolId"] = gcp.requiredString("workload_pool_id").map(ConfigValue.string)
            value["providerId"] = gcp.requiredString("provider_id").map(ConfigValue.string)
            value["serviceAccount"] = gcp.requiredString("service_account").map(ConfigValue.string)
            value["tokenLifetime"] = gcp.string("token_lifetime").map(ConfigValue.string)
            return ConfigValue.object(value)
        }
        if oidc.isEmpty { reader.report("oidc needs aws, azure or gcp", at: reader.owner) }
        return .object(oidc)
    }

    /// `executor_image`: an image reference, or `{reference, credentials: {username, password}}`.
    private static func executorContext(_ reader: inout ParameterReader) -> ConfigValue {
        var context: [String: ConfigValue] = [:]
        if case .string = reader.value("executor_image") {
            context["executorImage"] = reader.string("executor_image").map { .object(["reference": .string($0)]) }
        } else {
            context["executorImage"] = reader.map("executor_image") { image in
                var value: [String: ConfigValue] = [:]
                value["reference"] = image.requiredString("reference").map(ConfigValue.string)
                value["credentials"] = image.map("credentials") { credentials in
                    // Pulumi's `DockerImageCredentials`: the username is a plain string, only the password a secret.
                    var pair: [String: ConfigValue] = [:]
                    if !credentials.has("username") {
                        credentials.report("missing required key \(credentials.name("username"))", at: credentials.owner)
                    }
                    pair["username"] = plain(&credentials, "username")
                    if !credentials.has("password") {
                        credentials.report("missing required key \(credentials.name("password"))", at: credentials.owner)
                    }
                    pair["password"] = secret(&credentials, "password")
                    return ConfigValue.object(pair)
                }
                return ConfigValue.object(value)
            }
        }
        return .object(context)
    }
}

extension Unicode.Scalar {
    var isASCIIAlphabetic: Bool {
        isASCII && properties.isAlphabetic
    }
}
