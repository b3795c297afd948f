// Exceptions: throw any value, catch runtime errors, `finally` runs on every exit.
log = [];

function safe_divide(a, b) {
    try {
        return a / b;
    } except (err) {
        log.push(err.type + ": " + err.message);
        return null;
    } finally {
        log.push("divided " + a + " by " + b);
    }
}

function validate(order) {
    if (order.qty <= 0) {
        throw {message: "quantity must be positive", type: "ValidationError", qty: order.qty};
    }
    return true;
}

outcomes = [];
for (order in [{qty: 2}, {qty: 0}]) {
    try {
        validate(order);
        outcomes.push("ok");
    } except (e) {
        outcomes.push(e.type + " (qty " + e.qty + "): " + e.message);
    }
}

try {
    throw "plain string";
} except (e) {
    outcomes.push(e.message);
}

result = {half: safe_divide(1, 2), none: safe_divide(1, 0), log: log, outcomes: outcomes};
