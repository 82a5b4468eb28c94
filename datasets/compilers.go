package datasets

import (
	"bytes"
	"fmt"
	"strings"
)

// compilers are programs whose code other JVM languages' compilers emitted
// (Clojure, Groovy, Scala, Kotlin), each running its own compiler on a
// workload: bytecode shapes javac never produces (Clojure declares locals
// it never stores, Kotlin's compiler reads its own class files as inlining
// templates), and, for Clojure and Groovy, classes the compiler defines in
// memory while the program runs. They are kept apart from All, whose
// programs are the DVM paper's and DaCapo's and which the experiments
// iterate over; Lookup finds both.
var compilers = []Program{
	{
		Name:        "clojure",
		Package:     "clojure",
		Description: "Clojure 1.11 evaluating a script: protocols, records, multimethods, macros, lazy sequences, refs and futures, clojure.string/set/walk/pprint; each form compiled to classes in memory",
		// As /usr/bin/clojure starts it; the jar's manifest adds spec.alpha
		// and core.specs.alpha under their Maven-repository names.
		Jars: jars("clojure-1.11.jar"),
		Deps: []string{"/usr/share/maven-repo/org/clojure/spec.alpha/debian/spec.alpha-debian.jar",
			"/usr/share/maven-repo/org/clojure/core.specs.alpha/debian/core.specs.alpha-debian.jar"},
		Main:   "clojure.main",
		Args:   []string{"workload.clj"},
		Inputs: []Input{{Name: "workload.clj"}},
		check:  checkClojure,
	},
	{
		Name:        "groovy",
		Package:     "groovy",
		Description: "Groovy 2.4 running a script through its own compiler: AST transforms, @CompileStatic, traits, closures, categories, metaclass changes, MarkupBuilder, JSON and XML slurpers",
		// What /usr/bin/groovy loads from /usr/share/groovy/lib for this
		// script: Groovy itself, its XML and JSON modules, and what the
		// compiler needs (ANTLR 2 for the parser, ASM to write classes,
		// commons-cli for GroovyMain's options). No manifest names any.
		Jars: append(jars("groovy.jar"),
			"/usr/share/maven-repo/org/codehaus/groovy/groovy-xml/2.4.21/groovy-xml-2.4.21.jar",
			"/usr/share/maven-repo/org/codehaus/groovy/groovy-json/2.4.21/groovy-json-2.4.21.jar"),
		Deps:   jars("antlr.jar", "asm.jar", "asm-tree.jar", "asm-commons.jar", "asm-analysis.jar", "asm-util.jar", "commons-cli.jar"),
		Main:   "groovy.ui.GroovyMain",
		Args:   []string{"workload.groovy"},
		Inputs: []Input{{Name: "workload.groovy"}},
		check:  checkGroovy,
	},
	{
		Name:        "scala",
		Package:     "scala",
		Description: "scalac 2.11 compiling a file of case classes, pattern matching, implicits, traits, for-comprehensions and closures to class files",
		// The compiler's manifest names reflect and library, in this order.
		Jars: jars("scala-compiler.jar", "scala-reflect.jar", "scala-library.jar"),
		// /usr/bin/scalac runs with all of /usr/share/scala/lib; scaladoc's
		// classes (in the compiler's jar) name scala-xml's types, which
		// frames for them need.
		Deps: jars("scala-xml_2.11.jar", "scala-parser-combinators_2.11.jar"),
		Main: "scala.tools.nsc.Main",
		// As /usr/bin/scalac sets it: compile against the class path the
		// compiler runs on, where scala-library is.
		JVMFlags: []string{"-Dscala.usejavacp=true"},
		Args:     []string{"-d", "classes", "Workload.scala"},
		Inputs:   []Input{{Name: "Workload.scala"}},
		Outputs:  []string{"classes/"},
		check:    checkScala,
	},
	{
		Name:        "kotlin",
		Package:     "kotlin",
		Description: "kotlinc 1.3 compiling a file of sealed and data classes, extension and inline functions, lambdas, sequences and operator overloading to class files",
		// The compiler as /usr/bin/kotlinc finds it, in its own lib
		// directory, whose manifest-relative names (annotations-13.0.jar,
		// trove4j.jar) are links there. The compiler's main class is
		// started directly rather than through kotlinc's preloader, a class
		// loader that would read kotlin-compiler.jar by a path of its own
		// and so escape Replace.
		Jars: []string{kotlinLib + "kotlin-compiler.jar", kotlinLib + "kotlin-stdlib.jar", kotlinLib + "kotlin-reflect.jar",
			kotlinLib + "kotlin-script-runtime.jar"},
		Deps: []string{kotlinLib + "annotations-13.0.jar", kotlinLib + "trove4j.jar"},
		Main: "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler",
		// To compile Array(n) { … } kotlinc copies the body of an intrinsic
		// from its own class file into the class it writes.
		ReadsOwnClasses: "org.jetbrains.kotlin.codegen.intrinsics.IntrinsicArrayConstructorsKt",
		// -kotlin-home makes the compiled code's class path the package's
		// own kotlin-stdlib.jar, whatever jar runs the compiler.
		Args:    []string{"-kotlin-home", "/usr/share/kotlin/kotlinc", "-d", "classes", "Workload.kt"},
		Inputs:  []Input{{Name: "Workload.kt"}},
		Outputs: []string{"classes/"},
		check:   checkKotlin,
	},
}

