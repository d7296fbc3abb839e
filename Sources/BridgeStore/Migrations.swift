import GRDB

/// The store's schema, as named migrations applied in order.
///
/// Conventions, chosen so the same schema can move to PostgreSQL (DESIGN §9) with type renames only:
/// - Ids are `INTEGER PRIMARY KEY AUTOINCREMENT` (PostgreSQL: `BIGINT GENERATED ALWAYS AS IDENTITY`).
///   AUTOINCREMENT means an id shown to a user or sent to a forge ("run 12") is never reused, even after
///   old records are pruned.
/// - Timestamps are INTEGER milliseconds since the Unix epoch, UTC (PostgreSQL: `BIGINT`): portable,
///   sortable and free of time-zone and text-format questions.
/// - JSON documents are TEXT (PostgreSQL: `jsonb`); the store never queries inside them.
/// - Statuses are TEXT with a CHECK on the closed set, so a typo in a later UPDATE fails loudly.
/// - Only `ON CONFLICT … DO NOTHING` and `RETURNING`, which both databases accept in the same spelling.
enum Migrations {
    /// Every migration, in order: its name and its SQL (statements separated by `;`), written once for both stores
    /// (`PostgresSchema` renames the types).
    static let all: [(name: String, sql: [String])] = [
        ("v1", [v1Deliveries, v1Runs, v1Steps, v1StatusOutbox]),
        ("v2", [v2RunControl, v2OutboxGiveUp, v2WorkerIndexes]),
        ("v3", [v3StepProcesses, v3StepNotes]),
        ("v4", [v4StepResources]),
        ("v5", [v5OutboxClaims]),
        ("v6", [v6RunReports]),
        ("v7", [v7DeliveryDetail, v7ListIndexes]),
        ("v8", [v8Redeliveries, v8RecoveryPasses]),
        ("v9", [v9PendingSteps]),
    ]

