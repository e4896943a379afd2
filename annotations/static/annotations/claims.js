/*
 * The claims of the annotation and adjudication pages (after annotate.js): painted
 * in the text with the CSS Custom Highlight API (which leaves the text and Arabic
 * joining untouched), highlights and list items linked, moving between claims, a
 * new claim put in text order, and the Undo message after a deletion.
 */
(function () {
  "use strict";
  const A = window.FactcheckAnnotate;
  if (!A) return;
  const { el, index, hooks } = A;
  const O = window.FactcheckOffsets;
  const canHighlight = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight === "function";

  function paint() {
    if (!canHighlight) return;
    const single = new Highlight();
    const overlap = new Highlight();
    const claimant = new Highlight();
    const active = new Highlight();
    const pending = new Highlight();
    const pendingClaimant = new Highlight();
    const edge = new Highlight();
    const gold = new Highlight();
    const other = new Highlight();
    for (const li of A.layerItems("#gold-list .claim")) gold.add(A.rangeFor(Number(li.dataset.start), Number(li.dataset.end)));
    for (const li of A.layerItems("#others-list .claim")) other.add(A.rangeFor(Number(li.dataset.start), Number(li.dataset.end)));
    const spans = A.claimItems().map((li) => [Number(li.dataset.start), Number(li.dataset.end)]);
    for (const piece of O.coverage(spans)) {
      (piece.depth > 1 ? overlap : single).add(A.rangeFor(piece.start, piece.end));
    }
    // Each claim's first and last letter, darker: where claims touch, nest or overlap, their edges show.
    for (const [start, end] of spans) {
      if (!(end > start)) continue;
      edge.add(A.rangeFor(start, start + 1));
      if (end - 1 > start) edge.add(A.rangeFor(end - 1, end));
    }
    for (const li of A.allItems()) {
      if (li.dataset.sourceStart !== undefined) {
        claimant.add(A.rangeFor(Number(li.dataset.sourceStart), Number(li.dataset.sourceEnd)));
      }
      if (li.dataset.claimId === A.activeId) active.add(A.rangeFor(Number(li.dataset.start), Number(li.dataset.end)));
    }
    const f = A.form();
    if (f && f.elements.namedItem("start").value !== "") {
      pending.add(A.rangeFor(Number(f.elements.namedItem("start").value), Number(f.elements.namedItem("end").value)));
    }
    if (f && f.elements.namedItem("source_start") && f.elements.namedItem("source_start").value !== "") {
      pendingClaimant.add(A.rangeFor(Number(f.elements.namedItem("source_start").value), Number(f.elements.namedItem("source_end").value)));
    }
    other.priority = 1;
    gold.priority = 1;
    overlap.priority = 1;
    edge.priority = 1;
    claimant.priority = 2;
    active.priority = 3;
    pending.priority = 4;
    pendingClaimant.priority = 4;
    CSS.highlights.set("claim", single);
    CSS.highlights.set("claim-overlap", overlap);
    CSS.highlights.set("claimant", claimant);
    CSS.highlights.set("claim-active", active);
    CSS.highlights.set("claim-pending", pending);
    CSS.highlights.set("claimant-pending", pendingClaimant);
    CSS.highlights.set("claim-edge", edge);
    CSS.highlights.set("gold", gold);
    CSS.highlights.set("claim-other", other);
  }

  function scrollToSpan(start, end) {
    const rect = A.rangeFor(start, end).getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) window.scrollBy({ top: rect.top - window.innerHeight / 3 });
  }


  function focusClaim(li, scrollText) {
    A.activeId = li.dataset.claimId;
    for (const item of A.allItems()) item.classList.toggle("active", item === li);
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
    if (scrollText) scrollToSpan(Number(li.dataset.start), Number(li.dataset.end));
    A.paint();
  }

  /** Focus the next (1) or previous (-1) of the user's claims, in text order, round the end. */
  function step(direction) {
    const items = A.claimItems();
    if (!items.length) return;
    const at = items.findIndex((li) => li.dataset.claimId === A.activeId);
    const next = at < 0 ? (direction > 0 ? 0 : items.length - 1) : (at + direction + items.length) % items.length;
    focusClaim(items[next], true);
  }

  function caretOffset(x, y) {
    if (document.caretPositionFromPoint) {
      const pos = document.caretPositionFromPoint(x, y);
      if (pos && el.contains(pos.offsetNode)) return A.u16Offset(pos.offsetNode, pos.offset);
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (range && el.contains(range.startContainer)) return A.u16Offset(range.startContainer, range.startOffset);
    }
    return null;
  }

  function claimAt(cp) {
    const hits = A.allItems().filter((li) => Number(li.dataset.start) <= cp && cp < Number(li.dataset.end));
    hits.sort((a, b) => (a.dataset.end - a.dataset.start) - (b.dataset.end - b.dataset.start));
    return hits[0] || null;
  }

  el.addEventListener("click", (event) => {
    const selection = document.getSelection();
    if (selection && !selection.isCollapsed) return;
    const u16 = caretOffset(event.clientX, event.clientY);
    if (u16 === null) return;
    const cp = index.toCodePoint(u16);
    const li = claimAt(cp) || (cp > 0 ? claimAt(cp - 1) : null);
    if (li) focusClaim(li, false);
  });

  document.addEventListener("click", (event) => {
    const li = event.target.closest(A.ALL_CLAIMS);
    if (li && !event.target.closest("a, button, form")) focusClaim(li, true);
  });

  /** A new claim arrives as one list item at the end: put it in text order, once, and tell the form. */
  function placeNewClaim() {
    const list = document.getElementById(hooks.claims);
    const item = list && list.lastElementChild;
    if (!item || !item.classList.contains("claim")) return;
    for (const other of list.querySelectorAll(`#${CSS.escape(item.id)}`)) {
      if (other !== item) other.remove(); // a retried request returns the claim it already made
    }
    for (const empty of list.querySelectorAll(".empty")) empty.remove();
    const key = (li) => [Number(li.dataset.start), Number(li.dataset.end), Number(li.dataset.claimId)];
    const mine = key(item);
    const after = Array.from(list.children).find((li) => {
      if (li === item) return false;
      const theirs = key(li);
      return theirs[0] > mine[0] || (theirs[0] === mine[0] && (theirs[1] > mine[1] || (theirs[1] === mine[1] && theirs[2] > mine[2])));
    });
    if (after) list.insertBefore(item, after);
    document.dispatchEvent(new CustomEvent("factcheck:created"));
  }

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.target && event.detail.target.id === hooks.claims && source && source.id === hooks.form && source.dataset.mode === "create" && event.detail.xhr.status === 200 && !event.detail.xhr.getResponseHeader("HX-Retarget")) {
      placeNewClaim();
    }
  });

  // The Undo message a deletion answers with (#undo, swapped in out of band, before the
  // list): it goes after UNDO_MS; the claim stays restorable from "Deleted claims".
  const UNDO_MS = 10000;
  let undoTimer = null;
  document.body.addEventListener("htmx:afterSettle", () => {
    const undo = document.getElementById("undo");
    if (!undo || undo.dataset.shown) return;
    undo.dataset.shown = "1"; // this message's timer is set
    clearTimeout(undoTimer);
    if (undo.hidden) return;
    const f = A.form();
    if (f && f.dataset.mode === "edit" && !document.getElementById(`claim-${f.dataset.claimId}`)) A.cancel(); // its claim is gone
    // Focus moves to Undo when it was on what the deletion removed (the claim, its button).
    if (!document.activeElement || document.activeElement === document.body) undo.querySelector("button").focus();
    undoTimer = setTimeout(() => { undo.hidden = true; }, UNDO_MS);
  });

  A.focusClaim = focusClaim;
  A.step = step;
  A.paint = paint;
  paint();
  // A page opened on a span (a search hit's ?start=&end=) holds it in the form already,
  // highlighted as the selection: bring it into view.
  const opened = A.form();
  if (opened && opened.elements.namedItem("start").value !== "") {
    scrollToSpan(Number(opened.elements.namedItem("start").value), Number(opened.elements.namedItem("end").value));
  }
})();
