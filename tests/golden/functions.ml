// Declarations (hoisted), static and dynamic calls, closures, nonlocal, arrows, methods.
result = twice(3);
function twice(x) { return x * 2; }
function counter() {
    count = 0;
    function next() {
        nonlocal count;
        count += 1;
        return count;
    }
    return next;
}
function bump() {
    nonlocal total;
    total = 1;
}
inc = fn(x) => x + 1;
block = fn(a, b) => {
    if (a) { return b; }
};
c = counter();
c();
twice(1, 2);
f = twice;
f(2);
[1, 2].map(fn(v) => v * 10);
o = {m: fn() => 1};
o.m();
g = fn() => fn() => 1;
