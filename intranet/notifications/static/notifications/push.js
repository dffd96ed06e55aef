// Registers this browser for Web Push: asks permission, subscribes with the server's
// VAPID key, and posts the subscription with the form (no inline script: CSP).
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function encode(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-push-register]");
    if (!form) return;
    var button = form.querySelector("[data-push-subscribe]");
    var supported = window.isSecureContext && "serviceWorker" in navigator &&
      "PushManager" in window && "Notification" in window;
    if (!supported || Notification.permission === "denied") {
      form.querySelector("[data-push-unsupported]").hidden = false;
      return;
    }
    button.disabled = false;

    form.addEventListener("submit", function (event) {
      if (form.elements.endpoint.value) return;  // subscribed: let the form go
      event.preventDefault();
      if (!form.reportValidity()) return;
      button.disabled = true;
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error("permission");
        return navigator.serviceWorker.register("/sw.js", { scope: "/" });
      }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(form.getAttribute("data-key"))
        });
      }).then(function (subscription) {
        form.elements.endpoint.value = subscription.endpoint;
        form.elements.p256dh.value = encode(subscription.getKey("p256dh"));
        form.elements.auth.value = encode(subscription.getKey("auth"));
        form.submit();
      }).catch(function () {
        button.disabled = false;
        form.querySelector("[data-push-unsupported]").hidden = false;
      });
    });
  });
})();
