import BridgeCore
import BridgeServer
import Foundation
import Testing

/// `explain` shows the exact AWS request each step would send, signed as the worker would sign it but with the
/// access key, session token and signature redacted.
@Suite struct ExplainerTests {
    static let rules = """
        version: 1
        sources: {shop: {forge: github, secret: env:S}}
        targets:
          api:
            provider: aws-apigateway
            region: eu-west-2
            rest_api_id: a1b2c3
            role_arn: arn:aws:iam::123456789012:role/deployer
          backend:
            provider: aws-codedeploy
            region: eu-west-2
            application: shop
            deployment_group: "${branch}"
            revision: {github: {repository: "${repository}"}}
        rules:
          - name: r
            source: shop
            on: push
            deploy:
              - target: api
                stage: "${branch}"
                variables: {build: "${short_sha}"}
              - backend
        """

    static func explain(branch: String) throws -> String {
        let ruleSet = try RulesLoader.load(files: [(path: "rules.yaml", contents: rules)])
        let payload = SamplePayload(forge: .github, refName: branch).json()
        let request = WebhookRequest(headers: [("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "d-1")], body: payload)
        let date = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23T12:00:00Z
        return Explainer.explain(request, sources: Array(ruleSet.sources.values), rules: ruleSet, date: date)
    }

    @Test func showsEachAWSRequestWithCredentialsRedacted() throws {
        let text = try Self.explain(branch: "main")
        let expected = [
            "        apigateway CreateDeployment: POST https://apigateway.eu-west-2.amazonaws.com/restapis/a1b2c3/deployments",
            "          Host: apigateway.eu-west-2.amazonaws.com",
            "          Content-Type: application/json",
            "          Accept: application/json",
            "          X-Amz-Date: 20261123T120000Z",
            "          X-Amz-Security-Token: <redacted>",
            "          Authorization: AWS4-HMAC-SHA256 Credential=<redacted>/20261123/eu-west-2/apigateway/aws4_request, "
                + "SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, Signature=<redacted>",
            #"          body: {"stageName":"main","variables":{"build":"3f2c1ab"}}"#,
            "          credentials: the standard AWS chain (environment, AWS_PROFILE or default profile, web identity, ECS, IMDSv2), "
                + "then STS AssumeRole of arn:aws:iam::123456789012:role/deployer",
            "          finished when API Gateway answers 201",
            "        one step at a time on https://apigateway.eu-west-2.amazonaws.com/restapis/a1b2c3; stopped and failed 10m after its first start",
            #"      step 2: backend (aws-codedeploy) {application: "shop", deployment_group: "main", region: "eu-west-2", revision: {github: {repository: "acme/shop"}}}"#,
            "        codedeploy CreateDeployment: POST https://codedeploy.eu-west-2.amazonaws.com/",
            "          Host: codedeploy.eu-west-2.amazonaws.com",
            "          Content-Type: application/x-amz-json-1.1",
            "          X-Amz-Target: CodeDeploy_20141006.CreateDeployment",
            "          X-Amz-Date: 20261123T120000Z",
            "          Authorization: AWS4-HMAC-SHA256 Credential=<redacted>/20261123/eu-west-2/codedeploy/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=<redacted>",
            "          body: " + #"{"applicationName":"shop","deploymentGroupName":"main","revision":{"gitHubLocation":"#
                + #"{"commitId":"3f2c1ab8d4e5f60718293a4b5c6d7e8f90a1b2c3","repository":"acme/shop"},"revisionType":"GitHub"}}"#,
        ]
        let lines = text.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex(of: expected[0]), "\(text)")
        #expect(Array(lines[start...].prefix(expected.count)) == expected, "\(text)")
        #expect(!text.contains("stand-in"))
    }

    @Test func saysWhyAStepWouldFailBeforeSendingAnything() throws {
        let text = try Self.explain(branch: "feature/login")
        #expect(
            text.contains(
                #"        would fail before sending anything: invalid aws-apigateway parameters: stage must be letters, digits, _ and -, found "feature/login""#
            ), "\(text)")
    }
}

/// `explain` for the Alibaba and Pulumi providers: the request each step would send, secrets redacted.
@Suite struct ExplainerAliyunPulumiTests {
    static let rules = """
        version: 1
        sources: {shop: {forge: gitlab, token: env:T}}
        targets:
          gateway:
            provider: aliyun-apigateway
            region: cn-hangzhou
            group_id: g1
            api_id: a1
            stage: RELEASE
            access_key_id: env:ALIYUN_ID
            access_key_secret: env:ALIYUN_SECRET
          stack:
            provider: pulumi
            organization: acme
            project: shop
            stack: prod
            token: env:PULUMI_ACCESS_TOKEN
            operation_context: {secret_environment_variables: {DB_PASSWORD: env:DB_PASSWORD}}
        rules:
          - name: release
            source: shop
            on: tag
            deploy:
              - gateway
              - {target: gateway, signature: HMAC-SHA1, stage: PRE}
              - stack
        """

