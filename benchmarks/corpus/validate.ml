// Validate and normalise incoming records against a schema: context `records`, `schema`.
// Compile-speed corpus (benchmarks/bench_compile.py).
import regex;
import string;

EMAIL = regex.compile("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", regex.IGNORECASE);
DATE = regex.compile("^(\\d{4})-(\\d{2})-(\\d{2})$");
PHONE = regex.compile("^\\+?[0-9 ()-]{7,20}$");

function problem(path, message) {
    return {path: path, message: message};
}

function check_type(path, value, expected) {
    actual = typeof(value);
    if (expected == "integer") {
        if (actual != "number" || int(value) != value) {
            return [problem(path, "expected an integer, got " + actual)];
        }
        return [];
    }
    if (actual != expected) {
        return [problem(path, "expected " + expected + ", got " + actual)];
    }
    return [];
}

function check_format(path, value, format) {
    if (format == "email" && !EMAIL.test(value)) {
        return [problem(path, "not an email address: " + value)];
    }
    if (format == "date") {
        m = DATE.match(value);
        if (m == null) { return [problem(path, "not a date (YYYY-MM-DD): " + value)]; }
        month = int(m.group(2));
        day = int(m.group(3));
        if (month < 1 || month > 12) { return [problem(path, "month out of range")]; }
        if (day < 1 || day > 31) { return [problem(path, "day out of range")]; }
    }
    if (format == "phone" && !PHONE.test(value)) {
        return [problem(path, "not a phone number: " + value)];
    }
    return [];
}

function check_range(path, value, rule) {
    found = [];
    if (rule.has("minimum") && value < rule.minimum) {
        found.push(problem(path, "below the minimum " + rule.minimum));
    }
    if (rule.has("maximum") && value > rule.maximum) {
        found.push(problem(path, "above the maximum " + rule.maximum));
    }
    if (rule.has("maxLength") && len(value) > rule.maxLength) {
        found.push(problem(path, "longer than " + rule.maxLength));
    }
    if (rule.has("enum") && !rule.enum.contains(value)) {
        found.push(problem(path, "not one of " + rule.enum.join(", ")));
    }
    return found;
}

function check_field(path, value, rule) {
    if (value == null) {
        return rule.get("required", false) ? [problem(path, "is required")] : [];
    }
    found = check_type(path, value, rule.type);
    if (len(found) > 0) { return found; }
    if (rule.has("format")) { found = found + check_format(path, value, rule.format); }
    found = found + check_range(path, value, rule);
    if (rule.type == "array" && rule.has("items")) {
        i = 0;
        for (item in value) {
            found = found + check_field(path + "[" + i + "]", item, rule.items);
            i += 1;
        }
    }
    if (rule.type == "object" && rule.has("properties")) {
        for (key in rule.properties) {
            found = found + check_field(path + "." + key, value.get(key, null), rule.properties[key]);
        }
    }
    return found;
}

function normalise(record) {
    out = {};
    for (key in record) {
        value = record[key];
        if (typeof(value) == "string") {
            value = value.strip();
            if (key == "email") { value = value.lower(); }
            if (key == "name") { value = value.title(); }
        }
        out[key] = value;
    }
    return out;
}

function validate_all(records, schema) {
    good = [];
    bad = [];
    seen = {};
    for (record in records) {
        record = normalise(record);
        problems = check_field("record", record, {type: "object", properties: schema});
        id = record.get("id", null);
        if (id != null) {
            if (seen.has(str(id))) {
                problems.push(problem("record.id", "duplicate id " + id));
            }
            seen[str(id)] = true;
        }
        if (len(problems) == 0) {
            good.push(record);
        } else {
            bad.push({id: id, problems: problems});
        }
    }
    return {good: good, bad: bad};
}

outcome = validate_all(records, schema);
messages = [];
for (entry in outcome.bad) {
    for (p in entry.problems) {
        messages.push(string.format("{id}: {path} {message}", {id: entry.id, path: p.path, message: p.message}));
    }
}
result = {
    valid: len(outcome.good),
    invalid: len(outcome.bad),
    messages: messages,
    records: outcome.good,
};
