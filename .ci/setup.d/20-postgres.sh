# shellcheck shell=bash
# A PostgreSQL server on 127.0.0.1 for the workspace tests (sourced by .ci/run).
#
# Installs Debian's postgresql when the server binaries are missing, starts the cluster
# (15/main by default) listening on 127.0.0.1 only, makes a role and a database for the tests
# and exports KAM_TEST_POSTGRES_URL. Idempotent: running it again with the server up changes
# nothing. Fails loudly (non-zero) when the server cannot be started or reached, so that the
# PostgreSQL tests never skip silently in CI.
#
# Settings (environment): KAM_PG_VERSION (15), KAM_PG_CLUSTER (main), KAM_PG_PORT (5432).

kam_setup_postgres() (
    set -euo pipefail
    version="${KAM_PG_VERSION:-15}"
    cluster="${KAM_PG_CLUSTER:-main}"
    port="${KAM_PG_PORT:-5432}"
    fail() { echo "20-postgres.sh: $*" >&2; exit 1; }
    cd /  # runuser -u postgres: a working directory it can read

    if [ "$(id -u)" != 0 ]; then
        fail "must run as root (installs and starts a PostgreSQL server)"
    fi
    if ! command -v pg_ctlcluster >/dev/null || [ ! -x "/usr/lib/postgresql/$version/bin/postgres" ]; then
        echo "installing postgresql-$version"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || fail "apt-get update failed"
        apt-get install -y -qq "postgresql-$version" postgresql-client >/dev/null \
            || fail "apt-get install postgresql-$version failed"
    fi
    if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {found = 1} END {exit !found}'; then
        echo "creating cluster $version/$cluster"
        pg_createcluster --port "$port" "$version" "$cluster" >/dev/null \
            || fail "pg_createcluster $version $cluster failed"
    fi
    conf_dir="/etc/postgresql/$version/$cluster/conf.d"
    mkdir -p "$conf_dir"
    # Only the loopback address; a throw-away test server, so commits need not wait for disk.
    cat >"$conf_dir/50-kamcore-tests.conf" <<EOF
# written by kamcore's .ci/setup.d/20-postgres.sh
listen_addresses = '127.0.0.1'
port = $port
synchronous_commit = off
max_connections = 100
EOF
    chown -R postgres:postgres "$conf_dir"
    status="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $4}')"
    if [ "$status" = online ]; then
        pg_ctlcluster "$version" "$cluster" reload || fail "cannot reload $version/$cluster"
        # listen_addresses and port only change on restart: restart when they differ
        listening="$(runuser -u postgres -- psql -p "$port" -tAXc 'SHOW listen_addresses' 2>/dev/null || true)"
        if [ "$listening" != "127.0.0.1" ]; then
            pg_ctlcluster "$version" "$cluster" restart || fail "cannot restart $version/$cluster"
        fi
    else
        echo "starting cluster $version/$cluster on 127.0.0.1:$port"
        install -d -o postgres -g postgres -m 2775 /var/run/postgresql  # a tmpfs after a reboot
        pg_ctlcluster "$version" "$cluster" start \
            || { tail -n 30 "/var/log/postgresql/postgresql-$version-$cluster.log" >&2 || true;
                 fail "cannot start PostgreSQL $version/$cluster"; }
    fi

    as_postgres() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtAX "$@"; }
    for _ in $(seq 1 30); do
        as_postgres -c 'SELECT 1' >/dev/null 2>&1 && break
        sleep 1
    done
    as_postgres -c 'SELECT 1' >/dev/null || fail "the server does not answer on port $port"
    as_postgres <<'EOF' || fail "cannot create the role kam"
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kam') THEN
        CREATE ROLE kam LOGIN CREATEDB PASSWORD 'kam';
    ELSE
        ALTER ROLE kam LOGIN CREATEDB PASSWORD 'kam';
    END IF;
END
$$;
EOF
    if [ "$(as_postgres -c "SELECT 1 FROM pg_database WHERE datname = 'kamtest'")" != 1 ]; then
        as_postgres -c "CREATE DATABASE kamtest OWNER kam" || fail "cannot create database kamtest"
    fi
    # the URL the tests use must really work (TCP, password authentication)
    PGPASSWORD=kam psql -h 127.0.0.1 -p "$port" -U kam -d kamtest -qtAXc 'SELECT 1' >/dev/null \
        || fail "cannot connect as kam to 127.0.0.1:$port/kamtest"
    echo "PostgreSQL $version/$cluster ready on 127.0.0.1:$port (database kamtest)"
)

kam_setup_postgres || { echo "20-postgres.sh: PostgreSQL setup failed" >&2; return 1 2>/dev/null || exit 1; }
export KAM_TEST_POSTGRES_URL="postgresql://kam:kam@127.0.0.1:${KAM_PG_PORT:-5432}/kamtest"
unset -f kam_setup_postgres
