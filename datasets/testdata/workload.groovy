// A Groovy workload: GroovyMain compiles this script with Groovy's own
// compiler (to classes defined in memory) and runs it on Groovy's runtime:
// closures, builders, GStrings, categories, metaprogramming, collections.
import groovy.transform.*

@ToString(includeNames = true)
@EqualsAndHashCode
class Book {
    String title
    String shelf
    int copies
    BigDecimal price
}

@CompileStatic
class Sieve {
    static List<Integer> primes(int n) {
        boolean[] composite = new boolean[n + 1]
        List<Integer> out = []
        for (int i = 2; i <= n; i++) {
            if (!composite[i]) {
                out << i
                for (int j = i * i; j <= n; j += i) composite[j] = true
            }
        }
        out
    }
}

trait Greeter {
    abstract String name()
    String greet() { "hello from ${name()}" }
}
class Proxy implements Greeter { String name() { "the proxy" } }

class Shouting {
    static String shout(String self) { self.toUpperCase() + "!" }
}

def books = [
    new Book(title: "Compilers", shelf: "systems", copies: 3, price: 89.50),
    new Book(title: "Networks", shelf: "systems", copies: 5, price: 72.00),
    new Book(title: "Topology", shelf: "maths", copies: 1, price: 45.25),
    new Book(title: "Algebra", shelf: "maths", copies: 4, price: 38.10),
    new Book(title: "Poems", shelf: "letters", copies: 2, price: 12.99),
]

println "== collections =="
println books.groupBy { it.shelf }.collectEntries { k, v -> [k, v*.copies.sum()] }.sort()
println books.findAll { it.price > 40 }.collect { it.title }.sort()
println books.sum { it.copies * it.price }
println books.max { it.price }
println((1..20).inject(1G) { a, b -> a * b })
println([3, 1, 2].sort() + [9, 8].reverse() - [8])

println "== closures =="
def fib
fib = { n -> n < 2 ? n : fib(n - 1) + fib(n - 2) }.memoize()
println((0..30).collect(fib).takeRight(3))
def compose = { f, g -> { x -> f(g(x)) } }
println compose({ it * 2 }, { it + 3 })(4)
def curried = { a, b, c -> "$a-$b-$c" }.curry("x")
println curried("y", "z")

println "== strings =="
def name = "ShadowVM"
println "${name.toLowerCase()} has ${name.size()} letters, reversed ${name.reverse()}"
println "a,b,,c".split(",").toList()
println String.format("%05.1f|%-5s|%X", 3.14159, "ok", 255)
println(("the proxy parses once and the proxy rewrites once".tokenize().countBy { it }.sort { -it.value }).take(3))
use(Shouting) { println "dvm".shout() }

println "== metaprogramming =="
String.metaClass.vowels = { -> delegate.toList().count { it in ['a', 'e', 'i', 'o', 'u'] } }
println "instrumentation".vowels()
def expando = new Expando(x: 3)
expando.twice = { -> x * 2 }
println expando.twice()
println new Proxy().greet()
println Sieve.primes(60)

println "== builders and json =="
def w = new StringWriter()
new groovy.xml.MarkupBuilder(w).catalog {
    books.take(2).each { b -> book(shelf: b.shelf) { title(b.title); copies(b.copies) } }
}
println w
def json = new groovy.json.JsonBuilder([papers: [[name: "DVM", year: 1999], [name: "ShadowVM", year: 2013]]])
println json.toString()
println new groovy.json.JsonSlurper().parseText('{"a": [1, 2, {"b": true}], "c": null}')
def xml = new XmlSlurper().parseText(w.toString())
println xml.book.collect { "${it.title.text()}:${it.@shelf}" }

println "== exceptions =="
try { [1, 2][5].foo() } catch (NullPointerException e) { println "caught NPE" }
try { Integer.parseInt("x") } catch (NumberFormatException e) { println "caught ${e.message}" }
assert books.size() == 5
println "done"