    /// The migrator with every migration registered.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration(migration.name) { db in
                for sql in migration.sql { try db.execute(sql: sql) }
            }
        }
        return migrator
    }

    /// One row per webhook delivery received, whatever became of it.
    ///
    /// Invariants:
    /// - (source, delivery_key) is unique: it is the delivery's idempotency key. A later copy of the same key
    ///   writes nothing but `duplicates = duplicates + 1` on the original row.
    /// - status `queued`: it created at least one run. `duplicate`: it planned runs but every one already
    ///   existed (the same push through another hook or a resend). `ping` / `ignored`: nothing to deploy;
    ///   `reason` says why.
    static let v1Deliveries = """
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            forge TEXT NOT NULL,
            delivery_key TEXT NOT NULL,
            event_name TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('queued', 'ping', 'ignored', 'duplicate')),
            reason TEXT,
            duplicates INTEGER NOT NULL DEFAULT 0 CHECK (duplicates >= 0),
            UNIQUE (source, delivery_key)
        );
        CREATE INDEX deliveries_by_source ON deliveries (source, id);
        """

    /// One row per deployment run: a matching rule applied to one ref update.
    ///
    /// Invariants:
    /// - (rule, repository, ref, sha) is unique: the semantic idempotency key, so the same push arriving
    ///   with another delivery key never deploys twice. `delivery_id` is the delivery that created the run.
    /// - `ref` is the full ref (`refs/heads/main`); `ref_kind` and `ref_name` are its parts.
    /// - `event` is the JSON of the `PushEvent`; `notes` a JSON array of strings. Both are written once.
    /// - status moves `queued` → `running` → `succeeded` | `failed` | `canceled`, or `queued` → `superseded`
    ///   when a newer run of the same rule and environment arrives before it starts.
    static let v1Runs = """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
            rule TEXT NOT NULL,
            environment TEXT,
            source TEXT NOT NULL,
            forge TEXT NOT NULL,
            repository TEXT NOT NULL,
            ref TEXT NOT NULL,
            ref_kind TEXT NOT NULL CHECK (ref_kind IN ('branch', 'tag')),
            ref_name TEXT NOT NULL,
            sha TEXT NOT NULL,
            project_id TEXT,
            event TEXT NOT NULL,
            notes TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'superseded')),
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            UNIQUE (rule, repository, ref, sha)
        );
        CREATE INDEX runs_by_delivery ON runs (delivery_id);
        CREATE INDEX runs_by_status ON runs (status, id);
        CREATE INDEX runs_by_rule_environment ON runs (rule, environment, status);
        """

    /// One row per deploy entry of a run, executed in `position` order (1-based).
    ///
    /// Invariants:
    /// - (run_id, position) is unique; a run's steps are all inserted with the run, in one transaction.
    /// - `parameters` is the JSON of the step's `ConfigValue`, templates unrendered.
    /// - A step is runnable when `status = 'pending'` and `next_attempt_at` is NULL (no backoff) or past,
    ///   its predecessors succeeded, and no other step of the same `target` is `running`.
    /// - While `running`, `lease_owner` holds the lease until `lease_expires_at`; after a crash an expired
    ///   lease is resumed from `external_id` (the provider's deployment id) rather than started again.
    static let v1Steps = """
        CREATE TABLE steps (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 1),
            target TEXT NOT NULL,
            provider TEXT NOT NULL,
            parameters TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'canceled', 'skipped')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            external_id TEXT,
            error TEXT,
            log TEXT,
            lease_owner TEXT,
            lease_expires_at INTEGER,
            next_attempt_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            UNIQUE (run_id, position)
        );
        CREATE INDEX steps_runnable ON steps (status, next_attempt_at, run_id, position);
        CREATE INDEX steps_by_target ON steps (target, status);
        """

    /// Status updates waiting to be sent to a forge (DESIGN §4, §5): a durable outbox with retries.
    ///
    /// Invariants:
    /// - Rows are appended in the transaction that changes the run's status; `sent_at` is NULL until the
    ///   forge accepted the update.
    /// - A run's rows are sent in id order: a row waits while an earlier row of the same run is unsent, so
    ///   the forge never sees an illegal transition (success before running).
    /// - `reporter` names the forge API (`gitlab`); `target_status` the status to report
    ///   (`running`, `success`, `failed`, `canceled`); `payload` is the JSON the reporter needs.
    static let v1StatusOutbox = """
        CREATE TABLE status_outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            reporter TEXT NOT NULL,
            target_status TEXT NOT NULL,
            payload TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at INTEGER,
            created_at INTEGER NOT NULL,
            sent_at INTEGER,
            last_error TEXT
        );
        CREATE INDEX status_outbox_pending ON status_outbox (sent_at, next_attempt_at);
        CREATE INDEX status_outbox_by_run ON status_outbox (run_id, id);
        """

    /// What the worker needs on a run (v2): cancel requests, the forge's deployment and what the forge was told.
    ///
    /// Invariants:
    /// - `cancel_requested` is 1 while a running run waits for its worker to cancel the step in flight; it is
    ///   set back to 0 only by a retry.
    /// - `forge_deployment_id` is the forge's id (GitLab deployment id) of the run's current deployment, set when
    ///   an outbox row is sent; a `running` update always creates a new deployment (GitLab allows only
    ///   created → running), the terminal updates after it update this one.
    /// - `reported_status` is the last status enqueued to the outbox for the run (NULL: never reported). A
    ///   `running` row is enqueued only when it is not `running` already, a terminal row only when it is
    ///   `running`, so the forge never sees running → running, and a run it never saw gets no `canceled`.
    /// - `retried_at` is set by a manual retry; a retried run is never superseded (the retry was explicit).
    static let v2RunControl = """
        ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1));
        ALTER TABLE runs ADD COLUMN forge_deployment_id TEXT;
        ALTER TABLE runs ADD COLUMN reported_status TEXT
            CHECK (reported_status IN ('running', 'success', 'failed', 'canceled'));
        ALTER TABLE runs ADD COLUMN retried_at INTEGER;
        """

    /// Outbox rows the sender gave up on (v2).
    ///
    /// Invariants:
    /// - A row is pending while `sent_at` and `abandoned_at` are both NULL; only the oldest pending row of a run
    ///   is ever due. Giving up sets `abandoned_at` (keeping `last_error`), so the run's later rows can go.
    static let v2OutboxGiveUp = """
        ALTER TABLE status_outbox ADD COLUMN abandoned_at INTEGER;
        """

    /// Indexes for the worker's queries (v2), each checked with EXPLAIN QUERY PLAN on 50,000 finished runs.
    ///
    /// - `runs_active` (partial: only the queued and running runs): claims join steps to active runs through it,
    ///   even once `ANALYZE` statistics tell the planner most runs are finished (without it SQLite then scans
    ///   every run on each claim).
    /// - `runs_by_rule_environment_id` replaces v1's `runs_by_rule_environment` (rule, environment, status): the
    ///   supersede check looks for a newer run of the same rule and environment, a range on `id`.
    /// - `steps_leased`: the leases a worker holds (`releaseLeases`). Claims find a target's running steps
    ///   through v1's `steps_by_target`.
    /// - `status_outbox_unsent`: each run's oldest pending row (`dueStatusUpdates`).
    static let v2WorkerIndexes = """
        CREATE INDEX runs_active ON runs (id) WHERE status IN ('queued', 'running');
        DROP INDEX runs_by_rule_environment;
        CREATE INDEX runs_by_rule_environment_id ON runs (rule, environment, id);
        CREATE INDEX steps_leased ON steps (lease_owner) WHERE status = 'running';
        CREATE INDEX status_outbox_unsent ON status_outbox (run_id, id) WHERE sent_at IS NULL AND abandoned_at IS NULL;
        """

    /// The local process a `command` step's current attempt started (v3), so that after a crash the next attempt
    /// ends a copy still running before it starts another.
    ///
    /// Invariants:
    /// - The five `process_*` columns are all set or all NULL. They are set, by the lease's owner, after the child
    ///   process is created and before it runs the program, so a process that ran is always recorded.
    /// - `process_id` is the leader's pid and its process group's id; `process_start_ticks` its start time in clock
    ///   ticks since boot (`/proc/<pid>/stat` field 22) and `process_boot_id` the boot's id: together they tell the
    ///   process from any later one reusing the pid. `process_started_at` is wall-clock milliseconds, for people;
    ///   `process_attempt` the attempt that started it.
    /// - Recording the step's outcome (`finishStep`, `retryStepLater`) or retrying its run clears them: a process is
    ///   recorded only while its outcome is not, so a claim that finds one resumes a step whose command may still run.
    static let v3StepProcesses = """
        ALTER TABLE steps ADD COLUMN process_id INTEGER CHECK (process_id > 0);
        ALTER TABLE steps ADD COLUMN process_start_ticks INTEGER CHECK (process_start_ticks >= 0);
        ALTER TABLE steps ADD COLUMN process_boot_id TEXT;
        ALTER TABLE steps ADD COLUMN process_started_at INTEGER;
        ALTER TABLE steps ADD COLUMN process_attempt INTEGER CHECK (
            process_attempt >= 1
            AND (process_id IS NULL) = (process_attempt IS NULL)
            AND (process_start_ticks IS NULL) = (process_attempt IS NULL)
            AND (process_boot_id IS NULL) = (process_attempt IS NULL)
            AND (process_started_at IS NULL) = (process_attempt IS NULL));
        """

    /// Notes on a step (v3): what the worker did about it beyond running it, such as stopping an earlier copy of
    /// its command found running after a restart.
    ///
    /// Invariants:
    /// - `notes` is a JSON array of strings, oldest first; notes are only ever appended, and a retry keeps them.
    static let v3StepNotes = """
        ALTER TABLE steps ADD COLUMN notes TEXT NOT NULL DEFAULT '[]';
        """

    /// The real resource each step deploys to (v4), which claims serialise on instead of the target's name.
    ///
    /// Invariants:
    /// - `resource` is `StepResource.key` of the step, computed when it is planned (a REST API, a deployment group, a
    ///   stack, an Alibaba API's stage, or a command's target name) and written with the step; NULL only on rows
    ///   recorded before v4.
    /// - A step is runnable only while no other `running` step has the same resource; a row without one (NULL) is
    ///   serialised as before v4, by `target`, against every other step of its target. So a step in flight across the
    ///   upgrade still excludes the new steps of its target.
    /// - `steps_by_resource` finds a resource's running steps for the claim's check.
    static let v4StepResources = """
        ALTER TABLE steps ADD COLUMN resource TEXT;
        CREATE INDEX steps_by_resource ON steps (resource, status);
        """

    /// Claims on outbox rows (v5), so that one sender at a time sends a row however many processes share the store
    /// (several replicas, or the CLI beside a bridge).
    ///
    /// Invariants:
    /// - A pending row is handed to a sender only while it has no live claim (`claim_expires_at` NULL or past); the
    ///   claim names the sender (`claimed_by`). Sending or giving up clears it.
    /// - Only the claim's holder records the row's outcome; a holder whose claim expired may still, unless another
    ///   sender claimed the row since. A sender never starts a send it could not finish before its claim expires.
    static let v5OutboxClaims = """
        ALTER TABLE status_outbox ADD COLUMN claimed_by TEXT;
        ALTER TABLE status_outbox ADD COLUMN claim_expires_at INTEGER;
        """

    /// Every forge's reporters (v6): each run keeps how it is shown on its forge, and the outbox may tell a forge of a
    /// queued or superseded run.
    ///
    /// Invariants:
    /// - `report` is the JSON of the run's `RunReport` (its reporters, rendered environment URL, GitHub flags), written
    ///   when the run is recorded; NULL only on runs recorded before v6, whose reporters are
    ///   `StatusOutboxPolicy.legacyReporters` (GitLab's, as before).
    /// - `last_reported` replaces v2's `reported_status` (whose CHECK cannot grow in SQLite): the last status enqueued to
    ///   the outbox for the run, NULL while none was. `reported_status` is no longer read; it is still written with the
    ///   statuses its CHECK allows, for a replica of an earlier version during a rolling update.
    /// - An outbox row's `reporter` names a `StatusReporterKind`; the payload's run id is the row's `run_id`.
    static let v6RunReports = """
        ALTER TABLE runs ADD COLUMN report TEXT;
        ALTER TABLE runs ADD COLUMN last_reported TEXT
            CHECK (last_reported IN ('queued', 'running', 'success', 'failed', 'canceled', 'superseded'));
        UPDATE runs SET last_reported = reported_status WHERE reported_status IS NOT NULL;
        """
}
