/*
 * Suggestions on the annotation page (docs/suggestions.md): paints each suggestion in
 * #suggestion-list dashed in the text (the CSS Custom Highlight API, so the text and its
 * Arabic joining stay untouched), and gives a focused suggestion its keys: Enter accepts,
 * x or Delete rejects, e edits. The buttons are real forms and links; this only presses them.
 */
(function () {
  "use strict";
  const A = window.FactcheckAnnotate;  // annotate.js, loaded before this file
  if (!A) return;
  const { el, rangeFor } = A;
  const canHighlight = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight === "function";

  const items = () => Array.from(document.querySelectorAll("#suggestion-list .suggestion"));

  function paint() {
    if (!canHighlight) return;
    const all = new Highlight();
    const active = new Highlight();
    for (const li of items()) {
      const range = rangeFor(Number(li.dataset.start), Number(li.dataset.end));
      all.add(range);
      if (li === document.activeElement) active.add(range);
    }
    all.priority = 0;
    active.priority = 5;
    CSS.highlights.set("suggestion", all);
    CSS.highlights.set("suggestion-active", active);
  }

  function scrollToSpan(li) {
    const rect = rangeFor(Number(li.dataset.start), Number(li.dataset.end)).getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) window.scrollBy({ top: rect.top - window.innerHeight / 3 });
  }

  function press(li, selector) {
    const control = li.querySelector(selector);
    if (!control) return;
    // The next suggestion takes the focus once the list comes back, so keys can run down the list.
    const next = li.nextElementSibling || li.previousElementSibling;
    pendingFocus = next && next.dataset.suggestionId ? next.dataset.suggestionId : null;
    control.click();
  }

  let pendingFocus = null;

  document.addEventListener("keydown", (event) => {
    const li = event.target;
    if (!(li instanceof HTMLElement) || !li.matches("#suggestion-list .suggestion")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Enter") {
      event.preventDefault();
      press(li, "[data-accept]");
    } else if (event.key === "x" || event.key === "X" || event.key === "Delete") {
      event.preventDefault();
      press(li, "[data-reject]");
    } else if (event.key === "e" || event.key === "E") {
      event.preventDefault();
      pendingFocus = null;
      li.querySelector("[data-edit]").click();
    }
  });

  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLElement && event.target.matches("#suggestion-list .suggestion")) {
      scrollToSpan(event.target);
    }
    paint();
  });

  function settled() {
    if (pendingFocus) {
      const li = document.getElementById(`suggestion-${pendingFocus}`);
      if (li && li.closest("#suggestion-list")) {
        pendingFocus = null;
        li.focus({ preventScroll: true });
      }
    }
    paint();
  }

  // Out-of-band swaps (the claim list) come before the list itself is swapped: paint only.
  document.body.addEventListener("htmx:afterSettle", settled);
  document.body.addEventListener("htmx:oobAfterSwap", paint);
  document.addEventListener("DOMContentLoaded", paint);
  if (document.readyState !== "loading") paint();
})();
