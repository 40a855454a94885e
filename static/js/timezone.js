// The browser's time zone, for a time zone select (#id_time_zone). Without JavaScript
// the select is there, set to the default.
// - Sign-up (the select has data-zone-from-browser): the browser's zone is set in place
//   of the default, for the learner to see and change before sending.
// - Review settings: the zone is offered, when it differs from the one saved; nothing
//   changes until the learner presses the button and saves.
(function () {
  var select = document.getElementById("id_time_zone");
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!select || !zone || select.value === zone) return;
  if (!Array.prototype.some.call(select.options, function (o) { return o.value === zone; })) return;
  if (select.hasAttribute("data-zone-from-browser")) {
    select.value = zone;
    return;
  }
  var note = document.getElementById("tz-suggestion");
  if (!note) return;
  note.hidden = false;
  note.textContent = "Your browser says your time zone is " + zone.replace(/_/g, " ") + ". ";
  var use = document.createElement("button");
  use.type = "button";
  use.className = "button small secondary";
  use.textContent = "Use it";
  use.addEventListener("click", function () { select.value = zone; note.hidden = true; select.focus(); });
  note.appendChild(use);
})();
