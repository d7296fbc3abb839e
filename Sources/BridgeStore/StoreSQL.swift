import BridgeCore

/// The statements both stores run, written once with `:name` parameters (GRDB binds them by name; PostgreSQL through
/// `PostgresQuery.named`). The few spellings that differ are parameters of the functions here.
///
/// Each store adds only what its engine needs around them: SQLite's single writer serialises every write; PostgreSQL
/// takes row locks and an advisory lock for claims (`PostgresDeliveryStore`).
enum StoreSQL {
    // MARK: Recording (DESIGN §1 step 6)

    /// Inserts nothing when (source, key) is already recorded. PostgreSQL adds `returningID` to learn the new
    /// delivery's id; SQLite reads it from the connection (`SQLiteDeliveryStore.insertedID`).
    static let insertDelivery = """
        INSERT INTO deliveries (source, forge, delivery_key, event_name, received_at, status, reason, headers, events, repository)
        VALUES (:source, :forge, :key, :event_name, :received_at, :status, :reason, :headers, :events, :repository)
        ON CONFLICT (source, delivery_key) DO NOTHING
        """

    /// What PostgreSQL appends to `insertDelivery` and `insertRun`: the new row's id, no row when it conflicted.
    static let returningID = "\nRETURNING id"

    /// PostgreSQL's recording of a delivery with its first run in one statement (one round trip where the one-row
    /// statements take three or more): `insertDelivery`; when the delivery is new and `:run_rule` is given, its first run
    /// (`insertRun`'s columns, each parameter prefixed `run_`); when that run is new, the run's first step (`step_`) and
    /// its first status outbox row (`outbox_`), each skipped when its parameters are NULL; a new run is announced to the
    /// replicas (`PostgresWorkChannel`, as `NOTIFY`: sent at commit). The row holds the delivery's id and the run's
    /// (`run_id`, NULL when the run's key conflicted or no run was given); no row when the delivery's key conflicted.
    /// The delivery's other runs, steps and outbox rows go through the one-row statements, in the same transaction. The
    /// parameters the delivery's insert does not type are cast: PostgreSQL types a parameter from its first use, and a
    /// bare one in a select list would be text.
    static let insertDeliveryWithFirstRun = """
        WITH delivery AS (
        \(insertDelivery)\(returningID)
        ), run AS (
            INSERT INTO runs (delivery_id, rule, environment, source, forge, repository, ref, ref_kind, ref_name,
                sha, project_id, event, notes, report, last_reported, status, created_at, updated_at)
            SELECT delivery.id, CAST(:run_rule AS TEXT), CAST(:run_environment AS TEXT), CAST(:run_source AS TEXT),
                CAST(:run_forge AS TEXT), CAST(:run_repository AS TEXT), CAST(:run_ref AS TEXT), CAST(:run_ref_kind AS TEXT),
                CAST(:run_ref_name AS TEXT), CAST(:run_sha AS TEXT), CAST(:run_project_id AS TEXT), CAST(:run_event AS TEXT),
                CAST(:run_notes AS TEXT), CAST(:run_report AS TEXT), CAST(:run_last_reported AS TEXT), 'queued',
                CAST(:run_created_at AS BIGINT), CAST(:run_created_at AS BIGINT)
            FROM delivery WHERE CAST(:run_rule AS TEXT) IS NOT NULL
            ON CONFLICT (rule, repository, ref, sha) DO NOTHING
            RETURNING id
        ), step AS (
            INSERT INTO steps (run_id, position, target, provider, parameters, resource, status, created_at, updated_at)
            SELECT run.id, CAST(:step_position AS BIGINT), CAST(:step_target AS TEXT), CAST(:step_provider AS TEXT),
                CAST(:step_parameters AS TEXT), CAST(:step_resource AS TEXT), 'pending', CAST(:step_created_at AS BIGINT),
                CAST(:step_created_at AS BIGINT)
            FROM run WHERE CAST(:step_target AS TEXT) IS NOT NULL
        ), outbox AS (
            INSERT INTO status_outbox (run_id, reporter, target_status, payload, created_at)
            SELECT run.id, CAST(:outbox_reporter AS TEXT), CAST(:outbox_status AS TEXT), CAST(:outbox_payload AS TEXT),
                CAST(:outbox_now AS BIGINT)
            FROM run WHERE CAST(:outbox_reporter AS TEXT) IS NOT NULL
        ), announced AS (
            SELECT pg_notify('\(PostgresWorkChannel.name)', '') FROM run
        )
        SELECT delivery.id, (SELECT id FROM run) AS run_id, (SELECT COUNT(*) FROM announced) AS announced FROM delivery
        """

