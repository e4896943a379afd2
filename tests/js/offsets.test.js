// Unit tests for annotations/static/annotations/offsets.js (node --test).
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const O = require("../../annotations/static/annotations/offsets.js");

const cases = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "snap_cases.json"), "utf8"));

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

test("selectionToSpan gives code points and the quote, never UTF-16 positions", () => {
  const text = "😀😀 خبر";
  const index = new O.TextIndex(text);
  const span = O.selectionToSpan(index, 5, 8);
  assert.deepEqual(span, { start: 3, end: 6, quote: "خبر" });
  assert.equal(Array.from(text).slice(span.start, span.end).join(""), span.quote);
});

test("JavaScript snapping agrees with Python's snap_span on every span of the shared cases", () => {
  let checked = 0;
  for (const { name, text, expected } of cases) {
    const index = new O.TextIndex(text);
    for (const [start, end, wantStart, wantEnd] of expected) {
      const span = O.selectionToSpan(index, index.toUtf16(start), index.toUtf16(end));
      const got = span ? [span.start, span.end] : [null, null];
      assert.deepEqual(got, [wantStart, wantEnd], `${name}: [${start}, ${end})`);
      if (span) assert.equal(span.quote, Array.from(text).slice(span.start, span.end).join(""));
      checked += 1;
    }
  }
  assert.ok(checked > 1000);
});

test("word snapping widens to whole words but can still pick 2024 out of و2024 without it", () => {
  const text = "قال و2024 كان";
  const index = new O.TextIndex(text);
  const inside = text.indexOf("2024");
  assert.equal(O.selectionToSpan(index, inside, inside + 4).quote, "2024");
  assert.equal(O.selectionToSpan(index, 1, 2, { words: true }).quote, "قال");
});

test("whitespace-only and invisible-only selections give nothing", () => {
  const index = new O.TextIndex("a \u200c\u200f\n b");
  assert.equal(O.selectionToSpan(index, 1, 6), null);
  assert.equal(O.isTrimmable("\u0085"), true);
  assert.equal(O.isTrimmable("\u0600"), false);
});

test("coverage splits overlapping spans by depth", () => {
  assert.deepEqual(O.coverage([[0, 10], [5, 15], [20, 22]]), [
    { start: 0, end: 5, depth: 1 },
    { start: 5, end: 10, depth: 2 },
    { start: 10, end: 15, depth: 1 },
    { start: 20, end: 22, depth: 1 },
  ]);
});
