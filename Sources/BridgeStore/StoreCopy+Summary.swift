extension StoreCopy {
    /// What a copy copied, as `gitops-bridge migrate` reports it.
    public struct Summary: Sendable, Hashable, CustomStringConvertible {
        /// The SQLite file's path.
        public var source: String
        /// The PostgreSQL database, as a URL without a password (`PostgresSettings.redacted`).
        public var target: String
        /// How many rows each table holds now, as many as in the file.
        public var rows: [Table: Int]
        /// Steps copied as `running` (a bridge stopped without finishing them): a replica resumes each once its lease expires.
        public var runningSteps: Int

        /// Creates a summary.
        public init(source: String, target: String, rows: [Table: Int], runningSteps: Int) {
            self.source = source
            self.target = target
            self.rows = rows
            self.runningSteps = runningSteps
        }

        /// `copied 1234 deliveries, 1300 runs, 2600 steps, 800 status updates, 3 redelivery requests from … to postgres://…`, and a line about
        /// the steps left running, if any.
        public var description: String {
            let counts = Table.allCases.map { table in Self.counted(rows[table] ?? 0, table.noun) }
            var text = "copied \(counts.joined(separator: ", ")) from \(source) to \(target)"
            if runningSteps > 0 {
                text +=
                    "\n\(Self.counted(runningSteps, ("step was", "steps were"))) running when the copy was made (a bridge "
                    + "stopped without finishing \(runningSteps == 1 ? "it" : "them")): a replica resumes "
                    + "\(runningSteps == 1 ? "it" : "each") once its lease expires"
            }
            return text
        }

        private static func counted(_ count: Int, _ noun: (singular: String, plural: String)) -> String {
            "\(count) \(count == 1 ? noun.singular : noun.plural)"
        }
    }
}

extension StoreCopy.Table {
    /// What a row is, for people.
    var noun: (singular: String, plural: String) {
        switch self {
        case .deliveries: ("delivery", "deliveries")
        case .runs: ("run", "runs")
        case .steps: ("step", "steps")
        case .statusOutbox: ("status update", "status updates")
        case .redeliveries: ("redelivery request", "redelivery requests")
        }
    }
}
