// Assignment forms, compound assignment (target parts once), destructuring, expression statements.
x = 1;
x += 2;
x -= 1;
x *= 3;
x /= 2;
x %= 2;
o = {k: 1};
o.k = 2;
o.k += 1;
o["j"] = 3;
o["j"] *= 2;
a = [1, 2];
a[0] = 5;
a[len(a) - 1] -= 1;
[p, q] = a;
{k, j} = o;
print(p, q, k, j);
