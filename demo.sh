#!/usr/bin/env bash
# Distributed locking in under two minutes: builds the Quarkus sample, starts a throw-away
# redis-server and three instances of the sample on free loopback ports, sends a few hundred
# simultaneous check-ins for five users to all three, reports what happened (each user rewarded
# exactly once), then kills the instance running the leader task and shows another take it over.
# Everything it starts is stopped when it ends, however it ends. Logs: quarkus-sample/target/demo/.
#
#   ./demo.sh          locks on Redis
#   ./demo.sh etcd     locks on a throw-away etcd (the check-in store stays on Redis)
set -euo pipefail
cd "$(dirname "$0")"

backend=${1:-redis}
case "$backend" in
  redis|etcd) ;;
  *) echo "usage: $0 [redis|etcd]" >&2; exit 2 ;;
esac
source scripts/servers.sh
for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: the demo needs JDK 17+ and Maven 3.6.3+" >&2; exit 1; }
done
if [ "$backend" = etcd ]; then require_servers redis-server etcd-server; else require_servers redis-server; fi

started=$SECONDS
say() { printf '[%3ds] %s\n' "$((SECONDS - started))" "$*"; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# sets variable $1 to a port nothing listens on and this script has not picked yet (the servers bind 127.0.0.1 only)
pick_port() {
  local candidate
  for _ in $(seq 1 200); do
    candidate=$((20000 + RANDOM % 40000))
    if ! listening "$candidate" && [[ " ${taken[*]:-} " != *" $candidate "* ]]; then
      taken+=("$candidate"); printf -v "$1" '%s' "$candidate"; return
    fi
  done
  echo "no free port found" >&2; return 1
}
# waits (at most 60 s) until a port accepts connections, failing early if the process died
await_port() {
  local port=$1 pid=$2 what=$3
  for _ in $(seq 1 600); do
    listening "$port" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$what exited; its log: $work/$what.log" >&2; tail -20 "$work/$what.log" >&2; return 1; }
    sleep 0.1
  done
  echo "$what did not listen on port $port within 60 s; its log: $work/$what.log" >&2; return 1
}

work=quarkus-sample/target/demo
pids=()
# remembers the last background process for the clean-up; out of bash's job table, so that the
# leader killed on purpose is not announced as "Killed"
started_process() { pids+=($!); disown $!; }
taken=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -z "${etcd_data:-}" ] || rm -rf "$etcd_data"
  [ "$status" -eq 0 ] || echo "demo failed (exit $status); logs are in $work/" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building the library and the Quarkus sample (mvn package, tests skipped)"
# (Debian's Maven 3.8 prints colour resets even with -q: drop them)
mvn -B -q -Dmaven.test.skip=true -pl quarkus-sample -am package 2>&1 | sed -e 's/\x1b\[0m//g'
app=quarkus-sample/target/quarkus-app
rm -rf "$work" && mkdir -p "$work"

pick_port redis_port
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
started_process
await_port "$redis_port" "$!" redis
say "redis-server listens on 127.0.0.1:$redis_port"
lock_settings=()
if [ "$backend" = etcd ]; then
  pick_port etcd_port; pick_port peer_port
  # etcd syncs every write to disk; in memory (where there is /dev/shm) the demo measures locks, not the disk
  etcd_data=$(mktemp -d -p "$([ -w /dev/shm ] && echo /dev/shm || echo "$PWD/$work")" demo-etcd.XXXXXX)
  etcd --name demo --data-dir "$etcd_data" --log-level warn \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "demo=http://127.0.0.1:$peer_port" >"$work/etcd.log" 2>&1 &
  started_process
  await_port "$etcd_port" "$!" etcd
  lock_settings=(-Dlocker.main.driver=etcd "-Detcd.main.endpoints=http://127.0.0.1:$etcd_port")
  say "etcd listens on 127.0.0.1:$etcd_port; the locks use it (locker.main.driver=etcd)"
fi

declare -A port_of pid_of
instances=()
for node in node-1 node-2 node-3; do
  pick_port port
  port_of[$node]=$port
  # C1 only: a quicker start on a small machine; this demo measures locks, not peak throughput
  java -XX:TieredStopAtLevel=1 -Xmx256m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="${port_of[$node]}" \
    -Dsample.node-id="$node" -Dredis.main.uri="redis://127.0.0.1:$redis_port" ${lock_settings[@]+"${lock_settings[@]}"} \
    -jar "$app/quarkus-run.jar" >"$work/$node.log" 2>&1 &
  pid_of[$node]=$!
  started_process
  instances+=("$node=http://127.0.0.1:${port_of[$node]}")
done
for node in node-1 node-2 node-3; do
  await_port "${port_of[$node]}" "${pid_of[$node]}" "$node"
done
say "three instances of the sample are up: ${instances[*]}"

client=(java -cp "$app/app/*:$app/lib/main/*" io.github.locker.sample.demo.SampleDemo)
all=$(IFS=,; echo "${instances[*]}")
say "POST /checkins/{uid}: 300 check-ins for 5 users, all at once, spread over the three instances"
"${client[@]}" load --instances "$all" --users 5 --requests 300

say "the leader task (settling the day's check-ins) runs on one instance; kill that one"
"${client[@]}" failover --instances "$all" --pids "node-1=${pid_of[node-1]},node-2=${pid_of[node-2]},node-3=${pid_of[node-3]}"

say "done; stopping everything this script started"
