#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster.
#
#   scripts/pg-cluster.sh COMMAND [ARGS...]
#
# Starts a private cluster (temp data dir, 127.0.0.1, a free port, trust auth,
# unix socket inside the temp dir), runs COMMAND with
# PINAX_CONNECT_TEST_DATABASE_URL=postgres://USER@127.0.0.1:PORT/postgres,
# then stops the cluster and removes its directory, whatever COMMAND returned.
# Exits with COMMAND's exit code.
#
# If PostgreSQL cannot be started the reason is printed; with CI=true that is a
# failure (exit 1), otherwise the command is skipped (exit 0) with a loud notice.
#
# Environment:
#   PINAX_PG_USER  OS user that runs the server when we are root (default pinaxpg,
#                  created as a system user if missing; falls back to nobody)
#   PINAX_PG_TMP   where the temp dir is created (default /tmp, must be
#                  traversable by that user)
set -uo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

is_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

# Cannot start PostgreSQL: fail under CI, skip loudly elsewhere.
give_up() {
    echo >&2
    echo "!!! PostgreSQL test pass: $*" >&2
    if is_ci; then
        echo "!!! CI=true, so this is a failure." >&2
        exit 1
    fi
    echo "!!! SKIPPING the PostgreSQL pass (only the SQLite pass ran)." >&2
    echo >&2
    exit 0
}

find_pg_bindir() {
    local initdb candidate
    if initdb=$(command -v initdb 2>/dev/null) && command -v pg_ctl >/dev/null 2>&1; then
        # Debian links /usr/local/bin/initdb etc. into the versioned dir; resolve
        # it so pg_ctl finds the matching postgres binary next to it.
        dirname "$(readlink -f "$initdb")"
        return 0
    fi
    # Debian/Ubuntu keep the server binaries off PATH; take the newest version.
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! PG_BIN=$(find_pg_bindir); then
    if [ "$(id -u)" -eq 0 ]; then
        echo ">>> PostgreSQL server binaries not found; installing Debian's postgresql package" >&2
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q \
               && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >&2; then
            give_up "initdb/pg_ctl not found and 'apt-get install postgresql' failed."
        fi
        PG_BIN=$(find_pg_bindir) || give_up "postgresql installed but initdb/pg_ctl still not found."
    else
        give_up "initdb/pg_ctl not found (not on PATH, not in /usr/lib/postgresql/*/bin).
    Install the server, e.g. 'sudo apt-get install postgresql' (Debian/Ubuntu),
    'brew install postgresql' (macOS) or 'dnf install postgresql-server' (Fedora),
    or run 'make test-postgres' as root to have it installed."
    fi
fi

# The server refuses to run as root: pick an unprivileged OS user to run it.
as_user() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
    PG_USER="${PINAX_PG_USER:-pinaxpg}"
    if ! id "$PG_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$PG_USER" >/dev/null 2>&1 || PG_USER=nobody
    fi
    if command -v runuser >/dev/null 2>&1; then
        as_user() { runuser -u "$PG_USER" -- "$@"; }
    else
        as_user() { su -s /bin/sh -c "$(printf '%q ' "$@")" "$PG_USER"; }
    fi
else
    PG_USER="$(id -un)"
fi

PG_DIR=$(mktemp -d "${PINAX_PG_TMP:-/tmp}/pinax-connect-pg.XXXXXX") \
    || give_up "could not create a temp dir under ${PINAX_PG_TMP:-/tmp}."
PG_DATA="$PG_DIR/data"
PG_LOG="$PG_DIR/server.log"
STARTED=0

cleanup() {
    if [ "$STARTED" -eq 1 ]; then
        as_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" -eq 0 ]; then
    chown "$PG_USER" "$PG_DIR" || give_up "could not hand $PG_DIR to user $PG_USER."
fi

show_log() {
    [ -f "$PG_LOG" ] && sed 's/^/    server.log: /' "$PG_LOG" | tail -n 20 >&2
    return 0
}

# --no-sync, fsync=off etc.: the cluster is thrown away, durability buys nothing.
if ! INITDB_OUT=$(as_user "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" \
        --auth=trust --encoding=UTF8 --locale=C --no-sync 2>&1); then
    echo "$INITDB_OUT" | tail -n 20 | sed 's/^/    initdb: /' >&2
    give_up "initdb failed as user $PG_USER (see above)."
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $(( 20000 + RANDOM % 20000 ))
}

# A free port can be taken between probing and binding; try a few.
for attempt in 1 2 3; do
    PG_PORT=$(free_port)
    if as_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s \
            -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
        STARTED=1
        break
    fi
done
if [ "$STARTED" -ne 1 ]; then
    show_log
    give_up "pg_ctl start failed 3 times as user $PG_USER (server log above)."
fi

export PINAX_CONNECT_TEST_DATABASE_URL="postgres://$PG_USER@127.0.0.1:$PG_PORT/postgres"
echo ">>> PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running as $PG_USER on 127.0.0.1:$PG_PORT (data in $PG_DIR)" >&2
echo ">>> PINAX_CONNECT_TEST_DATABASE_URL=$PINAX_CONNECT_TEST_DATABASE_URL" >&2

"$@"
status=$?
exit "$status"
