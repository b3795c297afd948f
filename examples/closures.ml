// Closures and arrow functions: counters, composition, higher-order array methods.
function make_counter(start) {
    count = start;
    function next() {
        nonlocal count;
        count += 1;
        return count;
    }
    return next;
}

compose = fn(f, g) => fn(x) => f(g(x));
inc = fn(x) => x + 1;
double = fn(x) => x * 2;
inc_then_double = compose(double, inc);

counter = make_counter(10);
counter();
counter();

squares = [1, 2, 3, 4, 5].map(fn(x) => x * x);
evens = squares.filter(fn(x) => x % 2 == 0);
total = squares.reduce(fn(acc, x) => acc + x, 0);
describe = fn(n) => {
    if (n > 10) { return "big"; }
    return "small";
};

result = {
    counter: counter(),
    composed: inc_then_double(5),
    squares: squares,
    evens: evens,
    total: total,
    sizes: squares.map(describe),
};
