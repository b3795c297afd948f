// §10 every error type, on the line where it happens (columns: tests/compiler/test_positions.py)
x = 1;
y = (x + ; // ### "^SyntaxError: unexpected ';'; expected"
---
x = 1;
y = {}.__class__; // ### "^SecurityError: member name '__class__' is not allowed"
---
x = 1;
y = undefined_thing; // ### "^NameError: name 'undefined_thing' is not defined$"
---
x = 1;
y = x + [x]; // ### "^TypeError: cannot add number and array$"
---
x = "1.5x";
y = int(x); // ### "^ValueError: .*1.5x"
---
x = [1];
y = x[1]; // ### "^IndexError: "
---
x = {};
y = x["k"]; // ### "^KeyError: key \"k\" not found$"
---
x = 0;
y = 1 / x; // ### "^ZeroDivisionError: division by zero$"
---
x = 0;
throw "thrown value"; // ### "^Error: thrown value$"
---
// option:timeout=0.2
// option:max_steps=1000000000
x = 0;
while (true) { x += 1; } // ### "^TimeoutError: Execution timeout after 0.2 seconds"
---
// option:max_steps=500
x = 0;
while (true) { x += 1; } // ### "^LimitError: step limit exceeded: more than 500 steps \(max_steps\)$"
---
// option:max_depth=20
function f(n) { return f(n + 1); } // ### "^LimitError: recursion too deep: more than 20 nested calls \(max_depth\)$"
f(0);
---
// option:max_array=1000
a = [0] * 100000; // ### "^LimitError: .*max_array"
---
// option:max_output=10
print("this is longer than ten characters"); // ### "^LimitError: .*max_output"
---
// a runtime error inside a function reports the line inside the function
function inner(o) {
    return o.missing.deeper; // ### "^TypeError: null has no member 'deeper'$"
}
function outer() {
    return inner({});
}
outer();
---
// ... also through a builtin or method that calls back into ML
items = [1, 2, 0];
items.map(fn(x) => 10 / x); // ### "^ZeroDivisionError"
---
function cmp(x) {
    return x.key; // ### "^TypeError: number has no member 'key'$"
}
[1, 2].map(cmp);
---
// an error in a multi-line expression is on the line of the failing operation
x = [
    1,
    2 + null, // ### "^TypeError: cannot add number and null$"
    3
];
---
// an error inside an arrow function's expression body
f = fn(x) =>
    x.nope; // ### "^TypeError"
f(1);
---
// an error inside a hoisted function is on the function's own line
r = h();
function h() {
    return [][0]; // ### "^IndexError"
}
---
// an error in an except clause or a finally block is reported where it happens
try {
    throw "first";
} except (e) {
    z = e.message + missing; // ### "^NameError: name 'missing' is not defined$"
}
---
try {
    x = 1;
} finally {
    y = {}["gone"]; // ### "^KeyError"
}
---
// an uncaught error thrown from deep inside calls is reported where it was thrown
function a() { b(); }
function b() { c(); }
function c() {
    throw {message: "deep", type: "DeepError"}; // ### "^DeepError: deep$"
}
a();
---
// several check errors are all reported, in source order, each on its line
__a = 1; // ### "SecurityError"
function f() { break; } // ### "'break' outside a loop"
return; // ### "'return' outside a function"
import nope; // ### "unknown module 'nope'"
1 = 2; // ### "invalid assignment target"
o = {};
o.__x = 1; // ### "SecurityError"
---
// messages speak ML, never Python: no Python type names, no generated names
x = null + 1; // ### "^TypeError: (?!.*(NoneType|int|__ml)).*$"
---
x = [1] - {}; // ### "^TypeError: (?!.*(list|dict|__ml)).*$"
---
x = -null; // ### "^TypeError: (?!.*(NoneType|__ml)).*$"
---
x = null(); // ### "^TypeError: (?!.*(NoneType|__ml)).*$"
---
function class() { return not_here; } // ### "^NameError: name 'not_here' is not defined$"
class();
---
function f(lambda) { return lambda + [1]; } // ### "^TypeError: cannot add number and array$"
f(1);
---
None = 1;
function g() { y = None; None = 2; } // ### "^NameError: local variable 'None' is read before it is assigned$"
g();
---
x = True; // ### "^NameError: name 'True' is not defined$"
---
// §10 (issue 11 §6) every syntax error is listed, each where it happens: the parser recovers
x = 1 // ### "^SyntaxError: expected ';'$"
y = (x + 1; // ### "^SyntaxError: unexpected ';'; expected '\)'"
z = [1, 2; // ### "^SyntaxError: unexpected ';'"
if (x { y = 1; } // ### "^SyntaxError: unexpected '\{'"
function f(a) {
    return a +; // ### "^SyntaxError: unexpected ';'"
}
ok = f(1);
w = 2 3; // ### "^SyntaxError: expected ';'$"
---
// recovery inside blocks and after an unclosed object literal
function g() {
    a = {k: 1; // ### "^SyntaxError: unexpected ';'; expected '\}', ','"
    b = a.k;
    while (b) { c = ) ; } // ### "^SyntaxError: unexpected '\)'"
    return b // ### "^SyntaxError: expected ';'$"
}
h = g(;  // ### "^SyntaxError: unexpected ';'"
---
// a stray character is one error, and parsing goes on after it
x = 1 @ 2; // ### "^SyntaxError: unexpected character '@'"
y = (1; // ### "^SyntaxError: unexpected ';'; expected '\)'"
---
// an error's own consequences on its line are not listed
/* a /* b */ c d e */ // ### "^SyntaxError: expected ';'$"
x = 1;
---
// §3.7 an arrow function returning an object literal: the hint says to wrap it
f = fn(x) => {id: x}; // ### "^SyntaxError: unexpected ':': an arrow function's '=> \{' starts a block: to return an object literal, wrap it in parentheses"
---
g = fn() => {"name": 1}; // ### "wrap it in parentheses"
---
// the fix works
f = fn(x) => ({id: x});
assert_eq(f(3), {id: 3});
---
// an unclosed `{` names where it was opened
function f(x) {
    if (x) {
        return 1;
    } // ### "^SyntaxError: unexpected end of input; expected '\}'.*\(the '\{' at line 2, column 15 is never closed\)$"
