extension StepResult {
    /// The status a step ends with, and the error kept on it.
    public var ending: (status: StepStatus, error: String?) {
        switch self {
        case .succeeded: (.succeeded, nil)
        case .failed(let reason): (.failed, reason)
        case .canceled(let reason): (.canceled, reason)
        }
    }
}