const kotlinLib = "/usr/share/kotlin/kotlinc/lib/"

// Compilers returns the programs from other JVM languages' compilers, in a
// fixed order. The slices are copies.
func Compilers() []Program {
	out := make([]Program, len(compilers))
	for i, p := range compilers {
		out[i] = p.clone()
	}
	return out
}

func checkClojure(o *Output) error {
	return expect(o.Stdout, "stdout",
		"Circle area 7.069 perimeter 9.425\n",
		"92 [0 4 7 5 2 6 1 3] [7 3 0 2 5 1 6 4]\n",
		"15511210043330985984000000N 22/7",
		"(499500 1999000 4498500 7998000 12497500)\n",
		"[bad input {:at 7}]\n",
		"verifier, profiler, security and forty-two\n")
}

func checkGroovy(o *Output) error {
	return expect(o.Stdout, "stdout",
		"[letters:2, maths:5, systems:8]\n",
		"Book(title:Compilers, shelf:systems, copies:3, price:89.50)\n",
		"[317811, 514229, 832040]\n",
		"[2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59]\n",
		`{"papers":[{"name":"DVM","year":1999},{"name":"ShadowVM","year":2013}]}`,
		"\ndone\n")
}

func checkScala(o *Output) error {
	return expectClasses(o, 40, "classes/workload/Main$.class", "classes/workload/Expr$.class", "classes/workload/Monoid$$anon$3.class")
}

func checkKotlin(o *Output) error {
	if err := expectClasses(o, 20, "classes/workload/WorkloadKt.class", "classes/workload/Expr$Mul.class", "classes/workload/Matrix.class"); err != nil {
		return err
	}
	if _, ok := o.Files["classes/META-INF/main.kotlin_module"]; !ok {
		return fmt.Errorf("no classes/META-INF/main.kotlin_module")
	}
	return nil
}

// expectClasses requires at least fewest class files among the outputs,
// the named ones among them, each starting as a class file does.
func expectClasses(o *Output, fewest int, names ...string) error {
	n := 0
	for name, data := range o.Files {
		if !strings.HasSuffix(name, ".class") {
			continue
		}
		if !bytes.HasPrefix(data, []byte{0xca, 0xfe, 0xba, 0xbe}) {
			return fmt.Errorf("%s is not a class file", name)
		}
		n++
	}
	if n < fewest {
		return fmt.Errorf("%d class files written, want at least %d", n, fewest)
	}
	for _, name := range names {
		if _, ok := o.Files[name]; !ok {
			return fmt.Errorf("no %s among the %d class files", name, n)
		}
	}
	return nil
}
