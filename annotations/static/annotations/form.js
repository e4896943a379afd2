/*
 * The claim form of the annotation page (after annotate.js): an unsaved new claim
 * kept as a draft in localStorage (by user and article, data-draft-key) and put
 * back after a reload, a question before leaving with unsaved work, labels back
 * to their defaults after each save unless "Keep labels" is on, the address bar
 * back on the article after an edit, and a confirmation before submitting.
 */
(function () {
  "use strict";
  const A = window.FactcheckAnnotate;
  const O = window.FactcheckOffsets;
  if (!A || !O || !A.hooks.draftKey) return;
  const { hooks, index } = A;
  const DRAFT = `factcheck-draft:${hooks.draftKey}`;
  // Fields that are no one's work: the form's tokens and the version it was made from.
  const IGNORED = ["csrfmiddlewaretoken", "client_token", "version"];
  const SPANS = [["start", "end", "quote"], ["source_start", "source_end", "source_quote"]];
  const keepLabels = () => document.getElementById("keep-labels");
  let labelDefaults = null; // the labels of a new claim's form, as the server first rendered them
  let defaults = {};
  let formSeen = null;

  function values(f) {
    const out = {};
    for (const field of f.elements) {
      if (field.name && !IGNORED.includes(field.name) && field.type !== "submit") out[field.name] = field.value;
    }
    return out;
  }

  /** What the form held when the server sent it: a new claim's form holds nothing but its default labels. */
  function capture(f) {
    formSeen = f;
    const now = values(f);
    const selects = Array.from(f.querySelectorAll("select[name]"));
    if (f.dataset.mode === "create" && !labelDefaults && !f.querySelector(".errors")) {
      labelDefaults = Object.fromEntries(selects.map((select) => [select.name, select.value]));
    }
    if (f.dataset.mode === "create") {
      defaults = Object.fromEntries(Object.keys(now).map((name) => [name, ""]));
      Object.assign(defaults, labelDefaults || {});
    } else {
      defaults = f.querySelector(".errors") ? {} : now; // an edit refused: all of it is unsaved work
    }
  }

  function hasWork() {
    const f = A.form();
    return !!f && !f.querySelector("fieldset[disabled]") && O.hasWork(values(f), defaults, IGNORED);
  }

  function saveDraft() {
    const f = A.form();
    if (!f || f.dataset.mode !== "create") return;
    if (hasWork()) localStorage.setItem(DRAFT, JSON.stringify(values(f)));
    else localStorage.removeItem(DRAFT);
  }

  /** Put a draft back into an empty new-claim form; a span that no longer fits the text is left out. */
  function restoreDraft() {
    const f = A.form();
    let draft = null;
    try {
      draft = JSON.parse(localStorage.getItem(DRAFT) || "null");
    } catch (error) {
      draft = null;
    }
    if (!draft || typeof draft !== "object" || !f || f.dataset.mode !== "create" || hasWork()) return;
    for (const [start, end, quote] of SPANS) {
      const s = Number(draft[start]);
      const e = Number(draft[end]);
      if (draft[start] === "" || !(Number.isInteger(s) && Number.isInteger(e) && s < e && index.quote(s, e) === draft[quote])) {
        for (const name of [start, end, quote]) delete draft[name];
      }
    }
    for (const field of f.elements) {
      if (field.name && !IGNORED.includes(field.name) && typeof draft[field.name] === "string") field.value = draft[field.name];
    }
    if (hasWork()) A.showNotice(hooks.draftRestored);
    A.showSelection();
  }

  /** After a new claim is saved: labels back to their defaults unless they are kept. */
  function afterCreate() {
    const f = A.form();
    if (!f) return;
    for (const name of ["start", "end", "quote", "source_start", "source_end", "source_quote", "note", "evidence", "source_name"]) {
      A.setValue(name, "");
    }
    if (keepLabels() && keepLabels().checked) {
      for (const select of f.querySelectorAll("select[name]")) defaults[select.name] = select.value;
    } else {
      for (const [name, value] of Object.entries(labelDefaults || {})) A.setValue(name, value);
    }
    localStorage.removeItem(DRAFT);
  }

  document.addEventListener("factcheck:refresh", () => {
    const f = A.form();
    if (f && f !== formSeen) capture(f);
    if (keepLabels()) keepLabels().checked = sessionStorage.getItem("keep-labels") === "1";
    // A form opened at /claims/<id>/edit/ and then saved or cancelled is the article's page again.
    const page = new URL(hooks.selectionUrl, location.href).pathname;
    if (f && f.dataset.mode === "create" && location.pathname !== page) history.replaceState(history.state, "", page);
  });
  document.addEventListener("factcheck:created", afterCreate);
  document.addEventListener("factcheck:cancel", () => localStorage.removeItem(DRAFT));
  document.addEventListener("change", (event) => {
    if (event.target.id === "keep-labels") sessionStorage.setItem("keep-labels", event.target.checked ? "1" : "");
  });
  for (const type of ["input", "change"]) {
    document.addEventListener(type, (event) => {
      if (event.target.form && event.target.form === A.form()) saveDraft();
    });
  }
  // The span fields change without an input event (the server's answers): save on leaving too.
  window.addEventListener("pagehide", saveDraft);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveDraft();
  });
  window.addEventListener("beforeunload", (event) => {
    saveDraft();
    if (hasWork()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.addEventListener("submit", (event) => {
    const submit = event.target.closest(".submit-article");
    if (submit && !window.confirm(submit.dataset.confirm)) event.preventDefault();
  });

  const f = A.form();
  if (f) capture(f);
  if (keepLabels()) keepLabels().checked = sessionStorage.getItem("keep-labels") === "1";
  restoreDraft();
})();
