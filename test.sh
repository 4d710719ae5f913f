#!/usr/bin/env bash
# Every test: installs the servers the tests start when they are missing (apt-get, when it may),
# then runs the build. The tests start and stop their own redis-server and etcd processes on free
# loopback ports; nothing needs to be running. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/servers.sh

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed: this build needs JDK 17+ and Maven 3.6.3+" >&2; exit 1; }
done
require_servers redis-server etcd-server etcd-client
exec mvn -B verify "$@"
