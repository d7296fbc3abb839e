import BridgeCore

/// The shape of a create-deployment body as Pulumi documents it (`content/docs/pulumi-cloud/deployments/api.md`),
/// checked strictly: a field the shape does not name is an error, so a client's typo fails a test instead of being
/// silently ignored as Pulumi's JSON decoding would.
indirect enum PulumiDeploymentShape: Sendable {
    case string
    case bool
    /// A JSON array of strings.
    case strings
    /// Pulumi's `SecretValue`: a plain string, or `{"secret": "<string>"}` for a value to keep encrypted.
    case secret
    /// An object with exactly these optional fields.
    case object([String: PulumiDeploymentShape])
    /// An object whose names are free, every value of one shape (`environmentVariables`).
    case map(PulumiDeploymentShape)

    /// `POST /api/stacks/{org}/{project}/{stack}/deployments`.
    static let createDeployment = PulumiDeploymentShape.object([
        "operation": .string,
        "inheritSettings": .bool,
        "sourceContext": .object([
            "git": .object([
                "repoURL": .string, "branch": .string, "commit": .string, "repoDir": .string,
                "gitAuth": .object([
                    "accessToken": .secret,
                    "sshAuth": .object(["sshPrivateKey": .secret, "password": .secret]),
                    "basicAuth": .object(["userName": .secret, "password": .secret]),
                ]),
            ])
        ]),
        "operationContext": .object([
            "preRunCommands": .strings,
            "environmentVariables": .map(.secret),
            "options": .object([
                "skipInstallDependencies": .bool, "skipIntermediateDeployments": .bool, "shell": .string, "deleteAfterDestroy": .bool,
                "remediateIfDriftDetected": .bool,
            ]),
            "oidc": .object([
                "aws": .object(["roleArn": .string, "sessionName": .string, "duration": .string, "policyArns": .strings]),
                "azure": .object(["clientId": .string, "tenantId": .string, "subscriptionId": .string]),
                "gcp": .object([
                    "projectId": .string, "region": .string, "workloadPoolId": .string, "providerId": .string, "serviceAccount": .string,
                    "tokenLifetime": .string,
                ]),
            ]),
        ]),
        // `DockerImageCredentials`: the username is a plain string (a `{"secret": …}` there does not decode: 400), only the
        // password a `SecretValue`.
        "executorContext": .object([
            "executorImage": .object(["reference": .string, "credentials": .object(["username": .string, "password": .secret])])
        ]),
    ])

    var expected: String {
        switch self {
        case .string: "a string"
        case .bool: "a boolean"
        case .strings: "an array of strings"
        case .secret: #"a string or {"secret": "<string>"}"#
        case .object, .map: "an object"
        }
    }

    /// What checking a body against a shape found: its errors, and its secrets, kept apart from the redacted body.
    struct Check: Sendable {
        static let redacted = "[REDACTED]"

        /// Paths of the fields the shape does not name (`sourceContext.git.repoUrl`).
        var unknownFields: [String] = []
        /// `sourceContext.git.branch must be a string`.
        var typeErrors: [String] = []
        /// Each secret's path and the value received.
        var secrets: [String: PulumiFake.ReceivedSecret] = [:]

        /// `value` with every secret and every unknown field's value (perhaps a misspelt secret) redacted.
        mutating func redacting(_ value: ConfigValue, as shape: PulumiDeploymentShape, at path: String = "") -> ConfigValue {
            switch (shape, value) {
            case (_, .null), (.string, .string), (.bool, .bool):
                return value
            case (.strings, .array(let items)) where items.allSatisfy({ $0.stringValue != nil }):
                return value
            case (.secret, .string(let text)):
                secrets[path] = PulumiFake.ReceivedSecret(value: text, markedSecret: false)
                return .string(Self.redacted)
            case (.secret, .object(let members)) where members.count == 1 && members["secret"]?.stringValue != nil:
                secrets[path] = PulumiFake.ReceivedSecret(value: members["secret"]?.stringValue ?? "", markedSecret: true)
                return .object(["secret": .string(Self.redacted)])
            case (.object(let fields), .object(let members)):
                return .object(redacting(members, at: path) { fields[$0] })
            case (.map(let inner), .object(let members)):
                return .object(redacting(members, at: path) { _ in inner })
            default:
                typeErrors.append("\(path.isEmpty ? "the body" : path) must be \(shape.expected)")
                return .string(Self.redacted)
            }
        }

        private mutating func redacting(
            _ members: [String: ConfigValue], at path: String, shape: (String) -> PulumiDeploymentShape?
        ) -> [String: ConfigValue] {
            var checked: [String: ConfigValue] = [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                let memberPath = path.isEmpty ? name : "\(path).\(name)"
                if let memberShape = shape(name) {
                    checked[name] = redacting(member, as: memberShape, at: memberPath)
                } else {
                    unknownFields.append(memberPath)
                    checked[name] = .string(Self.redacted)
                }
            }
            return checked
        }
    }
}
