// A Scala source for scalac to compile: case classes and pattern matching,
// traits, implicits, for-comprehensions, higher-kinded collections and
// closures give the type checker, the pattern matcher, erasure, lambda
// lifting and the back end real work.
package workload

import scala.annotation.tailrec
import scala.collection.mutable

sealed trait Expr
case class Num(v: BigInt) extends Expr
case class Var(name: String) extends Expr
case class Add(l: Expr, r: Expr) extends Expr
case class Mul(l: Expr, r: Expr) extends Expr
case class Let(name: String, value: Expr, body: Expr) extends Expr

object Expr {
  def eval(e: Expr, env: Map[String, BigInt] = Map.empty): BigInt = e match {
    case Num(v)           => v
    case Var(n)           => env.getOrElse(n, sys.error(s"unbound $n"))
    case Add(l, r)        => eval(l, env) + eval(r, env)
    case Mul(Num(z), _) if z == 0 => 0
    case Mul(l, r)        => eval(l, env) * eval(r, env)
    case Let(n, v, b)     => eval(b, env + (n -> eval(v, env)))
  }

  def simplify(e: Expr): Expr = e match {
    case Add(Num(a), Num(b)) => Num(a + b)
    case Mul(Num(a), Num(b)) => Num(a * b)
    case Add(x, Num(z)) if z == 0 => simplify(x)
    case Mul(x, Num(o)) if o == 1 => simplify(x)
    case Add(l, r) => Add(simplify(l), simplify(r))
    case Mul(l, r) => Mul(simplify(l), simplify(r))
    case Let(n, v, b) => Let(n, simplify(v), simplify(b))
    case other => other
  }

  def show(e: Expr): String = e match {
    case Num(v) => v.toString
    case Var(n) => n
    case Add(l, r) => s"(${show(l)} + ${show(r)})"
    case Mul(l, r) => s"${show(l)} * ${show(r)}"
    case Let(n, v, b) => s"let $n = ${show(v)} in ${show(b)}"
  }
}

trait Monoid[A] {
  def zero: A
  def plus(a: A, b: A): A
}

object Monoid {
  implicit val intMonoid: Monoid[Int] = new Monoid[Int] { def zero = 0; def plus(a: Int, b: Int) = a + b }
  implicit val stringMonoid: Monoid[String] = new Monoid[String] { def zero = ""; def plus(a: String, b: String) = a + b }
  implicit def mapMonoid[K, V](implicit m: Monoid[V]): Monoid[Map[K, V]] = new Monoid[Map[K, V]] {
    def zero = Map.empty
    def plus(a: Map[K, V], b: Map[K, V]) = (a.keySet ++ b.keySet).map(k => k -> m.plus(a.getOrElse(k, m.zero), b.getOrElse(k, m.zero))).toMap
  }
  def fold[A](xs: Seq[A])(implicit m: Monoid[A]): A = xs.foldLeft(m.zero)(m.plus)
}

class Graph[N](edges: Seq[(N, N)]) {
  private val adj: Map[N, Seq[N]] = edges.groupBy(_._1).map { case (k, v) => k -> v.map(_._2) }
  def bfs(start: N): List[N] = {
    val seen = mutable.LinkedHashSet(start)
    val queue = mutable.Queue(start)
    while (queue.nonEmpty) {
      val n = queue.dequeue()
      for (m <- adj.getOrElse(n, Nil) if !seen(m)) { seen += m; queue.enqueue(m) }
    }
    seen.toList
  }
}

object Main {
  @tailrec def gcd(a: Long, b: Long): Long = if (b == 0) a else gcd(b, a % b)

  def queens(n: Int): List[List[Int]] = {
    def place(k: Int): List[List[Int]] =
      if (k == 0) List(Nil)
      else for {
        qs <- place(k - 1)
        c <- (0 until n).toList
        if qs.zipWithIndex.forall { case (q, i) => q != c && math.abs(q - c) != i + 1 }
      } yield c :: qs
    place(n)
  }

  lazy val primes: Stream[Int] = 2 #:: Stream.from(3).filter(i => primes.takeWhile(p => p * p <= i).forall(i % _ != 0))

  def main(args: Array[String]): Unit = {
    val e = Let("x", Add(Num(3), Num(4)), Mul(Var("x"), Add(Var("x"), Num(0))))
    println(Expr.show(e) + " = " + Expr.eval(e))
    println(Expr.show(Expr.simplify(e)))
    println(Monoid.fold(Seq(Map("a" -> 1, "b" -> 2), Map("b" -> 3, "c" -> 4))).toList.sorted)
    println(Monoid.fold(Seq("dvm", "-", "shadow")))
    println(new Graph(Seq(1 -> 2, 1 -> 3, 2 -> 4, 3 -> 4, 4 -> 5)).bfs(1))
    println(gcd(1071, 462) + " " + queens(6).size + " " + primes.take(10).toList)
    val words = "the proxy parses once and the proxy rewrites once".split(" ")
    println(words.groupBy(identity).mapValues(_.length).toList.sortBy { case (w, c) => (-c, w) }.take(3))
    println(f"${math.Pi}%.4f ${(1 to 20).map(BigInt(_)).product}")
  }
}
