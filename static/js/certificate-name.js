// Sign-up for health professionals: the name on certificates follows the full name as
// it is typed, until the learner writes a different one there (clearing it makes it
// follow again). Without JavaScript a blank name on certificates is the full name: the
// server fills it in, and the field's help text says so.
(function () {
  var name = document.getElementById("id_name");
  var printed = document.getElementById("id_certificate_name");
  if (!name || !printed) return;
  var follows = printed.value === "" || printed.value === name.value;
  name.addEventListener("input", function () {
    if (follows) printed.value = name.value;
  });
  printed.addEventListener("input", function () {
    follows = printed.value === "" || printed.value === name.value;
  });
})();
