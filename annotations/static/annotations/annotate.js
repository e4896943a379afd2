/*
 * The DOM glue of the annotation and adjudication pages: sends a selection in
 * #article-text to the server as raw code points and puts the span it answers
 * with into the form, and marks the claimant. The page's
 * root element names the form and the list this drives (data-form, data-claims)
 * and the URL that snaps selections (data-selection-url).
 *
 * The other files of the page build on what this one shares as
 * window.FactcheckAnnotate: claims.js (highlights and the claim list), keyboard.js (the caret
 * and the shortcuts) and, on the annotation page, form.js (drafts and labels).
 * Each htmx swap ends with a "factcheck:refresh" event on the document.
 */
(function () {
  "use strict";
  const O = window.FactcheckOffsets;
  const el = document.getElementById("article-text");
  const root = el && el.closest("[data-form]");
  if (!O || !root || typeof htmx === "undefined") return;
  const hooks = root.dataset;

  // The parser may split a long text into several nodes; one node is simpler.
  el.normalize();
  const index = new O.TextIndex(el.textContent);
  // Claimant mode takes one selection, once it is complete. A drag or Shift+arrows
  // fire a selectionchange for every letter crossed, and those events are queued,
  // so they may even arrive after the button is released. The claimant is therefore
  // read from the selection itself when nothing that can still extend it is held:
  //  - on release of the last of a pressed primary button/touch and Shift (drag,
  //    double click, Shift+click, Shift+arrows; a pause with Shift held is no end);
  //  - with nothing held (a script, touch selection handles, a lost keyup after the
  //    window lost focus), once the selection has not changed for SETTLE_MS;
  //  - on submit, whatever is on screen.
  // Shift+arrows extend a selection on screen, not a bare caret, so a claimant is
  // often a double-clicked word grown with the keyboard: pressing Shift while the
  // claimant's selection is still on screen reopens claimant mode for that growth.
  const SETTLE_MS = 300;
  // The claim follows the selection as it grows, once it pauses this long (or the
  // gesture ends): each reading is a request, so not one for every letter of a drag.
  const FOLLOW_MS = 120;
  let anchoringSource = false;
  let pressed = false; // a primary mouse button or touch is down
  let shiftHeld = false;
  let settleTimer = null;
  let claimantKey = ""; // the selection last taken as the claimant (UTF-16 start:end)
  let growing = false; // claimant mode reopened by Shift to grow that selection
  let lastSelection = "";

  const form = () => document.getElementById(hooks.form);
  // The user's own claims (or, when adjudicating, every annotator's versions),
  // gold claims, and, outside blind mode, other annotators' claims.
  const CLAIMS = `#${CSS.escape(hooks.claims)} .claim`;
  const ALL_CLAIMS = `${CLAIMS}, #gold-list .claim, #others-list .claim`;
  const layerItems = (selector) => Array.from(document.querySelectorAll(selector));
  const claimItems = () => layerItems(CLAIMS);
  const allItems = () => layerItems(ALL_CLAIMS);
  const snapWords = () => document.getElementById("snap-words");
  const A = (window.FactcheckAnnotate = {
    el: el, index: index, hooks: hooks, form: form, CLAIMS: CLAIMS, ALL_CLAIMS: ALL_CLAIMS,
    layerItems: layerItems, claimItems: claimItems, allItems: allItems, activeId: null,
    rangeFor: rangeFor, u16Offset: u16Offset, selectedUtf16: selectedUtf16,
    setValue: setValue, showSelection: showSelection, showNotice: showNotice, isTyping: isTyping,
    paint: () => {}, // claims.js paints the highlights
    cancel: cancel, toggleAnchoring: () => setAnchoring(!anchoringSource), isAnchoring: () => anchoringSource,
  });

  // The form fields each selection fills; only the server's answers write them.
  const FIELDS = { claim: ["start", "end", "quote"], source: ["source_start", "source_end", "source_quote"] };
  // The selection asked about and not answered yet, per part: {key, values, box}.
  const asked = { claim: null, source: null };
  let submitWhenAnswered = false;

  function nodeAt(u16) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let pos = 0;
    let node;
    while ((node = walker.nextNode())) {
      if (u16 <= pos + node.data.length) return [node, u16 - pos];
      pos += node.data.length;
    }
    return [el, el.childNodes.length];
  }

  function rangeFor(cpStart, cpEnd) {
    const range = document.createRange();
    range.setStart(...nodeAt(index.toUtf16(cpStart)));
    range.setEnd(...nodeAt(index.toUtf16(cpEnd)));
    return range;
  }

  function u16Offset(container, offset) {
    const range = document.createRange();
    range.selectNodeContents(el);
    range.setEnd(container, offset);
    return range.toString().length;
  }

  /** The current selection clipped to the article, in UTF-16 units, or null. */
  function selectedUtf16() {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(el)) return null;
    const whole = document.createRange();
    whole.selectNodeContents(el);
    try {
      const startSide = whole.comparePoint(range.startContainer, range.startOffset);
      const endSide = whole.comparePoint(range.endContainer, range.endOffset);
      const start = startSide < 0 ? 0 : startSide > 0 ? index.text.length : u16Offset(range.startContainer, range.startOffset);
      const end = endSide > 0 ? index.text.length : endSide < 0 ? 0 : u16Offset(range.endContainer, range.endOffset);
      return [start, end];
    } catch (error) {
      return null; // a selection in another document tree
    }
  }

  function setValue(name, value) {
    const field = form() && form().elements.namedItem(name);
    if (field) field.value = value;
  }

  function showSelection() {
    const f = form();
    if (!f) return;
    const quote = f.elements.namedItem("quote").value;
    const preview = document.getElementById("quote-preview");
    preview.textContent = quote;
    preview.hidden = !quote;
    document.getElementById("quote-hint").hidden = !!quote;
    const start = f.elements.namedItem("start").value;
    document.getElementById("offsets-preview").textContent = start === "" ? "" : `${start}–${f.elements.namedItem("end").value}`;
    const sourceQuote = f.elements.namedItem("source_quote");
    document.getElementById("source-preview").textContent = sourceQuote ? sourceQuote.value : "";
    const anchor = document.getElementById("anchor-source");
    if (anchor) anchor.setAttribute("aria-pressed", anchoringSource ? "true" : "false");
    A.paint();
  }

  function onSelectionChange() {
    clearTimeout(settleTimer);
    if (!anchoringSource) {
      // The last reading (or the one on release or submit) is the whole selection.
      settleTimer = setTimeout(takeSelection, FOLLOW_MS);
    } else if (!pressed && !shiftHeld) {
      settleTimer = setTimeout(takeSelection, SETTLE_MS);
    }
  }

  /** A gesture may have ended: take the selection if nothing can extend it any more. */
  function release() {
    if (!pressed && !shiftHeld) takeSelection();
  }

  /** Send the selection on screen to the server, for the claimant's fields or the claim's. */
  function takeSelection() {
    clearTimeout(settleTimer);
    const f = form();
    if (!f || f.querySelector("fieldset[disabled]")) return;
    const u16 = selectedUtf16();
    if (!u16) {
      lastSelection = ""; // a later selection of the same words is a new one
      f.dataset.selection = "";
      return;
    }
    // One selection may be reported more than once (and is re-read on submit):
    // act on each only once, whichever field it went to.
    const key = `${u16[0]}:${u16[1]}`;
    if (key === lastSelection) {
      // Shift pressed and released over the claimant without growing it.
      if (growing) setAnchoring(false);
      return;
    }
    lastSelection = key;
    const part = anchoringSource ? "source" : "claim";
    if (anchoringSource) {
      claimantKey = key;
      anchoringSource = false; // one selection marks the claimant
      growing = false;
      showSelection();
    }
    ask(part, u16, key);
  }

  /**
   * Ask the page's URL for the span the server will store for this raw selection:
   * it answers with the part's fields (a partial of the page) or, when nothing
   * visible was selected, 204 and the form keeps its span. Only the latest
   * question per part is answered (see the htmx listeners below).
   */
  function ask(part, u16, key) {
    const f = form();
    const box = f.querySelector(`[data-span="${part}"]`);
    const [start, end] = index.toCodePoints(u16[0], u16[1]);
    if (!box || start >= end) {
      f.dataset.selection = key;
      return;
    }
    const values = { [FIELDS[part][0]]: start, [FIELDS[part][1]]: end };
    if (snapWords() && snapWords().checked) values.words = "1";
    asked[part] = { key: key, values: values, box: box };
    // A failed request is reported by the htmx:responseError and sendError listeners.
    htmx.ajax("GET", hooks.selectionUrl, { source: box, target: box, swap: "outerHTML", values: values }).catch(() => {});
  }

  /** "claim" or "source" for a request asking about a selection (htmx's detail.elt is the element an event is on). */
  function spanPart(detail) {
    const elt = detail.requestConfig && detail.requestConfig.elt;
    return (elt && elt.dataset && elt.dataset.span) || "";
  }

  /** Whether a request is the one asking about the part's latest selection. */
  function isLatest(detail, part) {
    const wanted = asked[part];
    if (!wanted) return false;
    const query = new URL(detail.pathInfo.finalRequestPath, location.href).searchParams;
    const names = Object.keys(wanted.values);
    return names.every((name) => query.get(name) === String(wanted.values[name])) && query.has("words") === names.includes("words");
  }

  /** The server answered the part's latest selection (ok: 2xx). */
  function answered(part, key, ok, status) {
    const f = form();
    if (!f) return;
    if (ok) {
      const [start, end, quote] = FIELDS[part].map((name) => f.elements.namedItem(name).value);
      if (status === 200 && index.quote(Number(start), Number(end)) !== quote) {
        // The page holds another text than the server (changed since it was loaded).
        for (const name of FIELDS[part]) setValue(name, "");
        showNotice(hooks.textChanged);
      } else if (part === "source") {
        const name = f.elements.namedItem("source_name");
        // Fill in an empty name, or replace one this page filled in (a claimant grown by Shift).
        if (name && quote && (!name.value.trim() || name.value === name.dataset.filled)) {
          name.value = Array.from(quote).slice(0, 300).join("");
          name.dataset.filled = name.value;
        }
      }
      f.dataset.selection = key; // which selection the form holds, as the server snapped it
      const folded = f.querySelector("details:not([open])");
      if (folded && status === 200) folded.open = true;
      showSelection();
    }
    if (submitWhenAnswered && !asked.claim && !asked.source) {
      submitWhenAnswered = false;
      if (ok) f.requestSubmit();
    }
  }

  function setAnchoring(on, grow) {
    anchoringSource = on;
    growing = on && !!grow;
    clearTimeout(settleTimer);
    showSelection();
  }

  function clearSource() {
    claimantKey = "";
    for (const name of ["source_start", "source_end", "source_quote"]) setValue(name, "");
    showSelection();
  }

  function cancel() {
    const f = form();
    if (!f) return;
    setAnchoring(false);
    if (f.dataset.mode === "edit") {
      f.querySelector("[data-cancel]").click();
      return;
    }
    for (const name of ["start", "end", "quote"]) setValue(name, "");
    clearSource();
    // The form holds no selection now, and answers still on their way are not wanted:
    // the same words selected again are asked about again.
    asked.claim = asked.source = null;
    submitWhenAnswered = false;
    lastSelection = "";
    f.dataset.selection = "";
    const selection = document.getSelection();
    // A keyboard user keeps the caret where the selection ended.
    if (document.activeElement === el && selection.rangeCount) selection.collapseToEnd();
    else selection.removeAllRanges();
    document.dispatchEvent(new CustomEvent("factcheck:cancel"));
  }

  function isTyping(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function showNotice(message) {
    const notice = document.getElementById("notice");
    notice.textContent = message;
    notice.hidden = false;
    clearTimeout(showNotice.timer);
    showNotice.timer = setTimeout(() => { notice.hidden = true; }, 8000);
  }

  document.addEventListener("selectionchange", onSelectionChange);
  // Take a selection the browser has not yet reported before the form is sent
  // (capture phase, so this runs before htmx serialises the form). While the
  // server has not answered for the selection on screen, the form does not hold
  // its span yet: hold the submission back and send it with the answer.
  document.addEventListener("submit", (event) => {
    if (event.target !== form()) return;
    takeSelection();
    if (asked.claim || asked.source) {
      event.preventDefault();
      event.stopPropagation();
      submitWhenAnswered = true;
    }
  }, true);

  document.addEventListener("click", (event) => {
    if (event.target.closest("#anchor-source")) {
      setAnchoring(!anchoringSource);
      return;
    }
    if (event.target.closest("#clear-source")) clearSource();
  });

  document.addEventListener("change", (event) => {
    if (event.target.id !== "snap-words") return;
    sessionStorage.setItem("snap-words", event.target.checked ? "1" : "");
    // Snap the claim on screen again with the new choice.
    if (!anchoringSource && currentKey()) {
      lastSelection = "";
      takeSelection();
    }
  });


  // Capture phase: a handler that stops propagation must not hide a press or release.
  document.addEventListener("pointerdown", (event) => {
    if (event.isPrimary && event.button === 0) pressed = true;
  }, true);
  for (const type of ["pointerup", "pointercancel"]) {
    document.addEventListener(type, (event) => {
      if (!event.isPrimary || !pressed) return;
      pressed = false;
      release();
    }, true);
  }
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Shift" || event.repeat) return;
    shiftHeld = true;
    if (!anchoringSource && claimantKey && !isTyping(event.target) && currentKey() === claimantKey) setAnchoring(true, true);
  }, true);
  document.addEventListener("keyup", (event) => {
    if (event.key !== "Shift" || !shiftHeld) return;
    shiftHeld = false;
    release();
  }, true);
  // A release outside the window may never be reported: wait for the selection to settle.
  window.addEventListener("blur", () => {
    pressed = false;
    shiftHeld = false;
    if (anchoringSource) onSelectionChange();
  });

  function currentKey() {
    const u16 = selectedUtf16();
    return u16 ? `${u16[0]}:${u16[1]}` : "";
  }

  // The selection on screen when a request was sent (see refresh).
  let selectionAtRequest = "";
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const part = spanPart(event.detail);
    if (!part) {
      selectionAtRequest = currentKey();
    } else if (!isLatest(event.detail, part) || !event.detail.requestConfig.elt.isConnected) {
      event.preventDefault(); // an older selection, or a form swapped away meanwhile
    }
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const part = spanPart(event.detail);
    if (part && (!isLatest(event.detail, part) || !event.detail.target.isConnected)) event.detail.shouldSwap = false;
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const part = spanPart(event.detail);
    if (!part || !isLatest(event.detail, part)) return;
    const key = asked[part].key;
    asked[part] = null;
    answered(part, key, event.detail.successful, event.detail.xhr.status);
  });

  function refresh() {
    anchoringSource = false;
    growing = false;
    clearTimeout(settleTimer);
    for (const part of Object.keys(asked)) {
      // A question asked from a form swapped away gets no answer.
      if (asked[part] && !asked[part].box.isConnected) asked[part] = null;
    }
    if (!asked.claim && !asked.source) submitWhenAnswered = false;
    claimantKey = ""; // a saved or swapped form: Shift no longer grows its claimant
    // A selection still on screen after a save belongs to the claim just saved. One made
    // while the response was on its way (its selectionchange may not have run yet, or its
    // span was cleared with the saved claim's) is new: ask about it again.
    const key = currentKey();
    const f = form();
    if (key === "" || key === selectionAtRequest) {
      lastSelection = key;
    } else if (f && (f.dataset.selection !== key || f.elements.namedItem("start").value === "")) {
      lastSelection = "";
      settleTimer = setTimeout(takeSelection, FOLLOW_MS);
    }
    if (snapWords()) snapWords().checked = sessionStorage.getItem("snap-words") === "1";
    if (A.activeId && !allItems().some((li) => li.dataset.claimId === A.activeId)) A.activeId = null;
    showSelection();
    document.dispatchEvent(new CustomEvent("factcheck:refresh"));
  }

  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (spanPart(event.detail)) return; // a selection's span: see htmx:afterRequest
    refresh();
    if (event.detail.target && event.detail.target.id === hooks.form) form().scrollIntoView({ block: "nearest" });
  });
  document.body.addEventListener("htmx:oobAfterSwap", refresh);
  document.body.addEventListener("htmx:responseError", (event) => {
    const doc = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
    const message = doc.getElementById("error-message");
    showNotice(message ? message.textContent.trim() : (doc.body.textContent || "").trim().slice(0, 300) || document.getElementById("notice").dataset.failed);
  });
  document.body.addEventListener("htmx:sendError", () => {
    showNotice(document.getElementById("notice").dataset.offline);
  });
  refresh();
})();
