// Sorting: quicksort with arrays, and the built-in sort with a key.
function quicksort(items) {
    if (len(items) <= 1) {
        return items;
    }
    pivot = items[0];
    smaller = [];
    larger = [];
    for (x in items[1:]) {
        if (x < pivot) {
            smaller.push(x);
        } else {
            larger.push(x);
        }
    }
    return quicksort(smaller) + [pivot] + quicksort(larger);
}

function insertion_sort(a) {
    a = a.copy();
    i = 1;
    while (i < len(a)) {
        j = i;
        while (j > 0 && a[j - 1] > a[j]) {
            tmp = a[j - 1];
            a[j - 1] = a[j];
            a[j] = tmp;
            j -= 1;
        }
        i += 1;
    }
    return a;
}

data = [33, 4, 15, 8, 42, 16, 23, 4];
print("quicksort:", quicksort(data));
result = {quick: quicksort(data), insertion: insertion_sort(data), builtin: sorted(data, true)};
