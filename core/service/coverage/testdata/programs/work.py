# A workload for Jython: classes, generators, comprehensions, formatting,
# recursion, sorting and exceptions, with deterministic output.
class Shape(object):
    def __init__(self, name, sides):
        self.name, self.sides = name, sides
    def __repr__(self):
        return "%s(%d)" % (self.name, self.sides)

def primes(n):
    found = []
    k = 2
    while len(found) < n:
        if all(k % p for p in found):
            found.append(k)
            yield k
        k += 1

def hanoi(n, a, b, c, moves):
    if n:
        hanoi(n - 1, a, c, b, moves)
        moves.append((a, c))
        hanoi(n - 1, b, a, c, moves)
    return moves

shapes = sorted([Shape("hexagon", 6), Shape("triangle", 3), Shape("square", 4)], key=lambda s: s.sides)
print(shapes)
print(list(primes(25)))
print(len(hanoi(10, "A", "B", "C", [])))
squares = dict((i, i * i) for i in range(12) if i % 3)
print(sorted(squares.items()))
words = "the quick brown fox jumps over the lazy dog the end".split()
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
try:
    {}["missing"]
except KeyError as e:
    print("KeyError", e)
print("%08.3f|%-6s|%x" % (3.14159, "ab", 255))
print(sum(x * x for x in range(1000)))
