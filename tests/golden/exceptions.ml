// throw, try/except (only the first clause), except without a name, finally.
function risky(x) {
    if (x) {
        throw {message: "bad", code: 1};
    }
    return 1;
}
try {
    risky(true);
} except (err) {
    print(err.message);
} except (other) {
    print("never");
}
try {
    risky(false);
} except {
    print("no name");
} finally {
    print("done");
}
try {
    x = 1;
} finally {
    x = 2;
}
try {
    y = 1;
}
throw "end";
