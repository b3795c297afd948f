// A pricing rules engine of the kind rule authors write: context `orders`, `customers`, `today`.
// Compile-speed corpus (benchmarks/bench_compile.py); it also runs (tests/test_examples.py style).

TIERS = {gold: 0.15, silver: 0.08, bronze: 0.03, none: 0};
REGION_TAX = {eu: 0.21, us: 0.07, uk: 0.2, other: 0.1};
LIMITS = {max_discount: 0.3, min_total: 1, max_items: 500};

function tier_of(customer) {
    if (customer == null) { return "none"; }
    spent = customer.get("spent", 0);
    if (spent >= 10000) { return "gold"; }
    elif (spent >= 2500) { return "silver"; }
    elif (spent >= 500) { return "bronze"; }
    return "none";
}

function line_total(line) {
    if (line.qty <= 0) {
        throw {message: "quantity must be positive", type: "ValidationError", sku: line.sku};
    }
    price = line.price;
    if (line.has("unit") && line.unit == "dozen") { price = price * 12; }
    return round(line.qty * price, 2);
}

function order_subtotal(order) {
    total = 0;
    count = 0;
    for (line in order.lines) {
        total += line_total(line);
        count += line.qty;
        if (count > LIMITS.max_items) {
            throw {message: "too many items in order " + order.id, type: "LimitExceeded"};
        }
    }
    return total;
}

function volume_discount(subtotal, count) {
    rate = 0;
    if (count >= 100) { rate = 0.1; }
    elif (count >= 50) { rate = 0.05; }
    elif (count >= 10) { rate = 0.02; }
    if (subtotal > 5000) { rate += 0.02; }
    return rate;
}

function coupon_discount(order, subtotal) {
    if (!order.has("coupon")) { return 0; }
    code = order.coupon.upper().strip();
    if (code.startswith("WELCOME")) { return min(25, subtotal * 0.1); }
    if (code == "FREESHIP") { return 0; }
    if (code.startswith("PCT")) {
        pct = int(code.slice(3));
        if (pct < 1 || pct > 50) {
            throw {message: "bad coupon " + code, type: "ValidationError"};
        }
        return subtotal * pct / 100;
    }
    return 0;
}

function shipping(order, subtotal) {
    if (order.has("coupon") && order.coupon.upper() == "FREESHIP") { return 0; }
    weight = 0;
    for (line in order.lines) { weight += line.get("weight", 0.5) * line.qty; }
    base = weight < 2 ? 4.99 : weight < 10 ? 9.99 : 19.99;
    return subtotal > 100 ? 0 : base;
}

function tax(region, amount) {
    rate = REGION_TAX.get(region, REGION_TAX.other);
    return round(amount * rate, 2);
}

function price_order(order, customers) {
    customer = customers.get(order.customer, null);
    tier = tier_of(customer);
    subtotal = order_subtotal(order);
    count = sum(order.lines.map(fn(l) => l.qty));
    rate = TIERS[tier] + volume_discount(subtotal, count);
    if (rate > LIMITS.max_discount) { rate = LIMITS.max_discount; }
    discount = round(subtotal * rate + coupon_discount(order, subtotal), 2);
    net = max(subtotal - discount, LIMITS.min_total);
    ship = shipping(order, subtotal);
    region = customer == null ? "other" : customer.get("region", "other");
    t = tax(region, net + ship);
    return {
        id: order.id,
        customer: order.customer,
        tier: tier,
        subtotal: subtotal,
        discount: discount,
        shipping: ship,
        tax: t,
        total: round(net + ship + t, 2),
    };
}

function summarize(priced) {
    by_tier = {};
    for (p in priced) {
        if (!by_tier.has(p.tier)) { by_tier[p.tier] = {count: 0, revenue: 0}; }
        by_tier[p.tier].count += 1;
        by_tier[p.tier].revenue = round(by_tier[p.tier].revenue + p.total, 2);
    }
    best = sorted(priced, fn(p) => p.total, true);
    return {
        orders: len(priced),
        revenue: round(sum(priced.map(fn(p) => p.total)), 2),
        by_tier: by_tier,
        top: best.slice(0, 3).map(fn(p) => p.id),
    };
}

priced = [];
rejected = [];
for (order in orders) {
    try {
        priced.push(price_order(order, customers));
    } except (err) {
        rejected.push({id: order.id, type: err.type, message: err.message});
    }
}
result = {summary: summarize(priced), rejected: rejected, priced: priced};
