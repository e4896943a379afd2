/*
 * Pure functions for offsets (docs/offsets.md), shared by the page and by `node --test`. The
 * browser counts in UTF-16 code units; the server stores Unicode code points.
 * These only convert between the two (and read a span's quote): snapping a
 * selection to whole characters is the server's alone (annotations/text.py), so
 * a browser whose Unicode data differs from Python's cannot change a span.
 * Also pure, for the page's keyboard and drafts: where a caret may stop, which
 * label a digit key chooses, and whether a form holds unsaved work.
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.FactcheckOffsets = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function isHighSurrogate(code) {
    return code >= 0xd800 && code <= 0xdbff;
  }

  function isLowSurrogate(code) {
    return code >= 0xdc00 && code <= 0xdfff;
  }

  /** Maps between UTF-16 indexes and code-point indexes of one text. */
  class TextIndex {
    constructor(text) {
      this.text = text;
      this.cpOf16 = new Uint32Array(text.length + 1);
      const u16OfCp = [];
      let cp = 0;
      for (let i = 0; i < text.length; i++) {
        this.cpOf16[i] = cp;
        u16OfCp.push(i);
        if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
          i += 1;
          this.cpOf16[i] = cp; // the middle of a pair belongs to the pair's code point
        }
        cp += 1;
      }
      this.cpOf16[text.length] = cp;
      u16OfCp.push(text.length);
      this.u16OfCp = Uint32Array.from(u16OfCp);
      this.length = cp;
    }

    /** The code point at or before a UTF-16 index (the middle of a pair gives the pair). */
    toCodePoint(u16) {
      return this.cpOf16[Math.max(0, Math.min(u16, this.text.length))];
    }

    toUtf16(cp) {
      return this.u16OfCp[Math.max(0, Math.min(cp, this.length))];
    }

    /**
     * A UTF-16 range [start16, end16) as code points, widened to whole code
     * points: an end between the halves of a pair keeps the pair. This is the
     * raw selection the server snaps; nothing else is done to it here.
     */
    toCodePoints(start16, end16) {
      const start = this.toCodePoint(start16);
      let end = this.toCodePoint(end16);
      if (end16 > 0 && end16 < this.text.length && this.u16OfCp[end] !== end16) end += 1;
      return [start, Math.max(start, end)];
    }

    /**
     * Where a caret at UTF-16 index `u16` may stop, having come from `from`: never
     * between the halves of a surrogate pair (it goes on past the pair in the
     * direction it was moving). Grapheme clusters are the browser's caret
     * movement's own unit; any selection is snapped again by the server.
     */
    caretStop(u16, from) {
      const at = Math.max(0, Math.min(u16, this.text.length));
      if (at === 0 || at === this.text.length || this.u16OfCp[this.cpOf16[at]] === at) return at;
      return at >= from ? at + 1 : at - 1;
    }

    /** text[start:end] in Python, for code points: the quote the server stores for a span. */
    quote(cpStart, cpEnd) {
      return this.text.slice(this.toUtf16(cpStart), this.toUtf16(cpEnd));
    }
  }

  /**
   * Split spans (code points) into pieces by how many spans cover them, so
   * overlapping claims can be painted darker. Returns [{start, end, depth}].
   */
  function coverage(spans) {
    const edges = new Map();
    for (const [start, end] of spans) {
      if (!(end > start)) continue;
      edges.set(start, (edges.get(start) || 0) + 1);
      edges.set(end, (edges.get(end) || 0) - 1);
    }
    const points = Array.from(edges.keys()).sort((a, b) => a - b);
    const pieces = [];
    let depth = 0;
    for (let i = 0; i < points.length - 1; i++) {
      depth += edges.get(points[i]);
      if (depth > 0) pieces.push({ start: points[i], end: points[i + 1], depth: depth });
    }
    return pieces;
  }

  // First strong letters, as the Unicode bidirectional algorithm's rules P2–P3 find them (the main
  // blocks only): right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation
  // forms) and left-to-right letters (Latin, Greek, Cyrillic and the rest of the alphabetic planes).
  const STRONG = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]|(\p{L})/u;

  /**
   * The direction of the paragraph (text between line breaks) holding UTF-16 index `u16`, as
   * `unicode-bidi: plaintext` finds it from its first strong letter, or `fallback` when it has none
   * (a blank line). At a line break, the paragraph it ends.
   */
  function paragraphDirection(text, u16, fallback) {
    const start = text.lastIndexOf("\n", u16 - 1) + 1;
    let end = text.indexOf("\n", u16);
    if (end < 0) end = text.length;
    const found = STRONG.exec(text.slice(start, end));
    if (!found) return fallback;
    return found[1] === undefined ? "rtl" : "ltr";
  }

  // The digits of the scripts the desk types in: a label key works on an Arabic or Persian layout too.
  const DIGITS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"];

  /**
   * The label a key chooses in a list of labels (1–9, as in Label Studio), or 0:
   * by the key's place on the keyboard (`code`: Digit1, Numpad1) or, failing that,
   * by the digit it types in any of the desk's scripts.
   */
  function labelKey(key, code) {
    const place = /^(?:Digit|Numpad)([1-9])$/.exec(code || "");
    if (place) return Number(place[1]);
    if (typeof key !== "string" || key.length !== 1) return 0;
    for (const digits of DIGITS) {
      const value = digits.indexOf(key);
      if (value > 0) return value;
    }
    return 0;
  }

  /**
   * Whether a form's values (name → value) hold work a person would lose: a span,
   * or any field changed from its default. `ignore` names fields that are no one's
   * work (tokens, versions).
   */
  function hasWork(values, defaults, ignore) {
    const skipped = new Set(ignore || []);
    return Object.keys(values).some((name) => !skipped.has(name) && String(values[name]) !== String(defaults[name] ?? ""));
  }

  return {
    TextIndex: TextIndex,
    coverage: coverage,
    labelKey: labelKey,
    hasWork: hasWork,
    paragraphDirection: paragraphDirection,
  };
});
