import BridgeCore
import Foundation

/// `GET /projects/:id/deployments` as `lib/api/deployments.rb` and `DeploymentsFinder` serve it
/// (https://docs.gitlab.com/api/deployments/#list-project-deployments): the filters `environment`, `status`,
/// `updated_after`, `updated_before` (ISO 8601), ordered by `order_by` (`id`, `iid`, `created_at`, `updated_at`,
/// `finished_at`, `ref`; default `id`) in `sort` order (`asc` by default), paginated by `page` and `per_page` (default
/// 20, at most 100).
///
/// An `updated_*` filter must be paired with `order_by=updated_at` and the other way round. GitLab.com answers 400
/// `` `updated_at` filter and `updated_at` sorting must be paired `` in development and only reports it (ordering by
/// `updated_at` anyway) in production; the fake takes the loud choice.
extension GitLabFake {
    static let sortKeys = ["id", "iid", "created_at", "updated_at", "finished_at", "ref"]

    func list(project segment: String, parameters: inout GrapeParameters, state: GitLabFakeState) -> FakeAnswer {
        let status = parameters.optionalStatus("status")
        let query = ListQuery(&parameters)
        guard parameters.errors.isEmpty, let query else { return .error(400, parameters.message) }
        if (query.updatedAfter != nil || query.updatedBefore != nil) != (query.orderBy == "updated_at") {
            return .message(400, .string("400 Bad request - `updated_at` filter and `updated_at` sorting must be paired"))
        }
        guard let project = project(segment) else { return .message(404, .string("404 Project Not Found")) }
        let environment = parameters.values["environment"]?.stringValue
        let matching = state.deployments.values.filter { deployment in
            deployment.projectID == project.id && (environment == nil || deployment.environment == environment)
                && (status == nil || deployment.status == status)
                && query.updatedAfter.map { deployment.updatedAt > $0 } ?? true
                && query.updatedBefore.map { deployment.updatedAt < $0 } ?? true
        }
        let page = query.sorted(Array(matching)).dropFirst((query.page - 1) * query.perPage).prefix(query.perPage)
        return .json(200, .array(page.map(entity)))
    }

    /// The list's ordering, time filters and page, read and validated as Grape does.
    struct ListQuery {
        var orderBy = "id"
        var ascending = true
        var updatedAfter: Date?
        var updatedBefore: Date?
        var page = 1
        var perPage = 20

        init?(_ parameters: inout GrapeParameters) {
            let values = parameters.values
            if let order = values["order_by"]?.stringValue {
                guard GitLabFake.sortKeys.contains(order) else {
                    Self.invalid("order_by", &parameters, notAllowed: true)
                    return nil
                }
                orderBy = order
            }
            if let sort = values["sort"]?.stringValue {
                guard ["asc", "desc"].contains(sort) else {
                    Self.invalid("sort", &parameters, notAllowed: true)
                    return nil
                }
                ascending = sort == "asc"
            }
            for (name, date) in [("updated_after", \ListQuery.updatedAfter), ("updated_before", \ListQuery.updatedBefore)] {
                guard let text = values[name]?.stringValue else { continue }
                guard let parsed = Self.dateTime(text) else {
                    Self.invalid(name, &parameters)
                    return nil
                }
                self[keyPath: date] = parsed
            }
            if let text = values["page"]?.stringValue {
                guard let number = Int(text), number >= 1 else {
                    Self.invalid("page", &parameters)
                    return nil
                }
                page = number
            }
            if let text = values["per_page"]?.stringValue {
                guard let number = Int(text), number >= 1 else {
                    Self.invalid("per_page", &parameters)
                    return nil
                }
                perPage = min(number, 100)
            }
        }

        /// Notes Grape's message for a value it cannot coerce, or that is not among the allowed ones.
        private static func invalid(_ name: String, _ parameters: inout GrapeParameters, notAllowed: Bool = false) {
            parameters.refuse(name, notAllowed: notAllowed)
        }

        static func dateTime(_ text: String) -> Date? {
            let formatter = ISO8601DateFormatter()
            if let date = formatter.date(from: text) { return date }
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text)
        }

        /// `DeploymentsFinder`: `created_at` and `iid` sort as `id`; `updated_at` and the others break ties by `id`.
        func sorted(_ deployments: [Deployment]) -> [Deployment] {
            deployments.sorted { first, second in
                let ordered: Bool
                switch orderBy {
                case "updated_at" where first.updatedAt != second.updatedAt: ordered = first.updatedAt < second.updatedAt
                case "ref" where first.ref != second.ref: ordered = first.ref < second.ref
                default: ordered = first.id < second.id
                }
                return ascending ? ordered : !ordered
            }
        }
    }
}
