#!/usr/bin/env bash
# A tour of dvmlab on JLex, one of the DVM paper's own benchmarks: list its
# classes, disassemble one method, push every class through the class-file
# model and run the result on a real lexer spec beside the original.
set -euo pipefail
cd "$(dirname "$0")/.."
DVM="$PWD/bin/dvmlab"
JAR=/usr/share/java/JLex.jar
SPEC=/usr/share/doc/jlex/examples/sample.lex
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "JLex's classes (dvmlab javap $JAR | first lines of each)"
$DVM javap "$JAR" | grep -E '^(public |final |abstract |)(class|interface)|^class ' | head -30 || true

step "The lexer generator's entry point, bytecode (dvmlab javap -c -p $JAR JLex.Main)"
$DVM javap -c -p "$JAR" JLex.Main

step "Every class through the model and back (dvmlab rewrite --services none)"
$DVM rewrite --services none "$JAR" -o "$work/JLex.jar"
unzip -q -o "$JAR" -d "$work/orig"
unzip -q -o "$work/JLex.jar" -d "$work/new"
if diff -r "$work/orig" "$work/new" >/dev/null; then
  echo "all $(find "$work/orig" -name '*.class' | wc -l) classes byte-identical"
else
  echo "classes differ!"; exit 1
fi

step "Both jars on a real lexer spec, under java -Xverify:all"
cp "$SPEC" "$work/a.lex"; cp "$SPEC" "$work/b.lex"
java -Xverify:all -cp "$JAR" JLex.Main "$work/a.lex" | tail -3
java -Xverify:all -cp "$work/JLex.jar" JLex.Main "$work/b.lex" >/dev/null
if cmp -s "$work/a.lex.java" "$work/b.lex.java"; then
  echo "generated lexers identical ($(wc -l < "$work/a.lex.java") lines)"
else
  echo "generated lexers differ!"; exit 1
fi

step "Basic-block profiling (dvmlab rewrite --services coverage --frames recompute)"
$DVM rewrite --services coverage --frames recompute "$JAR" -o "$work/JLex-cov.jar"
$DVM runtime -o "$work/runtime.jar"
cp "$SPEC" "$work/c.lex"
java -Xverify:all -Ddvmlab.coverage.out="$work/cov.txt" -cp "$work/JLex-cov.jar:$work/runtime.jar" JLex.Main "$work/c.lex" >/dev/null
if cmp -s "$work/a.lex.java" "$work/c.lex.java"; then
  echo "instrumented JLex verified by HotSpot and generated the same lexer"
else
  echo "instrumented JLex generated a different lexer!"; exit 1
fi
echo "$(wc -l < "$work/cov.txt") basic blocks executed; the hottest:"
sort -k3 -n -r "$work/cov.txt" | head -8 | awk '{printf "  %-24s block %-5s %12d times\n", $1, $2, $3}' || true

step "The DVM on loopback: origin (128 kbit/s link) -> proxy (coverage, cache, signatures, audit) -> stock JVM"
mkdir -p "$work/site"; cp /usr/share/java/JLex.jar "$work/site/"
$DVM origin "$work/site" --listen 127.0.0.1:0 --link 128kbps 2>"$work/origin.log" &
ORIGIN=$!
$DVM proxy --listen 127.0.0.1:0 --services coverage --cache "$work/cache" --audit "$work/audit.db" --key "$work/proxy.key" 2>"$work/proxy.log" &
PROXY=$!
trap 'kill $ORIGIN $PROXY 2>/dev/null; rm -rf "$work"' EXIT
# Each server picks a free port and says which.
for i in $(seq 100); do grep -q listening "$work/proxy.log" 2>/dev/null && grep -q listening "$work/origin.log" 2>/dev/null && break; sleep 0.1; done
OP=$(sed -n 's|.*listening on http://127.0.0.1:||p' "$work/origin.log")
PP=$(sed -n 's|.*listening on http://127.0.0.1:||p' "$work/proxy.log")
cp "$SPEC" "$work/d.lex"
for run in first second; do
  t0=$(date +%s%N)
  (cd "$work" && "$DVM" run --proxy 127.0.0.1:$PP http://127.0.0.1:$OP/JLex.jar JLex.Main d.lex >/dev/null)
  t1=$(date +%s%N)
  awk -v r=$run -v ns=$((t1 - t0)) 'BEGIN { printf "%s run: %.2f s (the jar crosses the 128 kbit/s link each time; %s)\n", r, ns/1e9,
    r == "first" ? "the proxy rewrites it" : "the proxy serves it from its cache" }'
done
cmp -s "$work/a.lex.java" "$work/d.lex.java" && echo "the lexer generated through the DVM is identical"
echo "audit trail:"
$DVM audit --db "$work/audit.db"

step "The verifier at the proxy: every class of CUP, then JLex verified there and run with HotSpot's own verifier off"
$DVM verify /usr/share/java/cup.jar || true
$DVM compare --services verify --runs 3 jlex 2>/dev/null

step "Monolithic and distributed side by side, then models fed by a real run"
$DVM compare --services coverage --runs 3 jlex 2>/dev/null
# Into a file first: head closing the pipe early would kill dvmlab with SIGPIPE (pipefail).
$DVM simulate startup --links 28.8kbps,128kbps,1mbps,10mbps jlex 2>/dev/null > "$work/startup.txt"
head -8 "$work/startup.txt"
$DVM simulate scaling --clients 1,100,10000,100000 --replicas 1,4 jlex 2>/dev/null

step "ShadowVM: every allocation of a JLex run counted out of process, the JDK's own included"
cp "$SPEC" "$work/e.lex"
(cd "$work" && "$DVM" shadow --analysis alloc --ordering thread --csv allocs.csv --log run.shlog -- \
  java -Xshare:off -cp "$JAR" JLex.Main e.lex >/dev/null)
cmp -s "$work/a.lex.java" "$work/e.lex.java" && echo "the lexer generated under analysis is identical"
echo "busiest allocation sites (site,class,count):"
tail -n +2 "$work/allocs.csv" | sort -t, -k3 -n -r > "$work/busiest.csv"   # head on the pipe would kill sort (pipefail)
head -5 "$work/busiest.csv"
echo "the same events replayed offline under per-group ordering:"
"$DVM" shadow replay --ordering group --csv "$work/replay.csv" "$work/run.shlog"
cmp -s "$work/allocs.csv" "$work/replay.csv" && echo "identical table"
