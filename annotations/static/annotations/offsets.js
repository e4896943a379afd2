/*
 * Pure functions for offsets (docs/offsets.md), shared by the page and by `node --test`. The
 * browser counts in UTF-16 code units; the server stores Unicode code points.
 * These only convert between the two (and read a span's quote): snapping a
 * selection to whole characters is the server's alone (annotations/text.py), so
 * a browser whose Unicode data differs from Python's cannot change a span.
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

  return {
    TextIndex: TextIndex,
    coverage: coverage,
  };
});