    /// Counts a copy on the original delivery; its id.
    static let countDuplicate = """
        UPDATE deliveries SET duplicates = duplicates + 1 WHERE source = :source AND delivery_key = :key RETURNING id
        """

    static let runsOfDelivery = "SELECT id, rule, status FROM runs WHERE delivery_id = :delivery_id ORDER BY id"

    /// Inserts nothing when a run with the same (rule, repository, ref, sha) exists; its id as `insertDelivery`'s.
    static let insertRun = """
        INSERT INTO runs (delivery_id, rule, environment, source, forge, repository, ref, ref_kind, ref_name,
            sha, project_id, event, notes, report, last_reported, status, created_at, updated_at)
        VALUES (:delivery_id, :rule, :environment, :source, :forge, :repository, :ref, :ref_kind, :ref_name, :sha, :project_id,
            :event, :notes, :report, :last_reported, 'queued', :created_at, :created_at)
        ON CONFLICT (rule, repository, ref, sha) DO NOTHING
        """

    static let insertStep = """
        INSERT INTO steps (run_id, position, target, provider, parameters, resource, status, created_at, updated_at)
        VALUES (:run_id, :position, :target, :provider, :parameters, :resource, 'pending', :created_at, :created_at)
        """

    static let existingRun = """
        SELECT id, rule, status, delivery_id FROM runs WHERE rule = :rule AND repository = :repository AND ref = :ref AND sha = :sha
        """

    static let setDeliveryStatus = """
        UPDATE deliveries SET status = :status, reason = :reason, duplicate_of_runs = :duplicate_of_runs WHERE id = :id
        """

    // MARK: Runs (RunLifecycle's decisions)

    private static let runStateColumns = "status, cancel_requested, forge, environment, report, last_reported"
    private static let stepStateColumns = "id, status, attempts, external_id IS NOT NULL AS in_flight"

    static let runStateRun = "SELECT \(runStateColumns) FROM runs WHERE id = :id"

    static let runStateSteps = "SELECT \(stepStateColumns) FROM steps WHERE run_id = :id ORDER BY position"

    /// `runStateRun` for each run whose id is in `:ids` (`IDList`), by id; `suffix` is what follows (PostgreSQL's row
    /// locks).
    static func runStateRuns(_ ids: IDList, suffix: String = "") -> String {
        "SELECT id, \(runStateColumns) FROM runs WHERE \(ids.contains("id")) ORDER BY id\(suffix)"
    }

    /// `runStateSteps` for each run whose id is in `:ids`, each with its run's id.
    static func runStateStepsOfRuns(_ ids: IDList) -> String {
        "SELECT run_id, \(stepStateColumns) FROM steps WHERE \(ids.contains("run_id")) ORDER BY run_id, position"
    }

    /// `setStepStatus` for each step whose id is in `:ids`.
    static func setStepsStatus(_ ids: IDList) -> String {
        "UPDATE steps SET status = :status, next_attempt_at = NULL, updated_at = :now WHERE \(ids.contains("id"))"
    }

    static let setStepStatus = "UPDATE steps SET status = :status, next_attempt_at = NULL, updated_at = :now WHERE id = :id"

    /// A retried run's step: its attempts forgotten (log and notes stay).
    static let resetStep = """
        UPDATE steps SET status = :status, attempts = 0, error = NULL, external_id = NULL, lease_owner = NULL,
            lease_expires_at = NULL, next_attempt_at = NULL, \(forgetProcess), started_at = NULL, finished_at = NULL,
            updated_at = :now
        WHERE id = :id
        """

    /// The run's new status and cancel request (NULL: unchanged) and its times (`RunChange.Times`); the four texts are
    /// built once.
    static func updateRun(_ times: RunChange.Times) -> String {
        switch times {
        case .unchanged: updateRunKeepingTimes
        case .started: updateRunStarted
        case .finished: updateRunFinished
        case .retried: updateRunRetried
        }
    }

    private static let updateRunKeepingTimes = updateRuns(.unchanged, where: "id = :id")
    private static let updateRunStarted = updateRuns(.started, where: "id = :id")
    private static let updateRunFinished = updateRuns(.finished, where: "id = :id")
    private static let updateRunRetried = updateRuns(.retried, where: "id = :id")

