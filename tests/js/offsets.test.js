// Unit tests for annotations/static/annotations/offsets.js (node --test): unit conversion and
// quotes only. Snapping is the server's, tested against tests/data/snap_cases.json in Python.
const test = require("node:test");
const assert = require("node:assert/strict");
const O = require("../../annotations/static/annotations/offsets.js");

// Python's text[start:end] for code points, written independently of TextIndex.
const pyslice = (text, start, end) => Array.from(text).slice(start, end).join("");

test("TextIndex converts between UTF-16 and code points around astral characters", () => {
  const index = new O.TextIndex("a😀b👨‍👩‍👧c");
  assert.equal(index.length, Array.from("a😀b👨‍👩‍👧c").length);
  assert.equal(index.toCodePoint(0), 0);
  assert.equal(index.toCodePoint(1), 1);
  assert.equal(index.toCodePoint(3), 2); // after the surrogate pair
  assert.equal(index.toUtf16(2), 3);
  assert.equal(index.toCodePoint(index.text.length), index.length);
  for (let cp = 0; cp <= index.length; cp++) assert.equal(index.toCodePoint(index.toUtf16(cp)), cp);
});

test("toCodePoints gives the raw selection in code points, never UTF-16 positions", () => {
  const text = "😀😀 خبر";
  const index = new O.TextIndex(text);
  assert.deepEqual(index.toCodePoints(5, 8), [3, 6]);
  assert.deepEqual(index.toCodePoints(0, text.length), [0, Array.from(text).length]);
  // Nothing is snapped or trimmed here: a space and half a word stay as selected.
  assert.deepEqual(index.toCodePoints(4, 6), [2, 4]);
});

test("an edge between the halves of a surrogate pair keeps the whole code point", () => {
  const index = new O.TextIndex("a😀b");
  assert.deepEqual(index.toCodePoints(2, 3), [1, 2]); // starts inside the pair: from the pair
  assert.deepEqual(index.toCodePoints(0, 2), [0, 2]); // ends inside the pair: up to its end
  assert.deepEqual(index.toCodePoints(2, 2), [1, 2]);
  assert.deepEqual(index.toCodePoints(3, 3), [2, 2]);
});

test("quote is Python's text[start:end] over code points", () => {
  const texts = ["می\u200cخواهم کتاب\u200cها", "قال 👨\u200d👩\u200d👧 🇸🇾 نعم", "a😀b\ud83d", "بِسْمِ اللَّهِ"];
  for (const text of texts) {
    const index = new O.TextIndex(text);
    for (let start = 0; start <= index.length; start++) {
      for (let end = start; end <= index.length; end++) {
        assert.equal(index.quote(start, end), pyslice(text, start, end), `${JSON.stringify(text)} [${start}, ${end})`);
      }
    }
  }
});

test("coverage splits overlapping spans by depth", () => {
  assert.deepEqual(O.coverage([[0, 10], [5, 15], [20, 22]]), [
    { start: 0, end: 5, depth: 1 },
    { start: 5, end: 10, depth: 2 },
    { start: 10, end: 15, depth: 1 },
    { start: 20, end: 22, depth: 1 },
  ]);
});
