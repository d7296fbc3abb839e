/// The variables templates in targets and deploy steps may use, and their values for a run.
public enum TemplateVariables {
    /// Every known variable name, in documentation order.
    public static let names: [String] = [
        "sha", "short_sha", "ref", "branch", "tag", "repository", "clone_url", "pusher", "delivery", "rule", "environment",
        "run",
    ]

    /// `names` as a set.
    public static let nameSet: Set<String> = Set(names)

    /// The values for one run. `branch` is empty for a tag push and `tag` for a branch push; `environment` is empty
    /// when the rule names none.
    public static func make(event: PushEvent, rule: String, environment: String?, delivery: String, run: String) -> [String: String] {
        [
            "sha": event.sha,
            "short_sha": event.shortSHA,
            "ref": event.ref,
            "branch": event.refKind == .branch ? event.refName : "",
            "tag": event.refKind == .tag ? event.refName : "",
            "repository": event.repository,
            "clone_url": event.cloneURL,
            "pusher": event.pusher,
            "delivery": delivery,
            "rule": rule,
            "environment": environment ?? "",
            "run": run,
        ]
    }
}