    /// `updateRun` for each run whose id is in `:ids`.
    static func updateRuns(_ times: RunChange.Times, _ ids: IDList) -> String {
        updateRuns(times, where: ids.contains("id"))
    }

    private static func updateRuns(_ times: RunChange.Times, where condition: String) -> String {
        let assignments =
            switch times {
            case .unchanged: ""
            case .started: ", started_at = :now"
            case .finished: ", finished_at = :now"
            case .retried: ", retried_at = :now, started_at = NULL, finished_at = NULL"
            }
        return """
            UPDATE runs SET status = COALESCE(:status, status), cancel_requested = COALESCE(:cancel, cancel_requested),
                updated_at = :now\(assignments)
            WHERE \(condition)
            """
    }

    static let runSummary = "SELECT \(Rows.runColumns) FROM runs r WHERE r.id = :id"

    // MARK: Claims (DESIGN §4)

    /// Whether the run `r` is superseded: queued, never retried, and a newer run of the same rule and environment
    /// exists whose status `RunStatus.supersedesOlderRuns`. One probe of `runs_by_rule_environment_id` (a range on `id`
    /// above the run's). Environments are compared with `=`, and NULL with NULL in a second probe, not with a null-safe
    /// operator: PostgreSQL uses no index for `IS NOT DISTINCT FROM`, and read every newer run of the rule instead.
    ///
    /// Claims ask it only of the runs their walk reaches (`pendingCandidate`) and, when one is superseded, of the later
    /// runs of its rule and environment (`supersededRuns`), never of every queued run; a superseded run is superseded at
    /// the latest when a claim's walk reaches it, before any later run's step is taken.
    static let superseded: String = {
        let superseding = RunStatus.superseding.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let newer = "SELECT 1 FROM runs newer WHERE newer.rule = r.rule AND newer.id > r.id AND newer.status IN (\(superseding))"
        return """
            (r.status = 'queued' AND r.retried_at IS NULL AND (
                EXISTS (\(newer) AND newer.environment = r.environment)
                OR (r.environment IS NULL AND EXISTS (\(newer) AND newer.environment IS NULL))))
            """
    }()

    /// The condition a step meets to be claimed at `:now`: a running step whose lease expired (to resume: its worker is
    /// gone, perhaps not its deployment), or a due pending step whose earlier steps all succeeded, of a queued or running
    /// run that no one asked to cancel (unless the step has a deployment in flight, which a worker must cancel).
    ///
    /// One step per resource (`StepResource`: a REST API, a deployment group, a stack, an Alibaba API's stage, a
    /// command's target), whichever targets name it: a candidate is skipped while ANY other step with its resource is
    /// `running`, even under an expired lease. An expired step is itself a candidate and comes back first, so this
    /// never blocks for long, and a newer step never starts while an abandoned deployment may still run on the same
    /// resource. A step recorded before v4 has no resource and is serialised by target, both ways (Migrations.v4).
    static let claimable = """
        r.status IN ('queued', 'running')
          AND ((s.status = 'running' AND s.lease_expires_at <= :now)
            OR (s.status = 'pending'
              AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= :now)
              AND (r.cancel_requested = 0 OR s.external_id IS NOT NULL)
              AND NOT EXISTS (
                SELECT 1 FROM steps earlier
                WHERE earlier.run_id = s.run_id AND earlier.position < s.position AND earlier.status <> 'succeeded')))
          AND NOT EXISTS (
            SELECT 1 FROM steps busy WHERE busy.resource = s.resource AND busy.status = 'running' AND busy.id <> s.id)
          AND NOT EXISTS (
            SELECT 1 FROM steps busy
            WHERE (s.resource IS NULL OR busy.resource IS NULL) AND busy.target = s.target AND busy.status = 'running'
              AND busy.id <> s.id)
        """

    /// The step a claim acts on next, in two parts, so neither reads more than it takes: a step whose lease expired (few,
    /// and resumed first), else `pendingCandidate`.
    static let expiredCandidate = """
        SELECT s.id, s.run_id, r.status AS run_status, r.rule, r.environment, FALSE AS superseded
        FROM steps s JOIN runs r ON r.id = s.run_id
        WHERE s.status = 'running' AND \(claimable)
        ORDER BY s.run_id, s.position
        LIMIT 1
        """

