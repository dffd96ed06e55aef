// Booking form: show the weekday and end-date fields only when repeating.
(function () {
  "use strict";
  var repeat = document.querySelector("select[name=repeat]");
  var extra = document.querySelector("[data-repeat-only]");
  if (!repeat || !extra) return;
  function sync() { extra.hidden = !repeat.value; }
  repeat.addEventListener("change", sync);
  sync();
})();
