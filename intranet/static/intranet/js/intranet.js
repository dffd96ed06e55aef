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

  // Anchors land below the sticky header, whose height depends on the screen's width
  // (the CSS's scroll-padding-top reads --sticky-h).
  var header = document.querySelector(".site-header");
  function measureHeader() {
    if (header) {
      document.documentElement.style.setProperty("--sticky-h", header.offsetHeight + "px");
    }
  }
  measureHeader();
  window.addEventListener("resize", measureHeader);

  // A form that sends you back to a place on the page (#comment-12, #support): the
  // message saying what happened goes there too, not to the top of a long page.
  function bringMessagesToTarget() {
    var messages = document.querySelector("main .messages");
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!messages || !target || target.contains(messages)) return;
    // Inside the target, so that the browser's own jump to the anchor shows it too.
    if (/^(TABLE|TBODY|THEAD|TR)$/.test(target.nodeName)) {
      target = target.closest("table");
      target.parentNode.insertBefore(messages, target);
    } else {
      target.insertBefore(messages, target.firstChild);
    }
    messages.scrollIntoView({ block: "start" });
  }
  bringMessagesToTarget();

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
