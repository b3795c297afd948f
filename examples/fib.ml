// Recursion: Fibonacci numbers, naive and memoised.
function fib(n) {
    if (n < 2) {
        return n;
    }
    return fib(n - 1) + fib(n - 2);
}

function fib_memo(n) {
    memo = {};
    function go(k) {
        key = str(k);
        if (memo.has(key)) {
            return memo[key];
        }
        value = k < 2 ? k : go(k - 1) + go(k - 2);
        memo[key] = value;
        return value;
    }
    return go(n);
}

print("fib(20) =", fib(20));
result = {naive: fib(20), memoised: fib_memo(90)};
