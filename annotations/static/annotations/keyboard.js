/*
 * Annotating without a mouse (after annotate.js and claims.js): a caret in the
 * article text, selections grown with Shift+arrows, label values chosen with 1–9,
 * and the page's shortcuts (listed on the page and in docs/annotating.md).
 *
 * The caret is the document's own selection in #article-text (focusable, not
 * editable), moved with Selection.modify, whose "left" and "right" follow the
 * visual direction of right-to-left text and whose "character" is a grapheme
 * cluster. Nothing is added to the text: the caret is drawn by #text-caret,
 * a sibling placed over it. Every selection goes to the server like a mouse's.
 */
(function () {
  "use strict";
  const A = window.FactcheckAnnotate;
  const O = window.FactcheckOffsets;
  if (!A || !O) return;
  const { el, index, hooks } = A;
  const selection = () => document.getSelection();

  // Key → [Selection.modify direction, granularity, with Ctrl].
  const MOVES = {
    ArrowLeft: ["left", "character", "word"],
    ArrowRight: ["right", "character", "word"],
    ArrowUp: ["backward", "line", "paragraph"],
    ArrowDown: ["forward", "line", "paragraph"],
    Home: ["backward", "lineboundary", "documentboundary"],
    End: ["forward", "lineboundary", "documentboundary"],
  };

  function inText(sel) {
    return sel && sel.rangeCount > 0 && el.contains(sel.focusNode) && el.contains(sel.anchorNode);
  }

  function focusOffset(sel) {
    return A.u16Offset(sel.focusNode, sel.focusOffset);
  }

  /** A caret at the start of the text, unless the selection is already in it. */
  function ensureCaret() {
    const sel = selection();
    if (inText(sel)) return;
    const start = A.rangeFor(0, 0);
    sel.collapse(start.startContainer, start.startOffset);
  }

  function moveCaret(event) {
    const move = MOVES[event.key];
    const sel = selection();
    if (!move || event.altKey || event.metaKey || !sel.modify) return;
    event.preventDefault();
    ensureCaret();
    const alter = event.shiftKey ? "extend" : "move";
    const granularity = event.ctrlKey ? move[2] : move[1];
    const was = [sel.anchorNode, sel.anchorOffset, sel.focusNode, sel.focusOffset];
    const before = focusOffset(sel);
    sel.modify(alter, move[0], granularity);
    let after = focusOffset(sel);
    if (move[0] === "left" || move[0] === "right") {
      // Visual movement stalls or turns back at a line break next to a line without letters
      // (its direction is not the article's): there the arrow moves on in the paragraph's reading order.
      const rtl = O.paragraphDirection(index.text, before, el.dir === "rtl" ? "rtl" : "ltr") === "rtl";
      const forward = (move[0] === "left") === rtl;
      const atBreak = (u16) => index.text[u16] === "\n" || index.text[u16 - 1] === "\n";
      if ((forward ? after <= before : after >= before) && (atBreak(before) || atBreak(after))) {
        sel.setBaseAndExtent(...was);
        sel.modify(alter, forward ? "forward" : "backward", granularity);
        after = focusOffset(sel);
      }
    }
    const stop = index.caretStop(after, before);
    if (stop !== after) {
      const range = A.rangeFor(index.toCodePoint(stop), index.toCodePoint(stop));
      if (event.shiftKey) sel.extend(range.startContainer, range.startOffset);
      else sel.collapse(range.startContainer, range.startOffset);
    }
    drawCaret();
  }

  function drawCaret() {
    const caret = document.getElementById("text-caret");
    if (!caret) return;
    const sel = selection();
    if (document.activeElement !== el || !inText(sel)) {
      caret.hidden = true;
      return;
    }
    const cp = index.toCodePoint(focusOffset(sel));
    let rect = A.rangeFor(cp, cp).getClientRects()[0];
    let x = rect && rect.left;
    if (!rect || !rect.height) {
      // No box for a bare position (the very start, a line's end): take the letter's edge beside it.
      const rtl = el.dir === "rtl";
      const after = cp < index.length;
      rect = A.rangeFor(after ? cp : cp - 1, after ? cp + 1 : cp).getClientRects()[0];
      if (!rect || !rect.height) {
        caret.hidden = true;
        return;
      }
      x = after === rtl ? rect.right : rect.left;
    }
    const box = caret.parentElement.getBoundingClientRect();
    caret.style.left = `${x - box.left}px`;
    caret.style.top = `${rect.top - box.top}px`;
    caret.style.height = `${rect.height}px`;
    caret.hidden = false;
  }

  el.addEventListener("keydown", moveCaret);
  el.addEventListener("focus", () => {
    ensureCaret();
    drawCaret();
  });
  el.addEventListener("blur", drawCaret);
  document.addEventListener("selectionchange", drawCaret);
  window.addEventListener("resize", drawCaret);

  /** 1–9 in a focused list of labels choose its first nine values. */
  function chooseLabel(event) {
    const select = event.target.closest && event.target.closest(`#${CSS.escape(hooks.form)} select`);
    if (!select || event.ctrlKey || event.altKey || event.metaKey) return false;
    const n = O.labelKey(event.key, event.code);
    const options = Array.from(select.options).filter((option) => !option.disabled && option.value !== "");
    if (!n || n > options.length) return false;
    event.preventDefault();
    select.value = options[n - 1].value;
    select.dispatchEvent(new Event("input", { bubbles: true }));
    select.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  /** Enter or E edits the focused claim of the user's list, Delete deletes it. */
  function actOnClaim(event) {
    const li = event.target.matches && event.target.matches(A.CLAIMS) ? event.target : null;
    if (!li || event.ctrlKey || event.altKey || event.metaKey) return false;
    let action = null;
    if (event.key === "Enter" || event.code === "KeyE") action = li.querySelector('.actions a[href$="/edit/"]');
    else if (event.key === "Delete") action = li.querySelector('.actions form[action$="/delete/"] button');
    if (!action) return false;
    event.preventDefault();
    htmx.process(li); // a list just swapped in may not be set up by htmx yet: no full page load
    action.click();
    return true;
  }

  function follow(id) {
    const link = document.getElementById(id);
    if (link) link.click();
  }

  document.addEventListener("keydown", (event) => {
    const f = A.form();
    if (chooseLabel(event) || actOnClaim(event)) return;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && f) {
      event.preventDefault();
      f.requestSubmit();
    } else if (event.key === "Escape") {
      A.cancel();
    } else if (event.altKey && !event.ctrlKey && !event.metaKey) {
      const action = { KeyC: A.toggleAnchoring, KeyT: () => el.focus(), KeyN: () => follow("next-article"), KeyP: () => follow("previous-article") }[event.code];
      if (action) {
        event.preventDefault();
        action();
      }
    } else if (!A.isTyping(event.target) && !event.ctrlKey && !event.metaKey) {
      if (event.code === "BracketRight") A.step(1);
      else if (event.code === "BracketLeft") A.step(-1);
    }
  });
})();
