package datasets

import (
	"bytes"
	"embed"
	"fmt"
	"image"
	"image/png"
	"strings"
)

//go:embed testdata/calc.cup testdata/workload.py testdata/workload.sql testdata/catalog.xml testdata/catalog.xsl testdata/scene.svg testdata/report.fo testdata/corpus.txt
//go:embed testdata/workload.clj testdata/workload.groovy testdata/Workload.scala testdata/Workload.kt
var testdata embed.FS

const share = "/usr/share/java/"

func jars(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = share + n
	}
	return out
}

// programs is the manifest. Deps follow the jars' manifest Class-Path
// attributes (depth first, as the JVM expands them), restricted to what the
// Debian packages depend on; the rest of what the manifests name is
// Optional. TestDepsCoverManifests and TestClasspathResolvesLikeTheJVM keep
// these lists honest.
var programs = []Program{
	{
		Name:        "jlex",
		Package:     "jlex",
		Description: "JLex 1.2.6, the lexer generator of the DVM paper's benchmarks, on Debian's sample.lex",
		Jars:        jars("JLex.jar"),
		Main:        "JLex.Main",
		Args:        []string{"sample.lex"},
		Inputs:      []Input{{Name: "sample.lex", Path: "/usr/share/doc/jlex/examples/sample.lex"}},
		Outputs:     []string{"sample.lex.java"},
		check:       checkJLex,
	},
	{
		Name:        "cup",
		Package:     "cup",
		Description: "CUP 0.11b, an LALR parser generator, on a desk-calculator grammar with precedence",
		// cup.jar carries the runtime classes itself; its manifest still
		// names the runtime jar, which the JVM therefore opens, so it is
		// listed (and rewritten) with the program.
		Jars:    jars("cup.jar", "java-cup-0.11b-runtime.jar"),
		Main:    "java_cup.Main",
		Args:    []string{"-parser", "Parser", "-symbols", "Sym"},
		Stdin:   "calc.cup",
		Inputs:  []Input{{Name: "calc.cup"}},
		Outputs: []string{"Parser.java", "Sym.java"},
		check:   checkCUP,
	},
	{
		Name:        "jython",
		Package:     "jython",
		Description: "Jython 2.7.3, running a script of classes, generators, comprehensions, formatting, recursion, sorting and exceptions",
		Jars:        jars("jython.jar"),
		Deps: jars("servlet-api.jar", "antlr3.jar", "antlr3-runtime.jar", "stringtemplate4.jar",
			"asm.jar", "asm-commons.jar", "asm-util.jar", "commons-compress.jar", "guava.jar", "icu4j.jar",
			"jffi.jar", "jnr-constants.jar", "jnr-ffi.jar", "jnr-netdb.jar", "jnr-posix.jar", "jline2.jar", "jansi.jar",
			"netty-buffer.jar", "netty-codec.jar", "netty-common.jar", "netty-handler.jar", "netty-resolver.jar",
			"netty-transport.jar", "jaxb-api.jar"),
		Optional: jars("mariadb-java-client.jar", "postgresql.jar", "xz.jar"),
		Main:     "org.python.util.jython",
		// As /usr/bin/jython starts it, except: the package cache
		// (*sys-package-mgr*) is skipped, so runs neither share nor time
		// stamp a cache, and the console is the plain one, so nothing
		// probes the terminal.
		JVMFlags: []string{"-Dpython.home=/usr/share/jython", "-Dpython.cachedir.skip=true",
			"-Dpython.console=org.python.core.PlainConsole"},
		Args:   []string{"workload.py"},
		Inputs: []Input{{Name: "workload.py"}},
		check:  checkJython,
	},
	{
		Name:        "h2",
		Package:     "libh2-java",
		Description: "H2 2.1 database: RunScript on a file database in the work directory (tables, generated rows, joins, grouping, a view, window functions, transactions)",
		Jars:        jars("h2.jar"),
		Optional:    jars("lucene-core-8.7.0.jar", "slf4j-api.jar"),
		Main:        "org.h2.tools.RunScript",
		Args:        []string{"-url", "jdbc:h2:./shop", "-user", "sa", "-script", "workload.sql", "-showResults"},
		Inputs:      []Input{{Name: "workload.sql"}},
		Scratch:     []string{"shop.mv.db", "shop.trace.db", "shop.lock.db"},
		check:       checkH2,
	},
	{
		Name:        "xalan",
		Package:     "libxalan2-java",
		Description: "Xalan-J 2.7.2 XSLT processor: grouping, sorting, number formatting and recursive named templates over a catalogue",
		Jars:        jars("xalan2.jar", "serializer.jar"),
		Deps:        jars("xercesImpl.jar", "xml-apis-ext.jar", "xml-resolver.jar", "jaxp-1.4.jar"),
		// The manifest names xml-apis.jar, but the package does not depend
		// on libjaxp1.3-java; JDK 17's java.xml shadows it anyway.
		Optional: jars("xml-apis.jar"),
		Main:     "org.apache.xalan.xslt.Process",
		Args:     []string{"-IN", "catalog.xml", "-XSL", "catalog.xsl", "-OUT", "catalog.html"},
		Inputs:   []Input{{Name: "catalog.xml"}, {Name: "catalog.xsl"}},
		Outputs:  []string{"catalog.html"},
		check:    checkXalan,
	},
	{
		Name:        "batik",
		Package:     "libbatik-java",
		Description: "Batik 1.16 rasterizer: an SVG of shapes, gradients, a pattern, clipping, transforms and text to PNG",
		Jars:        jars("batik-all.jar"),
		// What libbatik-java depends on, in the order the manifests reach
		// it, plus what /usr/bin/rasterizer adds because no manifest names
		// it: the SVG DOM interfaces (xml-apis-ext) and xmlgraphics-commons'
		// own dependencies, commons-io and commons-logging.
		Deps: jars("jaxp-1.4.jar", "xml-apis-ext.jar", "xml-apis.jar", "xmlgraphics-commons.jar",
			"commons-io.jar", "commons-logging.jar"),
		// batik-all's manifest names Xalan (and through it Xerces), which
		// the package does not depend on and the rasterizer does not need:
		// the PNG is the same without them.
		Optional: jars("rhino.jar", "xalan2.jar", "xercesImpl.jar", "xml-resolver.jar", "serializer.jar",
			"avalon-framework.jar", "excalibur-logkit.jar", "log4j-1.2.jar"),
		Main:     "org.apache.batik.apps.rasterizer.Main",
		JVMFlags: []string{"-Djava.awt.headless=true"},
		// Without -scriptSecurityOff the rasterizer installs a security
		// manager whose policy forbids its own setup on JDK 17; Debian's
		// wrapper passes it too.
		Args:    []string{"-scriptSecurityOff", "-d", "scene.png", "scene.svg"},
		Inputs:  []Input{{Name: "scene.svg"}},
		Outputs: []string{"scene.png"},
		check:   checkBatik,
	},
	{
		Name:        "fop",
		Package:     "fop",
		Description: "Apache FOP 2.8 formatting an XSL-FO report (two columns, a list, a table, page numbers) to text",
		Jars:        jars("fop.jar"),
		// fop.jar's manifest names nothing; these are what /usr/bin/fop
		// puts on the class path, in the order their manifests reach them.
		Deps: jars("commons-io.jar", "serializer.jar", "xml-apis.jar", "xalan2.jar", "xercesImpl.jar", "xml-apis-ext.jar",
			"batik-all.jar", "xmlgraphics-commons.jar", "commons-logging.jar", "fontbox2.jar"),
		// Named by the dependencies' manifests; FOP does not need them.
		Optional: jars("xml-resolver.jar", "jaxp-1.4.jar", "rhino.jar", "avalon-framework.jar", "excalibur-logkit.jar", "log4j-1.2.jar"),
		Main:     "org.apache.fop.cli.Main",
		// Logging off: FOP's log lines carry the time of day.
		JVMFlags: []string{"-Djava.awt.headless=true", "-Dorg.apache.commons.logging.Log=org.apache.commons.logging.impl.NoOpLog"},
		Args:     []string{"-q", "-fo", "report.fo", "-txt", "report.txt"},
		Inputs:   []Input{{Name: "report.fo"}},
		Outputs:  []string{"report.txt"},
		check:    checkFOP,
	},
	{
		Name:        "lucene",
		Package:     "liblucene4.10-java",
		Description: "Apache Lucene 4.10 indexing a gazetteer of 360 short texts (English stemming, flushes and merges, then deletes, an update and a forced merge) and running term, boolean, phrase, wildcard, fuzzy, range and sorted queries",
		// What the driver uses: the core, the English analyser and the
		// classic query parser. No manifest names anything, and
		// libregexp-java, which the package depends on, serves only
		// lucene-sandbox.
		Jars:    jars("lucene-core-4.10.4.jar", "lucene-analyzers-common-4.10.4.jar", "lucene-queryparser-4.10.4.jar"),
		Driver:  "LuceneWorkload",
		Main:    driverPackage + "LuceneWorkload",
		Args:    []string{"corpus.txt", "index"},
		Inputs:  []Input{{Name: "corpus.txt"}},
		Scratch: []string{"index"},
		check:   checkLucene,
	},
	{
		Name:        "sunflow",
		Package:     "libsunflow-java",
		Description: "Sunflow 0.07.2 ray tracer rendering a scene built through its API (spheres of five materials, a torus, a teapot, a mesh, sun and sky) to a 160x120 PNG",
		Jars:        jars("sunflow.jar"),
		// The package depends on Janino, with which upstream Sunflow
		// compiles scenes and shaders written in Java; Debian's build
		// throws UnsupportedOperationException there instead, and nothing
		// in sunflow.jar names Janino.
		Driver:   "SunflowWorkload",
		Main:     driverPackage + "SunflowWorkload",
		JVMFlags: []string{"-Djava.awt.headless=true"},
		Args:     []string{"scene.png", "160", "120"},
		Outputs:  []string{"scene.png"},
		check:    checkSunflow,
	},
}

