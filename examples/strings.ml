// String processing: words, counting, formatting, escapes.
text = "The quick brown fox jumps over the lazy dog. The dog sleeps.";
words = text.lower().replace(".", "").split();
counts = {};
for (w in words) {
    counts[w] = counts.get(w, 0) + 1;
}
top = sorted(keys(counts)).filter(fn(w) => counts[w] > 1);

function title_case(s) {
    return s.split(" ").map(fn(w) => w.capitalize()).join(" ");
}

initials = "";
for (w in "portable network graphics".split()) {
    initials += w[0].upper();
}

line = "name:\tAda\n";
print(title_case("hello wide world"), "|", initials);
result = {
    words: len(words),
    repeated: top,
    title: title_case("hello wide world"),
    initials: initials,
    padded: "7".padStart(3, "0"),
    escaped: line.strip(),
    reversed: "stressed"[::-1],
    unicode: len("héllo ✓"),
};
