// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Close an open <details> menu on Escape or a click outside it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[open].user-menu").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[open].user-menu").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // The installable app: one service worker for the whole site (static files and the
  // offline page only; see /sw.js).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }

  // Buttons that ask before acting: <button data-confirm="…">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Character counters: <textarea data-maxchars="2000"> with a
  // <p data-counter-for="its id">. Text over the limit is kept (never cut); the
  // server refuses it with a message, and the counter says so before sending.
  function updateCounter(field) {
    var counter = document.querySelector('[data-counter-for="' + field.id + '"]');
    if (!counter) return;
    var max = parseInt(field.getAttribute("data-maxchars"), 10);
    var count = Array.from(field.value).length;
    counter.textContent = count + " / " + max;
    counter.classList.toggle("counter--over", count > max);
  }
  document.querySelectorAll("[data-maxchars]").forEach(updateCounter);
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-maxchars]")) {
      updateCounter(event.target);
    }
  });
})();