func checkFOP(o *Output) error {
	return expect(string(o.Files["report.txt"]), "report.txt", "The distributed virtual", "Second column, after a column break.", "JLex", "Parse once, rewrite, emit once.")
}

func expect(text, what string, wants ...string) error {
	for _, w := range wants {
		if !strings.Contains(text, w) {
			return fmt.Errorf("%s lacks %q", what, w)
		}
	}
	return nil
}

func checkJLex(o *Output) error {
	src := o.Files["sample.lex.java"]
	if len(src) < 10000 {
		return fmt.Errorf("sample.lex.java has %d bytes, want a full lexer", len(src))
	}
	if err := expect(string(src), "sample.lex.java", "class Yylex", "yy_acpt"); err != nil {
		return err
	}
	return expect(o.Stdout, "stdout", "Minimizing DFA transition table.", "Outputting lexical analyzer code.")
}

func checkCUP(o *Output) error {
	if err := expect(string(o.Files["Parser.java"]), "Parser.java",
		"public class Parser extends java_cup.runtime.lr_parser", "_production_table", "fold(l, true)"); err != nil {
		return err
	}
	if err := expect(string(o.Files["Sym.java"]), "Sym.java", "public static final int NUMBER", "public static final int UMINUS"); err != nil {
		return err
	}
	return expect(o.Stderr, "stderr", "0 errors and 0 warnings", "0 conflicts detected", "unique parse states")
}

