// Keyboard shortcuts for the review session: 1-4 rate, space shows the answer or moves
// on, u undoes the last answer. Everything works without this file; it only presses the
// buttons for you.
// The shortcuts act only when focus is not in a form field (typing an email address in
// the footer must never rate a card), and a learner can turn them off (WCAG 2.1.4).
(function () {
  var KEY = "review-shortcuts-off";
  var root = document.documentElement;

  function off() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function show() {
    root.classList.toggle("shortcuts-on", !off());
    var toggle = document.getElementById("shortcut-toggle");
    if (toggle) {
      toggle.textContent = off() ? "Turn keyboard shortcuts on" : "Turn keyboard shortcuts off";
      toggle.setAttribute("aria-pressed", off() ? "false" : "true");
    }
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest(
      'input:not([type=radio]):not([type=checkbox]):not([type=submit]):not([type=button]),' +
      " textarea, select, [contenteditable]"
    );
  }

  document.addEventListener("keydown", function (event) {
    if (off() || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var tag = (event.target.tagName || "").toLowerCase();
    var target = null;
    if (/^[1-4]$/.test(event.key)) {
      // Rate a key point 1–4; on a quiz card, 1–3 say how sure you are.
      target = document.querySelector('[data-rating="' + event.key + '"]') ||
        document.querySelector('[data-confidence="' + event.key + '"]');
    } else if (event.key === "u") {
      target = document.querySelector('[data-key="u"]');  // undo the last answer
    } else if (event.key === " " && ["input", "button", "a", "summary"].indexOf(tag) < 0) {
      target = document.querySelector('[data-key=" "]');
    }
    if (target) {
      event.preventDefault();
      target.click();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("shortcut-settings");
    if (holder) {
      var button = document.createElement("button");
      button.type = "button";
      button.id = "shortcut-toggle";
      button.className = "link-button muted";
      button.addEventListener("click", function () {
        try {
          if (off()) { window.localStorage.removeItem(KEY); } else { window.localStorage.setItem(KEY, "1"); }
        } catch (e) { /* private mode: nothing to remember */ }
        show();
      });
      holder.appendChild(button);
      holder.hidden = false;
    }
    show();
  });
})();
