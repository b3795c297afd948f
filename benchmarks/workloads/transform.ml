function transform(records) {
    out = [];
    for (r in records) {
        total = 0;
        for (line in r.lines) {
            total = total + line.qty * line.price;
        }
        if (total > 50) {
            out.push({id: r.id, customer: r.customer, total: total});
        }
    }
    return out;
}
result = len(transform(records));
