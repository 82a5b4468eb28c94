#!/usr/bin/env bash
# Compiles the client runtime's Java sources into classes/, which are
# committed and embedded so `go build` alone gives a complete binary.
# --release 8 keeps them loadable by any client JVM the proxy may serve.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf classes
mkdir -p classes
javac -nowarn --release 8 -Xlint:-options -d classes $(find java -name '*.java' | sort)
