# Sourced by bench scripts: a throwaway PostgreSQL cluster on loopback, with its durable defaults (fsync,
# synchronous_commit on) and without TLS, in "$work/pg", started on the CPUs of "${server_cpu[@]}".
#   postgres_start [OPTIONS]: initdb and start it (OPTIONS: more server settings, e.g. '-c log_lock_waits=on');
#   postgres_database: creates a fresh database and prints its URL (named by the clock: it runs in a subshell);
#   postgres_stop: stops it (call it from the script's EXIT trap).
# Needs $work, server_cpu and free_port from the sourcing script; PostgreSQL's server binaries (scripts/setup --tests).
pgbin="$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(runuser -u postgres --)

postgres_start() {
    [ "$(id -u)" -eq 0 ] && chown postgres "$work"
    pg_port=$(free_port)
    "${as_postgres[@]}" "$pgbin/initdb" -D "$work/pg" -U bench --auth=trust >/dev/null
    "${server_cpu[@]}" "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
        -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200 ${1:-}" start >/dev/null
}

postgres_database() {
    local name="bench_$(date +%s%N)"
    "${as_postgres[@]}" "$pgbin/createdb" -h "$work" -p "$pg_port" -U bench "$name"
    echo "postgres://bench@127.0.0.1:$pg_port/$name?sslmode=disable"
}

postgres_stop() {
    [ -d "$work/pg" ] && "${as_postgres[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
}
