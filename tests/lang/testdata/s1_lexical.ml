// §1 Lexical structure.
// §1.1 whitespace is insignificant except inside strings
x=1;y   =   2 ;
z =
    x
    +
    y
    ;
assert_eq(z, 3);
assert_eq("a  b", "a" + "  " + "b");
---
	x	=	1	;	// tabs are whitespace
assert_eq(x, 1);
---
// §1.1 every simple statement ends with ';'
x = 1 // ### "SyntaxError: expected ';'"
y = 2;
---
x = 1 // ### "expected ';'"
---
// §1.1 blocks always use braces
if (true) x = 1; // ### "unexpected 'x'; expected '\{'"
---
while (false) x = 1; // ### "expected '\{'"
---
function f() return 1; // ### "expected '\{'"
---
for (i in [1]) x = i; // ### "expected '\{'"
---
// §1.2 the examples of the spec, verbatim
x = 7 // 2;
assert_eq(x, 3);
---
x = 7; // note
assert_eq(x, 7);
---
note = 2;
x = 7 // note
;
assert_eq(x, 3);
---
x = 7 // note // ### "NameError: name 'note' is not defined"
;
---
// §1.2 block comments stand anywhere whitespace may
x /* a */ = /* b */ 1 /* c */ ;
function /* d */ f /* e */ ( /* f */ a /* g */ ) /* h */ { /* i */ return /* j */ a; }
assert_eq(f(/* k */ x /* l */), 1);
assert_eq([1, /* m */ 2], [1, 2]);
/**/ /***/ /* // a line comment inside a block comment is ignored */
/* multi-line
   block comment with * and " and ' and // inside
*/
assert_eq(x, 1);
---
// §1.2 a block comment after an operand keeps `//` a floor division
x = 8 /* c */ // 2;
assert_eq(x, 4);
---
// §1.2 block comments do not nest
/* outer /* inner */ still outside */ // ### "SyntaxError: expected ';'"
---
x = 1; /* never closed // ### "SyntaxError: unterminated comment"
y = 2;
---
// §1.2 `//` as the first non-blank text of a line is always a comment, even after an operand
x = 10
// a whole-line comment
    // an indented whole-line comment
;
assert_eq(x, 10);
---
x = 10
   // 2;
; assert_eq(x, 10);
---
// §1.2 `//` where no operand precedes starts a comment
x = 7 + // after an operator
    1;
f = fn( // after an open parenthesis
    a, // after a comma
    b) => a + b;
function g() {
    return // after return
        5;
}
y = [ // after a bracket
    1];
if (true) { // after a block's brace
    z = 1;
} // after a block statement
assert_eq([x, f(1, 2), g(), y, z], [8, 3, 5, [1], 1]);
---
// §1.2 `//` just after a complete operand is floor division
a = [9];
o = {n: 8};
function h() { return 17; }
assert_eq(a[0] // 2, 4);
assert_eq((7) // 2, 3);
assert_eq(h() // 5, 3);
assert_eq(o.n // 3, 2);
assert_eq(true // 1, 1);
assert_eq(7.5 // 2, 3.0);
---
x = "a" // 2; // ### "TypeError: cannot floor-divide string and number"
---
x = {} // 2; // ### "TypeError"
---
// after the `)` of a condition and after an arrow function's block no operand is complete
x = true;
if (x) // a comment, not a division
{ y = 1; }
f = fn() => { return 2; } // a comment too
;
assert_eq([y, f()], [1, 2]);
---
// §1.2 a comment at the very end of the program, without a newline
x = 1; // the end
---
// §1.3 identifiers: ASCII letters, digits and underscores, not starting with a digit
_ = 1; _a = 2; a_b = 3; A1 = 4; camelCase = 5; a__b = 6; _a_ = 7;
assert_eq([_, _a, a_b, A1, camelCase, a__b, _a_], [1, 2, 3, 4, 5, 6, 7]);
---
é = 1; // ### "SyntaxError: unexpected character 'é'"
---
x = 1; naïve = 2; // ### "SyntaxError: unexpected character 'ï'"
---
1abc = 2; // ### "SyntaxError"
---
// §1.3 names starting with two underscores: SecurityError before running, in every mode
__x = 1; // ### "SecurityError: name '__x'"
---
o = {};
y = o.__class__; // ### "SecurityError: member name '__class__'"
---
o = {};
o.__dict__ = 1; // ### "SecurityError: member name '__dict__'"
---
function __f() { } // ### "SecurityError: function name '__f'"
---
function f(__a) { } // ### "SecurityError: parameter '__a'"
---
g = fn(__b) => 1; // ### "SecurityError: parameter '__b'"
---
for (__i in [1]) { } // ### "SecurityError: name '__i'"
---
try { } except (__e) { } // ### "SecurityError: name '__e'"
---
[a, __b] = [1, 2]; // ### "SecurityError: name '__b'"
---
{a, __b} = {a: 1}; // ### "SecurityError: name '__b'"
---
function f() { nonlocal __q; } // ### "SecurityError: name '__q'"
---
import math as __m; // ### "SecurityError: name '__m'"
---
x = __builtins__; // ### "SecurityError: name '__builtins__'"
---
x = __import__("os"); // ### "SecurityError: name '__import__'"
---
// all of them are reported, each at its position
__a = 1; // ### "SecurityError: name '__a'"
b = 2;
__c = __d; // ### "name '__c'" "name '__d'"
---
// option:strict
__x = 1; // ### "SecurityError: name '__x'"
---
o = {__proto__: 1}; // ### "SecurityError: .*'__proto__'"
---
// a key or member that merely contains underscores is fine; `__` strings are data by default
o = {a__b: 1, _c: 2, "__d": 3};
assert_eq(o.a__b + o._c + o["__d"], 6);
---
// §1.3 reserved words may be object keys and member names
o = {function: 1, fn: 2, if: 3, elif: 4, else: 5, while: 6, for: 7, in: 8, return: 9, break: 10,
     continue: 11, try: 12, except: 13, finally: 14, throw: 15, import: 16, as: 17, nonlocal: 18,
     true: 19, false: 20, null: 21, undefined: 22, capability: 23};
assert_eq(len(o), 23);
assert_eq([o.function, o.fn, o.if, o.elif, o.else, o.while, o.for, o.in, o.return, o.break], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
assert_eq([o.continue, o.try, o.except, o.finally, o.throw, o.import, o.as, o.nonlocal], [11, 12, 13, 14, 15, 16, 17, 18]);
assert_eq([o.true, o.false, o.null, o.undefined, o.capability], [19, 20, 21, 22, 23]);
o.while = "w";
o.if += "!";
assert_eq([o["while"], o["if"]], ["w", "3!"]);
---
// §1.3 a reserved word is not an identifier
if = 1; // ### "SyntaxError"
---
function while() { } // ### "SyntaxError: unexpected 'while'; expected a name"
---
x = 1 + while; // ### "SyntaxError: unexpected 'while'"
---
x = print(capability); // ### "SyntaxError: unexpected 'capability'"
---
f = fn(return) => 1; // ### "SyntaxError: unexpected 'return'"
---
function f(a, for) { } // ### "SyntaxError: unexpected 'for'"
---
for (in in [1]) { } // ### "SyntaxError: unexpected 'in'"
---
[a, if] = [1, 2]; // ### "SyntaxError"
---
{else} = {else: 1}; // ### "SyntaxError"
---
try { } except (try) { } // ### "SyntaxError: unexpected 'try'"
---
import math as import; // ### "SyntaxError: unexpected 'import'"
---
function f() { nonlocal while; } // ### "SyntaxError: unexpected 'while'"
---
capability as { } // ### "SyntaxError: unexpected 'as'"
---
// a reserved word is only reserved as a whole word
iffy = 1; format_ = 2; whilex = 3; in_ = 4; nullable = 5; trueish = 6; fnord = 7;
assert_eq(iffy + format_ + whilex + in_ + nullable + trueish + fnord, 28);
---
x = {a: 1};
y = x.return.z; // ### "TypeError: null has no member 'z'"
---
// §1.3 Python keywords and builtin names are ordinary ML identifiers
class = 1; def = 2; None = 3; True = 4; False = 5; type = 6; lambda = 7; pass = 8; yield = 9;
is = 10; not = 11; and = 12; or = 13; del = 14; global = 15; with = 16; assert = 17; async = 18;
await = 19; raise = 20; from = 21; match = 22; case = 23; object = 24; list = 25; dict = 26;
assert_eq([class, def, None, True, False, type, lambda, pass, yield], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
assert_eq([is, not, and, or, del, global, with, assert, async, await, raise, from], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
assert_eq([match, case, object, list, dict], [22, 23, 24, 25, 26]);
---
function class(def, None) { return def + None; }
lambda = fn(True, type) => True * type;
assert_eq(class(1, 2), 3);
assert_eq(lambda(3, 4), 12);
for (None in [1, 2]) { }
assert_eq(None, 2);
try { throw 1; } except (True) { }
assert_eq(True.value, 1);
[def, pass] = [5, 6];
{yield} = {yield: 7};
assert_eq([def, pass, yield], [5, 6, 7]);
o = {class: 1, def: 2, None: 3};
assert_eq(o.class + o.def + o.None, 6);
---
function outer() {
    global = 1;
    function inner() { nonlocal global; global = 2; }
    inner();
    return global;
}
assert_eq(outer(), 2);
---
// a context value or host function named like a Python keyword works too
function f() { return type; }
type = "t";
assert_eq(f(), "t");
---
x = print; // builtins are values
assert_eq(typeof(x), "function");
---
// §1.4 numbers: every form of the spec
assert_eq(42, 42);
assert_eq(3.14, 3.14);
assert_eq(.5, 0.5);
assert_eq(5., 5.0);
assert_eq(1e3, 1000.0);
assert_eq(2.5E-3, 0.0025);
assert_eq(0x1F, 31);
assert_eq(0o17, 15);
assert_eq(0b101, 5);
assert_eq(1_000, 1000);
assert_eq(0, 0);
assert_eq(1E+2, 100.0);
assert_eq(0X1f, 31);
assert_eq(0O17, 15);
assert_eq(0B11, 3);
assert_eq(1_000.000_1, 1000.0001);
assert_eq(0xFF_FF, 65535);
assert_eq(typeof(1e3), "number");
---
// leading zeros are decimal (docs/language-notes.md), never octal
assert_eq([007, 010, 00, 00.5], [7, 10, 0, 0.5]);
---
// §1.4 a literal with `.` or an exponent is a float; others are integers
assert_eq(str(1e3), "1000.0");
assert_eq(str(5.), "5.0");
assert_eq(str(10), "10");
assert_eq(str(0x10), "16");
---
// §1.4 integers have arbitrary precision
big = 123456789012345678901234567890;
assert_eq(str(big * big), "15241578753238836750495351562536198787501905199875019052100");
assert_eq(2 * 9223372036854775807, 18446744073709551614);
---
// §1.4 a float literal that overflows is a syntax error
x = 1e400; // ### "SyntaxError: float literal 1e400 overflows"
---
x = 1;
y = [1.5e308, 2e308]; // ### "SyntaxError: float literal 2e308 overflows"
---
// a very small float is not an overflow
assert_eq(1e-400, 0.0);
---
x = 1__000; // ### "SyntaxError"
---
x = 0x; // ### "SyntaxError"
---
x = 0b102; // ### "SyntaxError"
---
x = 1_; // ### "SyntaxError"
---
x = 1e; // ### "SyntaxError"
---
// §1.5 strings: either quote, may span lines
assert_eq('single', "single");
assert_eq('say "hi"', "say \"hi\"");
assert_eq("it's", 'it\'s');
s = "line 1
line 2";
assert_eq(s, "line 1\nline 2");
assert_eq("", '');
---
// §1.5 every escape
assert_eq(len("\n\t\r\0"), 4);
assert_eq(ord("\n"), 10);
assert_eq(ord("\t"), 9);
assert_eq(ord("\r"), 13);
assert_eq(ord("\0"), 0);
assert_eq(ord("\\"), 92);
assert_eq("\"", '"');
assert_eq('\'', "'");
assert_eq("\/", "/");
assert_eq("\x41\x7a", "Az");
assert_eq("\xe9", "é");
assert_eq("\u00e9\u00E9", "éé");
assert_eq("\u{1F600}", "😀");
assert_eq("\u{41}", "A");
assert_eq("\u{000041}", "A");
assert_eq(len("\u{1F600}"), 1);
assert_eq("\ud83d\ude00", "😀");
assert_eq('\n', "\n");
---
// §1.5 an unknown escape is kept as written, backslash included, as Python does
assert_eq("ab\qc", "ab" + "\\" + "qc");
assert_eq(len("\d+\.\w"), 7);
assert_eq("\d+\.\w", "\\d+\\.\\w");
assert_eq('x\ay', "x\\ay");
assert_eq("\[\]", "\\[\\]");
assert_eq("\
", "\\\n");
---
// so a regex pattern reads naturally
import regex;
assert_eq(regex.findall("\d+", "a1b22c333"), ["1", "22", "333"]);
assert_eq(regex.test("^\w+\.txt$", "notes.txt"), true);
---
s = "\x4g"; // ### "SyntaxError"
---
s = "\u12"; // ### "SyntaxError"
---
s = "\u{110000}"; // ### "SyntaxError: invalid code point"
---
s = "\u{}"; // ### "SyntaxError"
---
s = "abc
more \x"; // ### "SyntaxError: invalid escape '\\x' in string: expected two hex digits"
---
// a malformed escape is an error even after an unknown one, and every one is listed
s = "\q\u12"; t = "\x1"; // ### "SyntaxError: invalid escape '\\u'" "SyntaxError: invalid escape '\\x'"
---
x = "never closed; // ### "SyntaxError: unterminated string"
---
x = 'never closed; // ### "SyntaxError: unterminated string"
---
// §1.6 literals
assert_eq(true, true);
assert_eq(false, false);
assert_eq(null, null);
assert_eq(undefined, null);
assert_true(undefined == null);
assert_eq(typeof(undefined), "null");
assert_eq([1, "a", [2]], [1, "a", [2]]);
assert_eq({a: 1, "first name": "Ada", if: 1}, {a: 1, "first name": "Ada", if: 1});
o = {"first name": "Ada", if: 1};
assert_eq(o["first name"], "Ada");
---
// §1.6 a trailing comma is allowed in arrays and objects, not elsewhere
assert_eq([1, 2,], [1, 2]);
assert_eq({a: 1,}, {a: 1});
assert_eq([], []);
assert_eq({}, {});
---
x = [1, 2,,]; // ### "SyntaxError"
---
x = [,]; // ### "SyntaxError"
---
x = {,}; // ### "SyntaxError"
---
// §1.6 a repeated key keeps the last value (at the position of the first)
o = {a: 1, b: 2, a: 3};
assert_eq(o.a, 3);
assert_eq(keys(o), ["a", "b"]);
---
// keys may be string literals with any text, escapes processed
o = {"": 1, "a b": 2, "\n": 3, 'q': 4};
assert_eq(o[""] + o["a b"] + o["\n"] + o.q, 10);
---
// a number is not an object key
o = {1: "one"}; // ### "SyntaxError"
