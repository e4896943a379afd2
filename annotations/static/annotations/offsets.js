/*
 * Pure functions for the offset contract (docs/offsets.md), shared by the page and
 * by `node --test`. The browser counts in UTF-16 code units; the server stores
 * Unicode code points. These functions snap a selection outward to grapheme
 * boundaries, trim whitespace and invisible format characters from its edges,
 * and convert it to code points. The server (annotations/text.py) re-checks
 * every span it is sent, so these only prepare what it will accept.
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

  // Python's str.isspace() is JavaScript's \s plus the information separators
  // U+001C–U+001F and NEL U+0085.
  const SPACE = /^[\s\u001c-\u001f\u0085]$/u;
  const FORMAT = /^\p{Cf}$/u;
  // Visible format characters (Arabic number signs, end of ayah) and the tag
  // characters of subdivision flags are never trimmed.
  const KEEP_FORMAT = /^[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u{110bd}\u{110cd}\u{e0000}-\u{e007f}]$/u;

  const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const words = new Intl.Segmenter(undefined, { granularity: "word" });

  function isTrimmable(ch) {
    return SPACE.test(ch) || (FORMAT.test(ch) && !KEEP_FORMAT.test(ch));
  }

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

    toCodePoint(u16) {
      return this.cpOf16[Math.max(0, Math.min(u16, this.text.length))];
    }

    toUtf16(cp) {
      return this.u16OfCp[Math.max(0, Math.min(cp, this.length))];
    }
  }

  /**
   * Snap a UTF-16 range [start, end) of `text` outward to grapheme (and, with
   * options.words, word) boundaries, then trim whitespace and format characters
   * from its edges. Returns {start, end} in UTF-16 units, or null if nothing
   * visible is left.
   */
  function snapUtf16(text, start, end, options) {
    const opts = options || {};
    start = Math.max(0, Math.min(start, text.length));
    end = Math.max(0, Math.min(end, text.length));
    if (start >= end) return null;
    const clusters = graphemes.segment(text);
    start = clusters.containing(start).index;
    const last = clusters.containing(end - 1);
    end = last.index + last.segment.length;
    if (opts.words) {
      const tokens = words.segment(text);
      const first = tokens.containing(start);
      if (first && first.isWordLike) start = first.index;
      const final = tokens.containing(end - 1);
      if (final && final.isWordLike) end = final.index + final.segment.length;
    }
    while (start < end) {
      const ch = String.fromCodePoint(text.codePointAt(start));
      if (!isTrimmable(ch)) break;
      start += ch.length;
    }
    while (end > start) {
      let i = end - 1;
      if (i > start && isLowSurrogate(text.charCodeAt(i)) && isHighSurrogate(text.charCodeAt(i - 1))) i -= 1;
      if (!isTrimmable(text.slice(i, end))) break;
      end = i;
    }
    return start < end ? { start: start, end: end } : null;
  }

  /**
   * A selection given in UTF-16 units, as the server wants it: snapped, in
   * code points, with its quote. Null when nothing visible is selected.
   */
  function selectionToSpan(index, start16, end16, options) {
    const snapped = snapUtf16(index.text, start16, end16, options);
    if (!snapped) return null;
    return {
      start: index.toCodePoint(snapped.start),
      end: index.toCodePoint(snapped.end),
      quote: index.text.slice(snapped.start, snapped.end),
    };
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

  return {
    TextIndex: TextIndex,
    isTrimmable: isTrimmable,
    snapUtf16: snapUtf16,
    selectionToSpan: selectionToSpan,
    coverage: coverage,
  };
});