    /// The first pending step that is claimable or belongs to a superseded run (`superseded`, whatever its resource, which
    /// the claim supersedes before it looks again), oldest run first, lowest position first. `join` is the store's
    /// spelling of `steps s` joined to `runs r`: the pending steps are walked in that order on their own partial index
    /// (`Migrations.v9PendingSteps`), and the walk stops at the first one the claim acts on.
    static func pendingCandidate(join: String) -> String {
        """
        SELECT s.id, s.run_id, r.status AS run_status, r.rule, r.environment, \(superseded) AS superseded
        FROM \(join)
        WHERE s.status = 'pending' AND (\(superseded) OR \(claimable))
        ORDER BY s.run_id, s.position
        LIMIT 1
        """
    }

    /// How many superseded runs a claim supersedes in one go (`supersededRuns`).
    static let supersedeBatch = 256

    /// The superseded runs (`superseded`) of `:rule` and `:environment` (NULL when `environmentIsNull`) from the run `:from`
    /// on, oldest first, at most `:limit`: a claim whose walk meets one supersedes them together, in a few statements
    /// for all of them (`RunChangeBatch`), instead of meeting and superseding each in turn. A range of
    /// `runs_by_rule_environment_id` from the run the walk met: the rule's older runs, ended long ago, are not read.
    static func supersededRuns(environmentIsNull: Bool) -> String {
        """
        SELECT r.id FROM runs r
        WHERE r.rule = :rule AND \(environmentIsNull ? "r.environment IS NULL" : "r.environment = :environment") AND r.id >= :from
          AND \(superseded)
        ORDER BY r.id
        LIMIT :limit
        """
    }

    /// Takes the step for `:owner` until `:expiry`.
    static let claimStep = """
        UPDATE steps SET status = 'running', lease_owner = :owner, lease_expires_at = :expiry, attempts = attempts + 1,
            next_attempt_at = NULL, started_at = COALESCE(started_at, :now), updated_at = :now
        WHERE id = :id
        """

    static let claimedStep = """
        SELECT \(Rows.claimedStepColumns)
        FROM steps s JOIN runs r ON r.id = s.run_id JOIN deliveries d ON d.id = r.delivery_id
        WHERE s.id = :id
        """

    // MARK: Holding a step

    /// The assignments that forget a step's process, for the statements that record its outcome.
    static let forgetProcess = """
        process_id = NULL, process_start_ticks = NULL, process_boot_id = NULL, process_started_at = NULL, process_attempt = NULL
        """

    // The updates of a held step below change it only when `:owner` holds it. PostgreSQL appends `returningRunID` or
    // `returningID` to learn, in the same round trip, whether it did and the step's run; SQLite reads the change count
    // and the run (`SQLiteDeliveryStore.updateHeldStepOfRun`): a RETURNING builds a temporary b-tree on every execution.

    /// Finishes the step with `:status` and `:error`.
    static let finishStep = """
        UPDATE steps SET status = :status, error = :error, finished_at = :now, updated_at = :now,
            lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL, \(forgetProcess)
        WHERE id = :id AND status = 'running' AND lease_owner = :owner
        """

    /// Makes the step pending again from `:retry_at`.
    static let giveBackStep = """
        UPDATE steps SET status = 'pending', next_attempt_at = :retry_at, error = :error, updated_at = :now,
            lease_owner = NULL, lease_expires_at = NULL, \(forgetProcess)
        WHERE id = :id AND status = 'running' AND lease_owner = :owner
        """

    static let returningRunID = "\nRETURNING run_id"

    static let stepRunID = "SELECT run_id FROM steps WHERE id = :id"

    /// The run's cancel request when `:owner` holds the step, whose lease then lasts until `:expiry`; no row otherwise.
    static let renewLease = """
        UPDATE steps SET lease_expires_at = :expiry, updated_at = :now
        WHERE id = :id AND status = 'running' AND lease_owner = :owner
        RETURNING (SELECT r.cancel_requested FROM runs r WHERE r.id = steps.run_id) AS cancel_requested
        """

    static let recordExternalID = """
        UPDATE steps SET external_id = :external_id WHERE id = :id AND status = 'running' AND lease_owner = :owner
        """

    static let recordProcess = """
        UPDATE steps SET process_id = :pid, process_start_ticks = :ticks, process_boot_id = :boot_id,
            process_started_at = :started_at, process_attempt = :attempt
        WHERE id = :id AND status = 'running' AND lease_owner = :owner
        """

