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

test("caretStop never stops between the halves of a surrogate pair", () => {
  const index = new O.TextIndex("a😀b");
  assert.equal(index.caretStop(2, 1), 3); // moving forward into the pair: past it
  assert.equal(index.caretStop(2, 3), 1); // moving back into it: before it
  for (const at of [0, 1, 3, 4]) assert.equal(index.caretStop(at, 0), at); // boundaries stay
  assert.equal(index.caretStop(99, 0), 4); // clamped to the text
});

const labelKey = O.labelKey;

test("labelKey reads 1–9 by the key's place or by the digit typed in any script", () => {
  assert.equal(labelKey("1", "Digit1"), 1);
  assert.equal(labelKey("&", "Digit7"), 7); // another layout's character on the same key
  assert.equal(labelKey("3", "Numpad3"), 3);
  assert.equal(labelKey("۴", ""), 4); // Persian
  assert.equal(labelKey("٩", undefined), 9); // Arabic-Indic
  for (const [key, code] of [["0", "Digit0"], ["a", "KeyA"], ["Enter", "Enter"], ["۰", ""], ["12", ""]]) {
    assert.equal(labelKey(key, code), 0, key);
  }
});

test("hasWork: a span or any changed field is work; defaults and ignored fields are not", () => {
  const defaults = { start: "", quote: "", verification_status: "unassessed", note: "", client_token: "a" };
  assert.equal(O.hasWork({ ...defaults }, defaults, ["client_token"]), false);
  assert.equal(O.hasWork({ ...defaults, client_token: "b" }, defaults, ["client_token"]), false);
  assert.equal(O.hasWork({ ...defaults, start: 3 }, defaults, ["client_token"]), true);
  assert.equal(O.hasWork({ ...defaults, verification_status: "false" }, defaults, []), true);
  assert.equal(O.hasWork({ ...defaults, note: "x" }, { start: "" }, []), true); // a field without a default
});

test("paragraphDirection is the first strong letter's, line by line, else the fallback", () => {
  const text = "قال المتحدث Reuters\nCookie: نعم\n \n\nوهج 24";
  assert.equal(O.paragraphDirection(text, 0, "ltr"), "rtl");
  assert.equal(O.paragraphDirection(text, text.indexOf("Reuters"), "ltr"), "rtl"); // a Latin run inside Arabic
  assert.equal(O.paragraphDirection(text, text.indexOf("\n"), "ltr"), "rtl"); // a line break ends its paragraph
  assert.equal(O.paragraphDirection(text, text.indexOf("Cookie") + 3, "rtl"), "ltr");
  assert.equal(O.paragraphDirection(text, text.indexOf(" \n") + 1, "rtl"), "rtl"); // a blank line: the fallback
  assert.equal(O.paragraphDirection(text, text.indexOf(" \n") + 1, "ltr"), "ltr");
  assert.equal(O.paragraphDirection(text, text.length, "ltr"), "rtl");
  assert.equal(O.paragraphDirection("", 0, "rtl"), "rtl");
});
