// A data transform over context records: run with
//   mlpy run examples/orders.ml --context @examples/orders.json
function total(items) {
    sum = 0;
    for (item in items) {
        sum = sum + item.qty * item.price;
    }
    return sum;
}

discount = fn(x) => x > 30 ? x * 0.9 : x;
by_customer = {};
for (order in orders) {
    name = order.customer;
    if (!by_customer.has(name)) {
        by_customer[name] = 0;
    }
    by_customer[name] += total(order.items);
}

big = orders.filter(fn(o) => total(o.items) > 30).map(fn(o) => o.id);
result = {
    revenue: round(discount(sum(orders.map(fn(o) => total(o.items)))), 2),
    by_customer: by_customer,
    big_orders: big,
    count: len(orders),
};
