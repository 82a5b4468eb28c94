#!/usr/bin/env bash
# Compiles the stub classes the agent defines in java.base (java/lang) into
# classes/, which are committed and embedded so `go build` alone gives a
# complete binary.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf classes
mkdir -p classes
javac -nowarn --patch-module java.base=java -d classes $(find java -name '*.java' | sort)
