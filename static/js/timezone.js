// Offer the browser's time zone when it differs from the one saved. Nothing changes
// until the learner presses the button and saves; without JavaScript the list is there.
(function () {
  var select = document.getElementById("id_time_zone");
  var note = document.getElementById("tz-suggestion");
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!select || !note || !zone || select.value === zone) return;
  if (!Array.prototype.some.call(select.options, function (o) { return o.value === zone; })) return;
  note.hidden = false;
  note.textContent = "Your browser says your time zone is " + zone.replace(/_/g, " ") + ". ";
  var use = document.createElement("button");
  use.type = "button";
  use.className = "button small secondary";
  use.textContent = "Use it";
  use.addEventListener("click", function () { select.value = zone; note.hidden = true; select.focus(); });
  note.appendChild(use);
})();
