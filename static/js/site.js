// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Quick exit: forget any draft kept in this tab, leave at once, and replace this page in the
  // history where the browser allows.
  document.querySelectorAll("[data-quick-exit]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      try { window.sessionStorage.clear(); } catch (e) { /* storage may be disabled */ }
      window.location.replace(link.href);
    });
  });

  // Keep what the writer typed if the page reloads: in this tab only, gone when the tab closes.
  document.querySelectorAll("form[data-keep]").forEach(function (form) {
    var key = "draft:" + form.getAttribute("data-keep");
    var fields = form.querySelectorAll("input[type=text], input[type=email], textarea");
    var saved = {};
    try { saved = JSON.parse(window.sessionStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
    fields.forEach(function (field) {
      if (!field.value && saved[field.name]) { field.value = saved[field.name]; }
      field.addEventListener("input", function () {
        saved[field.name] = field.value;
        try { window.sessionStorage.setItem(key, JSON.stringify(saved)); } catch (e) { /* full or disabled */ }
      });
    });
  });

  // Copy a letter's subject and text to the clipboard.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.querySelector(".copy-status");
    if (!target || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.value).then(function () {
        if (status) { status.textContent = "Copied. Paste it into your email or document."; }
      }, function () {
        target.select();
        if (status) { status.textContent = "Select the text and copy it with Ctrl+C (or ⌘C)."; }
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
