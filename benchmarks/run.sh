#!/usr/bin/env bash
# Builds the library and the benchmarks, starts redis-server and etcd on loopback, runs every
# JMH benchmark of benchmarks/ against them (ours beside its baselines), prints the markdown table
# and writes it to benchmarks/RESULTS.md. About 7 to 8 minutes on 2 cores. Needs redis-server and etcd
# (see the README's set-up). An optional argument selects benchmarks by regular expression; -D
# arguments before it are system properties of the run (JMH starts every fork with the launcher's
# JVM arguments), e.g. fewer waiters for AsyncWaitersBenchmark:
#   benchmarks/run.sh -Dlocker.bench.waiters=500 Waiters
# A run of a selection writes benchmarks/target/RESULTS-partial.md instead of RESULTS.md: its
# report would show every goal it did not run as "not measured", in place of the full run's figures.
set -euo pipefail
properties=()
while [[ $# -gt 0 && $1 == -D* ]]; do
  properties+=("$1")
  shift
done
cd "$(dirname "$0")/.."
started=$SECONDS

# package, not install: the reactor resolves the modules from this tree, ~/.m2 is left alone
mvn -B -q -pl api,impl,tck-tests,benchmarks -am package -DskipTests

cd benchmarks
results=RESULTS.md
if [[ $# -gt 0 ]]; then
  results=target/RESULTS-partial.md
fi
java ${properties[@]+"${properties[@]}"} -cp "target/classes:$(cat target/classpath.txt)" io.github.locker.benchmarks.RunBenchmarks "$results" "$@"
echo "run.sh took $((SECONDS - started)) s (build included)"
