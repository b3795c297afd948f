// §4 the value types, as typeof names them (§5.1)
assert_eq(typeof(null), "null");
assert_eq(typeof(true), "boolean");
assert_eq(typeof(42), "number");
assert_eq(typeof(123456789012345678901234567890), "number");
assert_eq(typeof(4.2), "number");
assert_eq(typeof("s"), "string");
assert_eq(typeof([]), "array");
assert_eq(typeof({}), "object");
assert_eq(typeof(fn() => 1), "function");
function f() { }
assert_eq(typeof(f), "function");
assert_eq(typeof(print), "function");
assert_eq(typeof("s".upper), "function");
---
// integers and floats are both numbers but stay distinct
assert_eq(str(1), "1");
assert_eq(str(1.0), "1.0");
assert_eq(1 + 1.0, 2.0);
assert_eq(2 * 3, 6);
assert_eq(6 / 3, 2.0);
assert_eq(6 // 3, 2);
assert_eq(6.0 // 3, 2.0);
assert_true(1 == 1.0);
---
// strings are sequences of code points, immutable
s = "a😀é";
assert_eq(len(s), 3);
assert_eq(s[1], "😀");
assert_eq(s.length, 3);
t = s;
t += "!";
assert_eq(s, "a😀é");
---
// arrays and objects are references: aliases see mutations
a = [1];
b = a;
b.push(2);
assert_eq(a, [1, 2]);
o = {};
p = o;
p.k = 1;
assert_eq(o, {k: 1});
function mutate(x) { x.push("m"); }
mutate(a);
assert_eq(b, [1, 2, "m"]);
---
// arrays may hold any values, including themselves
a = [1, "two", null, [3], {four: 4}, fn() => 5];
assert_eq(a[5](), 5);
assert_eq(len(a), 6);
---
// objects: string keys, in insertion order; re-setting a key keeps its place
o = {b: 1, a: 2};
o.c = 3;
o.b = 10;
assert_eq(keys(o), ["b", "a", "c"]);
assert_eq(values(o), [10, 2, 3]);
o.delete("b");
o.b = 1;
assert_eq(keys(o), ["a", "c", "b"]);
r = [];
for (k in o) { r.push(k); }
assert_eq(r, ["a", "c", "b"]);
---
// object keys are strings; a number key is its string form (§2.5)
o = {};
o[1] = "x";
assert_eq(o, {"1": "x"});
assert_eq(o["1"], "x");
o["2"] = "y";
assert_eq(o[2], "y");
o[2.5] = "z";
assert_eq(keys(o), ["1", "2", "2.5"]);
assert_eq(o["2.5"], "z");
o[-1] = 0;
assert_eq(o.has("-1"), true);
o[1] += 1;
assert_eq(o[1], "x1");
---
o = {};
o[true] = "x"; // ### "TypeError: object key must be a string or a number, not boolean"
---
o = {};
x = o[[1]]; // ### "TypeError: object key must be a string or a number, not array"
---
// the object methods follow the same rule
o = {"1": "a"};
assert_eq(o.get(1), "a");
assert_eq(o.has(1), true);
assert_eq(o.has(1.5), false);
o.set(3, "c");
assert_eq(o["3"], "c");
o.delete(1);
assert_eq(o, {"3": "c"});
assert_fails(fn() => o.get(null), "TypeError: get\\(\\) key must be a string or a number, not null");
assert_fails(fn() => o.delete(7), "KeyError");
---
// a memo table keyed by numbers stays JSON
cache = {};
function fib(n) {
    if (n < 2) { return n; }
    if (cache.has(n)) { return cache[n]; }
    cache[n] = fib(n - 1) + fib(n - 2);
    return cache[n];
}
assert_eq(fib(50), 12586269025);
assert_eq(len(cache), 49);
result = cache;
---
o = {a: 1};
x = o[null]; // ### "TypeError"
---
// functions are values: stored, passed and returned
ops = {add: fn(a, b) => a + b, mul: fn(a, b) => a * b};
function apply(f, a, b) { return f(a, b); }
assert_eq(apply(ops.add, 2, 3), 5);
assert_eq(apply(ops["mul"], 2, 3), 6);
function make() { function inner() { return "inner"; } return inner; }
assert_eq(make()(), "inner");
assert_eq(apply(max, 2, 3), 3);
---
// ranges are lazy: a huge range costs nothing until it is walked
r = range(1000000000000);
assert_eq(r[-1], 999999999999);
assert_eq(len(r), 1000000000000);
assert_eq(typeof(r), "range");
---
// an empty range is false like an empty array; a range is not == to an array
assert_eq(range(0) ? "t" : "f", "f");
assert_eq(range(1) ? "t" : "f", "t");
assert_eq(!range(0), true);
assert_eq(range(3) == [0, 1, 2], false);
result = range(3);
assert_eq(result, [0, 1, 2]);
