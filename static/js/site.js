// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Quick exit: leave at once and replace this page in the history where the browser allows.
  document.querySelectorAll("[data-quick-exit]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(link.href);
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
