// Electronic approvals: one-tap actions with a confirmation dialog, live status of an
// open document, a small rich-text editor, and confirmations for risky buttons.
// Everything here is an enhancement: without JavaScript the links lead to
// confirmation pages and the editor is a plain textarea.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) { return ""; }
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function hidden(form, name, value) {
    if (value !== undefined && value !== null && value !== "") {
      form.appendChild(element("input", { type: "hidden", name: name, value: value }));
    }
  }

  var labels = {
    comment: document.documentElement.lang === "en" ? "Comment" : "意見・理由",
    reason: document.documentElement.lang === "en" ? "Reason (required)" : "理由（必須）",
    confirm: document.documentElement.lang === "en" ? "Confirm" : "確定する",
    cancel: document.documentElement.lang === "en" ? "Cancel" : "やめる",
    more: document.documentElement.lang === "en" ? "Choose where to return it" : "差戻し先を選ぶ"
  };

  // One tap opens the dialog; the second tap (確定) posts the action.
  function openDialog(link) {
    var dialog = element("dialog", { "class": "confirm-dialog", "data-testid": "confirm-dialog", "aria-labelledby": "confirm-dialog-title" });
    var form = element("form", { method: "post", action: link.getAttribute("href").split("?")[0] });
    form.appendChild(element("h2", { id: "confirm-dialog-title" }, link.getAttribute("data-title") || link.textContent));
    hidden(form, "csrfmiddlewaretoken", csrfToken());
    hidden(form, "step", link.getAttribute("data-step"));
    hidden(form, "version", link.getAttribute("data-version"));
    hidden(form, "return_to", link.getAttribute("data-return"));
    var needsReason = link.getAttribute("data-needs-reason") === "true";
    var field = element("div", { "class": "form-field" });
    field.appendChild(element("label", { "for": "confirm-comment" }, needsReason ? labels.reason : labels.comment));
    var textarea = element("textarea", { id: "confirm-comment", name: "comment", rows: "3", "data-testid": "confirm-comment" });
    if (needsReason) textarea.required = true;
    field.appendChild(textarea);
    form.appendChild(field);
    if (link.getAttribute("data-choose-target") === "true") {
      var more = element("p", { "class": "small" });
      more.appendChild(element("a", { href: link.getAttribute("href") }, labels.more));
      form.appendChild(more);
    }
    var buttons = element("div", { "class": "form-actions" });
    var cancel = element("button", { type: "button", "class": "button button--secondary" }, labels.cancel);
    var style = link.classList.contains("button--danger") ? " button--danger" : link.classList.contains("button--ok") ? " button--ok" : "";
    var submit = element("button", { type: "submit", "class": "button" + style, "data-testid": "confirm-action" }, labels.confirm);
    buttons.appendChild(cancel);
    buttons.appendChild(submit);
    form.appendChild(buttons);
    form.addEventListener("submit", function () { submit.disabled = true; });
    cancel.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); });
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    dialog.showModal();
    (needsReason ? textarea : submit).focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-quick-action]");
    if (link && typeof HTMLDialogElement === "function") {
      event.preventDefault();
      openDialog(link);
    }
    // [data-confirm] is asked once, by intranet.js, for every page.
  });

  // Live status: another person acted on the document that is open here.
  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector("[data-live-topic]");
    if (page && window.IntranetLive) {
      var version = Number(page.getAttribute("data-version"));
      window.IntranetLive.follow(page.getAttribute("data-live-topic"), function (event) {
        if (event && event.version && Number(event.version) > version) {
          var banner = page.querySelector("[data-live-banner]");
          if (banner) banner.hidden = false;
        }
      });
    }
    document.querySelectorAll("textarea[data-rich-text]").forEach(enhanceEditor);

    // 一括承認 only once something is chosen.
    var bulk = document.querySelector("[data-bulk-submit]");
    if (bulk) {
      var checks = document.querySelectorAll("input[name=steps][form=bulk-form]");
      var update = function () {
        bulk.disabled = !Array.prototype.some.call(checks, function (box) { return box.checked; });
      };
      checks.forEach(function (box) { box.addEventListener("change", update); });
      update();
    }
  });

  // A small rich-text editor. The server sanitises whatever arrives (nh3).
  function enhanceEditor(textarea) {
    var tools = [
      ["bold", "B", "太字"], ["italic", "I", "斜体"], ["underline", "U", "下線"],
      ["formatBlock:h3", "H", "見出し"], ["insertUnorderedList", "・", "箇条書き"],
      ["insertOrderedList", "1.", "番号付き"], ["formatBlock:blockquote", "❝", "引用"],
      ["removeFormat", "⌫", "書式を消す"]
    ];
    var wrapper = element("div", { "class": "rte" });
    var toolbar = element("div", { "class": "rte__toolbar", role: "toolbar", "aria-label": "書式" });
    var area = element("div", {
      "class": "rte__area rich-text", contenteditable: "true", role: "textbox",
      "aria-multiline": "true", "aria-label": textarea.labels && textarea.labels[0] ? textarea.labels[0].textContent : "本文",
      "data-testid": "rich-text"
    });
    area.innerHTML = textarea.value;  // the value is the server's sanitised HTML
    tools.forEach(function (tool) {
      var button = element("button", { type: "button", title: tool[2], "aria-label": tool[2] }, tool[1]);
      button.addEventListener("click", function () {
        var parts = tool[0].split(":");
        area.focus();
        document.execCommand(parts[0], false, parts[1] ? "<" + parts[1] + ">" : null);
        sync();
      });
      toolbar.appendChild(button);
    });
    function sync() { textarea.value = area.innerHTML; }
    area.addEventListener("input", sync);
    area.addEventListener("blur", sync);
    textarea.form && textarea.form.addEventListener("submit", sync);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(area);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(wrapper, textarea.nextSibling);
  }
})();
