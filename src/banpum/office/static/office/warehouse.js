/* The scan page keeps the cursor in the scan field: after every lookup or receipt (an htmx
   swap) the field is emptied and focused again, so the next scan lands there; a short tone
   says found (high) or not (low) for a worker who is not looking at the screen.
   Loaded with defer, before htmx's own start: htmx's inline indicator style would break the
   content security policy (no inline style), so it is switched off here. */
(function () {
  "use strict";
  if (window.htmx) { window.htmx.config.includeIndicatorStyles = false; }

  function scanField() { return document.getElementById("scan-code"); }

  function refocus() {
    var field = scanField();
    if (!field) { return; }
    field.value = "";
    field.focus();
  }

  function tone(kind) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !kind) { return; }
    try {
      var context = new Context();
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.frequency.value = kind === "ok" ? 880 : kind === "warn" ? 660 : 220;
      oscillator.type = kind === "error" ? "square" : "sine";
      gain.gain.value = 0.08;
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start();
      oscillator.stop(context.currentTime + (kind === "error" ? 0.35 : 0.15));
    } catch (ignored) { /* no sound is fine */ }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var field = scanField();
    if (field) { field.focus(); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "scan-result") { return; }
    var banner = target.querySelector("[data-outcome]");
    tone(banner ? banner.getAttribute("data-outcome") : "");
    refocus();
  });
})();
