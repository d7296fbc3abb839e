/// v7: what the admin API shows of a delivery, and the indexes of its filtered lists.
extension Migrations {
    /// What a delivery was and became (v7), for the admin API and `deliveries show`.
    ///
    /// Invariants:
    /// - `headers` is the JSON array of the request's headers (`DeliveryHeader`: name, value) with every secret-bearing
    ///   value masked before it reaches the store; no signature, token or cookie is ever written.
    /// - `events` is the JSON array of its push events, each with every rule's verdict (`DeliveryEventRecord`); `[]` for a
    ///   ping or an ignored event type. `repository` is its first event's repository (NULL when it has none). Both are
    ///   written once, with the row.
    /// - `duplicate_of_runs` is the JSON array of the ids of the runs that already existed when it was recorded (a
    ///   duplicate push, or a partly new one); NULL when none did.
    /// - All four are NULL on deliveries recorded before v7.
    static let v7DeliveryDetail = """
        ALTER TABLE deliveries ADD COLUMN headers TEXT;
        ALTER TABLE deliveries ADD COLUMN events TEXT;
        ALTER TABLE deliveries ADD COLUMN repository TEXT;
        ALTER TABLE deliveries ADD COLUMN duplicate_of_runs TEXT;
        """

    /// Indexes for the admin API's filtered lists (v7), newest first with an id cursor (`id < :before`): each filter's
    /// column followed by `id`, so a page is an index range read backwards, never a scan of the table. Checked with
    /// EXPLAIN QUERY PLAN on 100,000 deliveries and runs (`ListQueryTests`). Source lists use v1's `deliveries_by_source`;
    /// run statuses v1's `runs_by_status`. `deliveries_by_source_time` counts a source's recent deliveries.
    static let v7ListIndexes = """
        CREATE INDEX deliveries_by_status ON deliveries (status, id);
        CREATE INDEX deliveries_by_repository ON deliveries (repository, id);
        CREATE INDEX deliveries_by_source_time ON deliveries (source, received_at);
        CREATE INDEX runs_by_source ON runs (source, id);
        CREATE INDEX runs_by_repository ON runs (repository, id);
        CREATE INDEX runs_by_environment ON runs (environment, id);
        CREATE INDEX runs_by_rule ON runs (rule, id);
        """
}
