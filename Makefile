# dvmlab: build, test, demo. `make deps` installs what a fresh Debian machine
# lacks; every other target depends on it, so the README's two commands work
# on a new machine.

GO        ?= go
BIN       := bin/dvmlab
# The JDK, the DVM paper's own benchmarks (jlex, cup), the programs behind
# most DaCapo benchmarks (jython, h2, xalan, batik), ASM (the peer we measure
# against), Jasmin (to assemble old classes with jsr/ret) and the compilers of
# four other JVM languages, whose bytecode javac never writes.
JAVA_PKGS := openjdk-17-jdk-headless jlex cup jython libh2-java libxalan2-java libbatik-java fop libasm-java jasmin-sable tmux \
	liblucene4.10-java libsunflow-java clojure groovy scala kotlin \
	libjacoco-java
# The Alpha back end's toolchain and emulator (the C library is only recommended by
# the compiler package, so it is named).
ALPHA_PKGS := binutils-alpha-linux-gnu gcc-alpha-linux-gnu libc6.1-dev-alpha-cross qemu-user
# One file per package; a missing one means `apt-get install` is due.
NEED      := /usr/lib/jvm/java-17-openjdk-amd64/bin/javac /usr/share/java/JLex.jar /usr/share/java/cup.jar \
	/usr/share/java/jython.jar /usr/share/java/h2.jar /usr/share/java/xalan2.jar /usr/share/java/batik-all.jar \
	/usr/share/java/fop.jar /usr/share/java/asm.jar /usr/bin/jasmin /usr/bin/tmux \
	/usr/share/java/lucene-core-4.10.4.jar /usr/share/java/sunflow.jar \
	/usr/share/java/clojure-1.11.jar /usr/share/java/groovy.jar /usr/share/java/scala-compiler.jar \
	/usr/share/kotlin/kotlinc/lib/kotlin-compiler.jar \
	/usr/share/java/org.jacoco.agent.rt.jar \
	/usr/bin/alpha-linux-gnu-as /usr/bin/alpha-linux-gnu-gcc /usr/alpha-linux-gnu/lib/libc.so.6.1 /usr/bin/qemu-alpha
# The network compiler's kernels (checksums, a digest, an FFT) and binutils' as, which assembles its output.
JAVA_PKGS += libjzlib-java libbcprov-java libcommons-math3-java binutils
NEED      += /usr/share/java/jzlib.jar /usr/share/java/bcprov.jar /usr/share/java/commons-math3.jar /usr/bin/as

export JAVA_HOME ?= /usr/lib/jvm/java-17-openjdk-amd64
export PATH := $(JAVA_HOME)/bin:$(PATH)

.PHONY: all build test test-short demo deps datasets reproduce fuzz bench vet clean notebooks

all: build

# The ShadowVM agent is C, compiled on first use with the system compiler.
deps:
	@command -v gcc >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null; }
	@missing=""; for f in $(NEED); do [ -e $$f ] || missing=1; done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing $(JAVA_PKGS) $(ALPHA_PKGS)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(JAVA_PKGS) $(ALPHA_PKGS) >/dev/null; \
	fi
	@for f in $(NEED); do [ -e $$f ] || { echo "deps: $$f still missing" >&2; exit 1; }; done

build:
	$(GO) build -ldflags "-X dvmlab/workbench/cli.revision=$$(git rev-parse HEAD 2>/dev/null)" -o $(BIN) ./workbench/cmd/dvmlab

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }

test: deps build vet
	$(GO) test -count=1 -timeout 60m ./...

test-short: build
	$(GO) test -short ./...

# A time-boxed fuzzing pass over every decoder (FUZZTIME per target).
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./core/classfile/
	$(GO) test -run '^$$' -fuzz FuzzDescriptor -fuzztime $(FUZZTIME) ./core/classfile/
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME) ./core/bytecode/
	$(GO) test -run '^$$' -fuzz FuzzComputeFrames -fuzztime $(FUZZTIME) ./core/bytecode/
	$(GO) test -run '^$$' -fuzz FuzzVerify -fuzztime $(FUZZTIME) ./core/verify/
	$(GO) test -run '^$$' -fuzz FuzzLog -fuzztime $(FUZZTIME) ./core/shadow/
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./workbench/notebook/

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./core/classfile/ ./core/classpath/

demo: deps build
	@bash scripts/demo.sh

# Every notebook in its quick form (go test runs them too); --full for the long studies.
notebooks: deps build
	$(BIN) notebook run notebooks/*.md

# The real programs the experiments run (Debian packages).
datasets: deps

# Every experiment (results/NAME/*.csv, with progress on stderr), then every
# figure (plots/out/NAME.png and .svg). An experiment that cannot run here
# (e.g. one needing a service this build lacks) is reported and skipped.
reproduce: deps build
	-$(BIN) experiment run all
	$(BIN) plot all || true

clean:
	rm -rf bin
