/* Escalations pages: live SLA countdowns and htmx error fragments. No framework. */
(function () {
  "use strict";
  if (window.escalationsPages) return; // included by several templates; run once
  window.escalationsPages = true;

  // "2d 3h", "1h 05m", "12m 30s", "45s" (same shape as the server's first render).
  function humanize(seconds) {
    seconds = Math.floor(Math.abs(seconds));
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var secs = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    if (days) return days + "d " + hours + "h";
    if (hours) return hours + "h " + pad(minutes) + "m";
    if (minutes) return minutes + "m " + pad(secs) + "s";
    return secs + "s";
  }

  // Each [data-due] holds an ISO 8601 UTC instant; [data-amber] the instant a quarter of
  // the working-time target is left (computed on the server from the business calendar).
  function tick() {
    var now = Date.now();
    var nodes = document.querySelectorAll(".countdown[data-due]");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) continue;
      var amber = Date.parse(el.getAttribute("data-amber") || "");
      var left = (due - now) / 1000;
      var state, text;
      if (left <= 0) {
        state = "breached";
        // [data-past] words a passed due time ("due 5m ago" for a UFL attempt, issue 11).
        text = (el.getAttribute("data-past") || "breached") + " " + humanize(left) + " ago";
      } else {
        state = !isNaN(amber) && now >= amber ? "amber" : "ok";
        text = "due in " + humanize(left);
      }
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("countdown-breached", state === "breached");
      el.classList.toggle("countdown-amber", state === "amber");
      el.classList.toggle("countdown-ok", state === "ok");
      el.setAttribute("data-state", state);
    }
  }

  // A refused action answers 400/403/409 with a fragment that explains why: show it in
  // place instead of dropping it (htmx ignores error responses by default).
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 400 || status === 403 || status === 409 || status === 422) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // Queue bulk bar (leads): "select all" and the count of ticked rows. Without
  // JavaScript the bar still posts; the server answers "Select at least one case".
  function bulkBoxes() {
    return document.querySelectorAll('input[type="checkbox"][name="case"][form="queue-bulk"]');
  }
  function bulkRefresh() {
    var bar = document.getElementById("queue-bulk");
    if (!bar) return;
    var boxes = bulkBoxes();
    var ticked = 0;
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) ticked++;
    var count = bar.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = ticked ? ticked + " selected:" : "Tick cases below, then:";
    }
    var actions = bar.querySelectorAll("[data-bulk-action]");
    for (var j = 0; j < actions.length; j++) actions[j].disabled = ticked === 0;
    var all = document.querySelector("[data-bulk-all]");
    if (all) {
      all.hidden = false;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }
  document.addEventListener("change", function (evt) {
    var target = evt.target;
    if (target.matches && target.matches("[data-bulk-all]")) {
      var boxes = bulkBoxes();
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = target.checked;
    }
    if (target.matches && target.matches('[data-bulk-all], input[name="case"][form="queue-bulk"]')) {
      bulkRefresh();
    }
  });
  document.addEventListener("htmx:afterSettle", bulkRefresh);

  function start() {
    tick();
    bulkRefresh();
    window.setInterval(tick, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
