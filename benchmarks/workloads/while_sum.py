def work(n):
    sum = 0
    i = 0
    while i < n:
        sum = sum + i
        i = i + 1
    return sum
result = work(n)
