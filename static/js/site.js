// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Quick exit: forget any draft kept in this tab, leave at once, replace this page in the
  // history, and leave no way Back. The control is a link with role="button", so it works without
  // this script too; here it also answers Space (as a button does), Esc anywhere but in a field
  // being typed in (where Esc keeps its own meaning: clearing a search box, say), and Shift pressed
  // three times in a row anywhere, fields included.
  var EXITED = "quick-exit";
  var exitControl = document.querySelector("[data-quick-exit]");
  var exitUrl = exitControl ? exitControl.href : "https://www.weather.gov/";

  // Each history entry remembers when it was first shown, so Back can tell the pages seen before
  // a quick exit (which must not come back) from pages opened afresh after it.
  try {
    if (!(window.history.state && window.history.state.seenAt)) {
      var stamped = Object.assign({}, window.history.state, { seenAt: Date.now() });
      window.history.replaceState(stamped, "");
    }
  } catch (e) { /* history may be locked down; Back then still leaves below */ }

  function leave(url) {
    try {
      window.sessionStorage.clear();
      // Remembered after clearing: if Back brings this tab to a page seen before now, it leaves again.
      window.sessionStorage.setItem(EXITED, JSON.stringify({ to: url, at: Date.now() }));
    } catch (e) { /* storage may be disabled */ }
    document.body.hidden = true; // nothing of this page is left to see, even from the page cache
    window.location.replace(url);
  }

  function arrivedThroughHistory(event) {
    if (event && event.persisted) { return true; }
    var entries = window.performance && window.performance.getEntriesByType ?
      window.performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].type === "back_forward";
  }

  function guardAgainstBack(event) {
    var exited = null;
    try { exited = JSON.parse(window.sessionStorage.getItem(EXITED) || "null"); } catch (e) { return; }
    if (!exited || !arrivedThroughHistory(event)) { return; }
    var seenAt = window.history.state && window.history.state.seenAt;
    if (!seenAt || seenAt <= exited.at) {
      document.body.hidden = true;
      window.location.replace(exited.to);
    }
  }
  window.addEventListener("pageshow", guardAgainstBack);

  if (exitControl) {
    exitControl.addEventListener("click", function (event) {
      event.preventDefault();
      leave(exitUrl);
    });
    exitControl.addEventListener("keydown", function (event) {
      if (event.key === " " || event.key === "Spacebar") {
        event.preventDefault(); // no page scroll: leave at once
        leave(exitUrl);
      }
    });
  }
  function editable(element) {
    if (!element || element === document.body) { return false; }
    if (element.isContentEditable) { return true; }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag !== "INPUT") { return false; }
    return ["button", "submit", "reset", "checkbox", "radio", "image", "file", "color", "range"]
      .indexOf((element.type || "text").toLowerCase()) === -1;
  }

  var SHIFTS_TO_LEAVE = 3;
  var SHIFT_WINDOW_MS = 5000; // three presses spread wider than this are not one deliberate gesture
  var shifts = [];
  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (event.repeat) { return; } // held down, not pressed again
      var now = Date.now();
      shifts = shifts.filter(function (at) { return now - at < SHIFT_WINDOW_MS; });
      shifts.push(now);
      if (shifts.length >= SHIFTS_TO_LEAVE) { leave(exitUrl); }
      return;
    }
    shifts = []; // any other key in between: not the gesture (typing capitals included)
    // Esc while typing in an input method (Chinese, Japanese, Korean…) cancels the composition.
    if (event.key !== "Escape" || event.isComposing || event.keyCode === 229 || event.repeat) { return; }
    if (event.defaultPrevented) { return; } // something on the page used Esc already
    if (editable(event.target)) { return; } // Esc clears a search box, closes a list: keep that
    event.preventDefault();
    leave(exitUrl);
  });

  // Keep whatever is scrolled to or focused clear of the header that stays at the top.
  var header = document.querySelector(".site-header");
  function reserveHeader() {
    if (!header || window.getComputedStyle(header).position !== "sticky") { return; }
    var room = Math.ceil(header.getBoundingClientRect().height) + 8;
    document.documentElement.style.setProperty("scroll-padding-top", room + "px");
  }
  reserveHeader();
  window.addEventListener("resize", reserveHeader);

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

  // Copy a field to the clipboard; a letter's subject goes first when the button names one.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    var subject = document.getElementById(button.getAttribute("data-copy-subject") || "");
    var status = document.querySelector(".copy-status");
    if (!target || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = subject ? "Subject: " + subject.textContent.trim() + "\n\n" + target.value : target.value;
      navigator.clipboard.writeText(text).then(function () {
        if (status) { status.textContent = button.getAttribute("data-copy-done") || "Copied."; }
      }, function () {
        target.select();
        if (status) { status.textContent = "Select the text and copy it with Ctrl+C (or ⌘C)."; }
      });
    });
  });

  // "Write about this" on a state page: choose the area in the page's one address box and go to it,
  // without loading the page again (the link does the same, through the server, without script).
  var lookupForm = document.querySelector("[data-lookup-form]");
  document.querySelectorAll("[data-write-about]").forEach(function (link) {
    var choice = lookupForm && lookupForm.querySelector("select[name=area]");
    var address = lookupForm && lookupForm.querySelector("input[name=address]");
    if (!choice || !address) { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      choice.value = link.getAttribute("data-write-about");
      try { window.history.replaceState(window.history.state, "", link.href); } catch (e) { /* cosmetic */ }
      // The box's heading and the chosen area in view, not just the field.
      (lookupForm.closest("section") || lookupForm).scrollIntoView({ block: "start" });
      address.focus({ preventScroll: true });
    });
  });

  // After a submit, take the reader to what changed: an error summary, or a preview.
  var arrival = document.querySelector("[data-autofocus]");
  if (arrival) {
    arrival.focus();
    arrival.scrollIntoView({ block: "start" });
  }

  // A send link used: tell the site (so it can ask "Did it send?"), show that question, and when the
  // writer comes back from their email app, reload: a copy that already confirmed the send answers it.
  document.querySelectorAll("[data-opened]").forEach(function (list) {
    list.querySelectorAll("[data-send]").forEach(function (link) {
      link.addEventListener("click", function () {
        var body = new FormData();
        body.append("csrf_token", list.getAttribute("data-token"));
        if (!(navigator.sendBeacon && navigator.sendBeacon(list.getAttribute("data-opened"), body))) {
          window.fetch(list.getAttribute("data-opened"), { method: "POST", body: body, keepalive: true });
        }
        var question = document.querySelector("[data-ask-for='" + list.getAttribute("data-letter") + "']");
        if (question) { question.hidden = false; }
        var away = false;
        function leaving() { away = true; }
        function back() {
          if (away && document.visibilityState === "visible") { window.location.reload(); }
        }
        window.addEventListener("blur", leaving);
        document.addEventListener("visibilitychange", function () {
          if (document.visibilityState === "hidden") { leaving(); } else { back(); }
        });
        window.addEventListener("focus", back);
      });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
