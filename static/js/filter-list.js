// Progressive enhancement only: a text box that narrows a long list of checkboxes as you type.
// Without this file the whole list stays in view and the form works the same.
(function () {
  "use strict";

  document.querySelectorAll("[data-filter-list]").forEach(function (box) {
    var list = document.getElementById(box.getAttribute("data-filter-list"));
    var input = box.querySelector("input");
    var status = box.querySelector("[role=status]");
    if (!list || !input) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    var groups = list.querySelectorAll("fieldset");

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      // A chamber with nothing left to show would be an empty box under its heading.
      Array.prototype.forEach.call(groups, function (group) {
        group.hidden = !group.querySelector("li:not([hidden])");
      });
      if (status) {
        status.textContent = words.length
          ? (shown === 0 ? "Nothing matches." : shown + " of " + items.length + " shown.")
          : "";
      }
    }

    // Keep the "N of M chosen" count true as boxes are ticked, including boxes the filter hides.
    var chosen = document.querySelector('[data-chosen-count="' + list.id + '"]');
    if (chosen) {
      list.addEventListener("change", function () {
        chosen.textContent = String(list.querySelectorAll("input[type=checkbox]:checked").length);
      });
    }

    input.addEventListener("input", apply);
    // Enter in the filter means "that's my search", not "save the campaign".
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    box.hidden = false;
    apply();
  });
})();
