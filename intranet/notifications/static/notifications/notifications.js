// The notification list: say so when new notifications arrive while it is open.
// The list itself is server-rendered; this only shows a "表示する" link.
(function () {
  "use strict";
  var banner = document.querySelector("[data-new-notifications]");
  if (!banner) return;
  var text = banner.querySelector("[data-new-notifications-text]");
  var count = 0;
  document.addEventListener("intranet:notification", function () {
    count += 1;
    text.textContent = text.getAttribute("data-template").replace("{n}", String(count));
    banner.hidden = false;
  });
})();
