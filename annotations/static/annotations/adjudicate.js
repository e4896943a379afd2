/*
 * The adjudication page's own keys and moves, beside annotate.js (which paints
 * the versions and drives the gold form): "Next undecided group" (its button and
 * the N key, not while typing) moves to the next group still to decide, after the
 * one the adjudicator is on, and highlights its first version in the text. After
 * a decision the panel is swapped: the page moves on to the next undecided group
 * from where the decided one was. A decided group is collapsed; it opens when
 * one of its versions becomes the active claim (a click in the text, [ or ]).
 */
(function () {
  "use strict";
  const GROUPS = "#group-list > li.group";
  let position = -1; // index of the group last moved to or worked in

  const groups = () => Array.from(document.querySelectorAll(GROUPS));

  function currentIndex() {
    const here = document.activeElement && document.activeElement.closest && document.activeElement.closest(GROUPS);
    return here ? groups().indexOf(here) : position;
  }

  function moveTo(group) {
    position = groups().indexOf(group);
    const first = group.querySelector(".claim");
    group.focus({ preventScroll: true });
    group.scrollIntoView({ block: "nearest" });
    // annotate.js makes a clicked version the active claim and brings its span into view.
    if (first) first.click();
  }

  /** The first undecided group after index `from` (wrapping round), or at it when `including`. */
  function nextUndecided(from, including) {
    const all = groups();
    for (let step = including ? 0 : 1; step <= all.length; step += 1) {
      const group = all[(((from + step) % all.length) + all.length) % all.length];
      if (group && group.hasAttribute("data-undecided")) return group;
    }
    return null;
  }

  function next() {
    const group = nextUndecided(currentIndex(), false);
    if (group) moveTo(group);
  }

  function isTyping(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function openActive() {
    const active = document.querySelector("#group-list details:not([open]) .claim.active");
    if (active) active.closest("details").open = true;
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("#next-undecided")) {
      next();
      return;
    }
    openActive();
  });

  document.addEventListener("focusin", (event) => {
    const group = event.target.closest && event.target.closest(GROUPS);
    if (group) position = groups().indexOf(group);
  });

  document.addEventListener("keydown", (event) => {
    if (event.code === "KeyN" && !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey && !isTyping(event.target)) {
      event.preventDefault();
      next();
      return;
    }
    openActive();
  });

  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "decisions" || position < 0) return;
    // The panel was swapped (a decision, or one refused): focus went with the old one.
    if (document.activeElement && document.activeElement !== document.body && document.activeElement.isConnected) return;
    const group = nextUndecided(position, true);
    if (group) moveTo(group);
  });
})();
