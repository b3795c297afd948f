// §2 Statements: every production of the grammar
x = 1;
x + 1;
o = {};
o.k = 2;
o["j"] = 3;
a = [0, 0];
a[1] = 4;
a[0] += 5;
o.k -= 1;
x *= 10;
x /= 4;
y = 7;
y %= 4;
[p, q] = [1, 2];
{k, j} = o;
function f(m, n: number) { return m + n; }
if (x > 1) { z = 1; } elif (x > 0) { z = 2; } else if (x > -1) { z = 3; } else { z = 4; }
while (false) { }
for (i in [1]) { }
try { } except (e) { } finally { }
try { } except { }
try { } finally { }
result = [x, o, a, y, p, q, k, j, f(1, 2), z, i];
assert_eq(result, [2.5, {k: 1, j: 3}, [5, 4], 3, 1, 2, 1, 3, 3, 1, 1]);
---
function g() { return; }
assert_eq(g(), null);
function h() { }
assert_eq(h(), null);
---
// §2.1 break, continue, return and nonlocal out of place: SyntaxErrors before running, all of them
print("never runs");
break; // ### "SyntaxError: 'break' outside a loop"
continue; // ### "SyntaxError: 'continue' outside a loop"
return 1; // ### "SyntaxError: 'return' outside a function"
nonlocal x; // ### "SyntaxError: 'nonlocal' outside a function"
// stdout: ""
---
if (true) {
    break; // ### "'break' outside a loop"
}
---
while (true) {
    function f() {
        continue; // ### "'continue' outside a loop"
    }
    g = fn() => { break; }; // ### "'break' outside a loop"
    break;
}
---
for (i in [1]) {
    try { break; } except { continue; } finally { }
}
---
if (true) { return; } // ### "'return' outside a function"
---
while (true) { nonlocal x; } // ### "'nonlocal' outside a function"
---
try { return 1; } finally { } // ### "'return' outside a function"
---
// return is allowed anywhere inside a function, and in arrow block bodies
function f(x) { while (true) { for (i in [1]) { if (x) { try { return 1; } finally { } } } } }
g = fn() => { if (true) { return 2; } };
assert_eq([f(true), g()], [1, 2]);
---
// §2.1 a missing ';' is reported just after the last token of its statement
x = 1 + 2 // ### "SyntaxError: expected ';'"
y = 3;
---
x = foo(1,
        2) // ### "expected ';'"

y = 3;
---
function f() {
    return 1 // ### "expected ';'"
}
---
x = [1, 2] /* comment */ // ### "expected ';'"
   // whole-line comment
