// Passkeys (WebAuthn): asks the server for options, lets the browser create or use a
// credential, and posts its answer with the form (no inline script: CSP).
//   <form data-passkey="register|sign-in" data-options="URL"> with a hidden
//   "credential" field; [data-passkey-unsupported] is shown where WebAuthn is missing.
(function () {
  "use strict";

  function toBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: descriptors(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: descriptors(json.allowCredentials)
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    var response = credential.response, out = {};
    ["clientDataJSON", "attestationObject", "authenticatorData", "signature", "userHandle"].forEach(function (name) {
      if (response[name]) out[name] = toText(response[name]);
    });
    if (typeof response.getTransports === "function") out.transports = response.getTransports();
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: out,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function start(form) {
    var kind = form.getAttribute("data-passkey");
    var token = form.elements.csrfmiddlewaretoken.value;
    var status = form.querySelector("[data-passkey-status]");
    var buttons = form.querySelectorAll("button");
    function busy(on) { buttons.forEach(function (b) { b.disabled = on; }); }
    busy(true);
    if (status) status.hidden = true;
    fetch(form.getAttribute("data-options"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("options " + response.status);
      return response.json();
    }).then(function (json) {
      return kind === "register"
        ? navigator.credentials.create({ publicKey: creationOptions(json) })
        : navigator.credentials.get({ publicKey: requestOptions(json) });
    }).then(function (credential) {
      form.elements.credential.value = JSON.stringify(credentialJSON(credential));
      form.submit();
    }).catch(function () {
      busy(false);
      if (status) status.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var supported = window.isSecureContext && "PublicKeyCredential" in window;
    document.querySelectorAll("form[data-passkey]").forEach(function (form) {
      if (!supported) {
        var note = form.querySelector("[data-passkey-unsupported]");
        if (note) note.hidden = false;
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        return;
      }
      form.addEventListener("submit", function (event) {
        if (form.elements.credential.value) return;
        event.preventDefault();
        if (!form.reportValidity()) return;
        start(form);
      });
    });
  });
})();
