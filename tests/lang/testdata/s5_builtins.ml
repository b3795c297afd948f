// §5.1 print writes the values separated by one space and ends the line with \n (§5.3 formatting)
print("a", 1, 1.5, 2.0, true, null, [1, "s", false, null], {a: "b", c: [1]});
print();
print("x");
print("é ✓", ["é"]);
// stdout: "a 1 1.5 2.0 true null [1, \"s\", false, null] {\"a\": \"b\", \"c\": [1]}\n\nx\né ✓ [\"é\"]\n"
---
// a program may shadow builtins with its own variables
len = fn(x) => "mine";
assert_eq(len([1, 2]), "mine");
function f() { print = 5; return print; }
assert_eq(f(), 5);
str = 1;
assert_eq(str, 1);
---
// shadowing inside a function leaves the builtin alone elsewhere
function f() { len = 3; return len; }
assert_eq(f(), 3);
assert_eq(len("abc"), 3);
---
// §5.1 typeof
assert_eq([typeof(null), typeof(false), typeof(0), typeof(0.5), typeof(""), typeof([]), typeof({}), typeof(len)],
          ["null", "boolean", "number", "number", "string", "array", "object", "function"]);
---
// isinstance(v, "typename") uses the typeof names
assert_true(isinstance(1, "number"));
assert_true(isinstance(1.5, "number"));
assert_true(isinstance("s", "string"));
assert_true(isinstance([], "array"));
assert_true(isinstance({}, "object"));
assert_true(isinstance(null, "null"));
assert_true(isinstance(true, "boolean"));
assert_true(isinstance(print, "function"));
assert_eq(isinstance(1, "string"), false);
assert_eq(isinstance(true, "number"), false);
---
// str (formatting is §5.3), int, float, bool
assert_eq(str(12), "12");
assert_eq(int("3.9"), 3);
assert_eq(int("42"), 42);
assert_eq(int(" -7 "), -7);
assert_eq(int(3.9), 3);
assert_eq(int(-3.9), -3);
assert_eq(int(true), 1);
assert_eq(int(12345678901234567890), 12345678901234567890);
assert_eq(float("1.5"), 1.5);
assert_eq(float(2), 2.0);
assert_eq(float("-0.25"), -0.25);
assert_eq(bool(0), false);
assert_eq(bool(""), false);
assert_eq(bool([]), false);
assert_eq(bool({}), false);
assert_eq(bool(null), false);
assert_eq(bool("0"), true);
assert_eq(bool([0]), true);
---
x = int("x"); // ### "ValueError: int\(\) cannot convert \"x\""
---
x = int("twelve"); // ### "ValueError: .*twelve"
---
x = float("abc"); // ### "ValueError: .*abc"
---
x = int(null); // ### "TypeError"
---
x = int([1]); // ### "TypeError"
---
// len counts code points; works on strings, arrays, objects and ranges
assert_eq(len("héllo ✓"), 7);
assert_eq(len("😀😀"), 2);
assert_eq(len([1, [2, 3]]), 2);
assert_eq(len({a: 1, b: 2}), 2);
assert_eq(len(range(5)), 5);
assert_eq(len(""), 0);
---
x = len(5); // ### "TypeError"
---
// range(n), range(a, b), range(a, b, step): lazy, iterated or indexed
assert_eq(range(3), [0, 1, 2]);
assert_eq(range(2, 5), [2, 3, 4]);
assert_eq(range(10, 0, -3), [10, 7, 4, 1]);
assert_eq(range(0), []);
assert_eq(range(5, 2), []);
assert_eq(range(3)[1], 1);
assert_eq(range(1, 10, 2)[-1], 9);
total = 0;
for (i in range(4)) { total += i; }
assert_eq(total, 6);
---
x = range(1, 5, 0); // ### "ValueError"
---
x = range("a"); // ### "TypeError"
---
// enumerate and zip give arrays of pairs; reversed and sorted give new arrays
assert_eq(enumerate(["a", "b"]), [[0, "a"], [1, "b"]]);
assert_eq(enumerate("xy"), [[0, "x"], [1, "y"]]);
assert_eq(zip([1, 2, 3], ["a", "b"]), [[1, "a"], [2, "b"]]);
a = [3, 1, 2];
r = reversed(a);
s = sorted(a);
assert_eq([a, r, s], [[3, 1, 2], [2, 1, 3], [1, 2, 3]]);
assert_eq(sorted(a, true), [3, 2, 1]);
assert_eq(sorted(["b", "a", "C"]), ["C", "a", "b"]);
assert_eq(sorted([[2], [1, 5], [1]]), [[1], [1, 5], [2]]);
assert_eq(reversed("abc"), ["c", "b", "a"]);
---
// a for loop binds one name (destructure in the body)
for ([i, v] in enumerate([1])) { } // ### "SyntaxError"
---
x = sorted([1, "a"]); // ### "TypeError: cannot compare string and number"
---
// keys, values
o = {b: 1, a: 2};
assert_eq(keys(o), ["b", "a"]);
assert_eq(values(o), [1, 2]);
---
// abs, min, max (several values or one array; an empty array gives null), round, sum, all, any
assert_eq(abs(-3), 3);
assert_eq(abs(-2.5), 2.5);
assert_eq(abs(4), 4);
assert_eq(min(3, 1, 2), 1);
assert_eq(max(3, 1, 2), 3);
assert_eq(min([4, 2, 8]), 2);
assert_eq(max([4, 2, 8]), 8);
assert_eq(min([]), null);
assert_eq(max([]), null);
assert_eq(max("b", "a"), "b");
assert_eq(min(1, 0.5), 0.5);
assert_eq(sum([1, 2, 3]), 6);
assert_eq(sum([]), 0);
assert_eq(sum([0.5, 1]), 1.5);
assert_eq(all([1, true, "x"]), true);
assert_eq(all([1, 0]), false);
assert_eq(all([]), true);
assert_eq(any([0, "", null]), false);
assert_eq(any([0, 1]), true);
assert_eq(any([]), false);
---
// §5.1 one value that is not an array is returned as it is
assert_eq(min(42), 42);
assert_eq(max("abc"), "abc");
assert_eq(max(null), null);
assert_eq(min({a: 1}), {a: 1});
assert_eq(min(range(3, 9)), 3);
---
x = min(1, "a"); // ### "TypeError"
---
// §5.1 progress(percent, message = null): a no-op outside a job, validated everywhere
assert_eq(progress(0), null);
assert_eq(progress(12.5, "loading"), null);
assert_eq(progress(100, null), null);
for (i in range(1000)) { progress(i / 10, "step " + i); }
assert_fails(fn() => progress(101), "ValueError: progress\\(\\) percent must be from 0 to 100, got 101");
assert_fails(fn() => progress(-1, "x"), "ValueError");
assert_fails(fn() => progress("50"), "TypeError: progress\\(\\) expects a number percent, got string");
assert_fails(fn() => progress(50, [1]), "TypeError: progress\\(\\) expects a string message or null, got array");
---
x = sum([1, "a"]); // ### "TypeError"
---
// round(x) gives an integer, half to even; round(x, n) a float rounded on its binary value
assert_eq(round(2.5), 2);
assert_eq(round(3.5), 4);
assert_eq(round(-0.5), 0);
assert_eq(round(0.4), 0);
assert_eq(round(7), 7);
assert_eq(round(2.675, 2), 2.67);
assert_eq(round(1.23456, 3), 1.235);
assert_eq(round(2.5, 0), 2.0);
assert_eq(round(1234, -2), 1200.0);
---
// chr, ord, hex, bin, oct, repr, format
assert_eq(chr(65), "A");
assert_eq(chr(233), "é");
assert_eq(ord("A"), 65);
assert_eq(ord("😀"), 128512);
assert_eq(hex(255), "0xff");
assert_eq(bin(5), "0b101");
assert_eq(oct(8), "0o10");
assert_eq(hex(-1), "-0x1");
assert_eq(repr("x"), "\"x\"");
assert_eq(repr(1), "1");
assert_eq(repr([1, "a"]), "[1, \"a\"]");
assert_eq(format(3.14159, ".2f"), "3.14");
assert_eq(format(5, "03d"), "005");
assert_eq(format(1234567, ","), "1,234,567");
assert_eq(format("x", ">3"), "  x");
assert_eq(format(0.5, ".0%"), "50%");
---
x = ord("ab"); // ### "TypeError|ValueError"
---
x = chr(-1); // ### "ValueError"
---
// format specs cannot reach attributes or items
x = format(1, "{0.__class__}"); // ### "ValueError"
---
// callable
assert_eq(callable(print), true);
assert_eq(callable(fn() => 1), true);
assert_eq(callable("s".upper), true);
assert_eq(callable(1), false);
assert_eq(callable({}), false);
assert_eq(callable(null), false);
---
// iter and next
it = iter([1, 2]);
assert_eq(next(it), 1);
assert_eq(next(it), 2);
s = iter("ab");
assert_eq([next(s), next(s)], ["a", "b"]);
---
// getattr(v, name, default) and hasattr(v, name) follow §3.9 exactly
o = {a: 1};
assert_eq(getattr(o, "a"), 1);
assert_eq(getattr(o, "missing"), null);
assert_eq(getattr(o, "missing", 7), 7);
assert_eq(getattr(o, "keys")(), ["a"]);
assert_eq(getattr("abc", "upper")(), "ABC");
assert_eq(getattr([1, 2], "length"), 2);
assert_eq(getattr(5, "x"), null);
assert_eq(getattr(5, "x", "d"), "d");
assert_eq(getattr("s", "__class__", "no"), "no");
assert_eq(getattr(print, "fn", "no"), "no");
assert_eq(hasattr(o, "a"), true);
assert_eq(hasattr(o, "keys"), true);
assert_eq(hasattr(o, "missing"), false);
assert_eq(hasattr("s", "upper"), true);
assert_eq(hasattr("s", "length"), true);
assert_eq(hasattr("s", "nope"), false);
assert_eq(hasattr([], "append"), true);
assert_eq(hasattr([], "extend"), false);
assert_eq(hasattr(5, "__class__"), false);
assert_eq(hasattr(null, "x"), false);
---
// call(f, args...) calls a function value
assert_eq(call(fn(x, y) => x + y, 1, 2), 3);
assert_eq(call(max, 1, 5), 5);
assert_eq(call("abc".upper), "ABC");
---
x = call(5); // ### "TypeError: number is not callable"
---
// option:strict
x = getattr({}, "a"); // ### "SecurityError: strict mode: 'getattr'"
y = hasattr({}, "a"); // ### "SecurityError: strict mode: 'hasattr'"
z = call(print); // ### "SecurityError: strict mode: 'call'"
---
// input, eval, exec, open, compile, globals, locals, vars, dir, type, __import__ and every other
// Python builtin do not exist in ML
for (f in [fn() => input, fn() => eval, fn() => exec, fn() => open, fn() => compile, fn() => globals,
           fn() => locals, fn() => vars, fn() => dir, fn() => type, fn() => list, fn() => dict,
           fn() => set, fn() => tuple, fn() => object, fn() => super, fn() => setattr, fn() => delattr,
           fn() => id, fn() => hash, fn() => bytes, fn() => bytearray, fn() => memoryview,
           fn() => breakpoint, fn() => exit, fn() => quit, fn() => help, fn() => classmethod,
           fn() => staticmethod, fn() => property, fn() => issubclass, fn() => frozenset,
           fn() => map, fn() => filter, fn() => slice, fn() => divmod, fn() => pow, fn() => complex,
           fn() => ascii, fn() => aiter, fn() => anext, fn() => print.fn, fn() => copyright,
           fn() => credits, fn() => license, fn() => Exception, fn() => BaseException]) {
    assert_fails(f, "NameError|TypeError");
}
---
x = eval("1"); // ### "NameError: name 'eval' is not defined"
---
x = type(1); // ### "NameError: name 'type' is not defined"
---
x = open("/etc/passwd"); // ### "NameError: name 'open' is not defined"
---
x = __import__("os"); // ### "SecurityError"
---
// §5.2 string methods
s = "  Hi There  ";
assert_eq(s.length, 12);
assert_eq(s.upper(), "  HI THERE  ");
assert_eq(s.lower(), "  hi there  ");
assert_eq(s.strip(), "Hi There");
assert_eq(s.lstrip(), "Hi There  ");
assert_eq(s.rstrip(), "  Hi There");
assert_eq("xxaxx".strip("x"), "a");
assert_eq("a,b,,c".split(","), ["a", "b", "", "c"]);
assert_eq(" a \t b\n c ".split(), ["a", "b", "c"]);
assert_eq("-".join(["a", "b", "c"]), "a-b-c");
assert_eq("a-b-a".replace("a", "x"), "x-b-x");
assert_eq("abc".startswith("ab"), true);
assert_eq("abc".endswith("bc"), true);
assert_eq("abcb".find("b"), 1);
assert_eq("abcb".find("z"), -1);
assert_eq("abcb".rfind("b"), 3);
assert_eq("abc".index("c"), 2);
assert_eq("aaa".count("a"), 3);
assert_eq("abc".contains("bc"), true);
assert_eq("abc".contains("x"), false);
assert_eq(["123".isdigit(), "12a".isdigit(), "abc".isalpha(), "a1".isalpha(), "a1".isalnum()], [true, false, true, false, true]);
assert_eq([" \t".isspace(), "a ".isspace(), "ab".islower(), "aB".islower(), "AB".isupper()], [true, false, true, false, true]);
assert_eq("hello wide world".title(), "Hello Wide World");
assert_eq("hELLO wORLD".capitalize(), "Hello world");
assert_eq("ab".center(6, "*"), "**ab**");
assert_eq("ab".center(5), "  ab ");
assert_eq("ab".ljust(4, "."), "ab..");
assert_eq("ab".rjust(4, "."), "..ab");
assert_eq("7".padStart(3, "0"), "007");
assert_eq("7".padEnd(3, "0"), "700");
assert_eq("7".padStart(3), "  7");
assert_eq("abcdef".slice(2), "cdef");
assert_eq("abcdef".slice(1, 3), "bc");
assert_eq("abcdef".slice(-2), "ef");
---
x = "abc".index("z"); // ### "ValueError"
---
// §5.2 array methods
a = [1, 2];
assert_eq(a.length, 2);
assert_eq(a.append(3), null);
assert_eq(a.push(4), null);
assert_eq(a, [1, 2, 3, 4]);
assert_eq(a.pop(), 4);
assert_eq(a, [1, 2, 3]);
a.insert(0, 0);
assert_eq(a, [0, 1, 2, 3]);
a.remove(2);
assert_eq(a, [0, 1, 3]);
assert_eq(a.index(3), 2);
assert_eq([1, 2, 1].count(1), 2);
assert_eq(a.contains(1), true);
assert_eq(a.includes(9), false);
b = a.copy();
b.clear();
assert_eq([a, b], [[0, 1, 3], []]);
assert_eq([1, 2, 3, 4].slice(1), [2, 3, 4]);
assert_eq([1, 2, 3, 4].slice(1, 3), [2, 3]);
assert_eq([1, "a", true, null].join("-"), "1-a-true-null");
assert_eq(["x"].join(", "), "x");
---
// sort and reverse change the array in place and return null; sort orders ascending
a = [3, 1, 2];
assert_eq(a.sort(), null);
assert_eq(a, [1, 2, 3]);
assert_eq(a.reverse(), null);
assert_eq(a, [3, 2, 1]);
w = ["b", "C", "a"];
w.sort();
assert_eq(w, ["C", "a", "b"]);
---
a = [3, "a"];
a.sort(); // ### "TypeError"
---
// §5.1 sorted(a, key, reverse): a function is the key, a boolean reverse
words = ["pear", "fig", "banana", "kiwi"];
assert_eq(sorted(words, len), ["fig", "pear", "kiwi", "banana"]);
assert_eq(sorted(words, fn(w) => len(w), true), ["banana", "pear", "kiwi", "fig"]);
assert_eq(sorted(words, true), ["pear", "kiwi", "fig", "banana"]);
assert_eq(sorted(words, false), ["banana", "fig", "kiwi", "pear"]);
assert_eq(sorted(words, null, true), ["pear", "kiwi", "fig", "banana"]);
people = [{n: "b", age: 30}, {n: "a", age: 25}, {n: "c", age: 30}];
assert_eq(sorted(people, fn(p) => p.age).map(fn(p) => p.n), ["a", "b", "c"]);
// stable, reversed too: equal keys keep their order
assert_eq(sorted(people, fn(p) => p.age, true).map(fn(p) => p.n), ["b", "c", "a"]);
// keys ordered by ML <: arrays element-wise
assert_eq(sorted(people, fn(p) => [-p.age, p.n]).map(fn(p) => p.n), ["b", "c", "a"]);
assert_eq(sorted("cab", fn(c) => c), ["a", "b", "c"]);
---
// §5.2 the array method sort takes the same key and reverse
a = [3, -1, 2, -5];
a.sort(abs);
assert_eq(a, [-1, 2, 3, -5]);
a.sort(true);
assert_eq(a, [3, 2, -1, -5]);
a.sort(fn(x) => -x, true);
assert_eq(a, [-5, -1, 2, 3]);
---
// a function is never taken as `reverse` (it once was), and other types are refused
assert_fails(fn() => sorted([1], 1), "TypeError: sorted\\(\\) expects a key function or a boolean reverse, got number");
assert_fails(fn() => sorted([1], "len"), "TypeError: sorted\\(\\) expects a key function or a boolean reverse, got string");
assert_fails(fn() => sorted([1], len, "yes"), "TypeError: sorted\\(\\) expects a boolean reverse, got string");
assert_fails(fn() => sorted([1], true, true), "TypeError: sorted\\(\\) expects a key function \\(or null\\) first, got boolean");
assert_fails(fn() => [1].sort(null), "TypeError: sort\\(\\) expects a key function or a boolean reverse, got null");
assert_fails(fn() => sorted([1, 2], fn(x) => x == 1 ? "a" : 1), "TypeError: cannot compare");
assert_fails(fn() => sorted([1], fn(a, b) => a), "TypeError");
---
// a key function that throws stops the sort with its error
sorted([1, 2], fn(x) => x / 0); // ### "ZeroDivisionError"
---
// the key function counts steps like any ML call
// option:max_steps=1000
x = sorted(range(5000), fn(v) => v); // ### "LimitError"
---
x = [].pop(); // ### "IndexError"
---
x = [1].remove(2); // ### "ValueError"
---
x = [1].index(2); // ### "ValueError"
---
// map filter reduce find some every take ML functions called with the element only
a = [1, 2, 3, 4];
assert_eq(a.map(fn(x) => x * 10), [10, 20, 30, 40]);
assert_eq(a.filter(fn(x) => x % 2 == 0), [2, 4]);
assert_eq(a.find(fn(x) => x > 2), 3);
assert_eq(a.find(fn(x) => x > 9), null);
assert_eq(a.some(fn(x) => x > 3), true);
assert_eq(a.some(fn(x) => x > 4), false);
assert_eq(a.every(fn(x) => x > 0), true);
assert_eq(a.every(fn(x) => x > 1), false);
assert_eq([].every(fn(x) => false), true);
assert_eq(a.map(str), ["1", "2", "3", "4"]);
function double(x) { return x * 2; }
assert_eq(a.map(double), [2, 4, 6, 8]);
---
x = [1].map(fn(x, i) => x); // ### "TypeError: .*takes 2 arguments but 1 was given"
---
x = [1].map(5); // ### "TypeError"
---
// reduce(f, start?) calls f(acc, element); without start it begins with the first element
a = [1, 2, 3];
assert_eq(a.reduce(fn(acc, x) => acc + x, 10), 16);
assert_eq(a.reduce(fn(acc, x) => acc + x), 6);
assert_eq(["a", "b"].reduce(fn(acc, x) => acc + x, ""), "ab");
assert_eq([].reduce(fn(acc, x) => acc + x, 0), 0);
assert_eq([5].reduce(fn(acc, x) => acc + x), 5);
order = [];
a.reduce(fn(acc, x) => { order.push([acc, x]); return x; }, 0);
assert_eq(order, [[0, 1], [1, 2], [2, 3]]);
---
// an empty array without start is a TypeError
x = [].reduce(fn(acc, x) => acc + x); // ### "TypeError"
---
// §5.2 object methods
o = {a: 1, b: 2};
assert_eq(o.length, 2);
assert_eq(o.keys(), ["a", "b"]);
assert_eq(o.values(), [1, 2]);
assert_eq(o.items(), [["a", 1], ["b", 2]]);
assert_eq(o.get("a"), 1);
assert_eq(o.get("z"), null);
assert_eq(o.get("z", 0), 0);
assert_eq(o.has("a"), true);
assert_eq(o.has("z"), false);
o.set("c", 3);
assert_eq(o.c, 3);
o.delete("a");
assert_eq(o, {b: 2, c: 3});
o.update({d: 4, b: 20});
assert_eq(o, {b: 20, c: 3, d: 4});
c = o.copy();
c.b = 0;
assert_eq(o.b, 20);
---
// methods are looked up on the value's type only
x = [1].upper(); // ### "TypeError: array has no (member|method) 'upper'"
---
x = "s".push(1); // ### "TypeError: string has no (member|method) 'push'"
---
// a method called with the wrong number of arguments is a TypeError
x = "abc".upper(1); // ### "TypeError"
---
// §5.3 formatting: null, booleans, integers, floats (shortest repr), strings
assert_eq(str(null), "null");
assert_eq(str(true), "true");
assert_eq(str(false), "false");
assert_eq(str(42), "42");
assert_eq(str(-7), "-7");
assert_eq(str(3.0), "3.0");
assert_eq(str(0.1), "0.1");
assert_eq(str(1 / 3), "0.3333333333333333");
assert_eq(str(1e20), "1e+20");
assert_eq(str(1.5e-7), "1.5e-07");
assert_eq(str("text"), "text");
---
// strings are themselves at top level and double-quoted inside containers
assert_eq(str([1, "a", true, null]), "[1, \"a\", true, null]");
assert_eq(str({a: 1, b: [2]}), "{\"a\": 1, \"b\": [2]}");
assert_eq(str([]), "[]");
assert_eq(str({}), "{}");
assert_eq(str([[1.0], {k: {}}]), "[[1.0], {\"k\": {}}]");
assert_eq(str(["say \"hi\"", "a\nb", "tab\t", "back\\slash"]), "[\"say \\\"hi\\\"\", \"a\\nb\", \"tab\\t\", \"back\\\\slash\"]");
assert_eq(str({"key with space": null}), "{\"key with space\": null}");
---
// non-ASCII text stays as it is, never \u escapes
assert_eq(str(["é", "😀", "日本"]), "[\"é\", \"😀\", \"日本\"]");
assert_eq(str({"ключ": "значение"}), "{\"ключ\": \"значение\"}");
---
// the same formatting in print and string +
print([1, "a"], {k: "v"}, 1.0, null);
x = "" + [1, "a"] + {k: "v"} + 1.0 + null;
print(x);
// stdout: "[1, \"a\"] {\"k\": \"v\"} 1.0 null\n[1, \"a\"]{\"k\": \"v\"}1.0null\n"
---
// functions format readably, never as Python reprs
s = str(fn() => 1);
assert_eq(s.contains("0x"), false);
assert_eq(s.contains("__ml"), false);
assert_eq(str(print).contains("Builtin"), false);
