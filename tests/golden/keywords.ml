// ML names that are Python keywords or builtins are mangled in one place; reserved words as keys.
class = 1;
None = 2;
def = fn(lambda) => lambda + class;
for (True in [1]) { }
o = {while: 1, class: 2};
w = o.while + o.class;
type = def(None);
print = 5;
