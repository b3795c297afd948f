function build(n) {
    parts = [];
    i = 0;
    while (i < n) {
        parts.push("item-" + str(i));
        i = i + 1;
    }
    text = parts.join(",");
    count = 0;
    for (p in text.split(",")) {
        if (p.endswith("7")) {
            count = count + 1;
        }
    }
    return count;
}
result = build(n);
