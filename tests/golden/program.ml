// The example at the top of LANGUAGE.md.
function total(items) {
    sum = 0;
    for (item in items) {
        sum = sum + item.qty * item.price;
    }
    return sum;
}
discount = fn(x) => x > 30 ? x * 0.9 : x;
result = {total: discount(total(orders)), count: len(orders)};
