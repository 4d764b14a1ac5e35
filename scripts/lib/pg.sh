# shellcheck shell=bash
# A throwaway PostgreSQL cluster for tests and benchmarks. Source it (after common.sh):
#
#   pg_ensure_installed   # apt-get install postgresql if no server binaries are there
#   pg_start              # sets PG_URL, PG_PORT, PG_DIR; stops and removes it at exit
#   psql "$PG_URL" -c 'select 1'
#
# The cluster lives in a temporary directory owned by the `postgres` user (initdb and postgres
# refuse to run as root), listens only on 127.0.0.1 at a free port, keeps its unix socket inside
# that directory, and runs with fsync off: nothing in it is meant to survive.

PG_BINDIR=${PG_BINDIR:-}
PG_DIR=
PG_PORT=
PG_URL=
PG_START_SECS=

# pg_bindir: print the newest /usr/lib/postgresql/<ver>/bin with an initdb, or fail.
pg_bindir() {
    if [[ -n "$PG_BINDIR" && -x "$PG_BINDIR/initdb" ]]; then
        echo "$PG_BINDIR"
        return 0
    fi
    local d
    d=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
    [[ -n "$d" ]] || return 1
    dirname "$d"
}

pg_ensure_installed() {
    if ! pg_bindir >/dev/null || ! id -u postgres >/dev/null 2>&1 || ! command -v psql >/dev/null; then
        apt_ensure postgresql
    fi
    PG_BINDIR=$(pg_bindir) || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
}

# _pg_as_owner CMD...: run CMD as the cluster's owner (postgres when we are root), from inside
# the cluster directory (the postgres user may not be able to read the current directory).
_pg_as_owner() {
    if ((EUID == 0)); then
        (cd "$PG_DIR" && runuser -u postgres -- "$@")
    else
        (cd "$PG_DIR" && "$@")
    fi
}

# pg_start: init and start a cluster; registers pg_stop as an exit hook.
pg_start() {
    local t0 attempt ok=
    t0=$(date +%s.%N)
    [[ -n "$PG_BINDIR" ]] || PG_BINDIR=$(pg_bindir) || die "PostgreSQL is not installed (pg_ensure_installed)"
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/jenguk-pg.XXXXXX")
    on_exit pg_stop
    if ((EUID == 0)); then
        chown postgres:postgres "$PG_DIR"
    fi
    chmod 700 "$PG_DIR"

    if ! _pg_as_owner "$PG_BINDIR/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync \
        -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
        cat "$PG_DIR/initdb.log" >&2
        die "initdb failed"
    fi

    # A free port may be taken between choosing and binding it: try a few.
    for attempt in 1 2 3; do
        PG_PORT=$(free_port)
        if _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR \
                -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                -c max_connections=300 -c shared_buffers=128MB" \
            start >/dev/null 2>&1; then
            ok=1
            break
        fi
        warn "PostgreSQL did not start on port $PG_PORT (attempt $attempt)"
    done
    if [[ -z "$ok" ]]; then
        tail -n 30 "$PG_DIR/server.log" >&2 || true
        die "could not start PostgreSQL"
    fi

    local i
    for ((i = 0; i < 300; i++)); do
        "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres && break
        sleep 0.1
    done
    "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres || {
        tail -n 30 "$PG_DIR/server.log" >&2 || true
        die "PostgreSQL on port $PG_PORT is not ready"
    }
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    PG_START_SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    log "PostgreSQL $("$PG_BINDIR/postgres" -V | awk '{ print $3 }') ready at $PG_URL (${PG_START_SECS}s)"
}

# pg_stop: stop the cluster (immediate) and remove its directory. Safe to call twice.
pg_stop() {
    [[ -n "$PG_DIR" && -d "$PG_DIR" ]] || return 0
    if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
        _pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        # If pg_ctl could not stop it, end the postmaster by its pid.
        if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
            local pid
            pid=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)
            if [[ "$pid" =~ ^[0-9]+$ ]]; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    rm -rf "$PG_DIR"
    PG_DIR=
}
