// Imports bind a module value; capability declarations produce no code.
import math;
import json as j;
capability Reader {
    resource "data/*.csv";
    allow read;
}
result = [math, j];