func checkJython(o *Output) error {
	return expect(o.Stdout, "stdout",
		"== sorting ==",
		"92 (0, 4, 7, 5, 2, 6, 1, 3) (7, 3, 0, 2, 5, 1, 6, 4)",
		"refused: bob is short by 415 short 415",
		"2432902008176640000\n")
}

// h2Rows is how many orders the workload's last query lists: 600 generated
// and 5 added by the committed transaction.
const h2Rows = 605

func checkH2(o *Output) error {
	if err := expect(o.Stdout, "stdout", "--> 600\n", "--> 180\n", "--> 40 63245986\n"); err != nil {
		return err
	}
	last := strings.LastIndex(o.Stdout, "FROM sales ORDER BY id;")
	if last < 0 {
		return fmt.Errorf("stdout lacks the final query")
	}
	rows := strings.Count(o.Stdout[last:], "\n--> ")
	if rows != h2Rows {
		return fmt.Errorf("final query printed %d rows, want %d", rows, h2Rows)
	}
	return nil
}

func checkXalan(o *Output) error {
	return expect(string(o.Files["catalog.html"]), "catalog.html",
		"<h1>10 books, 57 copies</h1>", "I. systems (4)", "Binder: 2 (b02, b09)", "12! = 479,001,600", "1.234,56")
}

func checkBatik(o *Output) error {
	return checkPicture(o, "scene.png", 480, 320, 256, "gradients alone give more")
}

// checkPicture requires an output PNG of the given size with at least
// fewest distinct colours, which a blank or a flat picture lacks; why says
// where the colours come from.
func checkPicture(o *Output, name string, w, h, fewest int, why string) error {
	img, err := png.Decode(bytes.NewReader(o.Files[name]))
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		return fmt.Errorf("%s is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), w, h)
	}
	if n := colours(img); n < fewest {
		return fmt.Errorf("%s has only %d distinct colours; %s", name, n, why)
	}
	return nil
}

func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

func checkLucene(o *Output) error {
	if err := expect(o.Stdout, "stdout",
		"indexed 360 documents\n",
		"after deletes and merge: 314 documents in 1 segments\n",
		"query body:\"copper lode\"~2\n  24 hits\n",
		"query body:\"rebuilt ? ? lighthous\"\n  1 hits\n  002-torpencar-mill.txt",
		"query body:schooner body:shipwright\n  0 hits\n"); err != nil {
		return err
	}
	if n := strings.Count(o.Stdout, "\nquery "); n != 18 {
		return fmt.Errorf("stdout has %d queries, want 18", n)
	}
	return nil
}

func checkSunflow(o *Output) error {
	if err := expect(o.Stdout, "stdout", "rendered 160x120 to scene.png, 19200 pixels"); err != nil {
		return err
	}
	return checkPicture(o, "scene.png", 160, 120, 1000, "shading and the sky alone give more")
}