y = 2;
---
throw "x" // ### "expected ';'"
---
break // ### "expected ';'"
---
import math // ### "expected ';'"
x = 1;
---
// §2.2 functions may be defined anywhere; nested functions are closures
function adder(n) {
    function add(x) { return x + n; }
    return add;
}
add5 = adder(5);
assert_eq(add5(1), 6);
assert_eq(adder(10)(1), 11);
if (true) {
    function in_block() { return "block"; }
}
assert_eq(in_block(), "block");
---
// closures see later changes of the variables they close over
function make() {
    n = 1;
    get = fn() => n;
    n = 2;
    return get;
}
assert_eq(make()(), 2);
---
// closures made in a loop share the loop variable (function scope, §2.3)
fs = [];
for (i in [1, 2, 3]) { fs.push(fn() => i); }
assert_eq([fs[0](), fs[2]()], [3, 3]);
---
// §2.2 a declaration is hoisted to the top of the block that contains it
assert_eq(later(2), 4);
function later(x) { return x * 2; }
---
function outer() {
    r = inner();
    function inner() { return "inner"; }
    return r;
}
assert_eq(outer(), "inner");
---
if (true) {
    assert_eq(g(), 7);
    function g() { return 7; }
}
---
r = [];
for (i in [1, 2]) {
    r.push(h(i));
    function h(x) { return x * 10; }
}
assert_eq(r, [10, 20]);
---
// mutual recursion across hoisted declarations
assert_true(is_even(10));
function is_even(n) { return n == 0 ? true : is_odd(n - 1); }
function is_odd(n) { return n == 0 ? false : is_even(n - 1); }
---
// hoisting is to the top of the containing block only, not out of a block
assert_fails(fn() => not_yet(), "NameError: name 'not_yet' is not defined");
if (true) { function not_yet() { return 1; } }
assert_eq(not_yet(), 1);
---
// a later declaration of the same name wins (both are hoisted, in order)
assert_eq(twice(), 2);
function twice() { return 1; }
function twice() { return 2; }
---
// a variable assigned after the (hoisted) declaration replaces it
function v() { return 1; }
v = 5;
assert_eq(v, 5);
---
// §2.2 the wrong number of arguments is a TypeError naming the function and both counts
function two(a, b) { return a; }
two(1); // ### "TypeError: two\(\) takes 2 arguments but 1 was given"
---
function two(a, b) { return a; }
two(1, 2, 3); // ### "TypeError: two\(\) takes 2 arguments but 3 were given"
---
function none() { return 0; }
none(1); // ### "TypeError: none\(\) takes 0 arguments but 1 was given"
---
function one(a) { return a; }
f = one;
f(); // ### "TypeError: one\(\) takes 1 argument but 0 were given"
---
g = fn(a, b) => a;
g(1); // ### "TypeError: .*takes 2 arguments but 1 was given"
---
function two(a, b) { return a; }
assert_fails(fn() => two(1), "TypeError: two\\(\\) takes 2 arguments but 1 was given");
---
// parameter annotations are documentation only
function typed(a: number, b: string, c) { return [a, b, c]; }
assert_eq(typed("x", 1, null), ["x", 1, null]);
---
function dup(a, a) { } // ### "SyntaxError: duplicate parameter 'a'"
---
// §2.3 scope: assigning inside a function makes a local
x = 1;
function f() { x = 2; return x; }
assert_eq(f(), 2);
assert_eq(x, 1);
---
// reading an outer name works
x = 1;
function f() { return x + 1; }
assert_eq(f(), 2);
function outer() { y = 10; function inner() { return y + x; } return inner(); }
assert_eq(outer(), 11);
---
// reading a local before it is assigned is a NameError, even if an outer one exists
x = 1;
function f() {
    y = x; // ### "NameError: local variable 'x' is read before it is assigned"
    x = 2;
}
f();
---
function f() {
    if (false) { z = 1; }
    return z; // ### "NameError: local variable 'z' is read before it is assigned"
}
f();
---
x = y; // ### "NameError: name 'y' is not defined"
---
function f() { return nowhere; } // ### "NameError: name 'nowhere' is not defined"
f();
---
function outer() {
    function inner() { return v; } // ### "NameError: .*'v'"
    r = inner();
    v = 1;
    return r;
}
outer();
---
// §2.3 nonlocal assigns the x of the nearest enclosing function that defines it
function outer() {
    x = "outer";
    function mid() {
        x = "mid";
        function inner() { nonlocal x; x = "inner"; }
        inner();
        return x;
    }
    m = mid();
    return [m, x];
}
assert_eq(outer(), ["inner", "outer"]);
---
function outer() {
    x = "outer";
    function mid() {
        function inner() { nonlocal x; x = "inner"; }
        inner();
    }
    mid();
    return x;
}
assert_eq(outer(), "inner");
---
// ... or the top-level x if no enclosing function defines it
x = 0;
function bump() { nonlocal x; x += 1; }
bump();
bump();
assert_eq(x, 2);
---
function outer() {
    function inner() { nonlocal total; total = 5; }
    inner();
}
outer();
assert_eq(total, 5);
---
// a function that itself declares `nonlocal x` does not define x: a nonlocal chain reaches the top
x = 1;
function a() {
    nonlocal x;
    function b() { nonlocal x; x += 2; }
    b();
    x *= 10;
}
a();
assert_eq(x, 30);
---
function outer() {
    y = 1;
    function a() {
        nonlocal y;
        function b() { nonlocal y; y = 5; }
        b();
    }
    a();
    return y;
}
assert_eq(outer(), 5);
---
// ... and makes the top-level function it rebinds a dynamic one
function f() { return 1; }
function a() { nonlocal f; function b() { nonlocal f; f = fn() => 2; } b(); }
a();
assert_eq(f(), 2);
---
// several names in one nonlocal, in an arrow block body too
a = 1; b = 2;
swap = fn() => { nonlocal a, b; t = a; a = b; b = t; };
swap();
assert_eq([a, b], [2, 1]);
---
// a counter closure
function counter() {
    n = 0;
    return fn() => { nonlocal n; n += 1; return n; };
}
c = counter();
c(); c();
assert_eq(c(), 3);
d = counter();
assert_eq(d(), 1);
---
// a nested function may declare a parameter of the enclosing function nonlocal
function make(n) {
    function inc() { nonlocal n; n += 1; return n; }
    return inc;
}
c = make(5);
c();
assert_eq(c(), 7);
---
function f(p) { nonlocal p; } // ### "SyntaxError: 'p' is a parameter and cannot be nonlocal"
---
function f(p) {
    if (true) { nonlocal p; } // ### "SyntaxError: 'p' is a parameter and cannot be nonlocal"
}
---
// without nonlocal, a compound assignment to an outer name reads an unassigned local
count = 0;
function inc() { count += 1; } // ### "NameError: local variable 'count' is read before it is assigned"
inc();
---
// §2.3 blocks do not create scopes
if (true) { inside = 1; }
assert_eq(inside, 1);
while (true) { w = 2; break; }
assert_eq(w, 2);
for (i in [1, 2, 3]) { }
assert_eq(i, 3);
---
// a loop variable keeps its last value, also after break
for (i in [1, 2, 3]) { if (i == 2) { break; } }
assert_eq(i, 2);
function f() { for (k in "ab") { } return k; }
assert_eq(f(), "b");
---
// the err of an except clause stays bound after the block
try { throw "boom"; } except (err) { }
assert_eq(err.message, "boom");
function g() { try { x = 1 / 0; } except (e) { } return e.type; }
assert_eq(g(), "ZeroDivisionError");
---
// §2.3 compound assignment a op= v is a = a op v: it rebinds, never mutates in place
a = [1];
b = a;
a += [2];
assert_eq(a, [1, 2]);
assert_eq(b, [1]);
s = "x"; t = s; s += "y";
assert_eq([s, t], ["xy", "x"]);
o = {list: [1]};
alias = o.list;
o.list += [2];
assert_eq([o.list, alias], [[1, 2], [1]]);
---
n = 10;
n += 5; assert_eq(n, 15);
n -= 3; assert_eq(n, 12);
n *= 2; assert_eq(n, 24);
n /= 8; assert_eq(n, 3.0);
n %= 2; assert_eq(n, 1.0);
s = "ab"; s *= 2; assert_eq(s, "abab");
t = "n="; t += 1; assert_eq(t, "n=1");
---
// the target's parts are evaluated once
calls = [];
function key(k) { calls.push(k); return k; }
function obj() { calls.push("obj"); return store; }
store = {a: [10, 20], n: 1};
store.a[key(1)] += 1;
obj().n += 1;
obj()[key("n")] *= 10;
obj().a[key(0)] -= 1;
assert_eq(store, {a: [9, 21], n: 20});
assert_eq(calls, [1, "obj", "obj", "n", "obj", 0]);
---
a = [1, 2];
i = 0;
a[i] += (i = 1) == 1 ? 0 : 100; // ### "SyntaxError"
---
// compound assignment of a missing key or index fails, of the right kind
o = {};
o["missing"] += 1; // ### "KeyError: .*missing"
---
a = [];
a[0] += 1; // ### "IndexError"
---
// §2.4 for iterates arrays (elements), objects (keys, insertion order), strings (characters) and ranges
r = [];
for (x in [1, "a", null]) { r.push(x); }
for (k in {b: 1, a: 2, c: 3}) { r.push(k); }
for (c in "hé✓") { r.push(c); }
for (n in range(3)) { r.push(n); }
for (n in range(5, 1, -2)) { r.push(n); }
assert_eq(r, [1, "a", null, "b", "a", "c", "h", "é", "✓", 0, 1, 2, 5, 3]);
---
r = [];
for (x in []) { r.push(x); }
for (x in {}) { r.push(x); }
for (x in "") { r.push(x); }
for (x in range(0)) { r.push(x); }
assert_eq(r, []);
---
for (x in 5) { } // ### "TypeError: cannot iterate over number"
---
for (x in null) { } // ### "TypeError: cannot iterate over null"
---
for (x in true) { } // ### "TypeError"
---
for (x in print) { } // ### "TypeError"
---
// §2.4 break and continue: usual semantics, innermost loop only
r = [];
i = 0;
while (true) {
    i += 1;
    if (i > 6) { break; }
    if (i % 2 == 0) { continue; }
    r.push(i);
}
assert_eq(r, [1, 3, 5]);
pairs = [];
for (a in [1, 2, 3]) {
    for (b in [1, 2, 3]) {
        if (b == 2) { continue; }
        if (b > a) { break; }
        pairs.push([a, b]);
    }
}
assert_eq(pairs, [[1, 1], [2, 1], [3, 1], [3, 3]]);
---
// a while condition is evaluated before every iteration; the body may never run
n = 0;
while (n < 3) { n += 1; }
assert_eq(n, 3);
while (false) { n = 100; }
assert_eq(n, 3);
---
// the iterable is evaluated once; appending to an array while iterating sees the new elements
calls = 0;
function items() { nonlocal calls; calls += 1; return [1, 2]; }
for (x in items()) { }
assert_eq(calls, 1);
---
// if: the first true branch runs; conditions use truthiness (§3.2)
function pick(x) {
    if (x > 10) { return "big"; } elif (x > 5) { return "mid"; } else if (x > 0) { return "small"; } else { return "none"; }
}
assert_eq([pick(11), pick(6), pick(1), pick(0)], ["big", "mid", "small", "none"]);
r = [];
if ([]) { r.push(1); }
if ("0") { r.push(2); }
if (null) { r.push(3); }
if ({a: 1}) { r.push(4); }
assert_eq(r, [2, 4]);
---
if (true) { } elif { } // ### "SyntaxError"
---
// §2.5 o.k = v sets key k of object o
o = {};
o.k = 1;
o.k = 2;
o["other key"] = 3;
assert_eq(o, {k: 2, "other key": 3});
nested = {inner: {}};
nested.inner.deep = [0];
nested.inner.deep[0] = "x";
assert_eq(nested, {inner: {deep: ["x"]}});
---
// §2.5 a[i] = v sets an array element; negative counts from the end
a = [1, 2, 3];
a[0] = "a";
a[-1] = "c";
a[-3] = "A";
assert_eq(a, ["A", 2, "c"]);
---
a = [1, 2, 3];
a[3] = 4; // ### "IndexError"
---
a = [1, 2, 3];
a[-4] = 0; // ### "IndexError"
---
a = [1];
a["0"] = 1; // ### "TypeError"
---
a = [1];
a[0.0] = 1; // ### "TypeError"
---
// §2.5 ... or an object key
o = {};
o["k"] = 1;
k = "dyn";
o[k] = 2;
assert_eq(o, {k: 1, dyn: 2});
---
// §2.5 assigning a member or index of any other value is a TypeError
s = "abc";
s[0] = "x"; // ### "TypeError"
---
s = "abc";
s.x = 1; // ### "TypeError"
---
n = 5;
n.x = 1; // ### "TypeError: cannot set member 'x' of number"
---
n = null;
n.x = 1; // ### "TypeError"
---
n = null;
n[0] = 1; // ### "TypeError"
---
f = fn() => 1;
f.x = 1; // ### "TypeError"
---
r = range(3);
r[0] = 1; // ### "TypeError"
---
a = [];
a.x = 1; // ### "TypeError"
---
// §2.5 invalid assignment targets are SyntaxErrors before running, all of them
1 = 2; // ### "SyntaxError: invalid assignment target"
f() = 2; // ### "SyntaxError: invalid assignment target"
x + 1 += 2; // ### "SyntaxError: invalid assignment target"
"s" = 1; // ### "SyntaxError: invalid assignment target"
(fn() => 1) = 2; // ### "SyntaxError: invalid assignment target"
a[1:2] = [1]; // ### "SyntaxError: invalid assignment target"
true = 1; // ### "SyntaxError"
---
x = y = 1; // ### "SyntaxError"
---
// §2.6 array destructuring needs an array (or string) of exactly that length
[a, b] = [1, 2];
assert_eq([a, b], [1, 2]);
[c, d] = "xy";
assert_eq([c, d], ["x", "y"]);
[e] = [[1]];
assert_eq(e, [1]);
[a, b] = [b, a];
assert_eq([a, b], [2, 1]);
---
[a, b] = [1, 2, 3]; // ### "ValueError: expected an array of 2 values, got 3"
---
[a, b, c] = [1, 2]; // ### "ValueError: .*3.*2"
---
[a, b] = "abc"; // ### "ValueError"
---
[a, b] = {a: 1, b: 2}; // ### "ValueError"
---
[a] = 5; // ### "ValueError"
---
[a] = null; // ### "ValueError"
---
try { [a, b] = [1]; } except (e) { }
assert_eq(e.type, "ValueError");
---
[a, a] = [1, 2]; // ### "SyntaxError: 'a' appears twice in destructuring"
---
[] = []; // ### "SyntaxError"
---
// §2.6 object destructuring reads keys by name; the right side is evaluated once
{a, b} = {b: 2, a: 1, c: 3};
assert_eq([a, b], [1, 2]);
n = 0;
function make() { nonlocal n; n += 1; return {x: 1, y: 2}; }
{x, y} = make();
assert_eq([x, y, n], [1, 2, 1]);
---
{a, b} = {a: 1}; // ### "KeyError: .*\"b\""
---
{a} = [1]; // ### "TypeError"
---
{a} = "a"; // ### "TypeError"
---
{a} = null; // ### "TypeError"
---
{a, a} = {a: 1}; // ### "SyntaxError: 'a' appears twice in destructuring"
---
// destructuring inside a function binds locals
function f() { [p, q] = [1, 2]; {r} = {r: 3}; return p + q + r; }
assert_eq(f(), 6);
assert_fails(fn() => p, "NameError");
---
// §2.7 throw throws any value
values = [1, "s", null, true, [1, 2], {message: "m"}, 2.5];
caught = [];
for (v in values) {
    try { throw v; } except (e) { caught.push(e); }
}
assert_eq(caught[0], {message: "1", type: "Error", value: 1});
assert_eq(caught[1], {message: "s", type: "Error", value: "s"});
assert_eq(caught[2], {message: "null", type: "Error", value: null});
assert_eq(caught[3], {message: "true", type: "Error", value: true});
assert_eq(caught[4], {message: "[1, 2]", type: "Error", value: [1, 2]});
assert_eq(caught[5], {message: "m", type: "Error"});
assert_eq(caught[6], {message: "2.5", type: "Error", value: 2.5});
---
// §2.7 a thrown object keeps its own keys
try {
    throw {message: "bad", code: 7, details: {field: "qty"}};
} except (err) {
    assert_eq(err.code, 7);
    assert_eq(err.details.field, "qty");
    assert_eq(err.message, "bad");
    assert_eq(err.type, "Error");
}
---
// §2.7 type is the object's own type if that is a string, else "Error"
try { throw {message: "v", type: "ValidationError"}; } except (e) { assert_eq(e.type, "ValidationError"); }
try { throw {message: "v", type: 5}; } except (e) { assert_eq(e.type, "Error"); }
try { throw {message: "v", type: null}; } except (e) { assert_eq(e.type, "Error"); }
try { throw {message: "v"}; } except (e) { assert_eq(e.type, "Error"); }
---
// a message that is not a string is formatted; a missing message is ""
try { throw {message: [1, "a"]}; } except (e) { assert_eq(e.message, "[1, \"a\"]"); }
try { throw {code: 1}; } except (e) { assert_eq([e.message, e.type, e.code], ["", "Error", 1]); }
---
// the thrown object itself is not changed by the throw
o = {message: "m", code: 1};
try { throw o; } except (e) { e.code = 2; }
assert_eq(o, {message: "m", code: 1});
---
// §2.7 except catches runtime errors, with type names
function kind(f) { try { f(); } except (e) { return e.type; } return "none"; }
assert_eq(kind(fn() => 1 / 0), "ZeroDivisionError");
assert_eq(kind(fn() => 1 % 0), "ZeroDivisionError");
assert_eq(kind(fn() => 1 // 0), "ZeroDivisionError");
assert_eq(kind(fn() => 1 + [1]), "TypeError");
assert_eq(kind(fn() => ({})["k"]), "KeyError");
assert_eq(kind(fn() => [][0]), "IndexError");
assert_eq(kind(fn() => no_such_name), "NameError");
assert_eq(kind(fn() => int("x")), "ValueError");
assert_eq(kind(fn() => 1), "none");
---
// a runtime error's object has at least message and type
try { x = [1] - 1; } except (e) {
    assert_eq(e.type, "TypeError");
    assert_eq(e.message, "cannot subtract array and number");
}
---
// except without a name catches too
r = 0;
try { throw 1; } except { r = 1; }
assert_eq(r, 1);
---
// §2.7 only the first except clause can match
r = [];
try { throw 1; } except (a) { r.push("first"); } except (b) { r.push("second"); }
assert_eq(r, ["first"]);
---
// the later clauses never run, so what they assign is no variable of the function
x = 1;
function f() {
    try { } except { } except (unused) { x = 2; }
    function g() { nonlocal x; x = 5; }
    g();
    return typeof(unused);
}
assert_fails(f, "NameError: name 'unused' is not defined");
assert_eq(x, 5);
---
// an error inside the first except clause is not caught by the second one
r = [];
try {
    try { throw 1; } except (a) { r.push("first"); throw 2; } except (b) { r.push("second"); }
} except (c) { r.push("outer " + c.message); }
assert_eq(r, ["first", "outer 2"]);
---
// §2.7 finally runs on every exit: normal, throw, caught, return, break, continue
log = [];
try { log.push("body"); } finally { log.push("f1"); }
try { try { throw 1; } finally { log.push("f2"); } } except { log.push("caught"); }
try { throw 1; } except { log.push("except"); } finally { log.push("f3"); }
function ret() { try { return "r"; } finally { log.push("f4"); } }
log.push(ret());
for (i in [1, 2]) {
    try { if (i == 1) { continue; } break; } finally { log.push("f5:" + i); }
}
function err_in_except() { try { throw 1; } except { x = 1 / 0; } finally { log.push("f6"); } }
try { err_in_except(); } except (e) { log.push(e.type); }
assert_eq(log, ["body", "f1", "f2", "caught", "except", "f3", "f4", "r", "f5:1", "f5:2", "f6", "ZeroDivisionError"]);
---
// finally runs when an uncaught error ends the program
try {
    print("body");
    throw "out"; // ### "Error: out"
} finally {
    print("finally");
}
// stdout: "body\nfinally\n"
---
// §2.7 a return in finally wins over a return, an error or a break
function a() { try { return 1; } finally { return 2; } }
function b() { try { throw "x"; } finally { return 3; } }
function c() { try { x = 1 / 0; } except { return 4; } finally { return 5; } }
function d() { for (i in [1]) { try { break; } finally { return 6; } } return 7; }
assert_eq([a(), b(), c(), d()], [2, 3, 5, 6]);
---
// an error in finally replaces the one in flight
try {
    try { throw "first"; } finally { throw "second"; }
} except (e) {
    assert_eq(e.message, "second");
}
---
// §2.7 an uncaught throw ends the program with error_type equal to its type and its message
throw {message: "bad input", type: "ValidationError"}; // ### "^ValidationError: bad input$"
---
throw "plain"; // ### "^Error: plain$"
---
throw 42; // ### "^Error: 42$"
---
x = 1;
throw {message: "m", type: ""}; // ### "^Error: m$"
---
function deep() { throw {message: "from deep", type: "Deep"}; } // ### "^Deep: from deep$"
deep();
---
// a rethrown error keeps its type and message
try {
    try { x = 1 / 0; } except (e) { throw e; }
} except (e2) {
    assert_eq([e2.type, e2.message], ["ZeroDivisionError", "division by zero"]);
}
---
// §2.7 limits and timeouts are never caught, and stop the program
// option:max_steps=1000
try {
    while (true) { } // ### "LimitError: step limit exceeded"
} except (e) {
    print("caught");
}
// stdout: ""
---
// option:max_depth=50
function down(n) { return down(n + 1); } // ### "LimitError: recursion too deep"
try { down(0); } except (e) { }
---
// option:timeout=0.2
// option:max_steps=1000000000
try { while (true) { } } except (e) { } // ### "TimeoutError"
---
// a limit is not swallowed by a return in finally either
// option:max_steps=1000
function f() {
    try { while (true) { } } finally { return 1; } // ### "LimitError"
}
result = f();
---
// option:max_string=100
try { s = "x" * 100000; } except (e) { } // ### "LimitError: string length 100000 exceeds the limit max_string=100"
---
// option:max_string=100
s = "x" * 1000; // ### "LimitError: string length 1000 exceeds the limit max_string=100"
---
// SecurityErrors are found before the program runs, so they cannot be caught either
try { x = {}.__class__; } except (e) { } // ### "SecurityError"
---
// §2.8 imports bring a standard module into scope as a variable
import math;
import json as j;
assert_eq(math.floor(2.5), 2);
assert_eq(j.stringify([1]), "[1]");
m = math;
math = 5;
assert_eq([m.floor(1.5), math], [1, 5]);
---
// imports stand at the top level of the program only
function f() { import math; } // ### "SyntaxError: unexpected 'import'"
---
if (true) { import math; } // ### "SyntaxError: unexpected 'import'"
---
// §2.8 an unknown module is an error before the program runs, in every mode
print("never");
import nosuch; // ### "SyntaxError: unknown module 'nosuch'"
import math.nosuch; // ### "SyntaxError: unknown module 'math.nosuch'"
import also_no as x; // ### "SyntaxError: unknown module 'also_no'"
---
// option:strict
import nosuch; // ### "SyntaxError: unknown module 'nosuch'"
---
// §9: strict mode refuses host-access modules even when granted
// option:strict
import file; // ### "SecurityError: .*host-access module 'file'"
---
import; // ### "SyntaxError"
---
import "math"; // ### "SyntaxError"
---
// §2.9 a declaration the host has not granted is refused before the program runs, naming what is missing
print("never");
capability Reader { resource "data/*.csv"; allow read; } // ### "SecurityError: capability not granted: capability Reader: allow read on 'data/\*.csv' needs file.read"
---
capability Runner { allow execute; } // ### "SecurityError: .*'allow execute' is never granted"
---
capability Net { resource "api.example.com"; allow network; } // ### "SecurityError: .*needs http"
---
// §6.2 the same for an import of a host-access module
x = 1;
import file; // ### "SecurityError: capability not granted: import file needs"
---
// §2.9 capability declarations are syntax only; one that needs nothing runs
capability Empty { }
x = 1;
assert_eq(x, 1);
---
capability Bad { allow fly; } // ### "SyntaxError: unknown permission 'fly'"
---
capability Bad { resource; } // ### "SyntaxError"
---
capability Bad { resource "a" "b"; } // ### "SyntaxError"
---
capability Bad { allow; } // ### "SyntaxError"
---
capability __Bad { } // ### "SecurityError"
---
// option:strict
capability R { resource "__x"; allow read; } // ### "SecurityError: strict mode"
