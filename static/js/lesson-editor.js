// The lesson form's helpers, on top of a form that works without them:
// - the body's preview pane follows the typing (rendered by the server, which cleans it);
// - a diagram's "Insert" button puts its [figure: name] line at the cursor;
// - "Add another key point" adds an empty pair of boxes.
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function setUpPreview(editor) {
    var source = editor.querySelector("textarea");
    var pane = editor.querySelector(".md-preview-pane");
    var url = editor.dataset.previewUrl;
    if (!source || !pane || !url || !source.form) return;
    var timer = null;
    var latest = 0;
    function refresh() {
      var body = new FormData();
      body.append("body_md", source.value);
      body.append("fragment", "1");
      if (editor.dataset.lesson) body.append("lesson", editor.dataset.lesson);
      var asked = ++latest;
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(source.form) },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          // Only the answer to the latest request: an older one may arrive last.
          // The HTML was cleaned by the server (nh3), as the lesson page's is.
          if (asked === latest) pane.innerHTML = html;
        })
        .catch(function () {
          if (asked === latest) pane.textContent = "The preview could not be updated. Your text is unchanged.";
        });
    }
    source.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
    refresh();
  }

  function insertAtCursor(textarea, line) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    // A figure is a line of its own, with blank lines around it.
    var lead = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var tail = after === "" || /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
    textarea.value = before + lead + line + tail + after;
    var cursor = (before + lead + line).length;
    textarea.setSelectionRange(cursor, cursor);
    textarea.focus();
    textarea.dispatchEvent(new Event("input"));
  }

  function setUpFigures(editor) {
    var textarea = editor.querySelector("textarea");
    editor.querySelectorAll(".md-insert").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        insertAtCursor(textarea, button.dataset.insert);
      });
    });
  }

  function setUpPairs(table) {
    var prefix = table.dataset.prefix;
    var body = table.querySelector("tbody");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button pair-add";
    button.textContent = "Add another key point";
    button.addEventListener("click", function () {
      var rows = body.querySelectorAll("tr");
      var n = rows.length;
      var row = rows[n - 1].cloneNode(true);
      row.querySelector("th").textContent = String(n + 1);
      row.querySelectorAll("textarea").forEach(function (box) {
        var side = box.name.endsWith("-front") ? "front" : "back";
        box.name = prefix + "-" + n + "-" + side;
        box.id = "id_" + box.name;
        box.value = "";
      });
      row.querySelectorAll("label").forEach(function (label) {
        var side = label.htmlFor.endsWith("-front") ? "front" : "back";
        label.htmlFor = "id_" + prefix + "-" + n + "-" + side;
        label.textContent = "Key point " + (n + 1) + ", " + side;
      });
      body.appendChild(row);
      row.querySelector("textarea").focus();
    });
    table.insertAdjacentElement("afterend", button);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".md-editor").forEach(function (editor) {
      setUpPreview(editor);
      setUpFigures(editor);
    });
    document.querySelectorAll(".pair-list").forEach(setUpPairs);
  });
})();
