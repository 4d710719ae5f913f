#!/usr/bin/env bash
# Builds the library, starts a throw-away redis-server on a free loopback port, and runs the
# check-in example against it: eight simultaneous requests on two nodes, one reward.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null; then
  echo "redis-server is not installed. Install it with: sudo apt-get install -y redis-server" >&2
  exit 1
fi

port=16379
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
workdir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$workdir" >"$workdir/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; rm -rf "$workdir"' EXIT
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
echo "redis-server is listening on 127.0.0.1:$port"

mvn -B -q -DskipTests install
mvn -B -q -pl quarkus-sample exec:java -Dexec.args="redis://127.0.0.1:$port"
