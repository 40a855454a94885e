// Keyboard shortcuts for the review session: 1-4 rate, space shows the answer or moves
// on. Everything works without this file; it only presses the buttons for you.
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  var tag = (event.target.tagName || "").toLowerCase();
  if (tag === "textarea" || tag === "select" || (tag === "input" && event.target.type === "text")) return;
  var target = null;
  if (/^[1-4]$/.test(event.key)) {
    target = document.querySelector('[data-rating="' + event.key + '"]');
  } else if (event.key === " " && tag !== "input" && tag !== "button" && tag !== "a") {
    target = document.querySelector('[data-key=" "]');
  }
  if (target) {
    event.preventDefault();
    target.click();
  }
});
