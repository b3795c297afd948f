// §3 precedence table, level by level: each level binds tighter than the one before it.
// 1 ternary < 2 ||
assert_eq(false || true ? "yes" : "no", "yes");
assert_eq(true ? 1 : 2 || 3, 1);
// 2 || < 3 &&
assert_eq(true || false && false, true);
assert_eq(false && true || true, true);
// 3 && < 4 == !=
assert_eq(false && false == false, false);
assert_eq(1 == 1 && 2 != 2, false);
// 4 == != < 5 < > <= >=
assert_eq(1 < 2 == true, true);
assert_eq(2 > 1 != false, true);
assert_eq(3 >= 3 == 2 <= 1, false);
// 5 comparisons < 6 + -
assert_eq(1 + 1 < 3, true);
assert_eq(5 > 2 - 1, true);
// 6 + - < 7 * / // %
assert_eq(2 + 3 * 4, 14);
assert_eq(10 - 6 / 2, 7.0);
assert_eq(7 - 7 // 2, 4);
assert_eq(7 + 7 % 3, 8);
// 7 * / // % < 8 unary
assert_eq(-3 % 5, 2);
assert_eq(!0 * 5, 5);
assert_eq(-7 // 2, -4);
// 8 unary < 9 postfix
a = [5];
assert_eq(-a[0], -5);
assert_eq(-"abc".length, -3);
assert_eq(!a.contains(5), false);
assert_eq(!!a, true);
assert_eq(- -1, 1);
assert_eq(+-+1, -1);
// 10 atoms and parentheses
assert_eq((2 + 3) * 4, 20);
assert_eq(-(2 + 3), -5);
assert_eq(!(1 == 2), true);
---
// every binary level is left-associative
assert_eq(10 - 3 - 2, 5);
assert_eq(100 / 10 / 5, 2.0);
assert_eq(2 * 3 % 4, 2);
assert_eq(7 // 2 * 2, 6);
assert_eq(20 % 7 // 2, 3);
assert_eq("a" + 1 + 2, "a12");
assert_eq(1 + 2 + "a", "3a");
assert_eq(1 == 2 == false, true);
assert_eq(0 || null || "x", "x");
assert_eq(1 && "b" && 3, 3);
---
// the ternary is right-associative
assert_eq(true ? 1 : false ? 2 : 3, 1);
assert_eq(false ? 1 : true ? 2 : 3, 2);
assert_eq(false ? 1 : false ? 2 : 3, 3);
assert_eq(true ? false ? 1 : 2 : 3, 2);
---
// §3.1 comparisons do not chain: a < b < c is (a < b) < c
assert_eq(1 < 2 < 3, true);
assert_eq(3 > 2 > 1, false);
assert_eq(3 < 2 < 1, true);
assert_eq(1 < 3 < 2, true);
assert_eq(5 > 4 == true, true);
---
// §3.1 parenthesised sub-expressions and the ternary keep their meaning everywhere
c = true;
assert_eq((c ? 1 : 2) + 10, 11);
c = false;
assert_eq((c ? 1 : 2) + 10, 12);
assert_eq(c ? 1 : 2 + 10, 12);
assert_eq(true ? 1 : 2 + 10, 1);
assert_eq([true ? 1 : 2, false ? 3 : 4], [1, 4]);
assert_eq({k: c ? "t" : "f"}, {k: "f"});
function id(x) { return x; }
assert_eq(id(c ? 1 : 2), 2);
assert_eq((true ? [1, 2] : [3])[1], 2);
assert_eq((c ? "a" : "b").upper(), "B");
assert_eq(((1 + 2) * (3 - 1)) // 4, 1);
assert_eq(2 * (3 + 4), 14);
assert_eq((1 < 2) ? "lt" : "ge", "lt");
x = true ? 1 : 2;
assert_eq(x, 1);
---
// a ternary without its `:` part is a syntax error
x = true ? 1; // ### "SyntaxError"
---
x = (1 + 2; // ### "SyntaxError: unexpected ';'; expected '\)'"
---
// Python-only operators do not exist (`**` does since LANGUAGE.md §3 added it: see below)
x = 1 === 1; // ### "SyntaxError"
---
x = 1 & 2; // ### "SyntaxError"
---
x = 1 << 2; // ### "SyntaxError"
---
x = not true; // ### "SyntaxError"
---
x = 1 if true else 2; // ### "SyntaxError"
---
x = 1; x++; // ### "SyntaxError"
---
// §3.2 && and || short-circuit and return an operand
calls = [];
function t(v) { calls.push(v); return v; }
assert_eq(t(false) && t("never"), false);
assert_eq(t(1) || t("never"), 1);
assert_eq(calls, [false, 1]);
assert_eq(0 || "x", "x");
assert_eq(1 && 2, 2);
assert_eq(0 && 1, 0);
assert_eq("" || null, null);
assert_eq(null && 1, null);
assert_eq([] || {}, {});
assert_eq("a" || "b", "a");
---
// §3.2 ! gives a boolean
assert_eq(!5, false);
assert_eq(!0, true);
assert_eq(!!"x", true);
assert_eq(!null, true);
assert_eq(!![], false);
assert_eq(typeof(!1), "boolean");
---
// §3.2 truthiness: false, null, 0, 0.0, "", [], {} are false; everything else is true
falsy = [false, null, 0, 0.0, "", [], {}];
for (v in falsy) {
    assert_eq(!v, true);
    assert_eq(v ? "t" : "f", "f");
    if (v) { assert_true(false); }
    while (v) { assert_true(false); }
}
truthy = [true, 1, -1, 0.1, "0", " ", "false", [0], [[]], {a: null}, fn() => 0, print, -0.5];
for (v in truthy) {
    assert_eq(!v, false);
    assert_eq(v ? "t" : "f", "t");
    assert_eq(v && "yes", "yes");
}
---
// §3.3 / is true division, // floors, % takes the sign of the divisor
assert_eq(6 / 2, 3.0);
assert_eq(7 / 2, 3.5);
assert_eq(-7 // 2, -4);
assert_eq(7 // 2, 3);
assert_eq(-7 % 3, 2);
assert_eq(7 % -3, -2);
assert_eq(7 % 3, 1);
assert_eq(-7.5 // 2, -4.0);
assert_eq(7.5 % 2, 1.5);
assert_eq(1 - 0.5, 0.5);
assert_eq(2 * 0.5, 1.0);
assert_eq(0.1 + 0.2, 0.30000000000000004);
---
// §3.3 division or modulo by zero is a runtime error
x = 1 / 0; // ### "ZeroDivisionError: division by zero"
---
x = 1 // 0; // ### "ZeroDivisionError: division by zero"
---
x = 1 % 0; // ### "ZeroDivisionError: modulo by zero"
---
x = 1.5 / 0.0; // ### "ZeroDivisionError: division by zero"
---
x = 1.5 // 0; // ### "ZeroDivisionError: division by zero"
---
x = 1.5 % 0.0; // ### "ZeroDivisionError: modulo by zero"
---
x = 1 / false; // ### "ZeroDivisionError"
---
// §3.3 integers never overflow
big = 99999999999999999999;
assert_eq(big * big, 9999999999999999999800000000000000000001);
assert_eq(-big - 1, -100000000000000000000);
assert_eq(big // 7, 14285714285714285714);
assert_eq(big % 7, 1);
---
// arithmetic on other types is a TypeError naming both ML types
x = [1] - 1; // ### "TypeError: cannot subtract array and number"
---
x = "a" - "b"; // ### "TypeError: cannot subtract string and string"
---
x = null / 2; // ### "TypeError: cannot divide null and number"
---
x = {} // 2; // ### "TypeError: cannot floor-divide object and number"
---
x = "6" % 4; // ### "TypeError"
---
x = -"a"; // ### "TypeError: cannot apply unary - to string"
---
x = +[1]; // ### "TypeError: cannot apply unary \+ to array"
---
// §3.4 + adds numbers, concatenates two strings or two arrays
assert_eq(1 + 2, 3);
assert_eq(1 + 2.5, 3.5);
assert_eq("ab" + "cd", "abcd");
assert_eq([1] + [2, 3], [1, 2, 3]);
assert_eq([] + [], []);
a = [1];
b = a + [2];
assert_eq(a, [1]);
---
// §3.4 if exactly one side is a string, the other is converted with str() first
assert_eq("n=" + 1, "n=1");
assert_eq("ok: " + true, "ok: true");
assert_eq(1 + "a", "1a");
assert_eq("x" + null, "xnull");
assert_eq("f=" + 1.0, "f=1.0");
assert_eq("f=" + 0.1, "f=0.1");
assert_eq("a" + [1, "b", null], "a[1, \"b\", null]");
assert_eq({k: "v"} + "!", "{\"k\": \"v\"}!");
assert_eq("" + false, "false");
---
// §3.4 * repeats a string or array by an integer on either side; a count below 1 gives an empty one
assert_eq(3 * "ab", "ababab");
assert_eq("ab" * 3, "ababab");
assert_eq([1, 2] * 2, [1, 2, 1, 2]);
assert_eq(2 * [0], [0, 0]);
assert_eq("ab" * 0, "");
assert_eq("ab" * -3, "");
assert_eq(-1 * [1], []);
assert_eq([1] * 0, []);
assert_eq("" * 5, "");
---
x = "ab" * 2.0; // ### "TypeError"
---
x = "ab" * "c"; // ### "TypeError"
---
x = [1] * [2]; // ### "TypeError"
---
x = {} * 2; // ### "TypeError"
---
x = null * 2; // ### "TypeError"
---
// §3.4 any other mix of types is a TypeError whose message names both ML types
x = 1 + [1]; // ### "TypeError: cannot add number and array"
---
x = [1] + 1; // ### "TypeError: cannot add array and number"
---
x = {} + {}; // ### "TypeError: cannot add object and object"
---
x = null + 1; // ### "TypeError: cannot add null and number"
---
x = [1] + {}; // ### "TypeError: cannot add array and object"
---
x = true + [1]; // ### "TypeError: cannot add boolean and array"
---
f = fn() => 1;
x = f + 1; // ### "TypeError: cannot add function and number"
---
// §3.5 == is deep structural equality; key order does not matter
assert_true([1, {a: 2}] == [1, {a: 2}]);
assert_true({a: 1, b: 2} == {b: 2, a: 1});
assert_true({a: [1, {b: null}]} == {a: [1, {b: null}]});
assert_eq([1, 2] == [2, 1], false);
assert_eq({a: 1} == {a: 1, b: 2}, false);
assert_eq([1] != [1], false);
assert_eq([[]] != [[1]], true);
---
// §3.5 1 == 1.0; 1 != "1"; null != false; booleans are the numbers 1 and 0
assert_true(1 == 1.0);
assert_eq(1 == "1", false);
assert_eq(null == false, false);
assert_eq(null == 0, false);
assert_eq("" == false, false);
assert_eq([] == false, false);
assert_true(null == null);
assert_true(true == 1);
assert_true(false == 0);
assert_true(true + 1 == 2);
assert_true(false < 1);
assert_true([1, 0] == [true, false]);
assert_true({a: 1} == {a: 1.0});
assert_eq(true * 3, 3);
---
// functions are equal only to themselves
f = fn() => 1;
g = fn() => 1;
assert_true(f == f);
assert_eq(f == g, false);
assert_true(print == print);
---
// §3.5 ordering: numbers with numbers, strings with strings, arrays element-wise
assert_true(1 < 1.5);
assert_true(-1 <= -1);
assert_true("a" < "b");
assert_true("B" < "a");
assert_true("abc" < "abd");
assert_true("ab" < "abc");
assert_true([1, 2] < [1, 3]);
assert_true([1] < [1, 0]);
assert_true([2] > [1, 9]);
assert_true([] < [0]);
assert_true([[1, 2]] < [[1, 3]]);
assert_true(["a", 1] >= ["a", 1]);
assert_true(true > false);
---
// §3.5 any other mix is a TypeError
x = "a" < 1; // ### "TypeError: cannot compare string and number"
---
x = null < 1; // ### "TypeError: cannot compare null and number"
---
x = [1] < "a"; // ### "TypeError: cannot compare array and string"
---
x = {} < {}; // ### "TypeError: cannot compare object and object"
---
x = [1] < ["a"]; // ### "TypeError: cannot compare number and string"
---
x = null >= null; // ### "TypeError"
---
x = true < "a"; // ### "TypeError"
---
// §3.6 calls on any postfix expression
function adder(a) { return fn(b) => a + b; }
assert_eq(adder(1)(2), 3);
handlers = [fn(e) => e * 2];
assert_eq(handlers[0](5), 10);
assert_eq((fn(x) => x * 2)(3), 6);
o = {f: fn() => fn() => "deep"};
assert_eq(o.f()(), "deep");
assert_eq(o["f"]()(), "deep");
assert_eq([fn() => 1][0](), 1);
assert_eq("abc".upper(), "ABC");
assert_eq((true ? fn() => "t" : fn() => "f")(), "t");
assert_eq(adder(1)(2) + adder(3)(4), 10);
---
x = 5(); // ### "TypeError: number is not callable"
---
f = null;
f(); // ### "TypeError: null is not callable"
---
x = "s"(); // ### "TypeError: string is not callable"
---
o = {a: 1};
o.a(); // ### "TypeError"
---
// arguments are evaluated left to right, before the call
order = [];
function t(x) { order.push(x); return x; }
function three(a, b, c) { return [a, b, c]; }
assert_eq(three(t(1), t(2), t(3)), [1, 2, 3]);
assert_eq(order, [1, 2, 3]);
---
// §3.7 arrow functions: expression bodies and block bodies, both closures
add = fn(a, b) => a + b;
assert_eq(add(1, 2), 3);
block = fn(a) => { b = a * 2; return b + 1; };
assert_eq(block(2), 5);
nothing = fn() => { x = 1; };
assert_eq(nothing(), null);
empty = fn() => {};
assert_eq(empty(), null);
none = fn() => { return; };
assert_eq(none(), null);
n = 10;
addn = fn(x) => x + n;
n = 20;
assert_eq(addn(1), 21);
typed = fn(a: number, b) => a - b;
assert_eq(typed(5, 2), 3);
---
// §3.7 the expression body extends as far right as it can
f = fn(x) => x + 1;
assert_eq(f(1), 2);
discount = fn(x) => x > 30 ? x * 0.9 : x;
assert_eq([discount(40), discount(10)], [36.0, 10]);
curry = fn(a) => fn(b) => fn(c) => a + b + c;
assert_eq(curry(1)(2)(3), 6);
pick = true ? fn() => 1 : fn() => 2;
assert_eq(pick(), 1);
g = fn(o) => o.a[0];
assert_eq(g({a: [7]}), 7);
h = fn() => ({a: 1}).a;
assert_eq(h(), 1);
---
// §3.7 `=> {` always starts a block: to return an object literal write fn() => ({a: 1})
obj = fn() => ({a: 1});
assert_eq(obj(), {a: 1});
blk = fn() => { };
assert_eq(blk(), null);
---
f = fn() => {a: 1}; // ### "SyntaxError"
---
f = fn() => { a: 1, b: 2 }; // ### "SyntaxError"
---
// an arrow function's block body may not return an object without `return`
f = fn() => { return {a: 1}; };
assert_eq(f(), {a: 1});
---
f = fn(x) => return x; // ### "SyntaxError"
---
// §3.8 indexing follows Python: negative indices count from the end
a = [10, 20, 30];
assert_eq([a[0], a[2], a[-1], a[-3]], [10, 30, 30, 10]);
s = "héllo";
assert_eq([s[1], s[-1]], ["é", "o"]);
r = range(10, 20);
assert_eq([r[0], r[-1]], [10, 19]);
o = {k: 1, "two words": 2};
assert_eq([o["k"], o["two words"]], [1, 2]);
nested = [[1, [2, 3]]];
assert_eq(nested[0][1][-1], 3);
---
// §3.8 slices clamp to the bounds
a = [1, 2, 3, 4, 5];
assert_eq(a[1:3], [2, 3]);
assert_eq(a[:2], [1, 2]);
assert_eq(a[3:], [4, 5]);
assert_eq(a[:], [1, 2, 3, 4, 5]);
assert_eq(a[-2:], [4, 5]);
assert_eq(a[:-2], [1, 2, 3]);
assert_eq(a[10:], []);
assert_eq(a[-100:2], [1, 2]);
assert_eq(a[2:100], [3, 4, 5]);
assert_eq(a[3:1], []);
assert_eq(a[::2], [1, 3, 5]);
assert_eq(a[1::2], [2, 4]);
assert_eq(a[::-1], [5, 4, 3, 2, 1]);
assert_eq(a[3:0:-1], [4, 3, 2]);
assert_eq(a[-1:-4:-2], [5, 3]);
assert_eq("hello"[1:-1], "ell");
assert_eq("hello"[::-1], "olleh");
assert_eq("abc"[5:], "");
assert_eq(range(10)[2:8:3], [2, 5]);
b = a[:];
b[0] = 99;
assert_eq(a[0], 1);
---
// §3.8 a slice step of 0 is a ValueError
a = [1, 2];
x = a[::0]; // ### "ValueError: slice step cannot be zero"
---
x = "ab"[1:2:0]; // ### "ValueError"
---
x = [1][0.5:]; // ### "TypeError"
---
// §3.8 a[i] out of range is an IndexError
a = [1, 2];
x = a[2]; // ### "IndexError: array index 2 out of range \(length 2\)"
---
a = [1, 2];
x = a[-3]; // ### "IndexError"
---
x = "abc"[3]; // ### "IndexError"
---
x = [][0]; // ### "IndexError"
---
x = range(3)[3]; // ### "IndexError"
---
// §3.8 o["k"] of a missing key is a KeyError
o = {a: 1};
x = o["b"]; // ### "KeyError: key \"b\" not found"
---
// §3.8 indexing anything else is a TypeError
x = 5[0]; // ### "TypeError: cannot index number"
---
x = null[0]; // ### "TypeError: cannot index null"
---
x = true[0]; // ### "TypeError"
---
f = fn() => 1;
x = f[0]; // ### "TypeError"
---
x = [1]["0"]; // ### "TypeError"
---
x = "abc"["upper"]; // ### "TypeError"
---
x = [1][1.0]; // ### "TypeError"
---
x = {a: 1}[1:]; // ### "TypeError"
---
x = 5[1:]; // ### "TypeError"
---
// §3.9 member access: on an object, the value of key `name` if the object has it (any key)
o = {_id: 1, length: 99, keys: "k", upper: 3, a: {b: {c: "deep"}}};
assert_eq(o._id, 1);
assert_eq(o.length, 99);
assert_eq(o.keys, "k");
assert_eq(o.upper, 3);
assert_eq(o.a.b.c, "deep");
---
// §3.9 .length on a string, array or object
assert_eq("héllo".length, 5);
assert_eq("".length, 0);
assert_eq([1, [2, 3]].length, 2);
assert_eq({a: 1, b: 2}.length, 2);
assert_eq({}.length, 0);
---
// §3.9 a method of the value's type: called, or taken as a function value
assert_eq("abc".upper(), "ABC");
f = "abc".upper;
assert_eq(f(), "ABC");
assert_eq(typeof(f), "function");
push = [].push;
assert_eq(typeof(push), "function");
items = [1, 2, 3];
m = items.map;
assert_eq(m(fn(x) => x * 10), [10, 20, 30]);
k = {a: 1, b: 2}.keys;
assert_eq(k(), ["a", "b"]);
append = items.append;
append(4);
assert_eq(items, [1, 2, 3, 4]);
---
// §3.9 on an object without that key or method: null
o = {a: 1};
assert_eq(o.missing, null);
assert_eq(o.upper, null);
assert_eq(o.append, null);
assert_eq({}.nothing, null);
---
// §3.9 anything else is a TypeError naming the type and the member
x = 5 .foo; // ### "TypeError: number has no member 'foo'"
---
x = "abc".nope; // ### "TypeError: string has no member 'nope'"
---
x = null.x; // ### "TypeError: null has no member 'x'"
---
x = [1].nope; // ### "TypeError: array has no member 'nope'"
---
x = true.x; // ### "TypeError: boolean has no member 'x'"
---
f = fn() => 1;
x = f.name; // ### "TypeError: function has no member 'name'"
---
x = 1.5.x; // ### "TypeError: number has no member 'x'"
---
// §3.9 Python attributes are never reachable (the names are not on the allow-list)
function member_kind(v, name) {
    try { getattr(v, name); } except (e) { return e.type; }
    return hasattr(v, name) ? "has" : "absent";
}
for (name in ["format", "encode", "maketrans", "translate", "zfill", "partition", "splitlines", "casefold", "expandtabs", "format_map"]) {
    assert_eq(member_kind("s", name), "absent");
}
for (name in ["extend", "sort_by", "__len__", "__class__", "mro"]) {
    assert_eq(member_kind([], name), "absent");
}
for (name in ["real", "imag", "numerator", "bit_length", "conjugate", "is_integer", "hex", "to_bytes"]) {
    assert_eq(member_kind(1, name), "absent");
    assert_eq(member_kind(1.5, name), "absent");
}
for (name in ["fn", "name", "receiver", "__code__", "__globals__", "__closure__", "func_globals"]) {
    assert_eq(member_kind(print, name), "absent");
    assert_eq(member_kind("a".upper, name), "absent");
    assert_eq(member_kind(fn() => 1, name), "absent");
}
for (name in ["start", "stop", "step", "index", "count"]) {
    assert_eq(member_kind(range(3), name), "absent");
}
---
x = "abc".format; // ### "TypeError: string has no member 'format'"
---
x = print.fn; // ### "TypeError: function has no member 'fn'"
---
x = "a".upper.receiver; // ### "TypeError: function has no member 'receiver'"
---
x = (1).real; // ### "TypeError: number has no member 'real'"
---
x = range(3).start; // ### "TypeError"
---
o = {};
x = o.__class__; // ### "SecurityError: member name '__class__'"
---
// an object's key wins over everything: an object cannot be made to expose Python attributes
o = {};
assert_eq(o.pop, null);
assert_eq(o.setdefault, null);
assert_eq(o.fromkeys, null);
assert_eq(o.__getitem__, null); // ### "SecurityError"
---
// §3.10 o.m(args) calls the function stored under key m, else the object method m
o = {keys: fn() => "mine", f: fn(x) => x + 1};
assert_eq(o.keys(), "mine");
assert_eq(o.f(1), 2);
p = {a: 1};
assert_eq(p.keys(), ["a"]);
assert_eq(p.get("a"), 1);
q = {get: fn(k) => "custom " + k};
assert_eq(q.get("x"), "custom x");
---
// the stored function gets only the arguments (there is no `this`)
o = {n: 1, f: fn() => typeof(n)};
n = "global";
assert_eq(o.f(), "string");
---
// a key whose value is not a function does not hide the object method of that name
// (docs/language-notes.md: "§3.10 method calls")
o = {get: 5, keys: [1]};
assert_eq(o.get("x"), null);
assert_eq(o.keys(), ["get", "keys"]);
assert_eq([o.get, o.keys], [5, [1]]);
---
o = {};
o.missing(); // ### "TypeError"
---
// §3 `**`: binds tighter than a unary operator on its left, right-associative
assert_eq(-2 ** 2, -4);
assert_eq((-2) ** 2, 4);
assert_eq(2 ** -1, 0.5);
assert_eq(2 ** 3 ** 2, 512);
assert_eq((2 ** 3) ** 2, 64);
assert_eq(2 * 3 ** 2, 18);
assert_eq(-x() ** 2, -9);
function x() { return 3; }
assert_eq(!0 ** 2, true);  // !(0 ** 2)
a = [2, 3];
assert_eq(a[1] ** a[0], 9);
assert_eq(2**10, 1024);
---
// §3 `**` is Python's pow: exact integers, a float for a negative exponent or a float operand
assert_eq(3 ** 40, 12157665459056928801);
assert_eq(10 ** 0, 1);
assert_eq(0 ** 0, 1);
assert_eq(4 ** 0.5, 2.0);
assert_eq(2.0 ** 3, 8.0);
assert_eq(true ** 2, 1);
assert_eq((-1) ** 1000001, -1);
assert_eq(1 ** 1000000000000, 1);
assert_eq(10 ** -2, 0.01);
f = fn(b, e) => b ** e;
assert_eq(f(-8, 1), -8);
assert_fails(fn() => 0 ** -1, "ZeroDivisionError");
assert_fails(fn() => 0.0 ** -2.5, "ZeroDivisionError");
assert_fails(fn() => (-8) ** 0.5, "ValueError: a negative number cannot be raised to a fractional power");
assert_fails(fn() => 10.0 ** 400, "ValueError: the power is too large for a float");
assert_fails(fn() => "ab" ** 2, "TypeError: cannot raise string to the power of number");
assert_fails(fn() => 2 ** null, "TypeError: cannot raise number to the power of null");
---
// §3 `**` inside an arrow's expression body
sq = fn(n) => n ** 2;
assert_eq(sq(7), 49);
---
// §3, §8 the integer size limit is checked before the power is computed
x = 7 ** 1000000000000; // ### "LimitError: integer size \d+ bits exceeds the limit max_int_bits=100000"
---
// option:max_int_bits=20000
ok = 2 ** 19999;
assert_eq(ok % 1000, 688);
assert_eq(ok // 2 ** 19998, 2);
---
// option:max_int_bits=20000
x = 3 ** 20000; // ### "LimitError: integer size 31700 bits"
---
x = 2 ** ; // ### "SyntaxError: unexpected ';'"
---
x = 2 *** 3; // ### "SyntaxError"
