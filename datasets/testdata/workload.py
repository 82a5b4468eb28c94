# Jython workload: exercises the interpreter (classes, generators,
# comprehensions, formatting, recursion, sorting, exceptions) and prints
# only deterministic results: no addresses, times or unordered iteration.
from __future__ import print_function

import collections
import functools
import itertools
import random


class Account(object):
    """A bank account with a history, ordered by balance then owner."""

    count = 0

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.history = []
        Account.count += 1

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive, got %d" % amount)
        self.balance += amount
        self.history.append(("deposit", amount))
        return self

    def withdraw(self, amount):
        if amount > self.balance:
            raise InsufficientFunds(self.owner, amount - self.balance)
        self.balance -= amount
        self.history.append(("withdraw", amount))
        return self

    @property
    def moves(self):
        return len(self.history)

    def __lt__(self, other):
        return (self.balance, self.owner) < (other.balance, other.owner)

    def __repr__(self):
        return "Account(%r, %d)" % (self.owner, self.balance)


class Savings(Account):
    rate = 3

    def add_interest(self):
        interest = self.balance * self.rate // 100
        return self.deposit(interest) if interest else self


class InsufficientFunds(Exception):
    def __init__(self, owner, short):
        Exception.__init__(self, "%s is short by %d" % (owner, short))
        self.short = short


class Vector(object):
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __add__(self, o):
        return Vector(self.x + o.x, self.y + o.y)

    def __mul__(self, k):
        return Vector(self.x * k, self.y * k)

    def __eq__(self, o):
        return isinstance(o, Vector) and (self.x, self.y) == (o.x, o.y)

    def __hash__(self):
        return hash((self.x, self.y))

    def __repr__(self):
        return "<%d,%d>" % (self.x, self.y)


def primes():
    """An infinite generator of primes by trial division."""
    found = []
    n = 2
    while True:
        if all(n % p for p in itertools.takewhile(lambda p: p * p <= n, found)):
            found.append(n)
            yield n
        n += 1


def fib_gen():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


def memo(f):
    cache = {}

    @functools.wraps(f)
    def wrapper(*args):
        if args not in cache:
            cache[args] = f(*args)
        return cache[args]
    wrapper.cache = cache
    return wrapper


@memo
def partitions(n, k):
    """Ways to write n as a sum of parts no larger than k."""
    if n == 0:
        return 1
    if n < 0 or k == 0:
        return 0
    return partitions(n - k, k) + partitions(n, k - 1)


def queens(n):
    """All solutions of the n-queens problem, by backtracking."""
    out = []

    def place(row, cols, d1, d2, board):
        if row == n:
            out.append(tuple(board))
            return
        for c in range(n):
            if c in cols or row - c in d1 or row + c in d2:
                continue
            place(row + 1, cols | {c}, d1 | {row - c}, d2 | {row + c}, board + [c])
    place(0, frozenset(), frozenset(), frozenset(), [])
    return out


def merge_sort(xs):
    if len(xs) <= 1:
        return list(xs)
    mid = len(xs) // 2
    left, right = merge_sort(xs[:mid]), merge_sort(xs[mid:])
    out = []
    i = j = 0
    while i < len(left) and j < len(right):
        if right[j] < left[i]:
            out.append(right[j])
            j += 1
        else:
            out.append(left[i])
            i += 1
    return out + left[i:] + right[j:]


def section(title):
    print("== %s ==" % title)


section("classes")
accounts = [Account("carol", 120), Savings("alice", 900), Account("bob", 45), Savings("dave", 120)]
for a in accounts:
    a.deposit(10 * (len(a.owner) + 1))
for a in accounts:
    if isinstance(a, Savings):
        a.add_interest()
print(sorted(accounts))
print("created:", Account.count, "moves:", [a.moves for a in accounts])
print(Vector(1, 2) + Vector(3, 4) * 2, Vector(1, 1) == Vector(1, 1), len({Vector(0, 1), Vector(0, 1), Vector(1, 0)}))

section("exceptions")
for owner, amount in [("bob", 500), ("alice", 50), ("carol", -5)]:
    acct = [a for a in accounts if a.owner == owner][0]
    try:
        if amount < 0:
            acct.deposit(amount)
        else:
            acct.withdraw(amount)
        print("ok", acct)
    except InsufficientFunds as e:
        print("refused:", e, "short", e.short)
    except ValueError as e:
        print("invalid:", e)
    finally:
        print("  history of %s: %s" % (owner, acct.history))
try:
    try:
        {}["missing"]
    except KeyError as e:
        raise RuntimeError("lookup failed: %s" % e)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    1 // 0
except ZeroDivisionError:
    print("division by zero caught")

section("generators")
print(list(itertools.islice(primes(), 30)))
print(sum(itertools.islice(primes(), 500)))
print([f for f in itertools.islice(fib_gen(), 90)][-3:])
evens = (x * x for x in range(50) if x % 2 == 0)
print(next(evens), next(evens), sum(evens))
print(list(itertools.chain.from_iterable(itertools.combinations("abcd", 2))))

section("comprehensions")
squares = {n: n * n for n in range(15) if n % 3}
print(sorted(squares.items()))
table = [[r * c for c in range(1, 6)] for r in range(1, 6)]
print(table[-1], sum(map(sum, table)))
letters = {ch.lower() for ch in "The Quick Brown Fox Jumps Over The Lazy Dog" if ch.isalpha()}
print(len(letters), "".join(sorted(letters)))
print([(a, b, c) for a in range(1, 30) for b in range(a, 30) for c in range(b, 30) if a * a + b * b == c * c])

section("formatting")
print("%08.3f|%-8s|%+d|%x|%o|%e" % (3.14159, "left", 42, 255, 8, 12345.678))
print("{0:>10}|{1:^9}|{2:<6}|{3:,}".format("right", "mid", "l", 1234567))
print("{name} has {n:05d} items costing {p:.2f}".format(name="shop", n=42, p=19.5))
print(repr(u"unicode \u00e9\u00e8"), "caf\xe9".decode("latin-1") == u"caf\u00e9", "tab\tand %r" % "quote'd")
print(", ".join("%s=%s" % kv for kv in sorted({"z": 1, "a": 2, "m": 3}.items())))

section("recursion")
solutions = queens(8)
print(len(solutions), solutions[0], solutions[-1])
print([partitions(n, n) for n in range(1, 31)])
print(len(partitions.cache))


def hanoi(n, src, via, dst):
    if n == 0:
        return []
    return hanoi(n - 1, src, dst, via) + [(src, dst)] + hanoi(n - 1, via, src, dst)


moves = hanoi(12, "A", "B", "C")
print(len(moves), moves[:3], sorted(collections.Counter(moves).items()))

section("sorting")
rng = random.Random(1999)
data = [rng.randint(0, 999) for _ in range(400)]
print(merge_sort(data) == sorted(data), sorted(data)[:8], sorted(data, reverse=True)[:5])
words = "the dvm rewrites java bytecode the proxy verifies and the client runs the code".split()
counts = collections.Counter(words)
print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
print(sorted(words, key=len))
print(sorted(set(words), key=lambda w: (w[-1], w)))
records = [("x", 3), ("y", 1), ("z", 3), ("w", 2), ("v", 1)]
print(sorted(records, key=lambda r: r[1]))
print(functools.reduce(lambda a, b: a * b, range(1, 21)))
