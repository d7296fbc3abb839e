import BridgeCore
import Foundation

/// Where a step's deployment can be seen in its provider's own console, built from the provider and the step's
/// parameters. None when the target talks to another endpoint (an emulator, a self-hosted Pulumi Cloud, a China region)
/// or a parameter is still a template.
///
/// | provider | link |
/// |---|---|
/// | `aws-codedeploy` | `https://<region>.console.aws.amazon.com/codesuite/codedeploy/deployments/<id>?region=<region>` |
/// | `aws-apigateway` | `https://<region>.console.aws.amazon.com/apigateway/main/apis/<rest_api_id>/stages?api=<rest_api_id>&region=<region>` |
/// | `pulumi` | `https://app.pulumi.com/<organization>/<project>/<stack>/deployments` |
struct ConsoleLink {
    let name: String
    let url: String

    init?(provider: String, parameters: ConfigValue, externalID: String?) {
        guard let externalID, !externalID.isEmpty, case .object(let values) = parameters else { return nil }
        let text = { (key: String) -> String? in
            guard case .string(let value)? = values[key], !value.isEmpty, !value.contains("${") else { return nil }
            return value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&#")))
        }
        switch provider {
        case "aws-codedeploy":
            guard values["endpoint"] == nil, let region = text("region"), !region.hasPrefix("cn-"),
                let id = externalID.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_")))
            else { return nil }
            self.init(
                name: "CodeDeploy console", url: "https://\(region).console.aws.amazon.com/codesuite/codedeploy/deployments/\(id)?region=\(region)")
        case "aws-apigateway":
            guard values["endpoint"] == nil, let region = text("region"), !region.hasPrefix("cn-"), let api = text("rest_api_id") else { return nil }
            self.init(
                name: "API Gateway console",
                url: "https://\(region).console.aws.amazon.com/apigateway/main/apis/\(api)/stages?api=\(api)&region=\(region)")
        case "pulumi":
            let apiURL = values["api_url"].flatMap { if case .string(let url) = $0 { url } else { nil } }
            guard apiURL == nil || apiURL == "https://api.pulumi.com", let organization = text("organization"), let project = text("project"),
                let stack = text("stack")
            else { return nil }
            self.init(name: "Pulumi console", url: "https://app.pulumi.com/\(organization)/\(project)/\(stack)/deployments")
        default:
            return nil
        }
    }

    private init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}
