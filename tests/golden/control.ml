// if/elif/else if/else, while, for, break and continue.
total = 0;
for (i in range(10)) {
    if (i == 8) {
        break;
    } elif (i % 2 == 0) {
        continue;
    } else if (i == 5) {
        total += 100;
    } else {
        total += i;
    }
}
n = 3;
while (n > 0) {
    n -= 1;
}
if (total) { }
result = total;
