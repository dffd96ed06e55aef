// The room timeline re-reads itself when anyone books, cancels or checks in.
(function () {
  "use strict";
  var box = document.getElementById("room-timeline");
  if (!box || !window.IntranetLive) return;
  var pending = null;
  window.IntranetLive.follow("room:" + box.getAttribute("data-room"), function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      fetch(box.getAttribute("data-timeline-url"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html) { box.innerHTML = html; box.setAttribute("data-updated", String(Date.now())); } })
        .catch(function () {});
    }, 120);
  });
})();
