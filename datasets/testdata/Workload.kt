// A Kotlin source for kotlinc to compile: sealed classes and when, data
// classes, extension functions, inline functions with reified types,
// lambdas, sequences, object declarations and string templates give the
// front end, the type inference and the JVM back end real work.
package workload

sealed class Expr {
    data class Num(val v: Long) : Expr()
    data class Add(val l: Expr, val r: Expr) : Expr()
    data class Mul(val l: Expr, val r: Expr) : Expr()
    data class Neg(val e: Expr) : Expr()
}

fun Expr.eval(): Long = when (this) {
    is Expr.Num -> v
    is Expr.Add -> l.eval() + r.eval()
    is Expr.Mul -> l.eval() * r.eval()
    is Expr.Neg -> -e.eval()
}

fun Expr.show(): String = when (this) {
    is Expr.Num -> v.toString()
    is Expr.Add -> "(${l.show()} + ${r.show()})"
    is Expr.Mul -> "${l.show()} * ${r.show()}"
    is Expr.Neg -> "-${e.show()}"
}

interface Shape { val area: Double; val name: String get() = javaClass.simpleName }
data class Rect(val w: Double, val h: Double) : Shape { override val area get() = w * h }
data class Circle(val r: Double) : Shape { override val area get() = Math.PI * r * r }

inline fun <reified T> List<Any>.only(): List<T> = filterIsInstance<T>()

object Registry {
    private val entries = linkedMapOf<String, Int>()
    fun add(name: String) { entries[name] = (entries[name] ?: 0) + 1 }
    override fun toString() = entries.entries.joinToString { "${it.key}=${it.value}" }
}

class Matrix(val n: Int, init: (Int, Int) -> Long) {
    val cells = Array(n) { i -> LongArray(n) { j -> init(i, j) } }
    operator fun times(o: Matrix) = Matrix(n) { i, j -> (0 until n).fold(0L) { s, k -> s + cells[i][k] * o.cells[k][j] } }
    override fun toString() = cells.joinToString(" / ") { it.joinToString(",") }
}

tailrec fun gcd(a: Long, b: Long): Long = if (b == 0L) a else gcd(b, a % b)

fun queens(n: Int): Int {
    fun place(row: Int, cols: List<Int>): Int =
        if (row == n) 1
        else (0 until n).filter { c -> cols.withIndex().none { (r, q) -> q == c || Math.abs(q - c) == row - r } }
            .sumBy { place(row + 1, cols + it) }
    return place(0, emptyList())
}

fun main(args: Array<String>) {
    val e = Expr.Mul(Expr.Add(Expr.Num(3), Expr.Num(4)), Expr.Neg(Expr.Num(6)))
    println("${e.show()} = ${e.eval()}")
    println(e.copy(r = Expr.Num(2)))
    val shapes: List<Any> = listOf(Rect(3.0, 4.0), Circle(1.5), "not a shape", Rect(1.0, 0.5))
    for (s in shapes.only<Shape>()) println("%s %.3f".format(s.name, s.area))
    listOf("dvm", "shadow", "dvm", "proxy", "dvm").forEach(Registry::add)
    println(Registry)
    val fib = generateSequence(0L to 1L) { (a, b) -> b to a + b }.map { it.first }
    println(fib.take(15).toList())
    println(generateSequence(2) { it + 1 }.filter { n -> (2 until n).none { n % it == 0 } }.take(10).joinToString(" "))
    val m = Matrix(3) { i, j -> (i + j).toLong() }
    println(m * m)
    println("gcd ${gcd(1071, 462)} queens ${queens(6)}")
    val words = "the proxy parses once and the proxy rewrites once".split(" ")
    println(words.groupingBy { it }.eachCount().entries.sortedWith(compareBy({ -it.value }, { it.key })).take(3))
    println(runCatching { "x".toInt() }.exceptionOrNull()?.javaClass?.simpleName)
}