    static func explain() throws -> String {
        let ruleSet = try RulesLoader.load(files: [(path: "rules.yaml", contents: rules)])
        let payload = SamplePayload(forge: .gitlab, refKind: .tag, refName: "v1.0.0").json()
        let request = WebhookRequest(headers: [("X-Gitlab-Event", "Tag Push Hook")], body: payload)
        return Explainer.explain(request, sources: Array(ruleSet.sources.values), rules: ruleSet, date: Date(timeIntervalSince1970: 1_795_435_200))
    }

    @Test func showsTheRequestsWithCredentialsAndSignaturesRedacted() throws {
        let text = try Self.explain()
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(
            lines.contains(
                "apigateway DeployApi (ACS3-HMAC-SHA256): POST https://apigateway.cn-hangzhou.aliyuncs.com/?ApiId=a1&Description=gitops-bridge%20acme%2Fshop%403f2c1ab&GroupId=g1&StageName=RELEASE"
            ), "\(text)")
        #expect(lines.contains("x-acs-date: 2026-11-23T12:00:00Z"))
        #expect(lines.contains("x-acs-signature-nonce: <nonce>"))
        #expect(
            lines.contains(
                "Authorization: ACS3-HMAC-SHA256 Credential=<redacted>,SignedHeaders=accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=<redacted>"
            ))
        let rpc = try #require(lines.first { $0.hasPrefix("apigateway DeployApi (HMAC-SHA1): POST ") })
        #expect(rpc.contains("AccessKeyId=<redacted>&") && rpc.contains("&Signature=<redacted>&") && rpc.contains("SignatureNonce=<nonce>"))
        #expect(rpc.contains("SignatureMethod=HMAC-SHA1") && rpc.contains("StageName=PRE"))
        #expect(lines.contains("credentials: env:ALIYUN_ID, env:ALIYUN_SECRET"))
        #expect(lines.contains("pulumi create deployment: POST https://api.pulumi.com/api/stacks/acme/shop/prod/deployments"))
        #expect(lines.contains("Authorization: token <redacted>"))
        #expect(lines.contains { $0.hasPrefix("body: ") && $0.contains(#""DB_PASSWORD":{"secret":"<redacted>"}"#) })
        #expect(!text.contains("STANDIN") && !text.contains("stand-in"))
    }
}

/// `explain` shows which status calls a run would make, or why it makes none.
@Suite struct ExplainerStatusTests {
    static func explain(status: String, rule: String) throws -> String {
        let rules = """
            version: 1
            sources: {shop: {forge: github, secret: env:S}}
            \(status)
            targets: {smoke: {provider: command, run: ["true"]}}
            rules:
              - {name: r, source: shop, on: push, deploy: [smoke]\(rule)}
            """
        let ruleSet = try RulesLoader.load(files: [(path: "rules.yaml", contents: rules)])
        let payload = SamplePayload(forge: .github, refName: "main", sha: String(repeating: "c", count: 40)).json()
        let request = WebhookRequest(headers: [("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "d-1")], body: payload)
        return Explainer.explain(request, sources: Array(ruleSet.sources.values), rules: ruleSet)
    }

    @Test func showsTheDeploymentAndCommitStatusCallsOfARun() throws {
        let text = try Self.explain(
            status: "status: {github: {url: https://ghe.example.com/api/v3, token: env:GH}}",
            rule: ", environment: staging, report: both")
        let sha = String(repeating: "c", count: 40)
        let expected = [
            "      status: github-deployment, github-status",
            "        when recorded: POST https://ghe.example.com/api/v3/repos/acme/shop/deployments {ref: \(sha), environment: staging}",
            "        when recorded: POST https://ghe.example.com/api/v3/repos/acme/shop/deployments/<id>/statuses {state: queued}",
            "        when started: POST https://ghe.example.com/api/v3/repos/acme/shop/deployments/<id>/statuses {state: in_progress}",
            "        when succeeded: POST https://ghe.example.com/api/v3/repos/acme/shop/deployments/<id>/statuses {state: success}",
            "        when failed: POST https://ghe.example.com/api/v3/repos/acme/shop/deployments/<id>/statuses {state: failure}",
            "        when recorded: POST https://ghe.example.com/api/v3/repos/acme/shop/statuses/\(sha) {state: pending, context: gitops-bridge/r}",
        ]
        for line in expected { #expect(text.contains(line + "\n") || text.hasSuffix(line), "\(line)\n---\n\(text)") }
    }

    @Test func saysWhyARunReportsNothing() throws {
        #expect(try Self.explain(status: "", rule: ", environment: staging").contains("status: none (the rules have no status.github block)"))
        #expect(
            try Self.explain(status: "status: {github: {token: env:GH}}", rule: ", environment: staging, report: none")
                .contains("status: none for this rule"))
    }
}
