// A text report over sales rows, with grouping, percentiles and a fixed-width table.
// Context: `rows` (objects with region, product, month, units, revenue). Compile-speed corpus.
import math;

function group_by(items, key_fn) {
    groups = {};
    for (item in items) {
        key = key_fn(item);
        if (!groups.has(key)) { groups[key] = []; }
        groups[key].push(item);
    }
    return groups;
}

function percentile(values, p) {
    if (len(values) == 0) { return null; }
    ordered = sorted(values);
    k = (len(ordered) - 1) * p / 100;
    lo = math.floor(k);
    hi = math.ceil(k);
    if (lo == hi) { return ordered[int(k)]; }
    return ordered[lo] * (hi - k) + ordered[hi] * (k - lo);
}

function stats(rows) {
    revenue = rows.map(fn(r) => r.revenue);
    units = rows.map(fn(r) => r.units);
    total = sum(revenue);
    return {
        count: len(rows),
        revenue: round(total, 2),
        units: sum(units),
        mean: len(rows) > 0 ? round(total / len(rows), 2) : 0,
        p50: percentile(revenue, 50),
        p90: percentile(revenue, 90),
    };
}

function pad(text, width, right) {
    text = str(text);
    if (len(text) > width) { return text.slice(0, width - 1) + "~"; }
    return right ? text.rjust(width) : text.ljust(width);
}

function render_table(headers, table_rows, widths) {
    lines = [];
    cells = [];
    i = 0;
    for (h in headers) { cells.push(pad(h, widths[i], i > 0)); i += 1; }
    lines.push(cells.join(" | "));
    lines.push(widths.map(fn(w) => "-" * w).join("-+-"));
    for (row in table_rows) {
        cells = [];
        i = 0;
        for (c in row) { cells.push(pad(c, widths[i], i > 0)); i += 1; }
        lines.push(cells.join(" | "));
    }
    return lines.join("\n");
}

function trend(rows) {
    by_month = group_by(rows, fn(r) => r.month);
    months = sorted(keys(by_month));
    out = [];
    previous = null;
    for (m in months) {
        value = sum(by_month[m].map(fn(r) => r.revenue));
        change = previous == null || previous == 0 ? null : round((value - previous) / previous * 100, 1);
        out.push({month: m, revenue: round(value, 2), change: change});
        previous = value;
    }
    return out;
}

by_region = group_by(rows, fn(r) => r.region);
table_rows = [];
summary = {};
for (region in by_region) {
    s = stats(by_region[region]);
    summary[region] = s;
    table_rows.push([region, s.count, s.units, s.revenue, s.p50, s.p90]);
}
text = render_table(["region", "rows", "units", "revenue", "p50", "p90"], table_rows, [12, 6, 8, 12, 10, 10]);
print(text);
top_products = [];
by_product = group_by(rows, fn(r) => r.product);
for (product in by_product) {
    top_products.push({product: product, revenue: round(sum(by_product[product].map(fn(r) => r.revenue)), 2)});
}
result = {
    summary: summary,
    trend: trend(rows),
    top: sorted(top_products.map(fn(p) => [p.revenue, p.product])).slice(-3),
    table: text,
};
