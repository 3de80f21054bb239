# shellcheck shell=bash
# Start and stop a throw-away redis-server for tests/redis.rs and
# tests/inbox_redis.rs.
#
# Source it from .ci/run:
#
#     . .ci/redis.sh
#     redis_start            # installs redis-server if missing, exports REDIS_URL,
#                            # and stops the server when the calling shell exits
#     cargo test --all-features
#     redis_stop             # optional: the EXIT trap does it too
#
# Or run it: `.ci/redis.sh run <command...>` starts redis, runs the command
# with REDIS_URL set, stops redis and exits with the command's status.
#
# The server listens on 127.0.0.1 only, on a free port, with its files in a
# temporary directory. It runs as an inbox needs Redis to run: AOF on with
# `appendfsync always` (a write is fsynced before Redis answers it, so a
# delivery that got its 202 survives a crash of Redis; `everysec` could lose
# the last second, and Redis 7.0 has no WAITAOF), RDB snapshots off, and no
# eviction. tests/inbox_redis.rs's restart test starts a server of its own
# with the same settings, so that it can kill and restart it.

redis_install() {
    if command -v redis-server >/dev/null 2>&1; then
        return 0
    fi
    echo "redis.sh: installing redis-server" >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update && apt-get install -y redis-server
    else
        sudo apt-get update && sudo apt-get install -y redis-server
    fi
}

# A TCP port nothing listens on right now, on the loopback interface.
redis_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
        && return 0
    local port
    for port in $(seq 20000 20999); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

redis_start() {
    redis_install || { echo "redis.sh: cannot install redis-server" >&2; return 1; }
    REDIS_DIR=$(mktemp -d)
    local attempt
    for attempt in 1 2 3; do
        REDIS_PORT=$(redis_free_port) || { echo "redis.sh: no free port" >&2; return 1; }
        if redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' \
            --appendonly yes --appendfsync always --maxmemory-policy noeviction \
            --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
            --daemonize yes; then
            local waited
            for waited in $(seq 1 50); do
                if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
                    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/"
                    export REDIS_PORT REDIS_DIR
                    trap redis_stop EXIT
                    echo "redis.sh: redis-server on $REDIS_URL (attempt $attempt)" >&2
                    return 0
                fi
                sleep 0.1
            done
        fi
        echo "redis.sh: redis-server did not come up on port $REDIS_PORT:" >&2
        cat "$REDIS_DIR/redis.log" >&2 2>/dev/null
        redis_stop
        REDIS_DIR=$(mktemp -d)
    done
    return 1
}

redis_stop() {
    if [ -n "${REDIS_DIR:-}" ] && [ -f "$REDIS_DIR/redis.pid" ]; then
        local pid
        pid=$(cat "$REDIS_DIR/redis.pid")
        kill "$pid" 2>/dev/null
        local waited
        for waited in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    if [ -n "${REDIS_DIR:-}" ]; then
        rm -rf "$REDIS_DIR"
    fi
    unset REDIS_URL REDIS_PORT REDIS_DIR
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    case "${1:-}" in
        run)
            shift
            redis_start || exit 1
            "$@"
            status=$?
            redis_stop
            trap - EXIT
            exit "$status"
            ;;
        *)
            echo "usage: . .ci/redis.sh (then redis_start / redis_stop), or .ci/redis.sh run <command...>" >&2
            exit 2
            ;;
    esac
fi