    static let releaseLeases = """
        UPDATE steps SET lease_expires_at = :now, updated_at = :now
        WHERE status = 'running' AND lease_owner = :owner AND lease_expires_at > :now
        """

    /// Pending steps of active runs, and, when `:now` is not NULL, running steps whose lease expired.
    static let queueDepth = """
        SELECT COUNT(*) AS depth FROM steps s JOIN runs r ON r.id = s.run_id
        WHERE r.status IN ('queued', 'running')
          AND (s.status = 'pending' OR (s.status = 'running' AND s.lease_expires_at <= :now))
        """

    // MARK: The status outbox

    static let insertOutbox = """
        INSERT INTO status_outbox (run_id, reporter, target_status, payload, created_at)
        VALUES (:run_id, :reporter, :status, :payload, :now)
        """

    static let statusUpdateRun = "SELECT \(Rows.statusUpdateColumns) FROM runs WHERE id = :id"

    /// `reported_status` (v2) is kept in step for the statuses its CHECK allows, so a replica of an earlier version
    /// running beside this one during a rolling update reads what GitLab was told (`Migrations.v6RunReports`). Comparisons,
    /// not `IN (…)`, which SQLite makes a temporary b-tree of at each execution (`SQLiteCheckLists`).
    static let setReported = """
        UPDATE runs SET last_reported = :status,
            reported_status = CASE WHEN :status = 'running' OR :status = 'success' OR :status = 'failed' OR :status = 'canceled'
                THEN :status ELSE reported_status END
        WHERE id = :id
        """

    /// Each run's oldest pending row, if due and not claimed by another sender (a sender takes its own claims again: it
    /// sends one row at a time, so a row it holds is one whose outcome it could not record): a later row never overtakes
    /// an earlier one of its run.
    /// `lock` is what the dialect adds to hold the rows chosen (PostgreSQL: `FOR UPDATE OF o SKIP LOCKED`).
    static func claimableOutboxRows(lock: String) -> String {
        """
        SELECT o.id FROM status_outbox o
        WHERE o.sent_at IS NULL AND o.abandoned_at IS NULL
          AND o.id = (SELECT MIN(p.id) FROM status_outbox p
                      WHERE p.run_id = o.run_id AND p.sent_at IS NULL AND p.abandoned_at IS NULL)
          AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= :now)
          AND (o.claim_expires_at IS NULL OR o.claim_expires_at <= :now OR o.claimed_by = :owner)
        ORDER BY o.id
        LIMIT :limit
        \(lock)
        """
    }

    static func claimOutboxRows(lock: String) -> String {
        """
        UPDATE status_outbox SET claimed_by = :owner, claim_expires_at = :expiry
        WHERE id IN (\(claimableOutboxRows(lock: lock)))
        RETURNING \(Rows.pendingStatusColumns),
            (SELECT r.forge_deployment_id FROM runs r WHERE r.id = status_outbox.run_id) AS forge_deployment_id
        """
    }

    static let outboxSent = """
        UPDATE status_outbox SET sent_at = :now, attempts = attempts + 1, claimed_by = NULL, claim_expires_at = NULL
        WHERE id = :id AND sent_at IS NULL AND claimed_by = :owner
        RETURNING run_id
        """

    static let setForgeDeployment = "UPDATE runs SET forge_deployment_id = :deployment WHERE id = :id"

    /// `:retry_at` NULL gives the row up; `:attempted` 0 waits without counting an attempt (a rate limit). (The casts tell
    /// PostgreSQL the type of a NULL parameter.)
    static let outboxFailed = """
        UPDATE status_outbox
        SET attempts = attempts + CAST(:attempted AS BIGINT), last_error = :error, next_attempt_at = CAST(:retry_at AS BIGINT),
            abandoned_at = CASE WHEN CAST(:retry_at AS BIGINT) IS NULL THEN :now END, claimed_by = NULL, claim_expires_at = NULL
        WHERE id = :id AND sent_at IS NULL AND abandoned_at IS NULL AND claimed_by = :owner
        RETURNING run_id, reporter, target_status
        """

    static let outboxRowExists = "SELECT id FROM status_outbox WHERE id = :id"

    /// A run's outbox rows, oldest first (`runs show`).
    static let runStatusUpdates = """
        SELECT reporter, target_status, attempts, last_error, created_at, sent_at, abandoned_at
        FROM status_outbox WHERE run_id = :id ORDER BY id
        """

    static let stepExists = "SELECT id FROM steps WHERE id = :id"
}
