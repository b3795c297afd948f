function work(n) {
    items = [];
    i = 0;
    while (i < n) {
        items.push({id: i, score: i % 97, tags: ["a", "b"]});
        i = i + 1;
    }
    best = {};
    for (item in items) {
        key = str(item.score % 10);
        if (best.has(key)) {
            if (item.score > best[key].score) {
                best[key] = item;
            }
        } else {
            best[key] = item;
        }
    }
    return len(best);
}
result = work(n);
