// kehoach web: the little script the pages need. No framework, no build step.
// It only debounces typing and asks the server to read a deadline phrase; the server does
// the reading and the checks (the same code as `kehoach check`).
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const DELAY = 250; // ms after the last key press

  function phraseAlerts(input, data) {
    const box = input.parentElement.querySelector(".phrase-alerts");
    const out = document.getElementById(input.id + "-dates");
    if (out) out.textContent = data.dates || "";
    if (!box) return;
    box.replaceChildren();
    const path = input.dataset.path;
    const add = (cls, text) => {
      const p = document.createElement("p");
      p.className = cls;
      p.setAttribute("role", "alert");
      p.dataset.path = path;
      p.textContent = text;
      box.appendChild(p);
    };
    if (data.error) add("err", "Lỗi: " + (data.error_brief || data.error.split("\n")[0]));
    for (const w of data.warnings || []) add("warn", "Cảnh báo: " + w);
  }

  function yearOf(input) {
    const form = input.closest("form");
    const field = form && form.querySelector('[data-path="year"]');
    const y = parseInt((field && field.value) || (form && form.dataset.year) || "0", 10);
    return isNaN(y) ? 0 : y;
  }

  async function read(input) {
    const seq = (input._seq = (input._seq || 0) + 1);
    try {
      const res = await fetch("/api/thoi-han", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ phrase: input.value, year: yearOf(input) }),
        credentials: "same-origin",
      });
      if (!res.ok || seq !== input._seq) return; // a newer reading is on its way
      phraseAlerts(input, await res.json());
    } catch (e) {
      /* offline for a moment: the check on saving still runs */
    }
  }

  function watchPhrases(root) {
    for (const input of root.querySelectorAll("input[data-phrase]")) {
      let timer = null;
      input.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => read(input), DELAY);
      });
      if (input.value.trim()) read(input); // show the dates of what is already written
    }
  }

  function guardUnsaved(form) {
    const state = document.getElementById("save-state");
    let dirty = form.dataset.dirty === "1";
    form.addEventListener("input", () => {
      dirty = true;
      if (state) state.textContent = "Có thay đổi chưa lưu.";
    });
    form.addEventListener("submit", () => { dirty = false; });
    window.addEventListener("beforeunload", (e) => {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  function confirmButtons() {
    document.addEventListener("click", (e) => {
      const b = e.target.closest("[data-confirm]");
      if (b && !window.confirm(b.dataset.confirm)) e.preventDefault();
    });
  }

  function buildProgress() {
    for (const form of document.querySelectorAll("form.build-form")) {
      form.addEventListener("submit", () => {
        const p = form.querySelector(".progress");
        if (p) p.hidden = false;
        const b = form.querySelector("button[type=submit]");
        if (b) { b.disabled = true; b.textContent = "Đang dựng…"; }
        form.setAttribute("aria-busy", "true");
      });
    }
  }

  // "#dong-N" on the YAML page: put the cursor on line N of the text
  function gotoLine() {
    const m = /^#dong-(\d+)$/.exec(location.hash);
    const area = document.getElementById("yaml-text");
    if (!m || !area) return;
    const lines = area.value.split("\n");
    const n = Math.min(parseInt(m[1], 10), lines.length) - 1;
    const start = lines.slice(0, n).join("\n").length + (n > 0 ? 1 : 0);
    area.focus();
    area.setSelectionRange(start, start + lines[n].length);
    const lh = parseFloat(getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, n * lh - area.clientHeight / 3);
  }

  document.addEventListener("DOMContentLoaded", () => {
    gotoLine();
    window.addEventListener("hashchange", gotoLine);
    watchPhrases(document);
    const editor = document.getElementById("editor");
    if (editor) guardUnsaved(editor);
    confirmButtons();
    buildProgress();
  });
})();
